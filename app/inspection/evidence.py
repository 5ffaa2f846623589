"""What an uploaded evidence file is, by its first bytes, not by its name or the browser's word: a
JPEG, PNG or WebP photo, or a PDF. Anything else (HTML, SVG, scripts, archives) is refused, and a
name is cut down to something safe to show and to offer as a download. A photo must also decode
whole, within a pixel budget: an 84-byte "JPEG" broke the evidence section, and a 258 kB PNG of
9,400 × 9,400 pixels took 216 MB each time it was shown. Pages show a small JPEG made from it.
Pure (Pillow, no database or Streamlit)."""

from __future__ import annotations

import io
import re
import unicodedata
import warnings

from PIL import Image, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_NAME = 120
SIGNATURES: tuple[tuple[str, bytes, int], ...] = (
    ("image/jpeg", b"\xff\xd8\xff", 0),
    ("image/png", b"\x89PNG\r\n\x1a\n", 0),
    ("application/pdf", b"%PDF-", 0),
)
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}
UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)
MAX_PIXELS = 40_000_000  # a 48 MP phone photo is 8,000 × 6,000; phones save 12 MP by default
PREVIEW_SIDE = 1280  # the longest side of what a page shows


class UnreadablePhoto(ValueError):
    """The photo does not decode, or holds more pixels than MAX_PIXELS."""


def _open(data: bytes) -> Image.Image:
    """The image, its size checked against the budget before a pixel is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombWarning) as error:
        raise UnreadablePhoto(str(error)) from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise UnreadablePhoto(f"{width} × {height} pixels")
    return image


def check_photo(data: bytes) -> None:
    """Raise UnreadablePhoto unless the photo decodes whole within the pixel budget."""
    image = _open(data)
    try:
        image.load()
    except (OSError, ValueError, SyntaxError) as error:  # truncated or corrupt
        raise UnreadablePhoto(str(error)) from None


def preview(data: bytes) -> bytes:
    """A JPEG at most PREVIEW_SIDE pixels on its longest side, for a page (JPEG photos are
    decoded at reduced size, so a large one costs little); UnreadablePhoto if it does not decode."""
    image = _open(data)
    try:
        image.draft("RGB", (PREVIEW_SIDE, PREVIEW_SIDE))  # JPEG: decode at 1/2, 1/4 or 1/8 scale
        image = image.convert("RGB")
        image.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=82)
    except (OSError, ValueError, SyntaxError) as error:
        raise UnreadablePhoto(str(error)) from None
    return out.getvalue()


def sniff(data: bytes) -> str | None:
    """The media type the content shows, or None when it is not one we accept."""
    for media_type, magic, offset in SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def safe_name(name: str, media_type: str) -> str:
    """The last path component, control and unsafe characters dropped, shortened, and ending in the
    extension of what the content is (a "photo.html" that is a JPEG is offered as "photo.html.jpg")."""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    base = UNSAFE.sub("_", base).strip(" ._") or "evidence"
    extension = EXTENSIONS[media_type]
    if not base.lower().endswith(extension):
        base += extension
    if len(base) > MAX_NAME:
        base = base[: MAX_NAME - len(extension)] + extension
    return base
