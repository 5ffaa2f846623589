"""Deterministic demo data for Bắc Giang (`python -m seed`)."""
