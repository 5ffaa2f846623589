"""Shared Streamlit pieces: session and language, widgets, plotly figure builders."""
