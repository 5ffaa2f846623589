"""Streamlit's own English words, replaced in the page's language. The file uploader's button and
its size line are drawn by Streamlit's frontend with no parameter for their text, so they are
hidden by CSS and our words shown in their place (as CSS content, which a screen reader reads)."""

from __future__ import annotations

import streamlit as st

from app.config import get_settings
from app.ui.session import tr


def _css_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# a row of columns holding headline figures (st.metric)
_FIGURES = '[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"])'


def localize_streamlit_defaults() -> None:
    from app.inspection.evidence import MAX_BYTES

    upload = _css_text(tr("upload.button"))
    nothing = _css_text(tr("common.no_match"))
    limit = _css_text(tr("upload.limit", mb=get_settings().max_upload_mb))
    # an inspection's photos have their own, smaller limit: its drop zone says that one
    photos = _css_text(tr("upload.limit", mb=MAX_BYTES // 2**20))
    st.html(
        f"""<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button span[data-has-shortcut]::after {{ content: {upload}; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{ content: {limit}; }}
/* a choice's search that finds nothing: Streamlit writes "No results" */
[role="listbox"][data-empty="true"] [role="option"] > span {{ display: none; }}
[role="listbox"][data-empty="true"]::after {{
  content: {nothing}; display: block; padding: 0.5rem 1rem; opacity: 0.7;
}}
/* a long figure ("Đã nộp – chờ duyệt", "1999 days overdue", "195 (60,0 %)") wraps in its column
   instead of ending in "…" at 1366 px or running past a phone's edge */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] *,
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {{
  white-space: normal !important; overflow-wrap: anywhere; text-overflow: clip !important;
}}
@media (max-width: 640px) {{
  /* headline figures two to a row on a phone, not one under another (the Overview ran 3,000 px) */
  {_FIGURES} {{ flex-wrap: wrap; gap: 0.5rem; }}
  {_FIGURES} > [data-testid="stColumn"] {{
    flex: 1 1 calc(50% - 0.5rem) !important; min-width: calc(50% - 0.5rem) !important;
  }}
  [data-testid="stMetricValue"], [data-testid="stMetricValue"] * {{ font-size: 1.5rem; }}
  /* a report's preview drawn at the page's width: the viewer draws an A4 page 800 px wide, and a
     phone showed half of it in a box scrolled sideways */
  [class*="st-key-pdfview-"] {{ zoom: 0.55; }}
}}
[class*="st-key-i_files_"] [data-testid="stFileUploaderDropzoneInstructions"] > div::after {{
  content: {photos};
}}
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


_TO_TOP = """<script>
(() => {
  const top = () => {
    const main = document.querySelector('[data-testid="stMain"]');
    if (main) main.scrollTo({top: 0});
    window.scrollTo({top: 0});
  };
  // now, and again once the section has been drawn below (it streams in after this element)
  top();
  for (const later of [150, 400, 900]) setTimeout(top, later);
})();
</script>"""


def ask_for_top() -> None:
    """The next run starts the page at its top (see `scroll_to_top`)."""
    st.session_state["zr_to_top"] = st.session_state.get("zr_to_top", 0) + 1


def scroll_to_top() -> None:
    """After "save and continue" the next section starts at the top of the screen, not where the
    button was (mid-page on a phone). A new token mounts a new element, whose script runs once;
    the element stays while its token does (a rerun that dropped it before the browser drew it
    lost the scroll on a busy machine), and reruns leave a mounted script alone."""
    token = st.session_state.get("zr_to_top")
    if token is None:
        return
    with st.container(key=f"zr-top-{token}", height=1, border=False):
        # the token in the script's text too: a changed text is a new script, run again
        st.html(
            _TO_TOP.replace("(() => {", f"(() => {{ /* {int(token)} */", 1),
            unsafe_allow_javascript=True,
            width=1,
        )
