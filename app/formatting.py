"""The one place where numbers, shares, dates and Vietnam time are written out, for pages, PDFs and
workbooks alike, in Vietnamese (147.759 người, 59,5 %) or English (147,759 workers, 59.5%). Babel
knows each language's symbols; the patterns live in `app/i18n/formats.yaml`. Pure: no Streamlit."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from numbers import Integral
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

from app import yaml_text

VIETNAM = timedelta(hours=7)  # Vietnam keeps no daylight saving time
FORMATS_FILE = Path(__file__).parent / "i18n" / "formats.yaml"
EMPTY = "—"


@cache
def _formats() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = yaml_text.load(FORMATS_FILE.read_text("utf-8"))
    return data


def _language(lang: str) -> str:
    return lang if lang in _formats() else "vi"


Number = int | float | Decimal | Fraction


def exact(value: Number) -> Decimal:
    """The value as a decimal: a float as the shortest decimal that is that float (381/400 computed
    in floating point is 0.9525, not 0.95250000000000001332), a fraction to 28 digits."""
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def half_up(value: Number, decimals: int) -> Decimal:
    """Rounded once, half away from zero, as people and the officials' workbook round (95,25 →
    95,3); Python's round() and Babel round half to even (95,25 → 95,2)."""
    return exact(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _decimals(pattern: str) -> int:
    found = re.search(r"\.(0+)", pattern)
    return len(found.group(1)) if found else 0


@cache
def _marks(lang: str) -> dict[int, str]:
    return str.maketrans({",": get_group_symbol(lang), ".": get_decimal_symbol(lang)})


def _written(value: Decimal, decimals: int, lang: str, trim: bool = False) -> str:
    """A rounded decimal with the language's grouping and decimal marks, as Babel's
    format_decimal(value, "#,##0.00") writes it (the tests hold them equal) without its pattern
    engine: a province's table (10,000 × 10, `bench pages`) took 2.80 s to format and marshal
    through Babel, 1.03 s this way. `trim` drops trailing zeros ("#,##0.##")."""
    text = f"{value:,.{decimals}f}"
    if trim and decimals:
        text = text.rstrip("0").rstrip(".")
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # a value that rounds to zero has no sign
    return text.translate(_marks(_language(lang)))


def number(value: Number | None, lang: str = "vi", decimals: int = 0) -> str:
    """147.759 / 147,759; 37.614,6 / 37,614.6 with one decimal; rounded half up."""
    if value is None:
        return EMPTY
    if decimals == 0 and isinstance(value, Integral):  # a count: nothing to round
        return f"{int(value):,}".translate(_marks(_language(lang)))
    return _written(half_up(value, decimals), decimals, lang)


def _percent(value: Number, key: str, lang: str) -> str:
    pattern = _formats()[_language(lang)][key]
    decimals = _decimals(pattern)
    return _written(half_up(exact(value) * 100, decimals), decimals, lang) + pattern.rsplit("0", 1)[1]


def percent(share: Number | None, lang: str = "vi") -> str:
    """A share of 1 as a percentage with one decimal, rounded half up: 0.595 → 59,5 % / 59.5%;
    381/400 → 95,3 %."""
    if share is None:
        return EMPTY
    return _percent(share, "percent", lang)


def index(value: Number | None, lang: str = "vi") -> str:
    """A risk index, already in percent (0–100), with two decimals: 15,00 % / 15.00%."""
    if value is None:
        return EMPTY
    return _percent(exact(value) / 100, "index", lang)


def quantity(value: Number, lang: str = "vi", unit: str = "") -> str:
    """A measured value with up to two decimals and its unit: 2.997 người, 1,03 % / 1.03%, 7,67 m²."""
    text = _written(half_up(value, 2), 2, lang, trim=True)
    if not unit:
        return text
    if unit == "%":
        return text + ("\u00a0%" if _language(lang) == "vi" else "%")
    return f"{text} {unit}"


def round_name(name: str, lang: str = "vi") -> str:
    """A round's name in the reader's language: rounds are named in Vietnamese ("Tuần 48/2026 …"),
    an English reader sees "Week 48/2026 …"."""
    source, target = _formats()["vi"]["round_word"], _formats()[_language(lang)]["round_word"]
    if name.startswith(source + " ") and target != source:
        return target + name[len(source) :]
    return name


def typed_number(value: Number, lang: str = "vi") -> str:
    """A number as it stands in a text field for the reader to edit: 22.998,5 / 22,998.5, every
    decimal kept (an input is not rounded for show)."""
    return str(format_decimal(exact(value), format="#,##0.##########", locale=_language(lang)))


def read_number(text: str, lang: str = "vi") -> float | str | None:
    """What a reader typed, read their language's way ("22.998,5" in Vietnamese, "22,998.5" in
    English); None for an empty field; the text itself when it is no number, so that the check
    names it and nothing typed is lost. A lone separator followed by other than three digits can
    only be a decimal mark, whichever language's it is: "92.5" typed in Vietnamese is 92,5, as the
    writer meant, where "22.998" stays twenty-two thousand."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        return None
    locale = _language(lang)
    try:
        return float(parse_decimal(cleaned, locale=locale, strict=True))
    except NumberFormatError:
        pass
    lone = re.fullmatch(r"([+-]?\d+)[.,](\d{1,2}|\d{4,})", cleaned)
    if lone:
        return float(f"{lone.group(1)}.{lone.group(2)}")
    return text


def signed(value: Number, lang: str = "vi", decimals: int = 0) -> str:
    """A change, with its sign: +3 / −1,50; a change that rounds to zero is ±0."""
    rounded = half_up(value, decimals)
    text = number(abs(rounded), lang, decimals)
    return ("+" if rounded > 0 else "−" if rounded < 0 else "±") + text


def local(moment: datetime) -> datetime:
    """An aware (or UTC-naive) moment as Vietnam's wall-clock time, naive."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment.astimezone(UTC) + VIETNAM).replace(tzinfo=None)


def when(moment: datetime | None, lang: str = "vi") -> str:
    """A moment in Vietnam time: 14:05 02/12/2026; in English 14:05, 2 Dec 2026 (an English
    reader takes 02/12 for February)."""
    if moment is None:
        return EMPTY
    return wall_clock(local(moment), lang)


def wall_clock(shown: datetime, lang: str = "vi") -> str:
    """A time already in Vietnam's wall-clock time (naive), written as `when` writes it."""
    if _language(lang) == "en":
        return f"{shown:%H:%M}, {day(shown.date(), 'en')}"
    return f"{shown:%H:%M %d/%m/%Y}"


def day(value: date | None, lang: str = "vi") -> str:
    """02/12/2026; in English 2 Dec 2026, which no reader can take for 12 February."""
    if value is None:
        return EMPTY
    if _language(lang) == "en":
        return str(format_date(value, "d MMM y", locale="en"))
    return f"{value:%d/%m/%Y}"


def long_date(value: date, lang: str = "vi") -> str:
    """A document's date: "ngày 05 tháng 3 năm 2026" as Decree 30/2020 writes it (a day below 10
    and the months 1 and 2 take a leading zero), "5 March 2026" in English."""
    if _language(lang) == "en":
        return str(format_date(value, "d MMMM y", locale="en"))
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def today_vietnam() -> date:
    return (datetime.now(UTC) + VIETNAM).date()


def now_vietnam() -> datetime:
    return local(datetime.now(UTC))


def formatted(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """Values for a sentence template: integers grouped, floats with one decimal, the rest as is."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            out[key] = value
        elif isinstance(value, int):
            out[key] = number(value, lang)
        else:
            out[key] = number(value, lang, 1)
    return out
