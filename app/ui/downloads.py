"""Download buttons for the reports. Large workbooks are prepared with a progress bar first; PDFs are
generated when the button is clicked."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import streamlit as st

from app.exports import ods
from app.services.context import Actor
from app.services.documents import company_reports, reports
from app.services.errors import ServiceError
from app.services.oversight.filters import Filters
from app.ui.session import lang, tr
from app.ui.widgets import service_error

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def excel_download(
    actor: Actor, period_id: int, period_name: str, filters: Filters, filters_text: str
) -> None:
    key = f"xlsx_{period_id}_{hash(filters)}_{lang()}"
    if key not in st.session_state and st.button(
        tr("download.prepare_xlsx"), icon=":material/table_view:", key="prepare_xlsx"
    ):
        bar = st.progress(0.0, text=tr("download.preparing"))

        def progress(done: int, total: int) -> None:
            bar.progress(
                min(1.0, done / total) if total else 1.0, text=tr("download.rows", done=done, total=total)
            )

        try:
            data, rows = reports.export_overview_xlsx(
                actor, period_id, filters, lang(), filters_text, progress
            )
        except ServiceError as error:
            service_error(error)
            return
        bar.empty()
        _keep_one("xlsx_", key, (data, rows))
    if key in st.session_state:
        data, rows = st.session_state[key]
        st.download_button(
            tr("download.xlsx", rows=rows),
            data,
            file_name=file_name("zonerisk", period_name, extension="xlsx"),
            mime=XLSX,
            icon=":material/download:",
            key="download_xlsx",
            on_click="ignore",  # no rerun: a second quick download still works
        )
        if ods.available():
            st.download_button(
                tr("download.ods"),
                lambda: ods.to_ods(data),
                file_name=file_name("zonerisk", period_name, extension="ods"),
                mime="application/vnd.oasis.opendocument.spreadsheet",
                icon=":material/download:",
                key="download_ods",
                on_click="ignore",
            )


def _keep_one(prefix: str, key: str, value: object) -> None:
    """A session holds one prepared file of a kind (the latest filters' workbook, one preview), not
    one per filter tried: a session's memory stays bounded however long the official browses."""
    for stale in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix) and k != key]:
        del st.session_state[stale]
    st.session_state[key] = value


def pdf_download(label: str, file_name: str, make: Callable[[], bytes], key: str) -> None:
    st.download_button(
        label,
        make,
        file_name=file_name,
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        key=key,
        on_click="ignore",  # no rerun: a second quick download still works
    )


def pdf_preview(make: Callable[[], bytes], key: str) -> None:
    """The report shown on the page before it is downloaded (`st.pdf`). Made once per session and
    key; a preview is not an export, so it takes no register number and is not logged."""
    if not st.toggle(tr("download.preview"), key=f"{key}_show"):
        return
    cache_key = f"{key}_preview_{lang()}"
    if cache_key not in st.session_state:
        with st.spinner(tr("download.preparing")):
            try:
                _keep_one(f"{key}_preview_", cache_key, make())
            except ServiceError as error:
                service_error(error)
                return
    st.pdf(st.session_state[cache_key], height=640, key=f"pdfview-{key}")


def file_name(*parts: str, extension: str) -> str:
    """A file name a person recognises in their downloads folder, in plain ASCII every system
    keeps: "phieu-danh-gia-2400812345-tuan-49-2026.pdf", not "zonerisk-1-3189.pdf"."""
    words = []
    for part in parts:
        plain_text = unicodedata.normalize("NFKD", part.split(" (")[0].replace("đ", "d").replace("Đ", "D"))
        ascii_text = plain_text.encode("ascii", "ignore").decode().lower()
        words.append(re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-"))
    return "-".join(w for w in words if w) + "." + extension


def company_pdf_download(actor: Actor, assessment_id: int, round_name: str, tax_code: str = "") -> None:
    """The company's assessment report, for the company (Result) and for officials (Company detail),
    named by what it is: the form, the company's tax code for an official, the round."""
    language = lang()
    pdf_download(
        tr("download.company_pdf"),
        file_name(tr("download.company_file"), tax_code, round_name, extension="pdf"),
        lambda: company_reports.export_company_pdf(actor, assessment_id, language),
        key="company_pdf",
    )
