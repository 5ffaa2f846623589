"""Companies: the registry officials monitor and the profile an HR officer keeps."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.i18n.messages import pydantic_error
from app.notify.contacts import normal_email, phone_e164
from app.services import audit
from app.services.context import Actor, reading, writing
from app.services.errors import Conflict, Invalid
from app.services.scope import company_condition, not_found_in_scope, require_role
from app.vocabulary import Role
from db.models import Company, Zone, utcnow

TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str) -> str:
    """Trim and drop control characters, which break reports and spreadsheets."""
    return CONTROL_CHARACTERS.sub("", value).strip()


class CompanyProfile(BaseModel):
    """What a company's HR officer may edit about the company."""

    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=200)
    sector: str = Field(min_length=2, max_length=80)
    address: str = Field(default="", max_length=300)
    workers: int | None = Field(default=None, ge=0, le=200_000)
    contact_name: str = Field(default="", max_length=120)
    contact_phone: str = Field(default="", max_length=30)
    contact_email: str = Field(default="", max_length=120)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)

    @field_validator("name", "sector", "address", "contact_name", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        return clean_text(value) if isinstance(value, str) else value

    @field_validator("contact_phone", "contact_email")
    @classmethod
    def _reachable(cls, value: str, info: ValidationInfo) -> str:
        """A contact the reminders can reach: a Vietnamese phone number (0…, +84…), an email by
        the RFCs; kept as typed, checked by the same functions that address the messages."""
        value = value.strip()
        if not value:
            return value
        if info.field_name == "contact_phone":
            if phone_e164(value) is None:
                raise ValueError("số điện thoại Việt Nam không hợp lệ / not a Vietnamese phone number")
            return value
        email = normal_email(value)
        if email is None:
            raise ValueError("email không hợp lệ / not an email address")
        return email


class CompanyRecord(CompanyProfile):
    """A registry entry: the profile plus what only an admin or an import sets."""

    tax_code: str
    zone_id: str
    district: str = ""

    @field_validator("tax_code")
    @classmethod
    def _tax_code(cls, value: str) -> str:
        value = value.strip()
        if not TAX_CODE.fullmatch(value):
            raise ValueError(
                "mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch và 3 chữ số (chi nhánh) / "
                "a tax code is 10 digits, or 10 digits, a hyphen and 3 digits for a branch"
            )
        return value


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


def _invalid_from(exc: ValidationError) -> Invalid:
    errors = exc.errors()
    fields = [".".join(str(p) for p in e["loc"]) for e in errors]
    problems = [(f, pydantic_error(dict(e), "en")) for f, e in zip(fields, errors, strict=True)]
    problems_vi = [(f, pydantic_error(dict(e), "vi")) for f, e in zip(fields, errors, strict=True)]
    return Invalid(
        "Dữ liệu không hợp lệ: " + "; ".join(f"{f}: {m}" for f, m in problems_vi),
        "Invalid data: " + "; ".join(f"{f}: {m}" for f, m in problems),
        problems=problems,
        problems_vi=problems_vi,
    )


def parse_record(data: dict[str, Any]) -> CompanyRecord:
    try:
        return CompanyRecord.model_validate(data)
    except ValidationError as exc:
        raise _invalid_from(exc) from None


def parse_profile(data: dict[str, Any]) -> CompanyProfile:
    try:
        return CompanyProfile.model_validate(data)
    except ValidationError as exc:
        raise _invalid_from(exc) from None


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
    """Insert in the caller's transaction (used by `create_company` and by imports)."""
    zone = _zone(session, record.zone_id)
    exists = session.exec(select(Company.id).where(Company.tax_code == record.tax_code)).first()
    if exists is not None:
        raise Conflict.said("companies.tax_code_taken", tax_code=record.tax_code, field="tax_code")
    data = record.model_dump()
    data["district"] = zone.district if zone.kind == "district" or not record.district else record.district
    company = Company(**data)
    session.add(company)
    session.flush()
    audit.record(
        session, actor, "company.create", "company", company.id, after=_fields(company), company_id=company.id
    )
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
    if zone.kind not in ("industrial_zone", "district"):
        raise Invalid.said("companies.unknown_zone_kind", field="kind")
    session.add(zone)
    audit.record(session, actor, "zone.create", "zone", zone.id, after=zone.model_dump())
    return zone
