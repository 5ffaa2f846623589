"""Cached monitoring reads. The acting user is part of every cache key, so no official ever sees a
number computed for another scope; a submission or a review clears them (see `invalidate`)."""

from __future__ import annotations

import streamlit as st

from app.services import monitoring
from app.services.context import Actor
from app.services.monitoring import CompanyRow, Filters, Overview, TrendRow

TTL_SECONDS = 120  # a safety net for writes made by another process


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=256)
def overview(actor: Actor, period_id: int, filters: Filters) -> Overview:
    return monitoring.overview(actor, period_id, filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=256)
def trend(actor: Actor, filters: Filters, limit: int) -> list[TrendRow]:
    return monitoring.trend(actor, filters, limit)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=256)
def company_rows(actor: Actor, period_id: int, filters: Filters, **options: object) -> list[CompanyRow]:
    return monitoring.company_rows(actor, period_id, filters, **options)  # type: ignore[arg-type]  # the options are the keyword flags of company_rows


def invalidate() -> None:
    overview.clear()
    trend.clear()
    company_rows.clear()
