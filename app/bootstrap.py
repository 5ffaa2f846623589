"""What every process does before serving or acting: refuse unsafe settings, migrate, and seed the
demo only where it is wanted."""

from __future__ import annotations

from app.config import get_settings
from app.services.context import unit_of_work
from db.migrate import has_migration_history, startup_lock, upgrade


def prepare_database() -> bool:
    """Apply migrations under a start-up lock, so that two first starts do not collide. In demo
    mode, seed the demo province into a database that had never been migrated before this start;
    a database with a migration history is someone's data, even when it looks empty (for instance
    after a failed restore), and never gets the demo's users. Returns whether it seeded."""
    settings = get_settings()
    settings.check_safe()
    url = settings.resolved_database_url()
    with startup_lock(url):
        fresh = not has_migration_history(url)
        upgrade(url)
        if not (settings.demo and fresh):
            return False
        from seed.build import build
        from seed.database import is_empty

        with unit_of_work() as session:
            if not is_empty(session):
                return False
        build(with_conditions_round=True)
        return True
