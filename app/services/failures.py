"""Unplanned database failures, logged with a reference the user can quote and without the values
involved: the statement's parameters and the driver's detail (PostgreSQL's "Failing row contains
(…)") can hold a password hash or a contact, and logs are read by more people than the database."""

from __future__ import annotations

import logging
import secrets
import traceback

_LOG = logging.getLogger("zonerisk")


def summary(error: BaseException) -> str:
    """The kind of failure and the database's own first sentence, without its detail lines."""
    original = getattr(error, "orig", None)
    primary = getattr(getattr(original, "diag", None), "message_primary", None)
    text = primary or str(original if original is not None else error).split("\n", 1)[0]
    state = getattr(original, "sqlstate", None)
    kind = type(original if original is not None else error).__name__
    return f"{kind}{f' [{state}]' if state else ''}: {text[:300]}"


def log_failure(error: BaseException) -> str:
    """Log the failure (where it happened and what kind, no values) and give its reference."""
    reference = secrets.token_hex(4).upper()
    statement = getattr(error, "statement", None)
    _LOG.error(
        "database failure %s: %s%s\n%s",
        reference,
        summary(error),
        f"\n  statement: {str(statement)[:500]}" if statement else "",
        "".join(traceback.format_tb(error.__traceback__)),
    )
    return reference
