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
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    approved = "approved"


OFFICIALS = (Role.zone_board, Role.labour, Role.ict, Role.admin)
REVIEWERS = (Role.zone_board, Role.labour)
PROVINCE_WIDE = (Role.ict, Role.admin)
