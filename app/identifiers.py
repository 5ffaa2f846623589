"""Official identifiers checked as the state issues them. A tax code (mã số thuế) is 10 digits
whose tenth is a check digit over the first nine (Circular 105/2020/TT-BTC), or those 10, a hyphen
and 3 digits for a branch; python-stdnum's `vn.mst` holds the rule. Stored hyphenated, as printed
on the registration certificate."""

from __future__ import annotations

from stdnum import exceptions
from stdnum.vn import mst


class BadTaxCode(ValueError):
    """`str()` is "Vietnamese / English", as the record's validators write their messages."""


def tax_code(value: str) -> str:
    """The tax code in its stored form, or `BadTaxCode` saying what is wrong with it."""
    text = value.strip()
    try:
        digits = mst.validate(text)
    except exceptions.InvalidChecksum:
        raise BadTaxCode(
            f"mã số thuế {text} sai chữ số kiểm tra (chữ số thứ 10) / "
            f"tax code {text} has a wrong check digit (the 10th)"
        ) from None
    except exceptions.ValidationError:
        raise BadTaxCode(
            "mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch và 3 chữ số (chi nhánh) / "
            "a tax code is 10 digits, or 10 digits, a hyphen and 3 digits for a branch"
        ) from None
    return digits if len(digits) == 10 else f"{digits[:10]}-{digits[10:]}"


def with_check_digit(first_nine: str) -> str | None:
    """The 10-digit tax code these nine digits begin, or None if no check digit completes them
    (about a ninth of all prefixes) or the code is void otherwise (a serial of zeros): for
    generating demo data that passes the real check."""
    check = mst.calc_check_digit(first_nine)
    if len(check) != 1 or not mst.is_valid(first_nine + check):  # "10", or a serial of zeros
        return None
    return first_nine + check


def nth_tax_code(n: int, prefix: str = "24") -> str:
    """The n-th sound tax code after `prefix` followed by zeros, for test and demo data that must
    pass the real check: n = 0, 1, 2… give distinct codes in order. The codes found are kept, so
    that a workbook of 1,500 rows asks for 1,500 codes, not 1,1 million checks (it was quadratic)."""
    found = _FOUND.setdefault(prefix, ([], [int(prefix.ljust(9, "0"))]))
    codes, next_base = found
    while len(codes) <= n:
        code = with_check_digit(f"{next_base[0]:09d}")
        if code is not None:
            codes.append(code)
        next_base[0] += 1
    return codes[n]


_FOUND: dict[str, tuple[list[str], list[int]]] = {}
"""prefix -> (the sound codes found so far, in order; the next nine digits to try)"""
