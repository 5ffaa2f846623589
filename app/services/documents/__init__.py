"""Documents that leave the system: the officials' workbook, the chairman's report, a company's report,
the register that numbers them, the export log, and the signed links /verify checks."""

__all__ = [
    "chairman_reports",
    "company_reports",
    "exportlog",
    "register",
    "reports",
    "signing",
    "verification",
]
