"""The officials' filters (zones, districts, sectors, levels, a search): chosen on the pages, applied
in SQL by every service that lists or counts companies, and carried into the exports. Kept apart
from monitoring so that the reports and the pages find them without going through each other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import col

from db.models import Assessment, Company

__all__ = ["NO_FILTERS", "Filters", "apply_filters"]


@dataclass(frozen=True)
class Filters:
    """The filters of the officials' pages; they carry into the exports."""

    zone_ids: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    search: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.__dict__.items() if v}


NO_FILTERS = Filters()
"""Every company in scope (a default argument: the dataclass is frozen)."""


def apply_filters(query: Any, filters: Filters) -> Any:
    """The sidebar's filters on any select that joins Company (SQLModel's and SQLAlchemy's select
    types differ, hence Any)."""
    if filters.zone_ids:
        query = query.where(col(Company.zone_id).in_(filters.zone_ids))
    if filters.districts:
        query = query.where(col(Company.district).in_(filters.districts))
    if filters.sectors:
        query = query.where(col(Company.sector).in_(filters.sectors))
    if filters.levels:
        query = query.where(col(Assessment.level).in_(filters.levels))
    if filters.search:
        pattern = f"%{filters.search.strip().lower()}%"
        query = query.where(or_(func.lower(Company.name).like(pattern), col(Company.tax_code).like(pattern)))
    return query
