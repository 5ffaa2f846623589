"""Evidence files are judged by their content: what passes, what is refused whatever its name, and
what a hostile name becomes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.inspection.evidence import MAX_NAME, safe_name, sniff

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 50
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 50
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
