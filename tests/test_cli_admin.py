"""The administrative command line: registry import, backup and restore, on the real databases."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from openpyxl import load_workbook

from app.services.admin import company_import
from tests.cli import run
from tests.databases import scalar
from tests.services.helpers import actor


def cli(url: str, *args: str, own_process: bool = False) -> subprocess.CompletedProcess[str]:
    return run(url, *args, own_process=own_process)


def test_companies_import_check_then_apply(seeded: str, tmp_path: Path) -> None:
    book = load_workbook(io.BytesIO(company_import.export_registry(actor("admin"))))
    book.active.append(["2400888880", "Công ty TNHH Dòng Lệnh", "Lục Nam", "Cơ khí", 80])
    good = tmp_path / "registry.xlsx"
    book.save(good)
    checked = cli(seeded, "companies", "import", str(good), "--check", own_process=True)
    assert checked.returncode == 0 and "1 created" in checked.stdout and "checked only" in checked.stdout
    assert scalar(seeded, "SELECT count(*) FROM company WHERE tax_code = '2400888880'") == 0
    applied = cli(seeded, "companies", "import", str(good))
    assert applied.returncode == 0, applied.stderr
    assert scalar(seeded, "SELECT zone_id FROM company WHERE tax_code = '2400888880'") == "dist-luc-nam"
    assert scalar(seeded, "SELECT actor FROM auditevent WHERE action = 'company.import'") == "cli"

    book.active.append(["2400888898", "Công ty Sai", "Không Có Huyện", "Cơ khí", 80])
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    refused = cli(seeded, "companies", "import", str(bad))
    assert refused.returncode == 2 and f"{bad}:C" in refused.stderr


def test_backup_and_restore_commands(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "db.backup"
    assert cli(seeded, "backup", "--out", str(out)).returncode == 0 and out.stat().st_size > 0
    companies = scalar(seeded, "SELECT count(*) FROM company")
    book = load_workbook(io.BytesIO(company_import.template()))
    extra = tmp_path / "one.xlsx"
    book.save(extra)
    assert cli(seeded, "companies", "import", str(extra)).returncode == 0
    assert scalar(seeded, "SELECT count(*) FROM company") == companies + 1
    assert cli(seeded, "restore", str(out)).returncode == 2  # refuses without --yes
    restored = cli(seeded, "restore", str(out), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert scalar(seeded, "SELECT count(*) FROM company") == companies


def test_score_sees_a_version_an_admin_published(seeded: str, tmp_path: Path) -> None:
    """One rule-set lookup for the app and the command line (issue 13)."""
    import json

    from app.assessment.registry import RULESET_DIR
    from app.services.admin import rulesets
    from tests.reference import worked_examples

    text = (
        (RULESET_DIR / "bg-kcn-2021" / "v1.yaml")
        .read_text("utf-8")
        .replace("version: 1\n", "version: 2\n", 1)
    )
    draft = rulesets.upload(actor("admin"), text, "v2.yaml")
    rulesets.publish(actor("admin"), draft.id)  # type: ignore[arg-type]  # a stored row's id is never None
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(worked_examples()[0]["answers"]))
    done = cli(seeded, "score", "--ruleset", "bg-kcn-2021", "--answers", str(answers))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["version"] == 2
