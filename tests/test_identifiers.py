"""Tax codes as the state issues them: the check digit, the branch suffix, and what is said when
one is wrong, in each language."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.identifiers import BadTaxCode, nth_tax_code, tax_code, with_check_digit
from app.services.errors import Invalid
from app.services.filing.company_records import parse_record

RECORD = {"name": "Công ty TNHH Thử", "zone_id": "kcn-hoa-phu", "sector": "Nhựa"}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0100109106", "0100109106"),  # a real one: Viettel's parent company
        (" 2400812345 ", "2400812345"),
        ("0100109106-001", "0100109106-001"),
        ("0100109106001", "0100109106-001"),  # a branch typed without its hyphen
    ],
)
def test_a_sound_tax_code_is_kept_in_its_printed_form(typed: str, stored: str) -> None:
    assert tax_code(typed) == stored


@pytest.mark.parametrize("typed", ["0100109107", "2400812346", "0100109107-001"])
def test_a_wrong_check_digit_is_named(typed: str) -> None:
    with pytest.raises(BadTaxCode, match="check digit"):
        tax_code(typed)


@pytest.mark.parametrize(
    "typed", ["", "24008123", "24008123450", "2400812345-1", "24OO812345", "2400812345-0001"]
)
def test_a_malformed_tax_code_says_what_one_looks_like(typed: str) -> None:
    with pytest.raises(BadTaxCode, match="10 digits"):
        tax_code(typed)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_completed_prefix_passes_and_one_digit_off_fails(prefix: str) -> None:
    code = with_check_digit(prefix)
    if code is None:  # no digit completes this prefix: none of the ten passes
        for digit in "0123456789":
            with pytest.raises(BadTaxCode):
                tax_code(prefix + digit)
        return
    assert tax_code(code) == code
    other = prefix + str((int(code[-1]) + 1) % 10)
    with pytest.raises(BadTaxCode):
        tax_code(other)


def test_the_registry_refuses_a_wrong_check_digit_in_both_languages() -> None:
    with pytest.raises(Invalid) as refused:
        parse_record(RECORD | {"tax_code": "2400812346"})
    assert refused.value.problems_in("vi") == [
        ("tax_code", "mã số thuế 2400812346 sai chữ số kiểm tra (chữ số thứ 10)")
    ]
    assert refused.value.problems_in("en") == [
        ("tax_code", "tax code 2400812346 has a wrong check digit (the 10th)")
    ]
    assert parse_record(RECORD | {"tax_code": "2400812345"}).tax_code == "2400812345"


def test_numbered_codes_are_sound_distinct_and_in_order() -> None:
    codes = [nth_tax_code(n) for n in range(50)]
    assert codes == sorted(set(codes)) and all(tax_code(c) == c for c in codes)
    assert codes[0].startswith("24000000")
