"""The reminder rules (app/data/reminders.yaml, editable by admins): their schema, checked whole
with the templates they name. What they mean at a given moment is app.notify.planner's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from app import yaml_text
from app.assessment.guards import TooLarge, check_size, check_yaml_shape, limits
from app.i18n.messages import pydantic_error
from app.notify.templates import Template, TemplateError, shipped_templates

RULES_FILE = Path(__file__).parents[1] / "data" / "reminders.yaml"

Channel = Literal["email", "sms", "zalo"]


def clock_time(value: str) -> time:
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a time of day (HH:MM): {value!r}") from None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuietHours(_Strict):
    start: str
    end: str
    channels: tuple[Channel, ...] = ("sms", "zalo")

    _check = field_validator("start", "end")(lambda cls, v: clock_time(v).strftime("%H:%M"))


class Step(_Strict):
    id: str = Field(pattern=r"^[a-z_]+$")
    days_from_due: int = Field(ge=-30, le=60)
    at: str
    template: str
    repeat_every_days: int | None = Field(default=None, ge=1)
    repeat_times: int = Field(default=1, ge=1, le=30)

    _check = field_validator("at")(lambda cls, v: clock_time(v).strftime("%H:%M"))


class Escalate(_Strict):
    after_missed_rounds: int = Field(ge=1)
    template: str


class Adoption(_Strict):
    below_share: float = Field(gt=0, le=1)
    template: str


class Returned(_Strict):
    template: str


class Rules(_Strict):
    channels: tuple[Channel, ...]
    quiet_hours: QuietHours | None = None
    steps: tuple[Step, ...]
    escalate: Escalate | None = None
    adoption: Adoption | None = None
    returned: Returned | None = None
    max_sms_segments: int = Field(default=3, ge=1, le=10)

    @model_validator(mode="after")
    def _distinct(self) -> Rules:
        ids = [s.id for s in self.steps]
        if len(ids) != len(set(ids)):
            raise ValueError("each step needs its own id")
        if not self.channels:
            raise ValueError("name at least one channel")
        return self

    def templates_used(self) -> set[str]:
        used = {s.template for s in self.steps}
        for part in (self.escalate, self.adoption, self.returned):
            if part is not None:
                used.add(part.template)
        return used


class RulesError(ValueError):
    """Rules that cannot be used; `problems` are (where, what) pairs for the admin page, in English
    and (`problems_vi`) in Vietnamese."""

    def __init__(
        self, problems: list[tuple[str, str]], problems_vi: list[tuple[str, str]] | None = None
    ) -> None:
        self.problems = problems
        self.problems_vi = problems_vi if problems_vi is not None else problems
        super().__init__("; ".join(f"{where}: {what}" for where, what in problems))


def _where(loc: tuple[int | str, ...]) -> str:
    """A place in the rules as an admin counts it: steps › 2 › at (the second step), not steps.1.at."""
    return " › ".join(str(p + 1) if isinstance(p, int) else str(p) for p in loc) or "rules"


@dataclass(frozen=True)
class LoadedRules:
    rules: Rules
    templates: dict[str, Template]
    text: str


MAX_RULES_BYTES = int(limits()["max_reminder_rules_bytes"])


def parse_rules(text: str, templates: dict[str, Template] | None = None) -> LoadedRules:
    """Rules checked whole, with their templates: every template a rule names must exist. Size and
    nesting are checked before parsing (a 60 MB text took 104 s; deep nesting overflowed the
    stack of the YAML composer)."""
    try:
        check_size(text, MAX_RULES_BYTES, "Quy tắc nhắc / The reminder rules")
        check_yaml_shape(text, "Quy tắc nhắc / The reminder rules")
    except (TooLarge, yaml.YAMLError) as error:
        raise RulesError([("YAML", str(error))]) from None
    try:
        data = yaml_text.load(text)
    except yaml.YAMLError as error:
        raise RulesError([("YAML", str(error))]) from None
    try:
        rules = Rules.model_validate(data)
    except ValidationError as error:
        found = error.errors()
        raise RulesError(
            [(_where(e["loc"]), pydantic_error(dict(e), "en")) for e in found],
            [(_where(e["loc"]), pydantic_error(dict(e), "vi")) for e in found],
        ) from None
    try:
        templates = templates if templates is not None else shipped_templates(rules.max_sms_segments)
    except TemplateError as error:
        raise RulesError([("templates", str(error))]) from None
    missing = sorted(rules.templates_used() - set(templates))
    if missing:
        raise RulesError([("template", f"no template {name!r}") for name in missing])
    return LoadedRules(rules, templates, text)


def shipped_rules_text() -> str:
    return RULES_FILE.read_text(encoding="utf-8")
