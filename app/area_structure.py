"""The province's administrative structure, read from `app/data/administrative_structures.yaml`:
which kind of local area the labour department oversees (a district until 30 June 2025, a commune
from 1 July 2025), and how long an area's official GSO code is. Every place that used to say
"district" asks here, so a province runs on either structure by configuration, not by code."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from app import yaml_text
from app.assessment.schema import Text

STRUCTURES_FILE = Path(__file__).parent / "data" / "administrative_structures.yaml"
INDUSTRIAL_ZONE = "industrial_zone"  # not an administrative unit: no GSO code


class Province(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^\d{2}$")
    name: str


class Structure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    label: Text
    province: Province
    local_kind: str = Field(pattern=r"^[a-z_]+$")
    local_label: Text
    code_digits: int = Field(ge=2, le=5)


class Structures(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    in_force: str
    structures: dict[str, Structure]


@cache
def _structures() -> Structures:
    loaded = Structures.model_validate(yaml_text.load(STRUCTURES_FILE.read_text(encoding="utf-8")))
    if loaded.in_force not in loaded.structures:
        raise ValueError(f"{STRUCTURES_FILE.name}: in_force {loaded.in_force!r} is not a structure")
    return loaded


def structure_id() -> str:
    from app.config import get_settings

    chosen = get_settings().area_structure or _structures().in_force
    if chosen not in _structures().structures:
        known = ", ".join(_structures().structures)
        raise ValueError(f"ZONERISK_AREA_STRUCTURE={chosen!r} is not one of {known}")
    return chosen


def structure() -> Structure:
    return _structures().structures[structure_id()]


def local_kind() -> str:
    """The kind of area outside the zones, overseen by the labour department."""
    return structure().local_kind


def area_kinds() -> tuple[str, str]:
    return INDUSTRIAL_ZONE, local_kind()


def code_problem(code: str) -> str | None:
    """Why a local area's code is not a GSO code of the structure in force, or None."""
    digits = structure().code_digits
    if not re.fullmatch(rf"\d{{{digits}}}", code):
        return f"mã GSO gồm {digits} chữ số / a GSO code has {digits} digits"
    return None
