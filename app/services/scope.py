"""Role scope as SQL conditions. Every read of companies or assessments goes through here, so a page
can never widen what a user sees (DESIGN.md: scope is enforced in the services, not the pages)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true
from sqlmodel import col

from app import area_structure
from app.services.context import Actor
from app.vocabulary import REVIEWERS, Role

__all__ = ["READERS", "REVIEWERS", "agency_zone_kind", "company_condition", "require_role"]
from app.services.errors import Forbidden
from db.models import Company, Zone


def agency_zone_kind(role: str) -> str | None:
    """The kind of area an agency oversees: the zones board the industrial zones, the labour
    department the local areas of the structure in force (districts, or communes after 2025)."""
    if role == Role.zone_board:
        return area_structure.INDUSTRIAL_ZONE
    if role == Role.labour:
        return area_structure.local_kind()
    return None


READERS = tuple(Role)


def company_condition(actor: Actor) -> ColumnElement[bool]:
    """A condition on Company's columns that keeps only the companies the actor may see."""
    if actor.role == Role.company:
        if actor.company_id is None:
            return false()
        return col(Company.id) == actor.company_id
    if (kind := agency_zone_kind(actor.role)) is not None:
        zones = select(col(Zone.id)).where(col(Zone.kind) == kind)
        if actor.zone_ids:
            zones = zones.where(col(Zone.id).in_(actor.zone_ids))
        return col(Company.zone_id).in_(zones)
    if actor.role in (Role.ict, Role.admin):
        return true()
    return false()


def zone_condition(actor: Actor) -> ColumnElement[bool]:
    """The zones or districts an official's charts list (one row each, companies or not)."""
    if (kind := agency_zone_kind(actor.role)) is not None:
        condition = col(Zone.kind) == kind
        if actor.zone_ids:
            condition = condition & col(Zone.id).in_(actor.zone_ids)
        return condition
    if actor.role in (Role.ict, Role.admin):
        return true()
    return false()


def require_role(actor: Actor, *roles: str) -> None:
    if actor.role not in roles:
        raise Forbidden.said("scope.not_allowed")


def not_found_in_scope(what_vi: str, what_en: str) -> Forbidden:
    return Forbidden.said("scope.not_in_scope", what_vi=what_vi, what_en=what_en)
