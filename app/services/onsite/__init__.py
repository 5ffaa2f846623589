"""Kiểm tra thực tế: planning visits, filling in inspections and their evidence, calibration against
what companies declared, and the remediation that follows."""

__all__ = ["calibration", "inspection_evidence", "inspections", "remediation", "visit_inputs", "visits"]
