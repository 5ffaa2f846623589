"""The served app: Streamlit's pages (streamlit_app.py) plus the HTTP endpoints a page cannot be
(app/web): the login cookie, the sign-on callback, unknown addresses. `python -m app.serve` (what
run.sh and the systemd unit start) runs this file with `streamlit run`, which finds the `st.App`
below and serves both from one Starlette server on one port."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from app.web.pages import UnknownPages
from app.web.routes import routes

app = st.App(
    Path(__file__).resolve().parent / "streamlit_app.py",
    routes=routes(),
    middleware=[Middleware(UnknownPages)],
)
