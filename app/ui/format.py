"""Dates and numbers as Vietnamese readers expect them (dd/mm/yyyy, Vietnam time, 1.234,5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

VIETNAM = timedelta(hours=7)


def local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment.astimezone(UTC) + VIETNAM).replace(tzinfo=None)


def when(moment: datetime | None) -> str:
    return "—" if moment is None else f"{local(moment):%H:%M %d/%m/%Y}"


def day(value: date | None) -> str:
    return "—" if value is None else f"{value:%d/%m/%Y}"


def number(value: float | int | None, lang: str = "vi", decimals: int = 0) -> str:
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def percent(value: float | None, lang: str = "vi", decimals: int = 1) -> str:
    return "—" if value is None else number(value * 100, lang, decimals) + "%"


def today_vietnam() -> date:
    return (datetime.now(UTC) + VIETNAM).date()
