"""Evidence files are judged by their content: what passes, what is refused whatever its name, and
what a hostile name becomes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.inspection.evidence import (
    MAX_NAME,
    PREVIEW_SIDE,
    UnreadablePhoto,
    check_photo,
    preview,
    safe_name,
    sniff,
)


def photo(width: int = 64, height: int = 48, kind: str = "JPEG") -> bytes:
    """A real photo, as a phone would send one (a gradient, so it compresses like one)."""
    import io

    from PIL import Image

    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


JPEG = photo()
PNG = photo(kind="PNG")
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"1 0 obj" * 5
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40


@pytest.mark.parametrize(
    ("data", "media_type"),
    [(JPEG, "image/jpeg"), (PNG, "image/png"), (PDF, "application/pdf"), (WEBP, "image/webp")],
)
def test_accepted_by_content(data: bytes, media_type: str) -> None:
    assert sniff(data) == media_type


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"MZ\x90\x00\x03",  # a Windows program
        b"PK\x03\x04",  # a zip
        b"",
        b"GIF89a",
        b"\xef\xbb\xbf%PDF-1.7",  # a PDF signature that does not start the file
    ],
)
def test_refused_whatever_it_is_called(data: bytes) -> None:
    assert sniff(data) is None


def test_hostile_names_become_safe() -> None:
    assert safe_name("../../etc/passwd", "image/jpeg") == "passwd.jpg"
    assert safe_name("C:\\Windows\\evil.exe", "application/pdf") == "evil.exe.pdf"
    assert safe_name("ảnh nhà ăn\x00<script>.html", "image/png") == "ảnh nhà ăn_script_.html.png"
    assert safe_name("   ", "image/png") == "evidence.png"
    assert (
        safe_name("photo.JPG", "image/jpeg") == "photo.JPG.jpg"
        or safe_name("photo.jpg", "image/jpeg") == "photo.jpg"
    )


@given(st.text(max_size=400), st.sampled_from(["image/jpeg", "image/png", "image/webp", "application/pdf"]))
def test_any_name_is_short_flat_and_typed(name: str, media_type: str) -> None:
    safe = safe_name(name, media_type)
    assert 0 < len(safe) <= MAX_NAME
    assert "/" not in safe and "\\" not in safe and not any(ord(c) < 32 for c in safe)
    assert "<" not in safe and ">" not in safe and '"' not in safe
    assert safe.endswith(
        {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}[
            media_type
        ]
    )


def test_a_photo_must_decode_whole_within_the_pixel_budget() -> None:
    check_photo(JPEG)
    check_photo(PNG)
    fake = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 72  # 84 bytes that only start like a JPEG
    truncated = photo(800, 600)[:2000]
    for broken in (fake, truncated):
        assert sniff(broken) == "image/jpeg"
        with pytest.raises(UnreadablePhoto):
            check_photo(broken)
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (9400, 9400)).save(out, "PNG")  # one colour: a few kB on disk, 88 MP decoded
    assert len(out.getvalue()) < 300_000
    with pytest.raises(UnreadablePhoto, match="9400"):
        check_photo(out.getvalue())


def test_a_page_shows_a_small_jpeg_of_any_photo() -> None:
    import io

    from PIL import Image

    for data in (photo(4000, 3000), photo(3000, 4000, "PNG"), photo(300, 200)):
        shown = Image.open(io.BytesIO(preview(data)))
        assert shown.format == "JPEG" and max(shown.size) <= PREVIEW_SIDE
    with pytest.raises(UnreadablePhoto):
        preview(b"\xff\xd8\xff\xe0" + b"\x00" * 80)
