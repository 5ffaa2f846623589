"""What a report says, as plain data. Services fill these in (scoped, from the database); the writers
in this package turn them into bytes and know nothing of databases or Streamlit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from app.safe_text import without_unseen


def clean(value: object) -> object:
    """Control characters break spreadsheets and PDFs, and bidirectional overrides make a name read
    as another; a report shows the text without them."""
    if isinstance(value, str):
        return without_unseen(value)
    return value


@dataclass(frozen=True)
class LevelInfo:
    id: str
    label: str
    color: str  # "#rrggbb"


@dataclass(frozen=True)
class Heading:
    """Who issues the report and under which number (data/report_heading.yaml)."""

    authority: str
    issuer: str
    issuer_name: str  # as written inside a sentence
    number: str
    place: str
    recipient: str
    recipients: list[str]  # "Nơi nhận", bottom left
    signer_title: str
    signer_name: str


@dataclass(frozen=True, slots=True)
class CompanyLine:
    tax_code: str
    name: str
    zone: str
    district: str
    sector: str
    workers: int | None
    status: str  # a label in the report's language
    submitted_at: datetime | None  # local (Vietnam) time, naive
    on_time: bool | None
    risk_index: float | None
    level: str | None  # level id
    may_operate: bool | None
    ruleset: str
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    criteria: dict[str, int] = field(default_factory=dict)
    previous_level: str | None = None
    failed_conditions: tuple[str, ...] = ()


@dataclass(frozen=True)
class AreaLine:
    name: str
    kind: str
    expected: int
    submitted: int
    on_time: int
    levels: dict[str, int]
    workers: int
    bluezone_share: float | None
    health_share: float | None


@dataclass(frozen=True)
class Filing:
    expected: int
    submitted: int
    on_time: int
    late: int

    @property
    def missing(self) -> int:
        return self.expected - self.submitted

    @property
    def share_submitted(self) -> float | None:
        return self.submitted / self.expected if self.expected else None


@dataclass(frozen=True)
class OverviewReport:
    """The officials' workbook: the dashboard's numbers and lists under its current filters."""

    lang: str
    title: str
    period_name: str
    due_on: date
    filters_text: str
    author: str
    generated_at: datetime  # local time
    levels: Sequence[LevelInfo]
    filing: Filing
    level_counts: Sequence[tuple[str, int, int]]  # level id, companies, workers
    may_not_operate: int
    adoption: tuple[float | None, float | None]  # Bluezone, health declaration
    areas: Sequence[AreaLine]
    companies: Sequence[CompanyLine]
    non_filers: Sequence[CompanyLine]
    criteria_ids: Sequence[str]
    note: str | None = None  # e.g. the reconstructed-rules sentence
    condition_ids: Sequence[str] = ()  # a rule set with conditions that must hold


@dataclass(frozen=True)
class RoundChange:
    previous_name: str
    filed_share_before: float | None
    filed_share_now: float | None
    level_counts_before: dict[str, int]
    risers: Sequence[CompanyLine]


@dataclass(frozen=True)
class ChairmanReport:
    """The ICT department's periodic report to the chairman of the provincial People's Committee."""

    lang: str
    heading: Heading
    issued_on: date
    period_name: str
    due_on: date
    levels: Sequence[LevelInfo]
    filing: Filing
    level_counts: Sequence[tuple[str, int, int]]
    may_not_operate: int
    adoption: tuple[float | None, float | None]
    areas: Sequence[AreaLine]
    high_risk: Sequence[CompanyLine]
    non_filers: Sequence[CompanyLine]
    change: RoundChange | None
    note: str | None = None
    round_open: bool = False  # still open on the day the report is issued: its figures may grow
    previous_closed: bool | None = None  # the round before it, closed or not (None: there is none)
    reminders: ReminderLine | None = None  # đôn đốc: who was reminded and whether they filed
    inspections: InspectionLine | None = None  # kiểm tra thực tế: what the visits found
    epidemic_levels: Sequence[tuple[str, int]] = ()  # (area, level in force), set for the round


@dataclass(frozen=True)
class InspectionLine:
    done: int
    mean_gap: float | None  # inspected index minus self-assessed index, in index points
    official: int  # inspections whose level became the company's official level
    stopped: int  # companies ordered to stop operating
    kind_criteria: Sequence[tuple[str, str, float]]  # id, title, mean points left out; worst first
    open_actions: int
    overdue_actions: int


@dataclass(frozen=True)
class ReminderLine:
    reminded: int
    filed_after: int
    still_missing: int
    channels: Sequence[tuple[str, int, int, int]]  # channel, sent, failed, filed within 24 h
    filed_before: int = 0  # filed before their first reminder went out: the parts add up


@dataclass(frozen=True)
class CriterionLine:
    id: str
    title: str
    answer: str
    points: int
    max: int
    provenance: str


@dataclass(frozen=True)
class FixLine:
    what: str
    change: str
    points: int


@dataclass(frozen=True)
class CompanyReport:
    """A company's assessment, to keep on file; its QR code opens the verification page."""

    lang: str
    company_name: str
    tax_code: str
    zone: str
    district: str
    sector: str
    address: str
    workers: int | None
    period_name: str
    submitted_at: datetime | None
    status: str
    ruleset_title: str
    ruleset_version: int
    ruleset_hash: str
    answers: Sequence[tuple[str, str]]  # label, shown value
    criteria: Sequence[CriterionLine]
    total: int
    max_total: int
    risk_index: float
    level: LevelInfo
    may_operate: bool
    operate_reason: str | None
    obligation: str
    fix_note: str
    fixes: Sequence[FixLine]
    verify_url: str
    note: str | None = None
    on_time: bool | None = None  # False: filed after the round's due time
    compliance: str | None = None  # the conditions' verdict, in words; None for a points-only set
    conditions: Sequence[tuple[str, str, str]] = ()  # title, outcome in words, action when failed
    due_on: date | None = None
    issued_on: date | None = None  # the day the report is printed (Vietnam time)
