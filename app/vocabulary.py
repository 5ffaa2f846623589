"""The words every layer shares: who acts (roles) and where a submission stands (statuses). One
home, so that a new role or status is added once; StrEnum members compare equal to the strings the
database stores."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    company = "company"  # the HR officer of one company
    zone_board = "zone_board"  # Ban Quản lý các KCN: companies inside the industrial zones
    labour = "labour"  # Sở LĐTBXH: companies outside the zones, by district
    ict = "ict"  # Sở TT&TT: the whole province, read-only
    admin = "admin"


class Status(StrEnum):
    """An assessment's: a company's draft, then its submission as an official reviews it."""

    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    approved = "approved"


class InspectionStatus(StrEnum):
    draft = "draft"  # being filled in on site
    done = "done"  # completed: it counts in calibration and may set the official level


class ActionStatus(StrEnum):
    """A remediation action's: the company says done; an inspection confirms it fixed."""

    open = "open"
    done = "done"
    fixed = "fixed"


class MessageStatus(StrEnum):
    """An outbox message's."""

    queued = "queued"
    sent = "sent"
    failed = "failed"  # the gateway refused it for good
    gave_up = "gave_up"  # retried until the attempts ran out


class MessageReason(StrEnum):
    reminder = "reminder"  # a planned đôn đốc
    escalation = "escalation"
    adoption = "adoption"  # Bluezone / health declaration below target
    returned = "returned"  # a submission sent back for correction
    manual = "manual"  # "remind now" by an official
    webhook = "webhook"  # an event for another system (issue 27): about the company, not to it


class SessionEnd(StrEnum):
    """Why a login session ended (login_session.end_reason)."""

    logout = "logout"
    idle = "idle"  # no click for longer than the idle limit
    absolute = "absolute"  # older than the absolute limit
    password = "password"  # the user changed the password elsewhere
    reset = "reset"  # an admin reset the password
    deactivated = "deactivated"
    admin = "admin"  # an admin ended it
    restore = "restore"  # the database was restored from a backup: everyone logs in again


class RulesetStatus(StrEnum):
    """A rule set version's: shipped with the code, or uploaded by an admin and then published."""

    shipped = "shipped"
    draft = "draft"
    published = "published"


OFFICIALS = (Role.zone_board, Role.labour, Role.ict, Role.admin)
REVIEWERS = (Role.zone_board, Role.labour)
PROVINCE_WIDE = (Role.ict, Role.admin)
