"""Reminder templates as data: loaded once, refused at load with file and line when a text names a
placeholder the planner does not fill, and counted in SMS segments the way gateways bill them."""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import yaml

from app.notify.channels import CHANNELS

TEMPLATES_FILE = Path(__file__).parents[1] / "data" / "reminder_templates.yaml"
LANGUAGES: Final = ("vi", "en")
PARTS: Final = ("subject", *CHANNELS)
PLACEHOLDERS: Final = frozenset(
    {"company", "tax_code", "round", "due_date", "link", "days_overdue", "companies", "count", "comment"}
)
# What a long but real message fills in, to check SMS length at load (a company name of 60 letters)
SAMPLE: Final = {
    "company": "Công ty TNHH Điện tử và Thiết bị Công nghiệp Bắc Giang Việt Nam"[:60],
    "tax_code": "2400812345-001",
    "round": "Tuần 27/2021 (05/07–11/07)",
    "due_date": "11/07/2021",
    "link": "https://zonerisk.bacgiang.gov.vn",
    "days_overdue": "5",
    "companies": "",
    "count": "120",
    "comment": "",
}

# GSM 03.38: the basic set, and the extension set whose characters take two septets
GSM7_BASIC: Final = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED: Final = frozenset("^{}\\[~]|€\f")


class TemplateError(ValueError):
    """A template file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets, or UTF-16 code units
    segments: int


def sms_length(text: str) -> SmsLength:
    """Segments as a gateway bills them: 160 GSM-7 septets in one (153 per part of a long one);
    any other character makes the whole text UCS-2, 70 in one (67 per part)."""
    if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text):
        units = sum(2 if c in GSM7_EXTENDED else 1 for c in text)
        single, part, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "UCS-2"
    segments = 1 if units <= single else -(-units // part)
    return SmsLength(encoding, units, segments)


@dataclass(frozen=True)
class Template:
    id: str
    texts: dict[tuple[str, str], str]  # (part, lang) → text

    def render(self, part: str, lang: str, values: dict[str, str]) -> str:
        """The text with its values. In an SMS each value is cut to the length of the sample it was
        checked with (a 199-character company name made 5 segments where the rules allow 3)."""
        text = self.texts.get((part, lang)) or self.texts[(part, "vi")]
        filled = {k: values.get(k, "") for k in PLACEHOLDERS}
        if part == "sms":
            filled = {k: _fit(v, SAMPLE.get(k, "")) if SAMPLE.get(k) else v for k, v in filled.items()}
        return text.format_map(filled)


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fit(value: str, sample: str) -> str:
    """`value`, or as much of it as fits in the sample's UTF-16 units (what an SMS counts) with an
    ellipsis."""
    limit = _utf16_units(sample)
    if _utf16_units(value) <= limit:
        return value
    kept, units = [], 0
    for char in value:
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit - 1:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def _fields(text: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as error:  # an unpaired brace
        return [f"<{error}>"]


def parse_templates(
    text: str, source: str = TEMPLATES_FILE.name, max_sms_segments: int = 3
) -> dict[str, Template]:
    """Every template, checked whole: the parts and languages present, only known placeholders,
    SMS within `max_sms_segments` with long sample values. Raises TemplateError naming the line."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        raise TemplateError(f"{source}: {error}") from None
    if not isinstance(root, yaml.MappingNode):
        raise TemplateError(f"{source}: expected a mapping of template ids")
    problems: list[str] = []
    templates: dict[str, Template] = {}
    for key_node, body in root.value:
        template_id = key_node.value
        texts: dict[tuple[str, str], str] = {}
        parts = {k.value: v for k, v in body.value} if isinstance(body, yaml.MappingNode) else {}
        for part in PARTS:
            node = parts.get(part)
            if not isinstance(node, yaml.MappingNode):
                problems.append(f"{source}:{body.start_mark.line + 1}: {template_id} has no {part}")
                continue
            langs = {k.value: v for k, v in node.value}
            for lang in LANGUAGES:
                scalar = langs.get(lang)
                if not isinstance(scalar, yaml.ScalarNode) or not str(scalar.value).strip():
                    problems.append(
                        f"{source}:{node.start_mark.line + 1}: {template_id}.{part} has no {lang}"
                    )
                    continue
                value = str(scalar.value)
                line = scalar.start_mark.line + 1
                unknown = sorted({f for f in _fields(value) if f not in PLACEHOLDERS})
                if unknown:
                    if scalar.style in ("|", ">") and "{" + unknown[0] in value:  # the line inside the block
                        line += 1 + value[: value.index("{" + unknown[0])].count("\n")
                    problems.append(
                        f"{source}:{line}: {template_id}.{part}.{lang}: unknown placeholder "
                        + ", ".join("{" + name + "}" for name in unknown)
                    )
                    continue
                if part == "sms":
                    length = sms_length(value.format_map(SAMPLE))
                    if length.segments > max_sms_segments:
                        problems.append(
                            f"{source}:{line}: {template_id}.sms.{lang} takes {length.segments} SMS segments "
                            f"({length.encoding}), more than {max_sms_segments}"
                        )
                texts[(part, lang)] = value
        templates[template_id] = Template(template_id, texts)
    if problems:
        raise TemplateError("\n".join(problems))
    return templates


@cache
def shipped_templates(max_sms_segments: int = 3) -> dict[str, Template]:
    return parse_templates(TEMPLATES_FILE.read_text(encoding="utf-8"), TEMPLATES_FILE.name, max_sms_segments)
