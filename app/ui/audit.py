"""The audit log as an admin reads it: what was done in words, and what changed as "field: value"
lines, not action codes and JSON (the Excel export keeps both exact, for the record)."""

from __future__ import annotations

import json

from app.i18n import strings
from app.ui.session import tr


def action_name(code: str) -> str:
    """The action in the page's language; a code with no words yet is shown as it is."""
    key = f"audit.action.{code}"
    return tr(key) if key in strings() else code


def changes(recorded: str) -> str:
    """A recorded JSON object as "field: value; …"; anything else as it was recorded."""
    if not recorded:
        return ""
    try:
        values = json.loads(recorded)
    except ValueError:
        return recorded
    if not isinstance(values, dict):
        return recorded
    return "; ".join(f"{key}: {_value(value)}" for key, value in values.items())


def _value(value: object) -> str:
    if isinstance(value, bool):
        return tr("common.yes") if value else tr("common.no")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} = {v}" for k, v in value.items())
    return "—" if value is None else str(value)
