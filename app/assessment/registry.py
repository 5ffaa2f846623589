"""The rule sets shipped with ZoneRisk: `rulesets/<id>/v<N>.yaml`, plus `catalog.yaml` for the default."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from app import yaml_text
from app.assessment.loader import LoadedRuleSet, RuleSetError, load_ruleset_file

RULESET_DIR = Path(__file__).parent / "rulesets"


class UnknownRuleSet(LookupError):
    def __init__(self, ruleset_id: str, version: int | None, known: list[str]) -> None:
        wanted = ruleset_id if version is None else f"{ruleset_id} v{version}"
        super().__init__(f"Không có bộ tiêu chí / no rule set {wanted!r}; có / known: {', '.join(known)}")


@cache
def shipped() -> dict[tuple[str, int], LoadedRuleSet]:
    """Every shipped version, validated once per process; a misplaced file is an error."""
    found: dict[tuple[str, int], LoadedRuleSet] = {}
    for path in sorted(RULESET_DIR.glob("*/v*.yaml")):
        loaded = load_ruleset_file(path)
        rs = loaded.ruleset
        if path.parent.name != rs.id or path.name != f"v{rs.version}.yaml":
            raise RuleSetError(
                str(path), [f"id {rs.id!r} version {rs.version} must live at {rs.id}/v{rs.version}.yaml"]
            )
        found[(rs.id, rs.version)] = loaded
    return found


def ids() -> list[str]:
    return sorted({key[0] for key in shipped()})


def get(ruleset_id: str, version: int | None = None) -> LoadedRuleSet:
    """A version of a rule set; the latest when no version is given."""
    versions = sorted(v for (rid, v) in shipped() if rid == ruleset_id)
    if not versions or (version is not None and version not in versions):
        raise UnknownRuleSet(ruleset_id, version, ids())
    return shipped()[(ruleset_id, version if version is not None else versions[-1])]


def latest() -> list[LoadedRuleSet]:
    return [get(rid) for rid in ids()]


@cache
def default_id() -> str:
    catalog = yaml_text.load((RULESET_DIR / "catalog.yaml").read_text(encoding="utf-8"))
    ruleset_id = str(catalog["default"])
    if not get(ruleset_id).ruleset.selectable:
        raise RuleSetError("catalog.yaml", [f"the default {ruleset_id!r} is incomplete"])
    return ruleset_id
