"""One place per rule kind: every kind the schema accepts has its evaluation, batch evaluation and
explanation in `app.scoring.kinds`, and a kind nobody wrote fails loudly, at load or at compile."""

from __future__ import annotations

import typing

import pytest
import yaml

from app.assessment.loader import RuleSetError, parse_ruleset
from app.assessment.registry import RULESET_DIR
from app.assessment.schema import BandsRule, ChoiceRule, RatioRule
from app.scoring.kinds import KINDS, UnknownRuleKind, kind_of


def _kinds_of(model: type) -> set[str]:
    (literal,) = [f.annotation for name, f in model.model_fields.items() if name == "kind"]  # type: ignore[attr-defined]
    return set(typing.get_args(literal))


def test_every_kind_the_schema_accepts_is_evaluated_somewhere() -> None:
    accepted = set().union(*(_kinds_of(m) for m in (ChoiceRule, BandsRule, RatioRule)))
    assert accepted == set(KINDS)
    for name in accepted:
        kind = kind_of(name)
        for method in ("compile", "column", "explain"):
            assert getattr(type(kind), method) is not getattr(type(kind).__mro__[-2], method), (name, method)


def test_a_kind_nobody_wrote_fails_loudly() -> None:
    with pytest.raises(UnknownRuleKind, match="polygon"):
        kind_of("polygon")
    data = yaml.safe_load((RULESET_DIR / "bg-kcn-2021" / "v1.yaml").read_text(encoding="utf-8"))
    data["sections"][0]["criteria"][0]["rule"]["kind"] = "polygon"
    with pytest.raises(RuleSetError) as refused:
        parse_ruleset(yaml.safe_dump(data, allow_unicode=True))
    assert any("sections[0].criteria[0].rule" in p for p in refused.value.problems)
