"""The credibility rules' schema (app/assessment/rulesets/credibility.yaml). The file is loaded and
its checks' names and parameters verified by app.credibility.checks, which owns the checks."""

from __future__ import annotations

import string
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.assessment.schema import Identifier, Text

Severity = Literal["low", "medium", "high"]
SEVERITY_ORDER: dict[str, int] = {"low": 1, "medium": 2, "high": 3}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FlagRule(_Strict):
    id: Identifier
    check: Identifier
    severity: Severity
    params: dict[str, Any] = Field(default_factory=dict)
    explain: Text
    words: dict[str, Text] = Field(default_factory=dict, description="names a placeholder's values use")

    @model_validator(mode="after")
    def _same_placeholders(self) -> FlagRule:
        names = [
            {field for _, field, _, _ in string.Formatter().parse(text) if field}
            for text in (self.explain.vi, self.explain.en)
        ]
        if names[0] != names[1]:
            raise ValueError(f"{self.id}: vi and en name different placeholders: {names[0]} / {names[1]}")
        return self


class FlagRules(_Strict):
    version: int
    rules: tuple[FlagRule, ...]

    @model_validator(mode="after")
    def _unique(self) -> FlagRules:
        ids = [rule.id for rule in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError(f"a rule id appears twice: {sorted(i for i in ids if ids.count(i) > 1)}")
        return self

    def get(self, rule_id: str) -> FlagRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)
