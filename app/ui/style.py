"""Streamlit's own English words, replaced in the page's language. The file uploader's button and
its size line are drawn by Streamlit's frontend with no parameter for their text, so they are
hidden by CSS and our words shown in their place (as CSS content, which a screen reader reads)."""

from __future__ import annotations

import streamlit as st

from app.config import get_settings
from app.ui.session import tr


def _css_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def localize_streamlit_defaults() -> None:
    upload = _css_text(tr("upload.button"))
    limit = _css_text(tr("upload.limit", mb=get_settings().max_upload_mb))
    st.html(
        f"""<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button span[data-has-shortcut]::after {{ content: {upload}; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{ content: {limit}; }}
</style>"""
    )
