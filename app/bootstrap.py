"""What the app does once per process before serving: migrate, and seed the demo if asked and empty."""

from __future__ import annotations

from app.config import get_settings
from app.services.context import unit_of_work
from db.migrate import upgrade


def prepare_database() -> bool:
    """Apply migrations; seed the demo province into an empty database when ZONERISK_DEMO is on.
    Returns whether it seeded."""
    settings = get_settings()
    upgrade(settings.resolved_database_url())
    if not settings.demo:
        return False
    from seed.build import build, is_empty

    with unit_of_work() as session:
        empty = is_empty(session)
    if empty:
        build()
    return empty
