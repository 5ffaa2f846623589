"""What a seeded database holds, as one digest per table: every row of every table, minus the
columns a wall clock or a random salt writes (when a row was written, a password's hash). Two seeds
with the same settings must give the same digests, on either engine and before or after a rewrite
of how the seed writes its rows."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

import db.models  # noqa: F401  (the tables)
from db.engine import get_engine

# written by the clock or a salt, not by the seed's settings
VARYING = {
    "app_user": {"created_at", "password_hash"},
    "auditevent": {"at"},
    "period": {"created_at"},
    "remediationaction": {"closed_at", "updated_at"},
    "submissionflag": {"created_at"},
}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, float):
        return repr(round(value, 9))
    return value


def fingerprint(url: str) -> dict[str, str]:
    """table name → SHA-256 of its rows (stable columns only, in primary-key order)."""
    engine = get_engine(url)
    digests: dict[str, str] = {}
    with engine.connect() as connection:
        for table in sorted(SQLModel.metadata.sorted_tables, key=lambda t: t.name):
            skip = VARYING.get(table.name, set())
            columns = [c for c in table.columns if c.name not in skip]
            order = list(table.primary_key.columns) or columns
            rows = connection.execute(sa.select(*columns).order_by(*order))
            hasher = hashlib.sha256()
            count = 0
            for row in rows:
                line = {c.name: _plain(v) for c, v in zip(columns, row, strict=True)}
                hasher.update(json.dumps(line, sort_keys=True, ensure_ascii=False, default=str).encode())
                hasher.update(b"\n")
                count += 1
            digests[table.name] = f"{count}:{hasher.hexdigest()[:16]}"
    return digests
