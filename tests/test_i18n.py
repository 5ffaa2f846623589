"""Every interface string exists in both languages; no page shows a bare key."""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter

from app.i18n import LANGUAGES, strings, t
from app.notify.channels import CHANNELS
from app.services.errors import Conflict, messages
from db.models import ROLES, STATUSES

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "streamlit_app.py", *sorted((ROOT / "app").rglob("*.py"))]
LITERAL = re.compile(r"""(?:tr|t)\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")
NAV = re.compile(r"""["'](nav\.[a-z_]+)["']""")


def test_every_key_used_in_the_code_exists() -> None:
    known = strings()
    used: set[str] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        used.update(LITERAL.findall(text))
        used.update(NAV.findall(text))
    missing = sorted(key for key in used if key not in known)
    assert missing == []


def test_dynamic_families_are_complete() -> None:
    known = strings()
    for role in ROLES:
        assert f"role.{role}" in known
        assert role == "company" or f"scope.{role}" in known
    for status in (*STATUSES, "not_started", "no_round"):
        assert f"status.{status}" in known
    for provenance in ("official", "secondary", "reconstructed"):
        assert f"provenance.{provenance}" in known
    for kind in ("high", "not_operating", "missing", "rising"):
        assert f"lists.{kind}" in known and f"lists.empty.{kind}" in known
    for channel in CHANNELS:
        assert f"reminders.channel.{channel}" in known


def test_both_languages_have_the_same_placeholders() -> None:
    for key, entry in strings().items():
        placeholders = {lang: set(re.findall(r"\{(\w+)\}", entry[lang])) for lang in LANGUAGES}
        assert placeholders["vi"] == placeholders["en"], key


def test_vietnamese_is_the_default() -> None:
    assert t("nav.home") == "Trang chủ" and t("nav.home", "en") == "Home"


SAID = re.compile(r"""(?:\.said|_bad)\(\s*["']([a-z_]+\.[a-z_0-9]+)["']((?:[^()]|\([^()]*\))*)\)""")


def test_every_refusal_message_exists_in_both_languages_and_is_used() -> None:
    """The services' errors are data like the interface words: each key a raise names exists, with
    the same placeholders in both languages, those the raise fills, and no message is left over."""
    known = messages()
    used: dict[str, set[str]] = {}
    for path in SOURCES:
        for key, arguments in SAID.findall(path.read_text(encoding="utf-8")):
            used.setdefault(key, set()).update(re.findall(r"(\w+)=", arguments))
    assert sorted(set(used) - set(known)) == []
    assert sorted(set(known) - set(used)) == []
    for key, entry in known.items():
        assert set(entry) == set(LANGUAGES), key
        placeholders = {lang: set(re.findall(r"\{(\w+)", entry[lang])) for lang in LANGUAGES}
        # a value given in each language (a noun, a reason) is filled as name_vi / name_en
        same = {
            lang: {re.sub(f"_{lang}$", "", name) for name in names} for lang, names in placeholders.items()
        }
        assert same["vi"] == same["en"], key
        assert placeholders["vi"] | placeholders["en"] <= used[key], key


def test_a_refusal_reads_in_each_language_with_its_values_filled() -> None:
    error = Conflict.said("users.username_taken", username="hr.an", field="username")
    assert error.text("vi") == "Tên đăng nhập hr.an đã có."
    assert error.text("en") == "Username hr.an is taken."
    assert error.field == "username"


NOUNS = (
    "company|companies",
    "visit|visits",
    "inspection|inspections",
    "answer|answers",
    "submission|submissions",
    "point|points",
    "day|days",
    "message|messages",
    "event|events",
    "row|rows",
    "problem|problems",
    "action|actions",
    "file|files",  # not "change|changes", which is also a verb ("1 company changes level")
)


ADJECTIVE = r"(?:(?!(?:on|of|in|to|for|by|at) )\w+ )?"  # "1 valid row", not "1 on companies"


def test_english_counts_agree_in_number() -> None:
    """Every English sentence, written with each of its values 1 and then 2 (Babel's plural rules
    through `{n:plural:…}`): never "1 companies" nor "2 company"; Vietnamese has one form."""
    singular = "|".join(n.split("|")[0] for n in NOUNS)
    plural = "|".join(n.split("|")[1] for n in NOUNS)
    for key, entry in strings().items():
        fields = {name for _, name, _, _ in Formatter().parse(entry["en"]) if name}
        if not fields:
            continue
        one = t(key, "en", **dict.fromkeys(fields, 1))
        two = t(key, "en", **dict.fromkeys(fields, 2))
        assert not re.search(rf"(?<![\d.,/])1\** {ADJECTIVE}(?:{plural})\b", one), (key, one)
        assert not re.search(rf"(?<![\d.,/])2\** {ADJECTIVE}(?:{singular})\b", two), (key, two)
        assert not re.search(r"(?<![\d.,/])1 \w+ are\b", one), (key, one)
    assert t("lists.count", "en", count="1") == "1 company"  # a number already written as text
    assert t("lists.count", "en", count="1.234") == "1.234 companies"
    assert t("lists.count", "vi", count=1) == "1 doanh nghiệp"
