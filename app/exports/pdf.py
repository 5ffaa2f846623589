"""PDF reports: the chairman's report and a company's assessment report (`pdf_chairman.py`,
`pdf_company.py`), on the shared pieces of `pdf_base.py`."""

from __future__ import annotations

from app.exports.pdf_base import register_fonts
from app.exports.pdf_chairman import chairman_pdf
from app.exports.pdf_company import company_pdf

__all__ = ["chairman_pdf", "company_pdf", "register_fonts"]
