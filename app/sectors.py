"""A company's sector in the reader's language: the province's usual sectors have an English name
(app/data/sectors.yaml); anything else a company typed is its own words, shown as typed."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from app import yaml_text

FILE = Path(__file__).parent / "data" / "sectors.yaml"


class Sectors(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    sectors: dict[str, str]


@cache
def _english() -> dict[str, str]:
    loaded = Sectors.model_validate(yaml_text.load(FILE.read_text(encoding="utf-8")))
    return {name.casefold(): english for name, english in loaded.sectors.items()}


def sector_name(sector: str, lang: str) -> str:
    if lang == "vi" or not sector:
        return sector
    return _english().get(sector.strip().casefold(), sector)
