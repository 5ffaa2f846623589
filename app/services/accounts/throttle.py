"""Counting failed tries per key, with a progressive wait instead of a lock: the login form counts
per account, per client and per account-from-client; the public /verify page counts invalid links
per client. A try is counted with a compare-and-set update, so that processes trying at once are
counted as if they tried in turn."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from app.config import get_settings
from app.services.context import insert_ignore, rowcount
from db.models import LoginThrottle, as_utc

FORGIVE_AFTER = timedelta(days=1)


def delay_after(failures: int, free: int, cap_seconds: int) -> timedelta:
    """No wait for the first `free` failures, then 1 s, 2 s, 4 s … up to the cap."""
    if failures < free:
        return timedelta(0)
    return timedelta(seconds=min(cap_seconds, 2 ** min(failures - free, 30)))


def must_wait(session: Session, key: str, now: datetime) -> bool:
    row = session.get(LoginThrottle, key[:200])
    return row is not None and row.not_before is not None and as_utc(row.not_before) > now


def claim(session: Session, key: str, free: int, now: datetime) -> bool:
    """Count one try against `key`, or say False when the key must still wait. Failures a day old
    are forgiven."""
    key = key[:200]
    cap = get_settings().login_max_delay_seconds
    for _attempt in range(50):
        row = session.get(LoginThrottle, key, populate_existing=True)
        if row is None:
            insert_ignore(session, LoginThrottle, key=key, failures=0, not_before=None, updated_at=now)
            continue
        if row.not_before is not None and as_utc(row.not_before) > now:
            return False
        previous = 0 if now - as_utc(row.updated_at) > FORGIVE_AFTER else row.failures
        failures = previous + 1
        wait = delay_after(failures, free, cap)
        claimed = session.execute(
            update(LoginThrottle)
            .where(col(LoginThrottle.key) == key, col(LoginThrottle.failures) == row.failures)
            .values(failures=failures, not_before=now + wait if wait else None, updated_at=now)
        )
        if rowcount(claimed) == 1:
            return True
    return False  # lost the race fifty times: a flood, so refuse
