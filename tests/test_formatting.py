"""Numbers, shares, dates and round names, the way each language writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.formatting import (
    day,
    formatted,
    index,
    local,
    number,
    percent,
    quantity,
    read_number,
    round_name,
    signed,
    typed_number,
    when,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("lang", "amount", "decimal", "share", "risk"),
    [
        ("vi", "147.759", "37.614,6", f"59,5{NBSP}%", f"15,00{NBSP}%"),
        ("en", "147,759", "37,614.6", "59.5%", "15.00%"),
    ],
)
def test_numbers_and_shares(lang: str, amount: str, decimal: str, share: str, risk: str) -> None:
    assert number(147759, lang) == amount
    assert number(37614.6, lang, 1) == decimal
    assert percent(0.595, lang) == share
    assert index(15, lang) == risk
    assert number(None, lang) == percent(None, lang) == index(None, lang) == "—"


def test_quantities_and_signed_changes() -> None:
    assert quantity(2997, "vi", "người") == "2.997 người"
    assert quantity(1.03, "vi", "%") == f"1,03{NBSP}%" and quantity(1.03, "en", "%") == "1.03%"
    assert quantity(7.67, "en") == "7.67"
    assert [signed(3, "en"), signed(-1.5, "vi", 2), signed(0, "en")] == ["+3", "−1,50", "±0"]


def test_dates_in_vietnam_time() -> None:
    moment = datetime(2026, 11, 29, 17, 30, tzinfo=UTC)
    assert local(moment) == datetime(2026, 11, 30, 0, 30)
    assert local(datetime(2026, 11, 29, 17, 30)) == datetime(2026, 11, 30, 0, 30)  # naive counts as UTC
    assert when(moment) == "00:30 30/11/2026" and when(None) == "—"
    assert day(date(2026, 11, 29)) == "29/11/2026" and day(None) == "—"


def test_round_names_and_sentence_values() -> None:
    assert round_name("Tuần 48/2026 (23/11–29/11)", "en") == "Week 48/2026 (23/11–29/11)"
    assert round_name("Tuần 48/2026", "vi") == "Tuần 48/2026"
    assert round_name("Đợt đặc biệt", "en") == "Đợt đặc biệt"  # a name of another shape is left alone
    assert formatted({"count": 4910, "share": 67.25, "name": "KCN", "flag": True}, "vi") == {
        "count": "4.910",
        "share": "67,3",  # half up, as people round (was half to even: 67,2)
        "name": "KCN",
        "flag": True,
    }


def test_figures_round_half_up_once() -> None:
    """381 of 400 filed is 95,25 %: the report prints 95,3 %, as the workbook does (Python's round()
    and Babel alone round half to even: 95,2 %)."""
    assert percent(381 / 400) == f"95,3{NBSP}%" and percent(381 / 400, "en") == "95.3%"
    assert percent(Fraction(381, 400)) == f"95,3{NBSP}%"
    assert index(95.255) == f"95,26{NBSP}%" and index(Fraction(19051, 200)) == f"95,26{NBSP}%"
    assert number(2.5) == "3" and number(-2.5) == "-3" and number(0.125, "en", 2) == "0.13"
    assert number(61.46) == "61"  # rounded once: not 61,5 first and then 62
    assert quantity(1.005) == "1,01" and signed(-1.665, "vi", 2) == "−1,67"
    assert signed(-0.004, "vi", 2) == "±0,00"  # a change that rounds to nothing has no direction


@given(st.integers(min_value=0, max_value=100_000), st.integers(min_value=1, max_value=100_000))
def test_a_share_is_the_exact_fraction_rounded_half_up(part: int, whole: int) -> None:
    part = min(part, whole)
    tenths = (2 * part * 1000 + whole) // (2 * whole)  # tenths of a percent, half up, in integers
    expected = f"{tenths // 10}.{tenths % 10}%"
    assert percent(part / whole, "en") == expected
    assert percent(Fraction(part, whole), "en") == expected


def test_dates_are_unambiguous_in_english_and_decree_shaped_in_vietnamese() -> None:
    from app.formatting import long_date

    assert day(date(2026, 12, 2), "en") == "2 Dec 2026" and day(date(2026, 12, 2)) == "02/12/2026"
    assert when(datetime(2026, 12, 2, 7, 5, tzinfo=UTC), "en") == "14:05, 2 Dec 2026"
    assert long_date(date(2026, 3, 5)) == "ngày 05 tháng 3 năm 2026"  # months 3–12 take no zero
    assert long_date(date(2026, 2, 15)) == "ngày 15 tháng 02 năm 2026"  # months 1 and 2 do
    assert long_date(date(2026, 12, 2), "en") == "2 December 2026"


@given(
    value=st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
    lang=st.sampled_from(["vi", "en"]),
)
def test_a_decimal_shown_in_a_field_reads_back_as_itself(value: Decimal, lang: str) -> None:
    """What the questionnaire writes into a field (22.998,5) is read back to the same number, in
    both languages, whatever the grouping."""
    assert read_number(typed_number(float(value), lang), lang) == float(value)


@pytest.mark.parametrize(
    ("typed", "lang", "read"),
    [
        ("22.998,5", "vi", 22998.5),
        ("22998,5", "vi", 22998.5),
        ("22.998", "vi", 22998.0),  # a Vietnamese thousands mark
        ("92.5", "vi", 92.5),  # an English habit: a lone point before one digit is a decimal mark
        ("22,998.5", "en", 22998.5),
        ("22,998", "en", 22998.0),
        ("7,5", "en", 7.5),
        ("  1\u00a0234,5 ", "vi", 1234.5),
        ("", "vi", None),
        ("hai mươi", "vi", "hai mươi"),  # kept, so that the check names it
        ("1.2.3", "vi", "1.2.3"),
    ],
)
def test_numbers_are_read_the_writer_s_way(typed: str, lang: str, read: object) -> None:
    assert read_number(typed, lang) == read


@given(
    value=st.one_of(
        st.integers(min_value=-(10**12), max_value=10**12),
        st.floats(min_value=-(10**9), max_value=10**9, allow_nan=False),
        st.fractions(max_denominator=10**6).filter(lambda f: abs(f) < 10**9),
    ),
    lang=st.sampled_from(["vi", "en"]),
)
def test_numbers_are_written_as_babel_writes_them(value: int | float | Fraction, lang: str) -> None:
    """The formats are written without Babel's pattern machinery, for speed (a province's table
    is 100,000 cells); Babel is the judge of what each language writes. The one difference is
    intended: a value that rounds to zero carries no minus sign."""
    from babel.numbers import format_decimal

    from app.formatting import exact, half_up

    def judged(rounded: Decimal, pattern: str) -> str:
        return str(format_decimal(rounded if rounded else abs(rounded), format=pattern, locale=lang))

    assert number(value, lang) == judged(half_up(value, 0), "#,##0")
    assert number(value, lang, 1) == judged(half_up(value, 1), "#,##0.0")
    assert quantity(value, lang) == judged(half_up(value, 2), "#,##0.##")
    suffix = "\u00a0%" if lang == "vi" else "%"
    assert index(value, lang) == judged(half_up(exact(value), 2), "#,##0.00") + suffix
    assert percent(value, lang) == judged(half_up(exact(value) * 100, 1), "#,##0.0") + suffix
