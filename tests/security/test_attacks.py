"""The attacks of issue 10, each tried as an attacker would and refused: concurrent guessing,
unbounded numbers, non-scalar answers, deep or huge input, zip bombs, lying spreadsheets."""

from __future__ import annotations

import io
import json
import math
import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from app.assessment import registry
from app.assessment.answers import InvalidAnswers
from app.assessment.loader import RuleSetError, parse_ruleset
from app.exports.reading import UnreadableWorkbook, read_rows
from app.identifiers import nth_tax_code
from app.scoring import score
from app.services.admin import company_import, rulesets
from app.services.errors import Invalid
from app.services.filing import assessments
from tests.databases import scalar, sqlite_write_lock_refused
from tests.reference import worked_examples
from tests.services.helpers import GOOD_ANSWERS, actor, latest_period_id

ROOT = Path(__file__).resolve().parents[2]

GUESSER = """
import sys
from app.services.accounts import auth
checked = 0
for _ in range(8):
    try:
        auth.authenticate("demo.admin", "not-the-password-" + sys.argv[1], "198.51.100.99")
    except auth.LoginFailed as failed:
        checked += failed.checked
print(checked)
"""


def test_eight_processes_guessing_at_once_are_throttled_as_one(seeded: str) -> None:
    """64 wrong passwords from 8 processes: the five free tries, then one more after each wait of
    1 s, 2 s, 4 s … that has passed while they ran; never the 32 that got through before."""
    env = {**os.environ, "DATABASE_URL": seeded}
    started = time.monotonic()
    guessers = [
        subprocess.Popen(
            [sys.executable, "-c", GUESSER, str(n)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        for n in range(8)
    ]
    checked = [int(p.communicate(timeout=300)[0].strip()) for p in guessers]
    elapsed = time.monotonic() - started
    assert all(p.returncode == 0 for p in guessers)
    waits_passed = math.floor(math.log2(elapsed + 1)) + 1
    assert sum(checked) <= 5 + waits_passed, (checked, elapsed)


def _cli_score(
    tmp_path: Path, answers: object | str, *, in_process: bool = True
) -> subprocess.CompletedProcess[str]:
    """`score` on a file of answers: in this process (Typer's runner, the same command without a
    Python start, CI's time), or as its own process once, to hold the two the same."""
    path = tmp_path / "answers.json"
    path.write_text(answers if isinstance(answers, str) else json.dumps(answers))
    args = ["score", "--ruleset", "bg-kcn-2021", "--answers", str(path)]
    if in_process:
        from typer.testing import CliRunner

        from app.cli import app

        done = CliRunner().invoke(app, args)
        return subprocess.CompletedProcess(args, done.exit_code, done.stdout, done.stderr)
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"cs4": ["declared_qr"]}, "cs4"),
        ({"cs4": {"id": "declared_qr"}}, "cs4"),
        ({"workers": 3_000_000_000}, "workers"),
        ({"workers": [3000]}, "workers"),
        ({"workshop_area_m2": 1e300}, "workshop_area_m2"),
    ],
)
def test_cli_refuses_bad_answers_with_the_field_named(
    tmp_path: Path, change: dict[str, Any], field: str
) -> None:
    answers = {**worked_examples()[0]["answers"], **change}
    done = _cli_score(tmp_path, answers, in_process=field != "workshop_area_m2")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{field} = " in done.stderr


def test_cli_refuses_a_5000_digit_number_and_deep_nesting(tmp_path: Path) -> None:
    answers = json.dumps(worked_examples()[0]["answers"])
    digits = _cli_score(tmp_path, answers[:-1] + ', "workers": ' + "9" * 5000 + "}")
    assert digits.returncode == 2 and "workers = " in digits.stderr and "Traceback" not in digits.stderr
    deep = _cli_score(tmp_path, '{"workers": ' + "[" * 5000 + "]" * 5000 + "}")
    assert deep.returncode == 2 and "Traceback" not in deep.stderr
    shallow_but_deep = _cli_score(tmp_path, '{"a":' * 30 + "1" + "}" * 30)
    assert shallow_but_deep.returncode == 2 and "nested too deeply" in shallow_but_deep.stderr


def test_the_scorer_refuses_what_the_form_refuses() -> None:
    loaded = registry.get("bg-kcn-2021")
    for change in ({"workers": 200_001}, {"cs4": ["declared_qr"]}, {"smartphone_owners": 3001}):
        with pytest.raises(InvalidAnswers) as refused:
            score(loaded, {**GOOD_ANSWERS, **change})
        assert next(iter(change)) in {p.input_id for p in refused.value.problems}
    assert score(loaded, {**GOOD_ANSWERS, "workers": 200_000, "smartphone_owners": 2700}).total > 0


def test_a_company_cannot_submit_three_billion_workers(seeded: str) -> None:
    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    _, problems = assessments.save_draft(me, draft.id, {**GOOD_ANSWERS, "workers": 3_000_000_000})
    assert "workers" in {p.input_id for p in problems}
    with pytest.raises(InvalidAnswers):
        assessments.submit(me, draft.id, "huge")
    assert assessments.get_assessment(me, draft.id).status == "draft"


def test_yaml_bombs_and_giants_are_refused_before_parsing() -> None:
    deep = "a: " + "[" * 2000 + "]" * 2000
    with pytest.raises(RuleSetError) as refused:
        parse_ruleset(deep, "deep.yaml")
    assert "nested too deeply" in str(refused.value)
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    with pytest.raises(RuleSetError) as refused:
        parse_ruleset(laughs, "laughs.yaml")
    assert "aliases" in str(refused.value)
    giant = "id: x\n" + "# padding\n" * 200_000
    with pytest.raises(RuleSetError) as refused:
        parse_ruleset(giant, "giant.yaml")
    assert "too large" in str(refused.value)


def test_an_admin_upload_of_a_60_mb_rule_set_is_refused_and_not_stored(seeded: str) -> None:
    with pytest.raises(Invalid):
        rulesets.upload(actor("admin"), "id: bg-kcn-2021\n" + "#" * 60_000_000)
    assert [v for v in rulesets.versions(actor("admin")) if v.status != "shipped"] == []


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 400_000_000)
    return buffer.getvalue()


def test_a_zip_bomb_workbook_is_refused_without_unpacking(seeded: str) -> None:
    bomb = _zip_bomb()
    assert len(bomb) < 2_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(Invalid) as refused:
        company_import.preview(actor("admin"), bomb)
    assert "too large" in refused.value.en
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100


def _with_member(workbook: bytes, member: str, old: bytes, new: bytes) -> bytes:
    """The workbook with `old` replaced by `new` inside one of its zip's members, as an attacker
    edits a file by hand."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == member:
                assert old in data
                data = data.replace(old, new)
            target.writestr(info, data)
    return out.getvalue()


def _lying_workbook(rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    for n in range(rows):
        sheet.append([f"r{n}", n])
    buffer = io.BytesIO()
    book.save(buffer)
    return _with_member(
        buffer.getvalue(), "xl/worksheets/sheet1.xml", f'ref="A1:B{rows}"'.encode(), b'ref="A1:B2"'
    )


def test_a_sheet_whose_dimension_lies_is_read_to_its_end() -> None:
    rows = read_rows(_lying_workbook(50))
    assert len(rows) == 50 and rows[-1] == ("r49", 49)


def test_a_workbook_with_too_many_rows_is_refused_not_cut() -> None:
    with pytest.raises(UnreadableWorkbook):
        read_rows(_lying_workbook(30), max_rows=20)


def test_uploads_are_capped_in_the_server_config() -> None:
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert 1 <= config["server"]["maxUploadSize"] <= 20


def test_guards_refuse_before_parsing() -> None:
    from app.assessment.guards import TooLarge, check_json_depth, check_size, numeric_maximum

    check_json_depth('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[ in a string ]"}')  # brackets in strings do not count
    with pytest.raises(TooLarge):
        check_json_depth("[" * 21 + "]" * 21)
    check_size("x" * 10, 10, "x")
    with pytest.raises(TooLarge):
        check_size(b"x" * 11, 10, "x")
    assert numeric_maximum("workers", "integer") == 200_000
    assert numeric_maximum("some_other_count", "integer") == 200_000
    assert numeric_maximum("some_area", "number") == 1_000_000_000


def _one_string_everywhere(rows: int, size: int) -> bytes:
    """A small workbook whose rows all point at one huge shared string, as an attacker writes it
    by hand (Excel and XlsxWriter stop at 32,767 characters a cell)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Mã số thuế", "Tên doanh nghiệp", "KCN hoặc huyện/TP", "Ngành"])
    for n in range(rows):
        sheet.write_row(n + 1, 0, [nth_tax_code(n), "PLACEHOLDER", "KCN Vân Trung", "Nhựa"])
    book.close()
    huge = ("Công ty " + "x" * size).encode()
    return _with_member(buffer.getvalue(), "xl/sharedStrings.xml", b"PLACEHOLDER", huge)


def test_one_huge_shared_string_is_refused_at_its_first_cell_without_copies(seeded: str) -> None:
    data = _one_string_everywhere(1500, 1_000_000)
    assert len(data) < 100_000  # one string, stored once, compressed
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(Invalid) as refused:
        company_import.preview(actor("admin"), data)
    assert "B2" in refused.value.en and "characters" in refused.value.en
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200  # was 3.1 GB: the string copied once per row


def test_an_import_reads_and_checks_the_workbook_before_it_takes_the_write_lock(
    seeded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the rows are parsed and validated (the slow part), another writer, such as a login,
    takes SQLite's write lock at once."""
    if not seeded.startswith("sqlite"):
        pytest.skip("SQLite's database-wide write lock")
    real_check = company_import.check
    blocked: list[str | None] = []

    def check_while_another_writes(*args: object, **kwargs: object) -> object:
        found = real_check(*args, **kwargs)  # type: ignore[arg-type]
        blocked.append(sqlite_write_lock_refused(seeded))
        return found

    monkeypatch.setattr(company_import, "check", check_while_another_writes)
    book = Workbook()
    book.active.append(["Mã số thuế", "Tên doanh nghiệp", "KCN hoặc huyện/TP", "Ngành", "Số người lao động"])
    for n in range(300):
        book.active.append([nth_tax_code(n), f"Công ty {n}", "KCN Vân Trung", "Nhựa", 100 + n])
    buffer = io.BytesIO()
    book.save(buffer)
    report = company_import.apply(actor("admin"), buffer.getvalue())
    assert blocked == [None] and len(report.created) == 300
    assert scalar(seeded, "SELECT sum(workers) FROM company WHERE tax_code LIKE '240000%'") == sum(
        100 + n for n in range(300)
    )
