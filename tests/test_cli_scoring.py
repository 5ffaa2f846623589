"""The command line is a contract: scripts rely on its output keys and exit codes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

from app.assessment import registry
from tests.cli import run
from tests.reference import worked_examples

EXAMPLES = worked_examples()


def run_cli(*args: str, own_process: bool = False) -> subprocess.CompletedProcess[str]:
    """The command with no database of its own (tests/cli.py: in this process, or as its own)."""
    return run(None, *args, own_process=own_process)


def test_score_json_for_every_worked_example(tmp_path: Path) -> None:
    """The first example through a real `python -m app.cli` (exit code, stdout), the rest through
    Typer's runner in this process: the same command, without a Python start each."""
    for n, example in enumerate(EXAMPLES):
        answers = tmp_path / f"{example['id']}.json"
        answers.write_text(json.dumps(example["answers"]))
        args = ("score", "--ruleset", example["ruleset"], "--answers", str(answers))
        if n == 0:
            done = run_cli(*args, own_process=True)
            assert done.returncode == 0, done.stderr
            out = json.loads(done.stdout)
        else:
            out = json.loads(_in_process(*args))
        expect = example["expect"]
        assert (out["ruleset"], out["version"]) == (example["ruleset"], 1)
        for key in ("total", "max", "index", "level", "may_operate"):
            assert out[key] == expect[key], key
        assert {c["id"]: c["points"] for c in out["criteria"]} == expect["criteria"]
        assert all(set(c) >= {"id", "points", "max"} for c in out["criteria"])


def test_score_text_in_english(tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(EXAMPLES[1]["answers"]))
    done = run_cli(
        "score", "--ruleset", "bg-kcn-2021", "--answers", str(answers), "--format", "text", "--lang", "en"
    )
    assert done.returncode == 0
    assert "Index: 70.33%" in done.stdout and "High risk" in done.stdout


def test_invalid_answers_exit_2_with_the_problems_on_stderr(tmp_path: Path) -> None:
    answers = tmp_path / "bad.json"
    phones = EXAMPLES[0]["answers"]["smartphone_owners"]
    answers.write_text(json.dumps({**EXAMPLES[0]["answers"], "bluezone_installed": phones + 1}))
    done = run_cli("score", "--ruleset", "bg-kcn-2021", "--answers", str(answers))
    assert done.returncode == 2
    assert done.stdout == ""
    problem = next(line for line in done.stderr.splitlines() if line.startswith("  - bluezone_installed = "))
    # the field is named by its id, what it contradicts by its label (issue 11's contract)
    after_field = problem.split(": ", 1)[1]
    assert "điện thoại thông minh" in after_field and "smartphone_owners" not in after_field


def test_not_json_and_unknown_ruleset_exit_2(tmp_path: Path) -> None:
    answers = tmp_path / "bad.json"
    answers.write_text("{workers: 3")
    refused = run_cli("score", "--ruleset", "bg-kcn-2021", "--answers", str(answers), own_process=True)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr  # a real process's exit code
    answers.write_text("{}")
    done = run_cli("score", "--ruleset", "xx", "--answers", str(answers))
    assert done.returncode == 2 and "bg-kcn-2021" in done.stderr


def test_rulesets_list_show_validate(tmp_path: Path) -> None:
    listed = run_cli("rulesets", "list")
    assert listed.returncode == 0
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == sorted(registry.ids())
    shown = run_cli("rulesets", "show", "hcmc-1203-2020", "--lang", "en")
    assert shown.returncode == 0 and "TP10" in shown.stdout
    good = run_cli("rulesets", "validate", str(registry.RULESET_DIR / "bg-kcn-2021" / "v1.yaml"))
    assert good.returncode == 0 and good.stdout.startswith("OK")

    data = yaml.safe_load((registry.RULESET_DIR / "hcmc-1203-2020" / "v1.yaml").read_text())
    data["levels"][2]["band"] = {"ge": 35, "lt": 50}
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True))
    bad = run_cli("rulesets", "validate", str(broken))
    assert bad.returncode == 2
    assert str(broken) in bad.stderr and "levels[1]–[2]: gap" in bad.stderr


def _in_process(*args: str) -> str:
    done = run_cli(*args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_rulesets_list_json_names_every_set_with_its_kind() -> None:
    listed = {
        (s["id"], s["version"]): s for s in json.loads(_in_process("rulesets", "list", "--format", "json"))
    }
    assert set(listed) == set(registry.shipped())
    assert {s["kind"] for s in listed.values()} <= {"points", "conditions", "combined"}
    assert listed[("bg-kcn-dk-2021", 1)]["kind"] == "combined"
    assert listed[("bg-kcn-dk-2021", 1)]["conditions"] == 4
    assert listed[("bg-kcn-2021", 1)]["kind"] == "points" and listed[("bg-kcn-2021", 1)]["default"]


def test_every_sample_is_valid_and_a_conditions_sample_scores_compliant(tmp_path: Path) -> None:
    """`rulesets sample ID` prints answers `score` accepts for every selectable set; for a set with
    conditions it scores compliant, and a failed condition is listed in both languages. The last
    call goes through a real `python -m app.cli`, as a script would."""
    for ruleset_id in registry.ids():
        if not registry.get(ruleset_id).ruleset.selectable:
            continue
        path = tmp_path / f"{ruleset_id}.json"
        path.write_text(_in_process("rulesets", "sample", ruleset_id))
        out = json.loads(
            _in_process("score", "--ruleset", ruleset_id, "--answers", str(path), "--format", "json")
        )
        if registry.get(ruleset_id).ruleset.conditions:
            assert out["compliance"] == "compliant" and out["failed_conditions"] == []
        else:
            assert "compliance" not in out
    sample = json.loads((tmp_path / "bg-kcn-dk-2021.json").read_text())
    assert sample["epidemic_level"] == "4"  # the level that asks every question
    failing = tmp_path / "failing.json"
    failing.write_text(json.dumps({**sample, "screening_interval_days": 8}))
    done = run_cli("score", "--ruleset", "bg-kcn-dk-2021", "--answers", str(failing))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["compliance"] == "non_compliant" and out["may_operate"] is False
    (failed,) = out["failed_conditions"]
    assert failed["id"] == "screening_every_7_days" and failed["title"]["en"] and failed["title"]["vi"]
