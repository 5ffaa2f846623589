"""What the page caches key on: the committed data version, read where the pages read."""

from __future__ import annotations

from app.services import data_version
from app.services.context import reading


def latest() -> int:
    """The committed version, read from the reads' database (so that a replica's figures are keyed
    by that replica's own state): what a page run puts into its cache keys. One primary-key read."""
    with reading(None) as session:
        return data_version.current(session)
