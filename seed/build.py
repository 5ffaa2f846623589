"""A deterministic demo of Bắc Giang: zones, districts, companies, weekly rounds with realistic filing
(early rounds mostly missing, some late), levels that improve with time and sometimes slip back, and
one demo user per role. Everything goes through the services, in one transaction."""

from __future__ import annotations

import math
import random
import time as clock
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import col, select

from app import area_structure
from app.services.admin import rulesets
from app.services.admin.users import create_user
from app.services.context import SYSTEM_ACTOR, engine, unit_of_work
from app.services.filing import credibility
from app.services.filing.assessments import insert_submissions
from app.services.filing.companies import add_companies, add_zone
from app.services.filing.company_records import CompanyRecord
from app.services.periods import VIETNAM, Expected, open_period
from app.vocabulary import Status
from db.engine import bulk_load
from db.models import Company, Period, User, Zone
from seed.answers import Profile, answers_for, choice_tables
from seed.conditions import conditions_round
from seed.inspections import inspection_history, remediation_history
from seed.province import MOBILE_PREFIXES, company_name, province, tax_codes
from seed.reminders import reminder_history, store_reviews


@dataclass(frozen=True)
class SeedSummary:
    zones: int
    companies: int
    periods: int
    submissions: int
    seconds: float
    first_period: date
    logins: list[dict[str, str]]


DOUBTS = ("", "frozen", "headcount", "perfect")
DOUBT_WEIGHTS = (91, 3, 3, 3)  # percent of the demo's companies


COMPANY_CHUNK = 2_000  # companies drawn, then stored, at a time


def _doubt(n: int, rng: random.Random) -> str:
    """Companies 5–7 are one of each kind, so that even a small demo shows every flag the seed
    can raise; the persona (company 0) is honest."""
    if n == 0:
        return ""
    if n in (5, 6, 7):
        return DOUBTS[1 + n % 3]
    return rng.choices(DOUBTS, DOUBT_WEIGHTS)[0]


def _by_rounds(progress: Callable[[str], None], stage: str, total: int) -> Callable[[int], None]:
    """A long stage's progress in the rounds it has done, every tenth and the last: a 50k seed
    spends minutes in each of the stages that go round by round."""

    def done(rounds: int) -> None:
        if rounds % 10 == 0 or rounds == total:
            progress(f"{stage}: {rounds} of {total} rounds")

    return done


def default_start(periods: int, today: date | None = None) -> date:
    """The Monday that makes the last weekly round the current week, so the demo looks live."""
    today = today or datetime.now(UTC).date()
    this_monday = today - timedelta(days=today.weekday())
    return this_monday - timedelta(weeks=periods - 1)


class SeedError(RuntimeError):
    """The demo cannot be seeded here (the database already holds data); the CLI says so, exit 2."""


def build(
    companies: int = 400,
    periods: int = 12,
    start: date | None = None,
    seed: int = 2021,
    progress: Callable[[str], None] = lambda _msg: None,
    with_conditions_round: bool = False,
) -> SeedSummary:
    started = clock.perf_counter()
    rng = random.Random(seed)
    doubt_rng = random.Random(seed + 15)  # its own stream: the honest companies' data is unchanged
    data = province()
    start = start or default_start(periods)
    loaded = rulesets.default()
    choices = choice_tables(loaded.ruleset)
    actor = SYSTEM_ACTOR
    with bulk_load(engine()), unit_of_work(write=True) as session:
        if session.exec(select(Company.id).limit(1)).first() is not None:
            raise SeedError("The database already holds data: run `python -m seed --reset` to rebuild it.")
        progress("zones")
        if area_structure.local_kind() != "district":
            raise SeedError(
                "Dữ liệu mẫu là Bắc Giang 2021 (cấp huyện) / the demo is Bắc Giang in 2021, by district: "
                f"ZONERISK_AREA_STRUCTURE={area_structure.structure_id()} needs its own areas "
                "(python -m app.cli areas import)."
            )
        places = [(z, "industrial_zone", z["district"]) for z in data["zones"]]
        places += [(d, "district", d["name"]) for d in data["districts"]]
        for place, kind, district in places:
            where = {"lat": place["lat"], "lon": place["lon"], "code": place.get("code")}
            add_zone(
                actor,
                Zone(id=place["id"], name=place["name"], kind=kind, district=district, **where),
                session=session,
            )
        session.flush()

        progress(f"{companies:,} companies")
        zones = data["zones"]
        districts = data["districts"]
        sectors = data["sectors"]
        taken: set[str] = {data["persona"]["tax_code"]}
        names: set[str] = {data["persona"]["name"]}
        codes = tax_codes(rng, max(companies - 1, 0), taken)
        profiles: list[Profile] = []
        records: list[CompanyRecord] = []
        persona = data["persona"]
        zone_by_id = {z["id"]: z for z in zones}
        registered = datetime.combine(start - timedelta(days=30), time(9, 0), tzinfo=UTC)

        def store(pending: list[CompanyRecord]) -> None:
            """A chunk of companies stored and its profiles given their ids: 50,000 records held
            at once were the 50k seed's memory peak. The draws do not depend on the chunks, so
            the province is the same."""
            first = len(profiles) - len(pending)
            stored = add_companies(actor, pending, session=session, registered=registered)
            for profile, company_id in zip(profiles[first:], stored, strict=True):
                profile.company_id = company_id
            pending.clear()

        for n in range(companies):
            if n == 0:
                zone = zone_by_id[persona["zone_id"]]
                record = CompanyRecord(
                    tax_code=persona["tax_code"],
                    name=persona["name"],
                    zone_id=zone["id"],
                    district=zone["district"],
                    sector=persona["sector"],
                    workers=persona["workers"],
                    address=f"Lô B2, {zone['name']}, {zone['district']}, Bắc Giang",
                    contact_name=persona["contact_name"],
                    contact_phone=persona["contact_phone"],
                    contact_email=persona["contact_email"],
                    lat=zone["lat"] + 0.002,
                    lon=zone["lon"] - 0.003,
                )
                sector = next(s for s in sectors if s["name"] == persona["sector"])
            else:
                in_zone = rng.random() < 0.8
                area = rng.choices(
                    zones if in_zone else districts,
                    weights=[a["weight"] for a in (zones if in_zone else districts)],
                )[0]
                sector = rng.choices(sectors, weights=[s["weight"] for s in sectors])[0]
                workers = int(
                    min(12_000, max(30, rng.lognormvariate(math.log(sector["median_workers"]), 0.9)))
                )
                drawn = f"{rng.randrange(10**8):08d}"
                phone = MOBILE_PREFIXES[int(drawn[0])] + drawn[1:]  # a number the networks give out
                record = CompanyRecord(
                    tax_code=next(codes),
                    name=company_name(rng, sector, data["name_parts"], names),
                    zone_id=area["id"],
                    district=area.get("district", area["name"]),
                    sector=sector["name"],
                    workers=workers,
                    address=", ".join(
                        part
                        for part in (
                            f"Số {rng.randint(1, 300)} {rng.choice(data['streets'])}",
                            area["name"] if in_zone else "",
                            area.get("district", area["name"]),
                            "Bắc Giang",
                        )
                        if part
                    ),
                    contact_name=rng.choice(data["contact_names"]),
                    contact_phone=f"{phone[:4]} {phone[4:7]} {phone[7:]}",
                    contact_email=f"hr{n}@dn{n:05d}.vn",
                    lat=round(area["lat"] + rng.uniform(-0.012, 0.012), 5),
                    lon=round(area["lon"] + rng.uniform(-0.012, 0.012), 5),
                )
            records.append(record)
            profiles.append(
                Profile(
                    company_id=0,  # given once the companies are stored, below
                    workers=record.workers or 100,
                    area=(record.workers or 100) * rng.uniform(0.85, 9.0),
                    phones_share=rng.uniform(0.72, 0.96),
                    care=0.3 if n == 0 else rng.uniform(0.0, 0.6),
                    improvement=0.4 if n == 0 or rng.random() > 0.12 else rng.uniform(-0.05, 0.1),
                    diligence=0.97 if n == 0 else rng.betavariate(2.2, 1.6),
                    official_id=None,
                    persona=n == 0,
                    doubt=_doubt(n, doubt_rng),
                )
            )
            if len(records) == COMPANY_CHUNK:
                store(records)
        # registered before the first round, so the rounds' figures are the newer ones
        store(records)
        names.clear()  # the rounds need only the profiles

        progress("demo users")
        logins = []
        users: dict[str, User] = {}
        for spec in data["demo_users"]:
            user = create_user(
                actor,
                spec["username"],
                spec["password"],
                spec["role"],
                full_name=spec["full_name"],
                company_id=profiles[0].company_id if spec["role"] == "company" else None,
                email=spec.get("email", ""),
                session=session,
            )
            users[spec["role"]] = user
            logins.append({"role": spec["role"], "username": spec["username"], "password": spec["password"]})
        kinds = dict(
            session.exec(select(Company.id, Zone.kind).join(Zone, col(Zone.id) == Company.zone_id)).all()
        )
        for p in profiles:
            reviewer = users["zone_board"] if kinds[p.company_id] == "industrial_zone" else users["labour"]
            p.official_id = reviewer.id

        progress(f"{periods} rounds")
        period_rows: list[Period] = []
        for week in range(periods):
            opens = start + timedelta(weeks=week)
            due = opens + timedelta(days=6)
            iso = opens.isocalendar()
            period = open_period(
                actor,
                f"Tuần {iso.week:02d}/{iso.year} ({opens:%d/%m}–{due:%d/%m})",
                opens,
                due,
                Expected(all_companies=True),
                loaded.ruleset.id,
                loaded.ruleset.version,
                session=session,
            )
            if week < periods - 1:
                period.closed = week < periods - 3  # the last rounds still take late filings
                session.add(period)
            period_rows.append(period)
        session.flush()

        progress("submissions")
        now = datetime.now(UTC)
        reviews: list[dict[str, Any]] = []

        def submissions(week: int, period: Period) -> Iterator[dict[str, Any]]:
            """One round's filings (its reviews go to `reviews`): memory stays flat in the rounds."""
            current = week == periods - 1
            open_at = datetime.combine(period.opens_on, time(7, 0), tzinfo=UTC) - VIETNAM  # 7:00 local
            propensity = 0.12 + 0.83 * (week / max(periods - 1, 1)) ** 0.55
            for p in profiles:
                answers = answers_for(rng, p, week, periods, choices)
                if p.persona:
                    if current:
                        continue  # the demo HR officer has this week's assessment to do
                    filed, on_time = True, week != 2
                else:
                    filed = rng.random() < min(0.99, propensity + 0.35 * (p.diligence - 0.5))
                    on_time = rng.random() < 0.45 + 0.5 * p.diligence
                    if current:
                        filed = filed and rng.random() < 0.62
                if not filed and not p.doubt:  # the doubtful file every round: their pattern shows
                    continue
                if on_time:
                    at = open_at + timedelta(hours=rng.uniform(2, 6.9 * 24))
                else:
                    at = period.due_at + timedelta(hours=rng.uniform(1, 5 * 24))
                if p.doubt == "perfect":  # after the due-day reminder, hours before the deadline
                    at = period.due_at - timedelta(hours=1 + 9 * ((p.company_id * 7 + week) % 10) / 10)
                if at > now:
                    if current or not on_time:
                        at = now - timedelta(minutes=rng.uniform(5, 600))
                    if at < open_at:
                        continue
                status = Status.submitted
                if week < periods - 2:
                    roll = rng.random()
                    status = (
                        Status.approved
                        if roll < 0.82
                        else Status.returned
                        if roll < 0.87
                        else Status.submitted
                    )
                if status != Status.submitted:
                    reviews.append(
                        {
                            "company_id": p.company_id,
                            "period_id": period.id,
                            "official_id": p.official_id,
                            "decision": "approve" if status == Status.approved else "return",
                            "comment": ""
                            if status == Status.approved
                            else rng.choice(
                                [
                                    "Số NLĐ khai báo y tế chưa khớp danh sách, đề nghị rà soát lại.",
                                    "Bổ sung phương án xe đưa đón đã được phê duyệt.",
                                    "Tỷ lệ cài Bluezone thấp, đề nghị đôn đốc NLĐ cài đặt và cập nhật.",
                                ]
                            ),
                            "at": at + timedelta(hours=rng.uniform(4, 48)),
                        }
                    )
                yield {
                    "ruleset": loaded,
                    "company_id": p.company_id,
                    "period_id": period.id,
                    "answers": answers,
                    "submitted_at": at,
                    "first_submitted_at": at,
                    "status": status,
                    "submitted_by": users["company"].id if p.persona else None,
                }

        count = 0
        submissions_done = _by_rounds(progress, "submissions", len(period_rows))
        for week, period in enumerate(period_rows):  # each round's rows and reviews, then the next
            count += insert_submissions(submissions(week, period), session=session)
            if reviews:
                store_reviews(session, reviews, period.id or 0)
                reviews.clear()
            submissions_done(week + 1)
        progress("reminders sent in past rounds")
        # the rounds before the current one: its reminders are for the worker (or `remind send`) to send
        past = period_rows[:-1]
        reminders_done = _by_rounds(progress, "reminders", len(past))
        reminder_history(session, past, now, random.Random(seed + 14), round_done=reminders_done)
        progress("inspections in past rounds")
        inspection_history(session, period_rows[:-1], loaded, choices, random.Random(seed + 13), now)
        progress("action plans of the last rounds")
        remediation_history(session, period_rows[-3:-1], loaded)
        if with_conditions_round and period_rows:
            progress("a round under the operating conditions (bg-kcn-dk-2021)")
            extra_round, extra = conditions_round(
                session, actor, period_rows[-1], random.Random(seed + 16), now, profiles[0].company_id
            )
            count += extra
            period_rows.append(extra_round)
        progress("credibility flags")
        flags_done = _by_rounds(progress, "credibility flags", len(period_rows))
        for n, period in enumerate(period_rows, start=1):  # oldest first: flags read the rounds before
            credibility.recompute_round(period.id or 0, session=session)
            flags_done(n)
    return SeedSummary(
        zones=len(zones) + len(districts),
        companies=companies,
        periods=periods,
        submissions=count,
        seconds=clock.perf_counter() - started,
        first_period=start,
        logins=logins,
    )
