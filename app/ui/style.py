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


_CLOSE_SIDEBAR_ON_PHONES = """<script>
(() => {
  if (window.innerWidth > 640) return;
  const control = document.querySelector('[data-testid="stSidebarCollapseButton"]');
  const close = control && (control.matches('button') ? control : control.querySelector('button'));
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  if (close && sidebar && sidebar.getBoundingClientRect().right > 0) close.click();
})();
</script>"""


def close_sidebar_after_navigation(page_path: str) -> None:
    """On a phone the sidebar covers the page; after a page was chosen in it, close it. The
    script's text names the page, so it runs once per page switch, not on every rerun (for
    instance when the language is switched in the open sidebar). A constant script: no user text."""
    # a container keyed by the page: a new page mounts a new element, whose script then runs
    with st.container(
        key=f"zr-nav-{''.join(c for c in page_path if c.isalnum()) or 'home'}", height=1, border=False
    ):
        st.html(_CLOSE_SIDEBAR_ON_PHONES, unsafe_allow_javascript=True, width=1)
