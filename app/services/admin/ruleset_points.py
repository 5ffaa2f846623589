"""Rule-set versions edited as a points table: an admin downloads a version's options and bands with
their points, changes points and provenance in Excel, and uploads it back as a new draft version,
checked cell by cell. The YAML text stays the one thing hashed and published."""

from __future__ import annotations

import io
from typing import Any

import yaml
from openpyxl import Workbook
from sqlmodel import Session, select

from app import yaml_text
from app.assessment import registry
from app.assessment.schema import PROVENANCES
from app.exports.reading import UnreadableWorkbook, read_rows
from app.services.admin.rulesets import get, next_version, upload
from app.services.context import Actor, reading
from app.services.errors import Invalid, NotFound
from app.services.scope import require_role
from app.vocabulary import Role
from db.models import RuleSetVersion

TEMPLATE_HEADERS = ("criterion", "option", "points", "provenance")
CONDITION_HEADERS = ("condition", "threshold", "may_operate", "fix_within_days", "provenance")
# what an admin reads in the header row; the key in brackets is what the upload matches (a bare
# key, as in templates written before, is matched too)
HEADER_WORDS = {
    "criterion": "Tiêu chí",
    "option": "Lựa chọn hoặc khoảng",
    "points": "Điểm",
    "provenance": "Nguồn",
    "label": "Nội dung, không sửa",
    "condition": "Điều kiện",
    "threshold": "Ngưỡng",
    "may_operate": "Được hoạt động khi không đạt",
    "fix_within_days": "Số ngày để khắc phục",
    "evidence": "Câu hỏi làm căn cứ",
    "title": "Tên điều kiện",
}


def _headed(keys: tuple[str, ...] | list[str]) -> list[str]:
    return [f"{HEADER_WORDS[k]} ({k})" if k in HEADER_WORDS else k for k in keys]


def _header_key(cell: object) -> str:
    """ "Điểm (points)" → "points"; a bare "points" stays itself."""
    text = str(cell or "").strip()
    if text.endswith(")") and "(" in text:
        return text[text.rindex("(") + 1 : -1].strip().lower()
    return text.lower()


CONDITIONS_SHEET = "conditions"
YES, NO = ("yes", "có", "true", "1"), ("no", "không", "false", "0")


def points_template(ruleset_id: str, version: int | None = None) -> bytes:
    """The Excel template of a version: one row per option or band, to edit points and provenance."""
    loaded = get(ruleset_id, version)
    book = Workbook()
    sheet = book.active
    sheet.title = "points"
    sheet.append(_headed([*TEMPLATE_HEADERS, "label"]))
    options = {i.id: {o.id: o.label.vi for o in i.options or []} for i in loaded.ruleset.inputs}
    for criterion in loaded.ruleset.criteria():
        rule = criterion.rule
        parts = [(p.id, p.rule) for p in rule.parts] if rule.kind == "sum" else [("", rule)]
        for part_id, leaf in parts:
            prefix = f"{part_id}:" if part_id else ""
            if leaf.kind == "choice":
                for option, points in leaf.points.items():
                    provenance = (leaf.provenance or {}).get(option, criterion.provenance)
                    label = options.get(leaf.input, {}).get(option, option)
                    sheet.append([criterion.id, prefix + option, points, provenance, label])
            else:
                for n, band in enumerate(leaf.bands):
                    label = band.label.vi if band.label else band.describe()
                    sheet.append(
                        [
                            criterion.id,
                            f"{prefix}band{n}",
                            band.points,
                            band.provenance or criterion.provenance,
                            label,
                        ]
                    )
    sheet.freeze_panes = "A2"
    if loaded.ruleset.conditions:  # a set of the second kind: its conditions on a sheet of their own
        conditions = book.create_sheet(CONDITIONS_SHEET)
        conditions.append(_headed([*CONDITION_HEADERS, "evidence", "title"]))
        for condition in loaded.ruleset.conditions:
            on_fail = condition.on_fail
            conditions.append(
                [
                    condition.id,
                    _threshold(condition.passes.options, condition.passes.interval()),
                    "yes" if on_fail.may_operate else "no",
                    on_fail.fix_within_days,
                    condition.provenance,
                    condition.evidence,
                    condition.title.vi,
                ]
            )
        conditions.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _threshold(options: list[str] | None, interval: Any) -> object:
    """What an admin edits of a condition's test: its options, or the number of its one bound."""
    if options is not None:
        return ", ".join(options)
    ends = [v for v in (interval.ge, interval.gt, interval.le, interval.lt) if v is not None]
    return ends[0] if len(ends) == 1 else None


def _conditions_from_sheet(data: dict[str, Any], rows: list[tuple[Any, ...]]) -> list[tuple[str, str]]:
    """Apply the conditions sheet to the rule set's data: thresholds, may operate, days to fix and
    provenance. Every bad row is reported with its row number."""
    if not rows:
        return []
    header = [_header_key(h) for h in rows[0]]
    missing = [h for h in CONDITION_HEADERS if h not in header]
    if missing:
        return [(CONDITIONS_SHEET, f"missing columns: {', '.join(missing)}")]
    at = {h: header.index(h) for h in CONDITION_HEADERS}
    conditions = {c["id"]: c for c in data.get("conditions") or []}
    problems: list[tuple[str, str]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        cells = {h: row[at[h]] if at[h] < len(row) else None for h in CONDITION_HEADERS}
        where = f"{CONDITIONS_SHEET} row {number}"
        condition = conditions.get(str(cells["condition"]))
        if condition is None:
            problems.append((where, f"unknown condition {cells['condition']!r}"))
            continue
        passes, threshold = condition["passes"], cells["threshold"]
        if "in" in passes:
            chosen = [o.strip() for o in str(threshold or "").split(",") if o.strip()]
            if not chosen:
                problems.append((f"{where}, column threshold", "name at least one option"))
                continue
            passes["in"] = chosen
        else:
            bounds = [k for k in ("ge", "gt", "le", "lt") if k in passes]
            if len(bounds) != 1 or isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
                problems.append((f"{where}, column threshold", f"{threshold!r} is not a number"))
                continue
            passes[bounds[0]] = threshold
        allowed = str(cells["may_operate"] or "").strip().lower()
        if allowed not in YES + NO:
            problems.append((f"{where}, column may_operate", f"{cells['may_operate']!r} is not yes or no"))
            continue
        days = cells["fix_within_days"]
        if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 1):
            problems.append((f"{where}, column fix_within_days", f"{days!r} is not a whole number ≥ 1"))
            continue
        if cells["provenance"] not in PROVENANCES:
            problems.append(
                (
                    f"{where}, column provenance",
                    f"{cells['provenance']!r} is not one of {', '.join(PROVENANCES)}",
                )
            )
            continue
        condition["on_fail"]["may_operate"] = allowed in YES
        if days is None:
            condition["on_fail"].pop("fix_within_days", None)
        else:
            condition["on_fail"]["fix_within_days"] = days
        condition["provenance"] = cells["provenance"]
    return problems


def from_points_table(
    actor: Actor, ruleset_id: str, base_version: int, workbook: bytes, *, session: Session | None = None
) -> RuleSetVersion:
    """A new version from the Excel template: the base version with the table's points and
    provenance. Every bad row is reported with its row number; nothing is stored if any is bad."""
    require_role(actor, Role.admin)
    data = yaml_text.load(base_text(ruleset_id, base_version))
    try:
        rows = read_rows(workbook, max_rows=1000)
    except UnreadableWorkbook as exc:
        vi, _, en = str(exc).partition(" / ")
        raise Invalid(vi, en or vi) from None
    header = [_header_key(h) for h in (rows[0] if rows else ())]
    missing = [h for h in TEMPLATE_HEADERS if h not in header]
    if missing:
        raise Invalid.said("rulesets.missing_columns", join=", ".join(missing), field="template")
    at = {h: header.index(h) for h in TEMPLATE_HEADERS}
    criteria = {c["id"]: c for s in data["sections"] for c in s["criteria"]}
    problems: list[tuple[str, str]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        criterion_id, option, points, provenance = (row[at[h]] for h in TEMPLATE_HEADERS)
        where = f"row {number}"
        criterion = criteria.get(str(criterion_id))
        if criterion is None:
            problems.append((where, f"unknown criterion {criterion_id!r}"))
            continue
        if not isinstance(points, int) or isinstance(points, bool) or points < 0:
            problems.append((f"{where}, column points", f"{points!r} is not a whole number ≥ 0"))
            continue
        if provenance not in PROVENANCES:
            problems.append(
                (f"{where}, column provenance", f"{provenance!r} is not one of {', '.join(PROVENANCES)}")
            )
            continue
        rule = criterion["rule"]
        part_id, _, key = str(option).rpartition(":")
        if rule["kind"] == "sum":
            part = next((p for p in rule["parts"] if p["id"] == part_id), None)
            if part is None:
                problems.append((f"{where}, column option", f"unknown part {part_id!r} of {criterion_id}"))
                continue
            rule = part["rule"]
        if rule["kind"] == "choice":
            if key not in rule["points"]:
                problems.append((f"{where}, column option", f"{key!r} is not an option of {criterion_id}"))
                continue
            rule["points"][key] = points
            if provenance != criterion["provenance"]:
                rule.setdefault("provenance", {})[key] = provenance
            elif rule.get("provenance"):
                rule["provenance"].pop(key, None)
        else:
            index = int(key[4:]) if key.startswith("band") and key[4:].isdigit() else -1
            if not 0 <= index < len(rule["bands"]):
                problems.append((f"{where}, column option", f"{key!r} is not a band of {criterion_id}"))
                continue
            rule["bands"][index]["points"] = points
            if provenance != criterion["provenance"]:
                rule["bands"][index]["provenance"] = provenance
    try:
        problems += _conditions_from_sheet(
            data, read_rows(workbook, max_rows=1000, sheet_name=CONDITIONS_SHEET)
        )
    except UnreadableWorkbook as exc:
        problems.append((CONDITIONS_SHEET, str(exc)))
    if problems:
        text = "; ".join(f"{w}: {m}" for w, m in problems)
        raise Invalid.said("rulesets.points_table_refused", text=text, problems=problems)
    for criterion in criteria.values():  # a criterion's max follows its new top score
        criterion["max"] = _rule_max(criterion["rule"])
    data["scale"]["max_total"] = (
        sum(c["max"] for c in criteria.values()) if data["complete"] else data["scale"]["max_total"]
    )
    with reading(session) as session:
        data["version"] = next_version(session, ruleset_id)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
    return upload(actor, text, f"{ruleset_id} points table")


def _rule_max(rule: dict[str, Any]) -> int:
    if rule["kind"] == "sum":
        return sum(_rule_max(p["rule"]) for p in rule["parts"])
    if rule["kind"] == "choice":
        return int(max(rule["points"].values()))
    return int(max(b["points"] for b in rule["bands"]))


def base_text(ruleset_id: str, version: int, *, session: Session | None = None) -> str:
    path = registry.RULESET_DIR / ruleset_id / f"v{version}.yaml"
    if path.exists() and (ruleset_id, version) in registry.shipped():
        return path.read_text(encoding="utf-8")
    with reading(session) as session:
        row = session.exec(
            select(RuleSetVersion).where(
                RuleSetVersion.ruleset_id == ruleset_id, RuleSetVersion.version == version
            )
        ).first()
    if row is None:
        raise NotFound.said("rulesets.no_version", ruleset_id=ruleset_id, version=version)
    return row.text
