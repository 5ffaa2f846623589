"""Inspections: which companies to visit first (priority), and the inspector's own assessment set
beside the company's (calibration). Pure: no Streamlit, no database."""
