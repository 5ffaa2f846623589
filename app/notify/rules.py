"""The reminder rules (app/data/reminders.yaml, editable by admins) and the planner: given the
moment, the open rounds and each expected company's state, which messages are due now, to whom,
on which channel and why. Pure: the same inputs give the same plan, so it is table-tested around
due dates, quiet hours and escalation without a database or a clock."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from app.formatting import VIETNAM
from app.notify.templates import Template, TemplateError, shipped_templates

__all__ = ["VIETNAM"]  # the services count days in Vietnam time from here too

RULES_FILE = Path(__file__).parents[1] / "data" / "reminders.yaml"

Channel = Literal["email", "sms", "zalo"]


def _clock(value: str) -> time:
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

    _check = field_validator("start", "end")(lambda cls, v: _clock(v).strftime("%H:%M"))


class Step(_Strict):
    id: str = Field(pattern=r"^[a-z_]+$")
    days_from_due: int = Field(ge=-30, le=60)
    at: str
    template: str
    repeat_every_days: int | None = Field(default=None, ge=1)
    repeat_times: int = Field(default=1, ge=1, le=30)

    _check = field_validator("at")(lambda cls, v: _clock(v).strftime("%H:%M"))


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
    """Rules that cannot be used; `problems` are (where, what) pairs for the admin page."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{where}: {what}" for where, what in problems))


@dataclass(frozen=True)
class LoadedRules:
    rules: Rules
    templates: dict[str, Template]
    text: str


def parse_rules(text: str, templates: dict[str, Template] | None = None) -> LoadedRules:
    """Rules checked whole, with their templates: every template a rule names must exist."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RulesError([("YAML", str(error))]) from None
    try:
        rules = Rules.model_validate(data)
    except ValidationError as error:
        raise RulesError(
            [(".".join(str(p) for p in e["loc"]) or "rules", e["msg"]) for e in error.errors()]
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


# -- the planner's inputs and outputs -------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    email: str | None = None
    mobile: str | None = None  # E.164, a mobile: SMS and Zalo

    def address(self, channel: str) -> str | None:
        return self.email if channel == "email" else self.mobile


@dataclass(frozen=True)
class Round:
    id: int
    name: str
    due_on: date


@dataclass(frozen=True)
class Official:
    user_id: int
    username: str
    contact: Contact


@dataclass(frozen=True)
class CompanyState:
    company_id: int
    name: str
    tax_code: str
    contact: Contact
    filed: bool  # a submission that counts (not returned) in this round
    missed_before: int = 0  # rounds in a row just before this one without a filing
    adoption_low: bool = False  # filed this round with Bluezone or health-declaration share below the rule
    returned: tuple[int, str] | None = None  # (assessment id, the official's comment)
    officials: tuple[Official, ...] = ()  # who oversees it: zones board or labour department


@dataclass(frozen=True)
class Planned:
    key: str  # the deduplication key: one message per reason, step and round
    reason: str
    step: str
    period_id: int
    company_id: int | None
    user_id: int | None
    channel: str
    recipient: str
    template: str
    lang: str
    values: dict[str, str]
    not_before: datetime  # after quiet hours, else the moment of planning


@dataclass(frozen=True)
class Unreachable:
    company_id: int | None
    user_id: int | None
    name: str
    reason: str
    why: str  # e.g. "sms: not configured; email: no address"


@dataclass
class Plan:
    messages: list[Planned] = field(default_factory=list)
    unreachable: list[Unreachable] = field(default_factory=list)


def local_moment(day: date, clock: str) -> datetime:
    """A Vietnam wall-clock time on a day, as aware UTC."""
    return datetime.combine(day, _clock(clock), tzinfo=UTC) - VIETNAM


def occurrences(step: Step, due_on: date) -> list[tuple[str, datetime, int]]:
    """(step key, moment, days from due) of each time a step fires in a round."""
    times = step.repeat_times if step.repeat_every_days else 1
    out = []
    for n in range(times):
        days = step.days_from_due + n * (step.repeat_every_days or 0)
        key = step.id if times == 1 else f"{step.id}{n + 1}"
        out.append((key, local_moment(due_on + timedelta(days=days), step.at), days))
    return out


def current_step(rules: Rules, due_on: date, now: datetime) -> tuple[Step, str, int] | None:
    """The latest step occurrence whose time has come: only it is sent, once."""
    fired = [
        (moment, step, key, days)
        for step in rules.steps
        for key, moment, days in occurrences(step, due_on)
        if moment <= now
    ]
    if not fired:
        return None
    _, step, key, days = max(fired, key=lambda f: f[0])
    return step, key, days


def after_quiet(rules: Rules, channel: str, now: datetime) -> datetime:
    """`now`, or the end of the quiet hours when `now` falls in them for this channel."""
    quiet = rules.quiet_hours
    if quiet is None or channel not in quiet.channels:
        return now
    local = now + VIETNAM
    start, end = _clock(quiet.start), _clock(quiet.end)
    clock = local.time().replace(tzinfo=None)
    inside = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not inside:
        return now
    end_day = local.date() if clock < end else local.date() + timedelta(days=1)
    return local_moment(end_day, quiet.end)


def route(rules: Rules, contact: Contact, configured: set[str]) -> tuple[str, str] | str:
    """The first channel of the rules that is configured and reaches the contact, or why none does."""
    why = []
    for channel in rules.channels:
        address = contact.address(channel)
        if channel not in configured:
            why.append(f"{channel}: not configured")
        elif not address:
            why.append(f"{channel}: no {'address' if channel == 'email' else 'mobile number'}")
        else:
            return channel, address
    return "; ".join(why)


def plan(
    loaded: LoadedRules,
    now: datetime,
    round_: Round,
    companies: Iterable[CompanyState],
    configured: set[str],
    link: str,
    due_text: str,
) -> Plan:
    """What is due now in one round. The caller drops the keys already in the outbox."""
    rules = loaded.rules
    out = Plan()
    step = current_step(rules, round_.due_on, now)
    base = {"round": round_.name, "due_date": due_text, "link": link}
    escalate: dict[int, tuple[Official, list[CompanyState]]] = {}

    def add(
        reason: str,
        step_key: str,
        template: str,
        state: CompanyState | None,
        who: Official | None,
        contact: Contact,
        values: dict[str, str],
    ) -> None:
        found = route(rules, contact, configured)
        name = state.name if state else (who.username if who else "")
        if isinstance(found, str):
            out.unreachable.append(
                Unreachable(
                    state.company_id if state else None, who.user_id if who else None, name, reason, found
                )
            )
            return
        channel, address = found
        target = f"c{state.company_id}" if state else f"u{who.user_id if who else 0}"
        out.messages.append(
            Planned(
                key=f"{reason}:{round_.id}:{target}:{step_key}",
                reason=reason,
                step=step_key,
                period_id=round_.id,
                company_id=state.company_id if state else None,
                user_id=who.user_id if who else None,
                channel=channel,
                recipient=address,
                template=template,
                lang="vi",
                values={**base, **values},
                not_before=after_quiet(rules, channel, now),
            )
        )

    for state in companies:
        own = {"company": state.name, "tax_code": state.tax_code}
        if state.returned is not None and rules.returned is not None:
            assessment_id, comment = state.returned
            add(
                "returned",
                f"a{assessment_id}",
                rules.returned.template,
                state,
                None,
                state.contact,
                {**own, "comment": comment},
            )
        if state.filed:
            if state.adoption_low and rules.adoption is not None:
                add("adoption", "once", rules.adoption.template, state, None, state.contact, own)
            continue
        if state.returned is not None or step is None:
            continue
        rule, key, days = step
        add(
            "reminder",
            key,
            rule.template,
            state,
            None,
            state.contact,
            {**own, "days_overdue": str(max(days, 0))},
        )
        if days > 0 and rules.escalate and state.missed_before + 1 >= rules.escalate.after_missed_rounds:
            for official in state.officials:
                escalate.setdefault(official.user_id, (official, []))[1].append(state)
    if rules.escalate is not None:
        for official, late in escalate.values():
            listed = "\n".join(f"  - {c.name} (MST {c.tax_code})" for c in sorted(late, key=lambda c: c.name))
            add(
                "escalation",
                "once",
                rules.escalate.template,
                None,
                official,
                official.contact,
                {"companies": listed, "count": str(len(late))},
            )
    return out


def render(loaded: LoadedRules, message: Planned) -> tuple[str, str]:
    """(subject, body) of a planned message in its language and channel."""
    template = loaded.templates[message.template]
    return (
        template.render("subject", message.lang, message.values),
        template.render(message.channel, message.lang, message.values),
    )


def due_rounds(rounds: Sequence[Any], now: datetime) -> list[Any]:
    """Rounds the reminders look at: open and already opened (in Vietnam time)."""
    today = (now + VIETNAM).date()
    return [r for r in rounds if not r.closed and r.opens_on <= today]
