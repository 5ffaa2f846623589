"""A company's contact as a channel can use it: a Vietnamese phone number in E.164 (what SMS and
Zalo gateways take), an email address checked by the RFCs. One home for both checks, used by the
registry when a contact is typed and by the planner when a message is addressed."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email

REGION = "VN"


def phone_e164(raw: str) -> str | None:
    """+84… for a valid Vietnamese number written with 0, +84 or 84 in front, spaces or dots
    between; None when it is not a number a gateway could reach."""
    if not raw or not raw.strip():
        return None
    try:
        number = phonenumbers.parse(raw, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164: str) -> bool:
    """SMS and Zalo reach mobiles; a landline gets email only."""
    kind = phonenumbers.number_type(phonenumbers.parse(e164, REGION))
    return kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def normal_email(raw: str) -> str | None:
    """The address in its normal form, or None when it is not one (syntax only: the registry must
    accept a contact even when this machine cannot look up the domain)."""
    if not raw or not raw.strip():
        return None
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return None
