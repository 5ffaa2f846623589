"""Cached monitoring reads, coherent across replicas.

Every key holds the acting user (no official sees a number computed for another scope), the
database, and the data version (`app.services.data_version`), which grows in the transaction of
every write the figures depend on. So a replica serves a cached figure only while nothing it
depends on has been committed since, by this process or any other; the TTL only frees memory.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from app.config import get_settings
from app.services.context import Actor
from app.services.onsite import visits
from app.services.onsite.visits import Proposal
from app.services.oversight import freshness, lists, monitoring, trends
from app.services.oversight.filters import Filters
from app.services.oversight.lists import CompanyRow, MapPoint
from app.services.oversight.monitoring import Overview
from app.services.oversight.trends import TrendRow

TTL_SECONDS = 15 * 60  # not for freshness (the version sees to that): entries of old versions expire


def _key() -> tuple[str, int]:
    """The database and its current version: parameters without a leading underscore, which
    Streamlit puts into the key. One primary-key read per call."""
    return get_settings().resolved_read_database_url(), freshness.latest()


def overview(actor: Actor, period_id: int, filters: Filters) -> Overview:
    return _overview(_key(), actor, period_id, filters)


def trend(actor: Actor, filters: Filters, limit: int) -> list[TrendRow]:
    return _trend(_key(), actor, filters, limit)


def company_rows(actor: Actor, period_id: int, filters: Filters, **options: object) -> list[CompanyRow]:
    return _company_rows(_key(), actor, period_id, filters, **options)


def map_points(actor: Actor, period_id: int, filters: Filters) -> list[MapPoint]:
    return _map_points(_key(), actor, period_id, filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=256)
def _overview(database: tuple[str, int], actor: Actor, period_id: int, filters: Filters) -> Overview:
    return monitoring.overview(actor, period_id, filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=256)
def _trend(database: tuple[str, int], actor: Actor, filters: Filters, limit: int) -> list[TrendRow]:
    return trends.trend(actor, filters, limit)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=256)
def _company_rows(
    database: tuple[str, int], actor: Actor, period_id: int, filters: Filters, **options: object
) -> list[CompanyRow]:
    return lists.company_rows(actor, period_id, filters, **options)  # type: ignore[arg-type]  # the options are the keyword flags of company_rows


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=256)
def _map_points(database: tuple[str, int], actor: Actor, period_id: int, filters: Filters) -> list[MapPoint]:
    return lists.map_points(actor, period_id, filters)


def proposal(
    actor: Actor, period_id: int, count: int, zone_id: str | None, pinned: list[int], dropped: list[int]
) -> Proposal:
    """The planner's ranking, which reads per-company facts over every round (0.14–0.30 s at 10k):
    computed once per data version and day (time since the last visit counts in days)."""
    return _proposal(
        _key(), visits.planning_day(), actor, period_id, count, zone_id, tuple(pinned), tuple(dropped)
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=64)
def _proposal(
    database: tuple[str, int],
    today: date,
    actor: Actor,
    period_id: int,
    count: int,
    zone_id: str | None,
    pinned: tuple[int, ...],
    dropped: tuple[int, ...],
) -> Proposal:
    return visits.propose(
        actor, period_id, count, zone_id=zone_id, pinned=pinned, dropped=dropped, today=today
    )
