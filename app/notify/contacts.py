"""A company's contact as a channel can use it: a Vietnamese phone number in E.164 (what SMS and
Zalo gateways take), an email address checked by the RFCs. One home for both checks, used by the
registry when a contact is typed and by the planner when a message is addressed."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email

REGION = "VN"


def _valid_number(raw: str) -> phonenumbers.PhoneNumber | None:
    if not raw or not raw.strip():
        return None
    try:
        number = phonenumbers.parse(raw, REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def phone_e164(raw: str) -> str | None:
    """+84… for a valid Vietnamese number written with 0, +84 or 84 in front, spaces or dots
    between; None when it is not a number a gateway could reach."""
    number = _valid_number(raw)
    return None if number is None else phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


@lru_cache(maxsize=200_000)
def mobile_e164(raw: str) -> str | None:
    """The E.164 form of a valid Vietnamese mobile number (SMS and Zalo reach mobiles; a landline
    gets email only), parsed once. Cached: the planner reads the same contacts every minute."""
    number = _valid_number(raw)
    if number is None or phonenumbers.number_type(number) not in MOBILE_TYPES:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=200_000)
def normal_email(raw: str) -> str | None:
    """The address in its normal form, or None when it is not one (syntax only: the registry must
    accept a contact even when this machine cannot look up the domain)."""
    if not raw or not raw.strip():
        return None
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return None
