"""Machine clients: issued by an admin with a scope, rights and an expiry; a token shown once and
kept as its SHA-256; revocable; rate-limited per minute across every API process; every call kept.

A client acts as the role its scope is (province → the ICT department's read, zones → the zones
board, districts → the labour department, company → the company), so the API goes through the very
scope conditions the pages do (`scope.company_condition`), not a second copy of them."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from app import identifiers
from app.services import audit
from app.services.context import Actor, reading, writing
from app.services.errors import Conflict, Invalid, NotFound, ServiceError
from app.services.scope import agency_zone_kind, require_role
from app.vocabulary import Role
from db.models import ApiCall, ApiClient, ApiRateWindow, Company, Zone, as_utc, utcnow

TOKEN_PREFIX = "zr_"
DEFAULT_DAYS = 365


class ClientScope(StrEnum):
    province = "province"
    zones = "zones"
    districts = "districts"
    company = "company"


SCOPE_ROLE: dict[str, str] = {
    ClientScope.province: Role.ict,
    ClientScope.zones: Role.zone_board,
    ClientScope.districts: Role.labour,
    ClientScope.company: Role.company,
}


def scope_zone_kind(scope: ClientScope) -> str | None:
    """The kind of area a client's scope lists: industrial zones, or the local areas in force."""
    if scope not in (ClientScope.zones, ClientScope.districts):
        return None
    return agency_zone_kind(SCOPE_ROLE[scope])


class Unauthenticated(ServiceError):
    """No token, an unknown one, or one that expired or was revoked: said alike, so that a caller
    learns nothing about which tokens once existed."""


@dataclass(frozen=True)
class ClientView:
    id: int
    name: str
    scope: str
    zone_ids: tuple[str, ...]
    company_id: int | None
    company_tax_code: str | None
    can_write: bool
    rate_per_minute: int
    expires_at: datetime
    revoked_at: datetime | None
    created_by: str
    created_at: datetime
    last_used_at: datetime | None
    token_hint: str

    @property
    def actor(self) -> Actor:
        """The services' actor for this client's calls: its scope's role, its areas or company."""
        return Actor(
            user_id=None,
            username=f"api:{self.name}"[:60],
            role=SCOPE_ROLE[self.scope],
            company_id=self.company_id,
            zone_ids=self.zone_ids,
        )

    def active_at(self, now: datetime) -> bool:
        return self.revoked_at is None and as_utc(self.expires_at) > now


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _view(row: ApiClient, tax_code: str | None) -> ClientView:
    assert row.id is not None
    return ClientView(
        id=row.id,
        name=row.name,
        scope=row.scope,
        zone_ids=tuple(row.zone_ids or ()),
        company_id=row.company_id,
        company_tax_code=tax_code,
        can_write=row.can_write,
        rate_per_minute=row.rate_per_minute,
        expires_at=as_utc(row.expires_at),
        revoked_at=as_utc(row.revoked_at) if row.revoked_at else None,
        created_by=row.created_by,
        created_at=as_utc(row.created_at),
        last_used_at=as_utc(row.last_used_at) if row.last_used_at else None,
        token_hint=row.token_hint,
    )


def issue(
    actor: Actor,
    name: str,
    scope: str,
    *,
    areas: tuple[str, ...] = (),
    tax_code: str | None = None,
    write: bool = False,
    days: int = DEFAULT_DAYS,
    rate_per_minute: int = 600,
    session: Session | None = None,
) -> tuple[ClientView, str]:
    """A new client and its token. The token is returned here and nowhere else, ever."""
    require_role(actor, Role.admin)
    name = name.strip()
    if not name or len(name) > 80:
        raise Invalid.said("clients.bad_name", field="name")
    if scope not in set(ClientScope):
        raise Invalid.said("clients.bad_scope", scope=scope, field="scope")
    if days < 1 or days > 3650:
        raise Invalid.said("clients.bad_days", field="days")
    if rate_per_minute < 1:
        raise Invalid.said("clients.bad_rate", field="rate_per_minute")
    with writing(session) as session:
        if session.execute(select(col(ApiClient.id)).where(col(ApiClient.name) == name)).first():
            raise Conflict.said("clients.name_taken", name=name)
        company_id = None
        zone_ids: list[str] = []
        if scope == ClientScope.company:
            try:
                tax_code = identifiers.tax_code(tax_code or "")
            except identifiers.BadTaxCode as bad:
                vi, en = str(bad).split(" / ", 1)
                raise Invalid(vi, en, field="company") from None
            company_id = session.execute(
                select(col(Company.id)).where(col(Company.tax_code) == (tax_code or "").strip())
            ).scalar()
            if company_id is None:
                raise Invalid.said("clients.unknown_company", tax_code=tax_code or "", field="company")
        elif (kind := scope_zone_kind(ClientScope(scope))) is not None:
            if not areas:
                raise Invalid.said("clients.no_areas", field="areas")
            known = set(
                session.execute(
                    select(col(Zone.id)).where(col(Zone.id).in_(areas), col(Zone.kind) == kind)
                ).scalars()
            )
            unknown = [a for a in areas if a not in known]
            if unknown:
                raise Invalid.said("clients.unknown_areas", areas=", ".join(unknown), field="areas")
            zone_ids = sorted(set(areas))
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = utcnow()
        row = ApiClient(
            name=name,
            token_hash=token_hash(token),
            token_hint=token[:10],
            scope=scope,
            zone_ids=zone_ids,
            company_id=company_id,
            can_write=write,
            rate_per_minute=rate_per_minute,
            expires_at=now + timedelta(days=days),
            created_by=actor.username,
            created_at=now,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "client.issue",
            "apiclient",
            row.id,
            after={"name": name, "scope": scope, "areas": zone_ids, "write": write, "days": days},
            company_id=company_id,
        )
        return _view(row, (tax_code or "").strip() or None), token


def list_clients(actor: Actor, *, session: Session | None = None) -> list[ClientView]:
    require_role(actor, Role.admin)
    with reading(session) as session:
        rows = session.execute(
            select(ApiClient, col(Company.tax_code))
            .join(Company, col(Company.id) == ApiClient.company_id, isouter=True)
            .order_by(col(ApiClient.name))
        ).all()
        return [_view(row, tax) for row, tax in rows]


def revoke(actor: Actor, name: str, *, session: Session | None = None) -> ClientView:
    """Refused from its next call on; its calls and subscriptions stay for the record."""
    require_role(actor, Role.admin)
    with writing(session) as session:
        row = session.execute(select(ApiClient).where(col(ApiClient.name) == name)).scalar()
        if row is None:
            raise NotFound.said("clients.unknown", name=name)
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            session.add(row)
            session.flush()
            audit.record(session, actor, "client.revoke", "apiclient", row.id, after={"name": name})
        return _view(row, None)


def admit(
    token: str, now: datetime | None = None, *, session: Session | None = None
) -> tuple[ClientView, int | None]:
    """The client whose token this is, if it may call now, with its call counted in the current
    minute: (client, None) when it may go on, else (client, seconds until the next minute) for
    Retry-After. One short write transaction: the lookup and one atomic upsert, so that several API
    processes share one budget and two racing calls can never both take the last one."""
    now = now or utcnow()
    if not token:
        raise Unauthenticated.said("clients.no_token")
    with writing(session) as session:
        row = session.execute(
            select(ApiClient).where(col(ApiClient.token_hash) == token_hash(token))
        ).scalar()
        if row is None:
            raise Unauthenticated.said("clients.bad_token")
        client = _view(row, None)
        if not client.active_at(now):
            raise Unauthenticated.said("clients.bad_token")
        return client, _count_call(session, client, now)


def authenticate(token: str, now: datetime | None = None, *, session: Session | None = None) -> ClientView:
    """The client whose token this is, if it may call now (its call counted)."""
    return admit(token, now, session=session)[0]


def take_call(
    client: ClientView, now: datetime | None = None, *, session: Session | None = None
) -> int | None:
    """Count one call of `client` in its current minute; None, or the seconds to wait."""
    with writing(session) as session:
        return _count_call(session, client, now or utcnow())


def _count_call(session: Session, client: ClientView, now: datetime) -> int | None:
    epoch_seconds = int(now.timestamp())
    minute = epoch_seconds // 60
    dialect = session.get_bind().dialect.name
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = ApiRateWindow.__table__  # type: ignore[attr-defined]
    statement = (
        make(table)
        .values(client_id=client.id, minute=minute, calls=1)
        .on_conflict_do_update(index_elements=["client_id", "minute"], set_={"calls": table.c.calls + 1})
        .returning(table.c.calls)
    )
    calls = int(session.execute(statement).scalar_one())
    if minute % 10 == 0 and calls == 1:  # the first call of every tenth minute forgets old minutes
        session.execute(table.delete().where(table.c.client_id == client.id, table.c.minute < minute - 10))
    if calls > client.rate_per_minute:
        return 60 - epoch_seconds % 60 or 60
    return None


@dataclass(frozen=True)
class Call:
    client_id: int
    method: str
    endpoint: str
    status: int
    rows: int
    at: datetime


def record_calls(calls: list[Call], *, session: Session | None = None) -> None:
    """The calls' trace, written together (the API writes them a fraction of a second after they
    end, in batches, rather than one transaction per call)."""
    if not calls:
        return
    with writing(session) as session:
        session.execute(
            insert(ApiCall),
            [
                {
                    "client_id": c.client_id,
                    "method": c.method[:8],
                    "endpoint": c.endpoint[:200],
                    "status": c.status,
                    "rows": c.rows,
                    "at": c.at,
                }
                for c in calls
            ],
        )
        last: dict[int, datetime] = {}
        for c in calls:
            last[c.client_id] = max(last.get(c.client_id, c.at), c.at)
        for client_id, at in last.items():
            session.execute(update(ApiClient).where(col(ApiClient.id) == client_id).values(last_used_at=at))
