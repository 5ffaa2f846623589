"""Credibility: when a self-assessment is hard to believe. Rules as data (credibility.yaml beside the
rule sets), checks as pure functions, explanations in both languages. No Streamlit, no database."""
