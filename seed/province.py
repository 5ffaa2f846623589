"""The demo province's facts (seed/bac_giang.yaml) and the identities of its made-up companies:
tax codes with a check of uniqueness, names from sectors and parts, mobile numbers the networks
give out."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app import yaml_text
from app.identifiers import with_check_digit

DATA = Path(__file__).with_name("bac_giang.yaml")


def province() -> dict[str, Any]:
    data: dict[str, Any] = yaml_text.load(DATA.read_text(encoding="utf-8"))
    return data


# Vietnamese mobile prefixes in use (Viettel, Vinaphone, MobiFone), one per first drawn digit
MOBILE_PREFIXES = ("090", "091", "094", "096", "097", "098", "093", "088", "086", "032")


def tax_codes(rng: random.Random, count: int, taken: set[str]) -> Iterator[str]:
    """Bắc Giang's codes (prefix 24) that pass the check digit: the draws are those of the codes
    before check digits were checked (so the rest of the seed is unchanged), their last digit
    replaced by the check digit, and a prefix no digit completes moved to the next that one does."""
    while count:
        drawn = rng.randrange(10**8) // 10
        while (code := with_check_digit(f"24{drawn:07d}")) is None:
            drawn = (drawn + 1) % 10**7
        if rng.random() < 0.05:
            code += f"-{rng.randint(1, 9):03d}"
        if code not in taken:
            taken.add(code)
            count -= 1
            yield code


def company_name(rng: random.Random, sector: dict[str, Any], parts: dict[str, Any], used: set[str]) -> str:
    for _ in range(50):
        name = (
            f"{rng.choice(parts['forms'])} {rng.choice(sector['words'])} "
            f"{rng.choice(parts['stems'])}{rng.choice(parts['suffixes'])}"
        )
        if name not in used:
            used.add(name)
            return name
    name = f"{name} {len(used) + 1}"
    used.add(name)
    return name
