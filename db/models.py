"""The tables. Times are aware UTC datetimes (SQLModel's UTCDateTime stores them on both
databases and gives them back in UTC); pages and reports show them in Vietnam time.

Figures the officials aggregate (level, index, workers, Bluezone and health-declaration counts) are
copied from the answers into columns of the assessment, so that every monitoring number is a SQL
aggregate, not a Python loop over JSON.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from app.vocabulary import ActionStatus, InspectionStatus, MessageStatus, Role, RulesetStatus, Status

ROLES = tuple(Role)
STATUSES = tuple(Status)


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored moment as an aware UTC time: SQLite gives them back naive, and naive here means UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Zone(SQLModel, table=True):
    """An industrial zone (the zones board's) or a district (the labour department's, for the
    companies outside the zones)."""

    id: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=120)
    kind: str = Field(max_length=20, index=True)
    district: str = Field(max_length=80)
    lat: float | None = None
    lon: float | None = None
    code: str | None = Field(
        default=None,
        max_length=10,
        index=True,
        description="the GSO code of an administrative area (3 digits a district, 5 a commune); none for "
        "an industrial zone, which is not an administrative unit",
    )


class Company(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    tax_code: str = Field(max_length=14, unique=True, index=True)
    name: str = Field(max_length=200)
    zone_id: str = Field(foreign_key="zone.id", index=True, max_length=40)
    district: str = Field(max_length=80, index=True)
    sector: str = Field(max_length=80, index=True)
    address: str = Field(default="", max_length=300)
    lat: float | None = None
    lon: float | None = None
    workers: int | None = Field(default=None, ge=0)
    contact_name: str = Field(default="", max_length=120)
    contact_phone: str = Field(default="", max_length=30)
    contact_email: str = Field(default="", max_length=120)
    pending_name: str | None = Field(
        default=None,
        max_length=200,
        description="a name the company typed, shown on official reports only once an official accepts it",
    )
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=60, unique=True, index=True)
    full_name: str = Field(default="", max_length=120)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=20)
    company_id: int | None = Field(default=None, foreign_key="company.id")
    active: bool = True
    session_version: int = Field(
        default=1, description="bumped by a password change, reset, deactivation or role change"
    )
    must_change_password: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None
    email: str = Field(default="", max_length=120, description="an official's address for escalations")
    phone: str = Field(default="", max_length=30)
    language: str | None = Field(
        default=None, max_length=2, description="the language the user chose (vi, en); None: not yet"
    )
    sso_subject: str | None = Field(
        default=None,
        max_length=255,
        unique=True,
        index=True,
        description="the identity provider's `sub` an admin registered for this person (issue 25)",
    )
    sso_email: str | None = Field(
        default=None, max_length=120, description="or the verified email the provider must vouch for"
    )
    sso_required: bool = Field(default=False, description="signs in only through the provider")


class LoginThrottle(SQLModel, table=True):
    """Failed logins counted per account, per client and per account from one client; a key that
    has failed too often must wait before its next try. Counted with compare-and-set updates, so
    that concurrent guesses cannot all slip past the count."""

    key: str = Field(primary_key=True, max_length=200)
    failures: int = 0
    not_before: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class KnownLoginClient(SQLModel, table=True):
    """Where an account last logged in with its right password: from such a client the owner is
    never refused for failures that came from elsewhere, so strangers cannot lock an account out
    by guessing from many addresses; only the account-from-client count applies there."""

    username: str = Field(primary_key=True, max_length=60)
    client: str = Field(primary_key=True, max_length=64)
    last_success_at: datetime = Field(default_factory=utcnow)


class LoginSession(SQLModel, table=True):
    """A logged-in browser, server-side: the cookie holds a random token, the database its SHA-256,
    so a stolen database names no usable cookie. Any replica reads it; ending it (logout, an admin,
    expiry) is one row update, seen by every replica on the user's next click. A new session is
    first *handed off*: the page that checked the password knows a one-time code, which the
    browser trades at /auth/session for the cookie (a Streamlit page cannot set a cookie)."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    handoff_hash: str | None = Field(default=None, max_length=64, unique=True)
    handoff_until: datetime | None = None
    handoff_browser: str | None = Field(
        default=None,
        max_length=64,
        description="SHA-256 of the browser's Streamlit XSRF cookie at login: only that browser may "
        "trade the code (no login CSRF: a stranger's code cannot log a victim into the stranger's account)",
    )
    user_id: int = Field(foreign_key="app_user.id", index=True)
    session_version: int
    method: str = Field(default="password", max_length=10, description="password or sso")
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    client: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=200)
    ended_at: datetime | None = None
    end_reason: str = Field(default="", max_length=20)


class UserZone(SQLModel, table=True):
    """Narrows an official to some zones or districts; an official with none sees the agency's all."""

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    zone_id: str = Field(foreign_key="zone.id", primary_key=True, max_length=40)


class Period(SQLModel, table=True):
    """A reporting round: which rule set version, when it opens, when it is due, who must file."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    ruleset_id: str = Field(max_length=64)
    ruleset_version: int
    opens_on: date
    due_on: date
    due_at: datetime = Field(description="end of the due day in Vietnam time, as UTC")
    closed: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class PeriodCompany(SQLModel, table=True):
    """The companies expected to file in a period."""

    period_id: int = Field(foreign_key="period.id", primary_key=True)
    company_id: int = Field(foreign_key="company.id", primary_key=True, index=True)


class Assessment(SQLModel, table=True):
    """A draft or a submission. A submission is never edited: a correction is a new submission,
    and `is_latest` marks the one that counts for its company and period."""

    __table_args__ = (
        Index(
            "uq_assessment_one_draft",
            "company_id",
            "period_id",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
        Index(
            "uq_assessment_one_latest",
            "company_id",
            "period_id",
            unique=True,
            # SQLite uses a partial index only for a query term written the same way, and
            # SQLAlchemy writes the boolean test as "is_latest = 1" there
            sqlite_where=text("is_latest = 1"),
            postgresql_where=text("is_latest"),
        ),
        Index("ix_assessment_period_latest", "period_id", "is_latest"),
        UniqueConstraint("idempotency_key", name="uq_assessment_idempotency_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    period_id: int = Field(foreign_key="period.id")
    ruleset_id: str = Field(max_length=64)
    ruleset_version: int
    ruleset_hash: str = Field(max_length=64)
    status: str = Field(default=Status.draft, max_length=12)
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # the score snapshot, set when submitted
    total: int | None = None
    max_total: int | None = None
    risk_index: float | None = None
    level: str | None = Field(default=None, max_length=20)
    may_operate: bool | None = None
    score: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    # figures copied from the answers for aggregation
    workers: int | None = None
    smartphone_owners: int | None = None
    bluezone_installed: int | None = None
    health_declared: int | None = None
    is_latest: bool = False
    resubmission: bool = Field(
        default=False,
        sa_column_kwargs={"server_default": "0"},
        description="filed again after a return: look again",
    )
    answers_digest: str | None = Field(
        default=None, max_length=20, description="fingerprint of the answers: rounds compared unread"
    )
    idempotency_key: str | None = Field(default=None, max_length=80)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    submitted_by: int | None = Field(default=None, foreign_key="app_user.id")
    submitted_at: datetime | None = None
    first_submitted_at: datetime | None = Field(
        default=None, description="when the company first filed for this period (on time or late)"
    )
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Review(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    official_id: int | None = Field(default=None, foreign_key="app_user.id")
    decision: str = Field(max_length=12)
    comment: str = Field(default="", max_length=2000)
    reasons: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    at: datetime = Field(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    actor: str = Field(max_length=60, index=True)
    action: str = Field(max_length=60, index=True)
    object_type: str = Field(max_length=40)
    object_id: str = Field(max_length=60)
    company_id: int | None = Field(default=None, index=True)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    at: datetime = Field(default_factory=utcnow, index=True)


class ExportLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    actor: str = Field(max_length=60)
    report: str = Field(max_length=40)
    filters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    rows: int = 0
    number: str | None = Field(default=None, max_length=40, description="the register's number, if any")
    at: datetime = Field(default_factory=utcnow)


class DocumentRegister(SQLModel, table=True):
    """The register of outgoing documents: the last number given to each kind in each year. A
    number is taken in the same transaction that logs the export, so two reports never share one."""

    kind: str = Field(primary_key=True, max_length=40)
    year: int = Field(primary_key=True)
    last_number: int = 0


class RuleSetVersion(SQLModel, table=True):
    """A rule-set version uploaded by an admin. Draft until published; a published text is frozen
    (its hash is what assessments store). Versions shipped as files are not stored here."""

    __table_args__ = (UniqueConstraint("ruleset_id", "version", name="uq_rulesetversion_id_version"),)

    id: int | None = Field(default=None, primary_key=True)
    ruleset_id: str = Field(max_length=64, index=True)
    version: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    content_hash: str = Field(max_length=64)
    status: str = Field(default=RulesetStatus.draft, max_length=12)
    created_by: str = Field(max_length=60)
    created_at: datetime = Field(default_factory=utcnow)
    published_at: datetime | None = None


class OutboxMessage(SQLModel, table=True):
    """One reminder to one recipient on one channel. Written when the rules say it is due (or an
    official sends it), drained by a sender with retries; `dedup_key` makes "queue it" idempotent
    and travels to the gateway, so a message is never delivered twice for the same reason."""

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    dedup_key: str = Field(max_length=160, unique=True)
    company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    period_id: int | None = Field(default=None, foreign_key="period.id", index=True)
    reason: str = Field(max_length=20)  # reminder | escalation | adoption | returned | manual
    step: str = Field(max_length=40)
    channel: str = Field(max_length=10)
    recipient: str = Field(max_length=200)
    template: str = Field(max_length=40)
    lang: str = Field(default="vi", max_length=2)
    subject: str = Field(default="", max_length=300)
    body: str = Field(sa_column=Column(Text, nullable=False))
    values: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=MessageStatus.queued, max_length=10)  # queued | sent | failed | gave_up
    attempts: int = 0
    last_error: str = Field(default="", max_length=500)
    provider_id: str = Field(default="", max_length=200)
    created_by: str = Field(default="system", max_length=60)
    created_at: datetime = Field(default_factory=utcnow)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    claimed_until: datetime | None = None
    claim: str | None = Field(default=None, max_length=40)
    sent_at: datetime | None = None


class ReminderRulesVersion(SQLModel, table=True):
    """The reminder rules an admin saved; the newest is in use, the shipped file until there is one."""

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    saved_by: str = Field(max_length=60)
    saved_at: datetime = Field(default_factory=utcnow)


class SubmissionFlag(SQLModel, table=True):
    """A reason to doubt a submission (app/credibility), computed when it is stored. Officials see
    it; the company does not. Values are language-neutral; the words come from the rule."""

    __table_args__ = (Index("ix_submissionflag_period_company", "period_id", "company_id"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    company_id: int = Field(foreign_key="company.id")
    period_id: int = Field(foreign_key="period.id")
    rule_id: str = Field(max_length=64)
    severity: str = Field(max_length=10)
    values: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class VisitPlan(SQLModel, table=True):
    """The visits an official chose for a round: ranked by app.inspection.priority, saved with
    every term of each company's priority as it stood, so the plan explains itself later."""

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    title: str = Field(max_length=200)
    scope: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    visits: int
    created_by: str = Field(max_length=60)
    created_at: datetime = Field(default_factory=utcnow)
    agency: str | None = Field(default=None, max_length=20)
    """The planner's role (zone_board, labour, ict): whose heading, register and signer it has.
    Empty on plans saved before plans were numbered: the author's role is read then."""
    number: int | None = None
    """Its number in the agency's register for the year it was made, taken when it was saved."""


class PlannedVisit(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "company_id", name="uq_plannedvisit_company"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="visitplan.id", index=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    rank: int
    priority: float
    terms: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    pinned: bool = False


class Inspection(SQLModel, table=True):
    """An inspector's on-site assessment: the round's rule set, filled in on site and scored by the
    same scorer as the company's own, so the two can be set side by side criterion by criterion."""

    # the planner's "last visit per company" reads this index alone
    __table_args__ = (Index("ix_inspection_done_company", "status", "company_id", "visited_on"),)

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    planned_visit_id: int | None = Field(default=None, foreign_key="plannedvisit.id")
    inspector: str = Field(max_length=60)
    status: str = Field(default=InspectionStatus.draft, max_length=12)  # draft | done
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    ruleset_id: str = Field(max_length=64)
    ruleset_version: int
    total: int | None = None
    risk_index: float | None = None
    level: str | None = Field(default=None, max_length=20)
    may_operate: bool | None = None
    score: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    official_level: bool = Field(default=False, description="the inspector's level counts for the round")
    stop_operation: bool = False
    visited_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    completed_at: datetime | None = None


class RemediationAction(SQLModel, table=True):
    """One fix the company owns, from its result's "what to fix first": who does it, by when, and
    how it ended (the company said done, a re-assessment or an inspection showed it fixed)."""

    __table_args__ = (Index("ix_remediationaction_company_status", "company_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id")
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    period_id: int = Field(foreign_key="period.id")
    criterion_id: str = Field(max_length=40)
    points: int = Field(description="the criterion's points when the action was raised")
    title: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    steps: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    owner: str = Field(default="", max_length=120)
    due_on: date | None = Field(default=None, description="None: stop operating until re-assessed")
    status: str = Field(default=ActionStatus.open, max_length=12)  # open | done | fixed
    closed_by: str = Field(default="", max_length=20)  # company | reassessment | inspection
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None


class InspectionEvidence(SQLModel, table=True):
    """A photo or a PDF the inspection team took on site, kept in the database (backed up with
    it), checked by its content, not its name, and only ever served as the type it was found to be."""

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspection.id", index=True)
    file_name: str = Field(max_length=120)
    media_type: str = Field(max_length=40)
    size: int
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by: str = Field(max_length=60)
    uploaded_at: datetime = Field(default_factory=utcnow)


class DataVersion(SQLModel, table=True):
    """One row whose number grows in the same transaction as every write the officials' figures
    depend on (a submission, a review, an import, a rule set, a round). Every cached read carries it
    in its key, so that a replica never serves a figure older than the last committed write, for the
    price of one primary-key read per page run."""

    id: int = Field(default=1, primary_key=True)
    version: int = Field(default=0)


class ApiClient(SQLModel, table=True):
    """Another system of the province that calls the API (issue 27): its scope and rights, and the
    SHA-256 of its token, never the token (shown once when issued). A token is 256 random bits, so a
    fast hash is enough; a slow one would cost every call what it costs a login."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    token_hint: str = Field(max_length=12, description="the token's first characters, to tell it apart")
    scope: str = Field(max_length=12)  # province | zones | districts | company
    zone_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    company_id: int | None = Field(default=None, foreign_key="company.id")
    can_write: bool = Field(default=False)
    rate_per_minute: int = Field(default=600)
    expires_at: datetime
    revoked_at: datetime | None = None
    created_by: str = Field(max_length=60)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None


class ApiRateWindow(SQLModel, table=True):
    """Calls of a client in one minute, counted by one atomic upsert shared by every API process."""

    client_id: int = Field(foreign_key="apiclient.id", primary_key=True)
    minute: int = Field(primary_key=True, description="minutes since the epoch")
    calls: int = Field(default=0)


class ApiCall(SQLModel, table=True):
    """Every call of a machine client: who, which endpoint, how it ended, how many rows left."""

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="apiclient.id", index=True)
    method: str = Field(max_length=8)
    endpoint: str = Field(max_length=200)
    status: int
    rows: int = Field(default=0)
    at: datetime = Field(default_factory=utcnow, index=True)


class WebhookSubscription(SQLModel, table=True):
    """A receiving system's address for events on the companies in its client's scope. The secret
    signs every delivery (HMAC-SHA256); it is kept, as a signer must, and shown once."""

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="apiclient.id", index=True)
    url: str = Field(max_length=500)
    events: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    secret: str = Field(max_length=64)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)


class PlatformAdoption(SQLModel, table=True):
    """What the national platforms counted for a workplace in a round (issue 27): workers
    registered, Bluezone installed, health declarations. Imported by the ICT department from the
    platforms' exports, one row per company and round; a later import of the round replaces it."""

    __table_args__ = (UniqueConstraint("period_id", "company_id", name="uq_platformadoption_round_company"),)

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    as_of: date
    workers_registered: int
    bluezone_installed: int
    health_declared: int
    source: str = Field(max_length=120, description="the file it came from")
    imported_by: str = Field(max_length=60)
    imported_at: datetime = Field(default_factory=utcnow)


class AreaEpidemicLevel(SQLModel, table=True):
    """The epidemic level (1–4, QĐ 2686/QĐ-BCĐQG) officials set for an area in a round, with the
    document that set it (issue 28). A rule set may ask questions or hold conditions by it; the
    level in force when a company files is written into its answers, so re-scoring agrees."""

    period_id: int = Field(foreign_key="period.id", primary_key=True)
    zone_id: str = Field(foreign_key="zone.id", primary_key=True, max_length=40)
    level: int = Field(ge=1, le=4)
    source: str = Field(max_length=200, description="the decision or notice that set the level")
    set_by: str = Field(max_length=60)
    set_at: datetime = Field(default_factory=utcnow)
