"""Role scope as SQL conditions. Every read of companies or assessments goes through here, so a page
can never widen what a user sees (DESIGN.md: scope is enforced in the services, not the pages)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true
from sqlmodel import col

from app.services.context import Actor
from app.vocabulary import REVIEWERS, Role

__all__ = ["AGENCY_ZONE_KIND", "READERS", "REVIEWERS", "company_condition", "require_role"]
from app.services.errors import Forbidden
from db.models import Company, Zone

AGENCY_ZONE_KIND: dict[str, str] = {Role.zone_board: "industrial_zone", Role.labour: "district"}
READERS = tuple(Role)


def company_condition(actor: Actor) -> ColumnElement[bool]:
    """A condition on Company's columns that keeps only the companies the actor may see."""
    if actor.role == Role.company:
        if actor.company_id is None:
            return false()
        return col(Company.id) == actor.company_id
    if actor.role in AGENCY_ZONE_KIND:
        zones = select(col(Zone.id)).where(col(Zone.kind) == AGENCY_ZONE_KIND[actor.role])
        if actor.zone_ids:
            zones = zones.where(col(Zone.id).in_(actor.zone_ids))
        return col(Company.zone_id).in_(zones)
    if actor.role in (Role.ict, Role.admin):
        return true()
    return false()


def zone_condition(actor: Actor) -> ColumnElement[bool]:
    """The zones or districts an official's charts list (one row each, companies or not)."""
    if actor.role in AGENCY_ZONE_KIND:
        condition = col(Zone.kind) == AGENCY_ZONE_KIND[actor.role]
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
