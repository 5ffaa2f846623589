"""The inspection planner: "plan N visits for this round, in my scope, optionally in one zone or
district". The candidates' facts come in five column queries (companies, levels, flags, last
visits, missed rounds); the ranking is app.inspection.priority's; a saved plan keeps each term."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.config import Mode, get_settings
from app.exports.report import Heading
from app.formatting import VIETNAM
from app.inspection.priority import Terms, choose_ids
from app.services import audit
from app.services.admin import rulesets
from app.services.context import Actor, reading, writing
from app.services.documents.exportlog import log_export
from app.services.documents.register import allocate_number
from app.services.documents.reports import heading_data
from app.services.errors import Invalid, NotFound
from app.services.onsite import visit_inputs
from app.services.periods import round_of
from app.services.scope import company_condition, not_found_in_scope, require_role
from app.vocabulary import InspectionStatus, Role
from db.models import (
    Company,
    Inspection,
    PlannedVisit,
    User,
    VisitPlan,
    utcnow,
)

PLANNERS = (Role.zone_board, Role.labour, Role.ict)
MAX_VISITS = 500
SHOWN_BEYOND = 30  # ranked companies shown after the chosen ones, to pin from


@dataclass(frozen=True)
class VisitRow:
    company_id: int
    tax_code: str
    name: str
    zone_name: str
    district: str
    address: str
    contact_name: str
    contact_phone: str
    contact_email: str
    workers: int | None
    level: str | None
    rank: int
    priority: float
    terms: dict[str, float]
    pinned: bool = False
    flags: int = 0

    @property
    def has_address(self) -> bool:
        return bool(self.address.strip())


@dataclass(frozen=True)
class Proposal:
    period_id: int
    period_name: str
    scope: dict[str, Any]
    visits: int
    in_scope: int
    chosen: list[VisitRow]
    others: list[VisitRow] = field(default_factory=list)
    dropped: list[VisitRow] = field(default_factory=list)
    already_planned: int = 0  # in a saved plan of the round, not yet inspected: not proposed again


@dataclass(frozen=True)
class SavedPlan:
    id: int
    title: str
    period_id: int
    period_name: str
    scope: dict[str, Any]
    created_by: str
    created_at: datetime
    rows: list[VisitRow]
    agency: str = Role.ict
    number: int | None = None


def planning_day() -> date:
    """Today in Vietnam: what the time since a company's last visit counts to (and so a part of
    the cached ranking's key)."""
    return (utcnow() + VIETNAM).date()


def _visit_row(
    company: Any,
    level: str | None,
    rank: int,
    priority: float,
    terms: dict[str, float],
    pinned: bool,
    flags: int,
) -> VisitRow:
    """One row of a proposal or a saved plan, from `visit_inputs.details`' columns."""
    return VisitRow(
        company_id=company[0],
        tax_code=company[1],
        name=company[2],
        zone_name=company[3],
        district=company[4],
        address=company[5] or "",
        contact_name=company[6] or "",
        contact_phone=company[7] or "",
        contact_email=company[8] or "",
        workers=company[9],
        level=level,
        rank=rank,
        priority=priority,
        terms=terms,
        pinned=pinned,
        flags=flags,
    )


def _row(found: visit_inputs.Scope, company_id: int, n: int, company: Any, pinned: bool) -> VisitRow:
    terms = Terms(*(float(t) for t in found.terms[found.at[company_id]]))
    level = found.levels.get(company_id, (None,))[0]
    flags = len(found.flags.get(company_id, ()))
    return _visit_row(company, level, n, round(terms.priority, 3), terms.as_dict(), pinned, flags)


def propose(
    actor: Actor,
    period_id: int,
    visits: int,
    *,
    zone_id: str | None = None,
    district: str | None = None,
    pinned: Sequence[int] = (),
    dropped: Sequence[int] = (),
    today: date | None = None,
    session: Session | None = None,
) -> Proposal:
    """The `visits` companies to visit first; pinned ones always, dropped ones never."""
    require_role(actor, *PLANNERS)
    if not 1 <= visits <= MAX_VISITS:
        raise Invalid.said("visits.count", field="visits", most=MAX_VISITS)
    with reading(session) as session:
        period = round_of(session, period_id)
        found = visit_inputs.ranked(session, actor, period, zone_id, district, today or planning_day())
        if not found.order:
            raise Invalid.said("visits.none_in_scope", field="zone")
        unknown = [c for c in [*pinned, *dropped] if c not in found.at]
        if unknown:
            raise Invalid.said("visits.pin_outside_scope", field="pinned", count=len(unknown))
        # a company already in a saved plan of this round and not yet inspected is not proposed
        # for a second plan (unless the official keeps it on purpose)
        planned = _awaiting_visit(session, period_id) & set(found.order) - set(pinned)
        order = [c for c in found.order if c not in planned]
        chosen = choose_ids(order, visits, pinned, dropped)
        taken = {c for c, _ in chosen} | set(dropped)
        beyond = [c for c in order if c not in taken][:SHOWN_BEYOND]
        left_out = [c for c in found.order if c in set(dropped)]
        details = visit_inputs.details(session, [c for c, _ in chosen] + beyond + left_out)

        def rows(ids: Iterable[tuple[int, bool]], start: int) -> list[VisitRow]:
            return [_row(found, c, n, details[c], pin) for n, (c, pin) in enumerate(ids, start=start)]

        return Proposal(
            period_id=period_id,
            period_name=period.name,
            scope={"zone_id": zone_id, "district": district},
            visits=visits,
            in_scope=len(found.order),
            chosen=rows(chosen, 1),
            others=rows(((c, False) for c in beyond), len(chosen) + 1),
            dropped=rows(((c, False) for c in left_out), 0),
            already_planned=len(planned),
        )


def _awaiting_visit(session: Session, period_id: int) -> set[int]:
    """Companies with a planned visit in a saved plan of the round and no finished inspection of
    the round yet."""
    inspected = sa_select(col(Inspection.company_id)).where(
        col(Inspection.period_id) == period_id, col(Inspection.status) == InspectionStatus.done
    )
    return set(
        session.execute(
            sa_select(col(PlannedVisit.company_id))
            .join(VisitPlan, col(VisitPlan.id) == col(PlannedVisit.plan_id))
            .where(col(VisitPlan.period_id) == period_id, col(PlannedVisit.company_id).not_in(inspected))
        ).scalars()
    )


def save_plan(actor: Actor, proposal: Proposal, title: str = "", *, session: Session | None = None) -> int:
    """The chosen visits as a plan; each becomes an inspection to fill in. The proposal comes back
    from the page: every company in it is checked against the actor's scope again, in SQL."""
    require_role(actor, *PLANNERS)
    title = " ".join(title.split())[:200] or proposal.period_name
    with writing(session) as session:
        chosen = {r.company_id for r in proposal.chosen}
        in_scope = set(
            session.execute(
                sa_select(col(Company.id)).where(col(Company.id).in_(chosen), company_condition(actor))
            ).scalars()
        )
        if chosen - in_scope:
            raise not_found_in_scope(
                f"{len(chosen - in_scope)} doanh nghiệp", f"{len(chosen - in_scope)} companies"
            )
        plan = VisitPlan(
            period_id=proposal.period_id,
            title=title,
            scope=proposal.scope,
            visits=len(proposal.chosen),
            created_by=actor.username,
            agency=actor.role,
            number=allocate_number(session, _register(actor.role), planning_day().year),
        )
        session.add(plan)
        session.flush()
        session.execute(
            insert(PlannedVisit),
            [
                {
                    "plan_id": plan.id,
                    "company_id": r.company_id,
                    "rank": r.rank,
                    "priority": r.priority,
                    "terms": r.terms,
                    "pinned": r.pinned,
                }
                for r in proposal.chosen
            ],
        )
        audit.record(
            session,
            actor,
            "visits.plan",
            "visitplan",
            plan.id,
            after={"title": title, "visits": len(proposal.chosen), **proposal.scope},
        )
        return plan.id or 0


def get_plan(actor: Actor, plan_id: int, *, session: Session | None = None) -> SavedPlan:
    """A saved plan, with the companies the actor may see (all of them for its author)."""
    require_role(actor, *PLANNERS)
    with reading(session) as session:
        plan = session.get(VisitPlan, plan_id)
        if plan is None:
            raise NotFound.said("visits.no_plan")
        period = round_of(session, plan.period_id)
        visits = (
            session.execute(
                sa_select(PlannedVisit)
                .join(Company, col(Company.id) == col(PlannedVisit.company_id))
                .where(col(PlannedVisit.plan_id) == plan_id, company_condition(actor))
                .order_by(col(PlannedVisit.rank))
            )
            .scalars()
            .all()
        )
        if not visits:
            raise NotFound.said("visits.no_plan")
        levels = visit_inputs.levels_of(session, period)
        flags = visit_inputs.flags_by_company(session, period)
        details = visit_inputs.details(session, [v.company_id for v in visits])
        out = [
            _visit_row(
                details[v.company_id],
                levels.get(v.company_id, (None,))[0],
                v.rank,
                v.priority,
                v.terms,
                v.pinned,
                len(flags.get(v.company_id, ())),
            )
            for v in visits
        ]
        return SavedPlan(
            plan.id or 0,
            plan.title,
            plan.period_id,
            period.name,
            plan.scope,
            plan.created_by,
            plan.created_at,
            out,
            plan.agency or _author_role(session, plan.created_by),
            plan.number,
        )


def _register(agency: str) -> str:
    """Each agency numbers its own plans."""
    return f"plan.{agency}"


def _author_role(session: Session, username: str) -> str:
    """The agency of a plan saved before plans recorded theirs: its author's."""
    role = session.execute(sa_select(col(User.role)).where(col(User.username) == username)).scalar()
    return str(role) if role in PLANNERS else Role.ict


def list_plans(actor: Actor, *, session: Session | None = None) -> list[tuple[int, str, str, int, datetime]]:
    """(id, title, author, visits, made at), newest first: the plans whose companies the actor sees;
    the author by full name where the account has one (a person, not a login)."""
    require_role(actor, *PLANNERS)
    with reading(session) as session:
        visible = (
            sa_select(col(PlannedVisit.plan_id))
            .join(Company, col(Company.id) == col(PlannedVisit.company_id))
            .where(company_condition(actor))
        )
        rows = session.execute(
            sa_select(
                col(VisitPlan.id),
                col(VisitPlan.title),
                func.coalesce(func.nullif(col(User.full_name), ""), col(VisitPlan.created_by)),
                col(VisitPlan.visits),
                col(VisitPlan.created_at),
            )
            .join(User, col(User.username) == col(VisitPlan.created_by), isouter=True)
            .where(col(VisitPlan.id).in_(visible))
            .order_by(col(VisitPlan.created_at).desc(), col(VisitPlan.id).desc())
        ).all()
        return [tuple(r) for r in rows]


def _level_names(session: Session, plan: SavedPlan, lang: str) -> dict[str, str]:
    period = round_of(session, plan.period_id)
    loaded = rulesets.get(period.ruleset_id, period.ruleset_version, session=session)
    return {lv.id: lv.label.get(lang) for lv in loaded.ruleset.levels}


def plan_heading(agency: str, lang: str, number: int | None) -> Heading:
    """The plan's heading as its agency prints it (data/report_heading.yaml, `plans`), signed by
    the agency's signer from the settings."""
    data = heading_data()["plans"][agency if agency in PLANNERS else Role.ict]
    text = data[lang if lang in data else "vi"]
    settings = get_settings()
    name = settings.signers.get(agency, "").strip()
    if agency == Role.ict and not name:
        name = settings.report_signer_name.strip()
    return Heading(
        authority=text["authority"],
        issuer=text["issuer"],
        issuer_name=text["issuer"],
        number=text["number"].format(seq="…" if number is None else number, year=""),
        place=text["place"],
        recipient="",
        recipients=list(text["recipients"]),
        signer_title=text["signer_title"],
        signer_name=name,
    )


def export_plan(
    actor: Actor, plan_id: int, kind: str, lang: str = "vi", *, session: Session | None = None
) -> bytes:
    """The plan as `xlsx` (every term) or `pdf` (the plan as a numbered, signed document of its
    agency, the visits by district); logged as an export. In production a plan is not printed
    without its signer's name."""
    from app.exports import visits as paper

    with writing(session) as session:  # one unit: read the plan, number it if it has none, log
        plan = get_plan(actor, plan_id, session=session)
        made_at = plan.created_at.astimezone(UTC) + VIETNAM
        number = plan.number
        if kind == "pdf":
            if (
                get_settings().mode is Mode.production
                and not plan_heading(plan.agency, lang, None).signer_name
            ):
                raise Invalid.said("reports.no_signer")
            if number is None:  # saved before plans were numbered: numbered now, once
                number = allocate_number(session, _register(plan.agency), made_at.year)
                session.execute(
                    update(VisitPlan)
                    .where(col(VisitPlan.id) == plan_id)
                    .values(number=number, agency=plan.agency)
                )
        heading = plan_heading(plan.agency, lang, number)
        names = _level_names(session, plan, lang)
        shown_number = heading.number if kind == "pdf" else None
        log_export(session, actor, f"visits.{kind}", {"plan": plan_id}, len(plan.rows), shown_number)
    if kind == "xlsx":
        return paper.plan_workbook(plan.title, plan.rows, names, lang)
    return paper.plan_pdf(
        heading, plan.title, plan.period_name, plan.created_by, made_at, plan.rows, names, lang
    )
