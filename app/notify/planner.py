"""The planner: given the moment, a round and each expected company's state, which messages the
rules say are due now, to whom, on which channel and why. Pure: the same inputs give the same plan,
so it is table-tested around due dates, quiet hours and escalation without a database or a clock."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from app.formatting import VIETNAM
from app.notify.rules import LoadedRules, Rules, Step, clock_time
from app.vocabulary import MessageReason

OVERDUE_FIXES = "overdue_fixes"  # the template of the overdue-remediation escalation
__all__ = ["VIETNAM"]  # the services count days in Vietnam time from here too


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


_WORDS = {"not_configured": "not configured", "no_address": "no address", "no_mobile": "no mobile number"}


@dataclass(frozen=True)
class Unreachable:
    company_id: int | None
    user_id: int | None
    name: str
    reason: str
    problems: tuple[tuple[str, str], ...]  # (channel, not_configured | no_address | no_mobile)

    @property
    def why(self) -> str:
        """e.g. "sms: not configured; email: no address": the command line's words."""
        return "; ".join(f"{channel}: {_WORDS[problem]}" for channel, problem in self.problems)


@dataclass
class Plan:
    messages: list[Planned] = field(default_factory=list)
    unreachable: list[Unreachable] = field(default_factory=list)


def local_moment(day: date, clock: str) -> datetime:
    """A Vietnam wall-clock time on a day, as aware UTC."""
    return datetime.combine(day, clock_time(clock), tzinfo=UTC) - VIETNAM


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
    start, end = clock_time(quiet.start), clock_time(quiet.end)
    clock = local.time().replace(tzinfo=None)
    inside = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not inside:
        return now
    end_day = local.date() if clock < end else local.date() + timedelta(days=1)
    return local_moment(end_day, quiet.end)


class Reached(NamedTuple):
    channel: str
    address: str


def route(rules: Rules, contact: Contact, configured: set[str]) -> Reached | tuple[tuple[str, str], ...]:
    """The first channel of the rules that is configured and reaches the contact as (channel,
    address), or why none does: (channel, problem) for each channel tried."""
    why: list[tuple[str, str]] = []
    for channel in rules.channels:
        address = contact.address(channel)
        if channel not in configured:
            why.append((channel, "not_configured"))
        elif not address:
            why.append((channel, "no_address" if channel == "email" else "no_mobile"))
        else:
            return Reached(channel, address)
    return tuple(why)


@dataclass
class _Messages:
    """Addresses each planned message: the first configured channel that reaches the contact, the
    quiet hours, the deduplication key; or why nobody can be reached."""

    loaded: LoadedRules
    now: datetime
    round_: Round
    configured: set[str]
    base: dict[str, str]
    out: Plan = field(default_factory=Plan)

    def add(
        self,
        reason: str,
        step_key: str,
        template: str,
        state: CompanyState | None,
        who: Official | None,
        contact: Contact,
        values: dict[str, str],
    ) -> None:
        rules = self.loaded.rules
        found = route(rules, contact, self.configured)
        company_id = state.company_id if state else None
        user_id = who.user_id if who else None
        if not isinstance(found, Reached):
            name = state.name if state else (who.username if who else "")
            self.out.unreachable.append(Unreachable(company_id, user_id, name, reason, found))
            return
        channel, address = found
        target = f"c{company_id}" if state else f"u{user_id or 0}"
        self.out.messages.append(
            Planned(
                key=f"{reason}:{self.round_.id}:{target}:{step_key}",
                reason=reason,
                step=step_key,
                period_id=self.round_.id,
                company_id=company_id,
                user_id=user_id,
                channel=channel,
                recipient=address,
                template=template,
                lang="vi",
                values={**self.base, **values},
                not_before=after_quiet(rules, channel, self.now),
            )
        )


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
    messages = _Messages(
        loaded, now, round_, configured, {"round": round_.name, "due_date": due_text, "link": link}
    )
    add, out = messages.add, messages.out
    step = current_step(rules, round_.due_on, now)
    escalate: dict[int, tuple[Official, list[CompanyState]]] = {}

    for state in companies:
        own = {"company": state.name, "tax_code": state.tax_code}
        if state.returned is not None and rules.returned is not None:
            assessment_id, comment = state.returned
            add(
                MessageReason.returned,
                f"a{assessment_id}",
                rules.returned.template,
                state,
                None,
                state.contact,
                {**own, "comment": comment},
            )
        if state.filed:
            if state.adoption_low and rules.adoption is not None:
                add(MessageReason.adoption, "once", rules.adoption.template, state, None, state.contact, own)
            continue
        if state.returned is not None or step is None:
            continue
        rule, key, days = step
        add(
            MessageReason.reminder,
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
                MessageReason.escalation,
                "once",
                rules.escalate.template,
                None,
                official,
                official.contact,
                {"companies": listed, "count": str(len(late))},
            )
    return out


def overdue_fixes(
    loaded: LoadedRules,
    now: datetime,
    round_: Round,
    late: Iterable[tuple[Official, Sequence[str]]],
    configured: set[str],
    link: str,
) -> Plan:
    """Each official with overdue remediation actions in scope gets one list a Vietnam day (the
    key carries the day): the fixes a company promised and has not made escalate to its overseer."""
    messages = _Messages(loaded, now, round_, configured, {"round": round_.name, "link": link})
    day_key = f"fixes{(now + VIETNAM).date():%Y%m%d}"
    for official, lines in late:
        if lines:
            listed = "\n".join(f"  - {line}" for line in lines)
            values = {"companies": listed, "count": str(len(lines))}
            messages.add(
                MessageReason.escalation, day_key, OVERDUE_FIXES, None, official, official.contact, values
            )
    return messages.out


def remind_now(
    loaded: LoadedRules,
    now: datetime,
    round_: Round,
    companies: Iterable[CompanyState],
    configured: set[str],
    link: str,
    due_text: str,
) -> Plan:
    """An official's "remind these non-filers now": one message each, at most once a Vietnam day
    per company and round; the words of the first step before the due date, of the last after it."""
    rules = loaded.rules
    messages = _Messages(
        loaded, now, round_, configured, {"round": round_.name, "due_date": due_text, "link": link}
    )
    today = (now + VIETNAM).date()
    template = rules.steps[-1].template if today > round_.due_on else rules.steps[0].template
    late = str(max((today - round_.due_on).days, 0))
    for state in companies:
        if not state.filed:
            own = {"company": state.name, "tax_code": state.tax_code, "days_overdue": late}
            messages.add(MessageReason.manual, f"{today:%Y%m%d}", template, state, None, state.contact, own)
    return messages.out


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
