"""The use cases: the only code that opens database sessions. Each takes the acting user first and
the caller's unit of work as `*, session` (see `context`).

At this level, what every use case stands on: `context` (the actor, units of work, the page
run), `errors` (what a user can act on, by key), `scope` (who sees which companies, in SQL),
`audit`, `data_version` (what the caches key on), `failures` (unexpected ones, logged with a
reference), `periods` (rounds, and the one round lookup). The use cases themselves, by what they
hold: `filing`, `oversight`, `documents`, `reminding`, `onsite`, `admin`, `accounts`.
"""

__all__ = [
    "accounts",
    "admin",
    "audit",
    "context",
    "data_version",
    "documents",
    "errors",
    "failures",
    "filing",
    "onsite",
    "oversight",
    "periods",
    "reminding",
    "scope",
]
