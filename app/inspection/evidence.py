"""What an uploaded evidence file is, by its first bytes, not by its name or the browser's word: a
JPEG, PNG or WebP photo, or a PDF. Anything else (HTML, SVG, scripts, archives) is refused, and a
name is cut down to something safe to show and to offer as a download. Pure."""

from __future__ import annotations

import re
import unicodedata

MAX_BYTES = 5 * 1024 * 1024
MAX_NAME = 120
SIGNATURES: tuple[tuple[str, bytes, int], ...] = (
    ("image/jpeg", b"\xff\xd8\xff", 0),
    ("image/png", b"\x89PNG\r\n\x1a\n", 0),
    ("application/pdf", b"%PDF-", 0),
)
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}
UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


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
