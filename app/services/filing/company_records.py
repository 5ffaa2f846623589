"""What a company's registry record may hold, checked whole: tax code, names without control
characters, a zone, counts within bounds, a Vietnamese phone number and an email the reminders can
reach. Bad input is refused with every field's problem in both languages."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from app import identifiers
from app.i18n.messages import pydantic_error
from app.notify.contacts import normal_email, phone_e164
from app.services.errors import Invalid

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str) -> str:
    """Trim and drop control characters, which break reports and spreadsheets."""
    return CONTROL_CHARACTERS.sub("", value).strip()


class CompanyProfile(BaseModel):
    """What a company's HR officer may edit about the company."""

    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=200)
    sector: str = Field(min_length=2, max_length=80)
    address: str = Field(default="", max_length=300)
    workers: int | None = Field(default=None, ge=0, le=200_000)
    contact_name: str = Field(default="", max_length=120)
    contact_phone: str = Field(default="", max_length=30)
    contact_email: str = Field(default="", max_length=120)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)

    @field_validator("name", "sector", "address", "contact_name", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        return clean_text(value) if isinstance(value, str) else value

    @field_validator("contact_phone", "contact_email")
    @classmethod
    def _reachable(cls, value: str, info: ValidationInfo) -> str:
        """A contact the reminders can reach: a Vietnamese phone number (0…, +84…), an email by
        the RFCs; kept as typed, checked by the same functions that address the messages."""
        value = value.strip()
        if not value:
            return value
        if info.field_name == "contact_phone":
            if phone_e164(value) is None:
                raise ValueError("số điện thoại Việt Nam không hợp lệ / not a Vietnamese phone number")
            return value
        email = normal_email(value)
        if email is None:
            raise ValueError("email không hợp lệ / not an email address")
        return email


class CompanyRecord(CompanyProfile):
    """A registry entry: the profile plus what only an admin or an import sets."""

    tax_code: str
    zone_id: str
    district: str = ""

    @field_validator("tax_code")
    @classmethod
    def _tax_code(cls, value: str) -> str:
        return identifiers.tax_code(value)  # BadTaxCode is a ValueError: the field's problem


def _invalid_from(exc: ValidationError) -> Invalid:
    errors = exc.errors()
    fields = [".".join(str(p) for p in e["loc"]) for e in errors]
    problems = [(f, pydantic_error(dict(e), "en")) for f, e in zip(fields, errors, strict=True)]
    problems_vi = [(f, pydantic_error(dict(e), "vi")) for f, e in zip(fields, errors, strict=True)]
    return Invalid(
        "Dữ liệu không hợp lệ: " + "; ".join(f"{f}: {m}" for f, m in problems_vi),
        "Invalid data: " + "; ".join(f"{f}: {m}" for f, m in problems),
        problems=problems,
        problems_vi=problems_vi,
    )


def parse_record(data: dict[str, Any]) -> CompanyRecord:
    try:
        return CompanyRecord.model_validate(data)
    except ValidationError as exc:
        raise _invalid_from(exc) from None


def parse_profile(data: dict[str, Any]) -> CompanyProfile:
    try:
        return CompanyProfile.model_validate(data)
    except ValidationError as exc:
        raise _invalid_from(exc) from None
