"""Cached monitoring reads. The acting user is part of every cache key, so no official ever sees a
number computed for another scope; a submission or a review clears them (see `invalidate`)."""

from __future__ import annotations

import streamlit as st

from app.config import get_settings
from app.services import lists, monitoring, trends
from app.services.context import Actor
from app.services.lists import CompanyRow, MapPoint
from app.services.monitoring import Filters, Overview
from app.services.trends import TrendRow

TTL_SECONDS = 120  # a safety net for writes made by another process


def _database() -> str:
    """Part of every key (a parameter without a leading underscore, which Streamlit would leave
    out of the key): a process that serves or tests two databases never mixes their numbers."""
    return get_settings().resolved_database_url()


def overview(actor: Actor, period_id: int, filters: Filters) -> Overview:
    return _overview(_database(), actor, period_id, filters)


def trend(actor: Actor, filters: Filters, limit: int) -> list[TrendRow]:
    return _trend(_database(), actor, filters, limit)


def company_rows(actor: Actor, period_id: int, filters: Filters, **options: object) -> list[CompanyRow]:
    return _company_rows(_database(), actor, period_id, filters, **options)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=256)
def _overview(database: str, actor: Actor, period_id: int, filters: Filters) -> Overview:
    return monitoring.overview(actor, period_id, filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=256)
def _trend(database: str, actor: Actor, filters: Filters, limit: int) -> list[TrendRow]:
    return trends.trend(actor, filters, limit)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=256)
def _company_rows(
    database: str, actor: Actor, period_id: int, filters: Filters, **options: object
) -> list[CompanyRow]:
    return lists.company_rows(actor, period_id, filters, **options)  # type: ignore[arg-type]  # the options are the keyword flags of company_rows


def map_points(actor: Actor, period_id: int, filters: Filters) -> list[MapPoint]:
    return _map_points(_database(), actor, period_id, filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=256)
def _map_points(database: str, actor: Actor, period_id: int, filters: Filters) -> list[MapPoint]:
    return lists.map_points(actor, period_id, filters)


def invalidate() -> None:
    _overview.clear()
    _trend.clear()
    _company_rows.clear()
    _map_points.clear()
