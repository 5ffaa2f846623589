"""Companies: the registry officials monitor and the profile an HR officer keeps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from app import area_structure
from app.services import audit, data_version
from app.services.context import Actor, reading, writing
from app.services.errors import Conflict, Invalid
from app.services.filing.company_records import CompanyRecord, parse_profile, parse_record
from app.services.scope import company_condition, not_found_in_scope, require_role
from app.vocabulary import Role
from db.models import Company, Zone, utcnow


@dataclass(frozen=True)
class CompanyView:
    id: int
    tax_code: str
    name: str
    zone_id: str
    zone_name: str
    zone_kind: str
    district: str
    sector: str
    address: str
    workers: int | None
    contact_name: str
    contact_phone: str
    contact_email: str
    lat: float | None
    lon: float | None
    pending_name: str | None = None


def _zone(session: Session, zone_id: str) -> Zone:
    zone = session.get(Zone, zone_id)
    if zone is None:
        raise Invalid.said("companies.zone_district_mismatch", zone_id=zone_id, field="zone_id")
    return zone


def _view(company: Company, zone: Zone) -> CompanyView:
    return CompanyView(
        id=company.id or 0,  # a stored company always has one
        tax_code=company.tax_code,
        name=company.name,
        zone_id=company.zone_id,
        zone_name=zone.name,
        zone_kind=zone.kind,
        district=company.district,
        sector=company.sector,
        address=company.address,
        workers=company.workers,
        contact_name=company.contact_name,
        contact_phone=company.contact_phone,
        contact_email=company.contact_email,
        lat=company.lat,
        lon=company.lon,
        pending_name=company.pending_name,
    )


def _company_in_scope(session: Session, actor: Actor, company_id: int) -> Company:
    """The company to change, if the actor's scope holds it; said as "not found" otherwise."""
    company = session.exec(
        select(Company).where(col(Company.id) == company_id, company_condition(actor))
    ).first()
    if company is None:
        raise not_found_in_scope("doanh nghiệp", "company")
    return company


def _fields(company: Company) -> dict[str, Any]:
    return company.model_dump(exclude={"id", "created_at", "updated_at"})


def add_company(actor: Actor, record: CompanyRecord, *, session: Session) -> Company:
    """Insert in the caller's transaction (used by `create_company`)."""
    (company_id,) = add_companies(actor, [record], session=session)
    company = session.get(Company, company_id)
    if company is None:  # pragma: no cover - just inserted in this transaction
        raise RuntimeError("the new company is not there")
    return company


INSERT_CHUNK = 2_000
TAX_CODE_CHUNK = 500  # tax codes looked up per query (under every engine's parameter limit)


def add_companies(
    actor: Actor,
    records: Sequence[CompanyRecord],
    *,
    session: Session,
    registered: datetime | None = None,
) -> list[int]:
    """Insert many in the caller's transaction, in order, each audited as `company.create`; their
    ids in the same order. A registry import or the seed adds thousands at once: a few statements,
    not a flush per company. `registered` dates them (the seed registers its companies before
    its first round)."""
    zones = {
        z.id: z
        for z in session.exec(select(Zone).where(col(Zone.id).in_({r.zone_id for r in records}))).all()
    }
    codes: set[str] = set()
    for record in records:
        if record.zone_id not in zones:
            raise Invalid.said("companies.zone_district_mismatch", zone_id=record.zone_id, field="zone_id")
        if record.tax_code in codes:
            raise Conflict.said("companies.tax_code_taken", tax_code=record.tax_code, field="tax_code")
        codes.add(record.tax_code)
    ordered = [r.tax_code for r in records]
    for start in range(0, len(ordered), TAX_CODE_CHUNK):
        taken = session.exec(
            select(Company.tax_code).where(col(Company.tax_code).in_(ordered[start : start + TAX_CODE_CHUNK]))
        ).first()
        if taken is not None:
            raise Conflict.said("companies.tax_code_taken", tax_code=taken, field="tax_code")
    if not records:
        return []
    session.flush()  # what the ORM holds goes first
    data_version.wrote(session, "company")  # sent on the connection: the session's events miss it
    ids: list[int] = []
    # a chunk at a time: 50,000 companies built, inserted and audited at once held 360 MB of
    # models, parameters and audit rows (the 50k seed's peak); a chunk holds a few MB
    for start in range(0, len(records), INSERT_CHUNK):
        companies = [
            _company(record, zones[record.zone_id], registered)
            for record in records[start : start + INSERT_CHUNK]
        ]
        chunk_ids = [
            int(company_id or 0)  # an inserted row always has its id
            for company_id in session.connection()
            .execute(
                insert(Company).returning(col(Company.id), sort_by_parameter_order=True),
                [c.model_dump(exclude={"id"}) for c in companies],
            )
            .scalars()
        ]
        audit.record_many(
            session,
            actor,
            "company.create",
            "company",
            ((cid, None, _fields(c), cid) for cid, c in zip(chunk_ids, companies, strict=True)),
        )
        ids += chunk_ids
    return ids


def _company(record: CompanyRecord, zone: Zone, registered: datetime | None) -> Company:
    data = record.model_dump()
    data["district"] = (
        zone.district if zone.kind == area_structure.local_kind() or not record.district else record.district
    )
    company = Company(**data)  # the model's defaults, as an ORM insert would write them
    if registered is not None:
        company.created_at = company.updated_at = registered
    return company


def create_company(actor: Actor, data: dict[str, Any], *, session: Session | None = None) -> CompanyView:
    require_role(actor, Role.admin)
    record = parse_record(data)
    with writing(session) as session:
        company = add_company(actor, record, session=session)
        return _view(company, _zone(session, company.zone_id))


def get_company(actor: Actor, company_id: int, *, session: Session | None = None) -> CompanyView:
    with reading(session) as session:
        row = session.exec(
            select(Company, Zone)
            .join(Zone, col(Company.zone_id) == col(Zone.id))
            .where(Company.id == company_id, company_condition(actor))
        ).first()
        if row is None:
            raise not_found_in_scope("doanh nghiệp", "company")
        return _view(*row)


def find_by_tax_code(actor: Actor, tax_code: str, *, session: Session | None = None) -> CompanyView:
    with reading(session) as session:
        row = session.exec(
            select(Company, Zone)
            .join(Zone, col(Company.zone_id) == col(Zone.id))
            .where(Company.tax_code == tax_code.strip(), company_condition(actor))
        ).first()
        if row is None:
            raise not_found_in_scope(
                f"doanh nghiệp có mã số thuế {tax_code}", f"company with tax code {tax_code}"
            )
        return _view(*row)


def search(actor: Actor, text: str, limit: int = 20, *, session: Session | None = None) -> list[CompanyView]:
    """Companies in scope whose tax code starts with, or whose name contains, `text` (case-folded
    where the database can): the official types what they remember of a name."""
    wanted = text.strip()
    if len(wanted) < 2:
        return []
    pattern = "%" + wanted.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
    with reading(session) as session:
        rows = session.exec(
            select(Company, Zone)
            .join(Zone, col(Company.zone_id) == col(Zone.id))
            .where(
                company_condition(actor),
                col(Company.tax_code).startswith(wanted) | func.lower(col(Company.name)).like(pattern),
            )
            .order_by(col(Company.name))
            .limit(limit)
        ).all()
    return [_view(company, zone) for company, zone in rows]


def update_profile(
    actor: Actor, company_id: int, data: dict[str, Any], *, session: Session | None = None
) -> CompanyView:
    """The HR officer edits her own company; an admin any. Tax code and zone are the registry's."""
    require_role(actor, Role.company, Role.admin)
    profile = parse_profile(data)
    with writing(session) as session:
        company = _company_in_scope(session, actor, company_id)
        before = _fields(company)
        values = profile.model_dump()
        if actor.role == Role.company:
            # a new name reaches official reports and /verify only once an official accepts it
            typed = values.pop("name")
            company.pending_name = None if typed == company.name else typed
        for key, value in values.items():
            setattr(company, key, value)
        company.updated_at = utcnow()
        session.add(company)
        after = _fields(company)
        changed = {k: after[k] for k in after if after[k] != before[k]}
        if changed:
            audit.record(
                session,
                actor,
                "company.update",
                "company",
                company.id,
                before={k: before[k] for k in changed},
                after=changed,
                company_id=company.id,
            )
        return _view(company, _zone(session, company.zone_id))


def decide_name(
    actor: Actor, company_id: int, accept: bool, *, session: Session | None = None
) -> CompanyView:
    """The zones board (for companies in the zones), the labour department (outside them) or an
    admin accepts or refuses the name a company typed; either way it is audited."""
    require_role(actor, Role.zone_board, Role.labour, Role.admin)
    with writing(session) as session:
        company = _company_in_scope(session, actor, company_id)
        if not company.pending_name:
            raise Conflict.said("companies.no_name_waiting")
        before = {"name": company.name, "pending_name": company.pending_name}
        if accept:
            company.name = company.pending_name
        company.pending_name = None
        company.updated_at = utcnow()
        session.add(company)
        audit.record(
            session,
            actor,
            "company.name_accept" if accept else "company.name_refuse",
            "company",
            company.id,
            before=before,
            after={"name": company.name},
            company_id=company.id,
        )
        return _view(company, _zone(session, company.zone_id))


def count_companies(actor: Actor, *, session: Session | None = None) -> int:
    with reading(session) as session:
        return session.exec(select(func.count()).select_from(Company).where(company_condition(actor))).one()


def list_zones(actor: Actor | None = None, *, session: Session | None = None) -> list[Zone]:
    """Every zone and district (names are public); ordered zones first, then districts."""
    with reading(session) as session:
        zones = session.exec(select(Zone)).all()
    return sorted(zones, key=lambda z: (z.kind != "industrial_zone", z.name))


def add_zone(actor: Actor, zone: Zone, *, session: Session) -> Zone:
    if zone.kind not in area_structure.area_kinds():
        raise Invalid.said("companies.unknown_zone_kind", field="kind")
    session.add(zone)
    audit.record(session, actor, "zone.create", "zone", zone.id, after=zone.model_dump())
    return zone
