"""`python -m seed`, as README.md gives it: the demo built with its progress shown round by round in
the long stages, a database that holds data refused with the way out named and nothing lost, and
`--reset` rebuilding it (on both engines)."""

from __future__ import annotations

from typer.testing import CliRunner

from seed.__main__ import cli
from tests.databases import scalar

START = ["--start", "2021-05-17"]


def test_the_seed_shows_its_progress_refuses_data_and_rebuilds_on_reset(empty_db: str) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["--companies", "30", "--periods", "12", *START])
    assert first.exit_code == 0, first.output
    assert "Seeded 30 companies" in first.stdout and "demo.admin" in first.stdout
    shown = first.stderr.splitlines()
    expected = [  # in this order, among the stages: every tenth round and the last
        "… submissions: 10 of 12 rounds",
        "… submissions: 12 of 12 rounds",
        "… reminders sent in past rounds",
        "… reminders: 10 of 11 rounds",
        "… reminders: 11 of 11 rounds",
        "… credibility flags",
        "… credibility flags: 10 of 13 rounds",  # the twelve and the round under the conditions
        "… credibility flags: 13 of 13 rounds",
    ]
    assert [line for line in shown if line in expected] == expected, shown
    filed = scalar(empty_db, "SELECT count(*) FROM assessment")
    assert filed and filed > 0

    again = runner.invoke(cli, ["--companies", "10", "--periods", "2", *START])
    assert again.exit_code == 2
    assert "python -m seed --reset" in again.stderr
    assert scalar(empty_db, "SELECT count(*) FROM company") == 30  # nothing lost
    assert scalar(empty_db, "SELECT count(*) FROM assessment") == filed

    rebuilt = runner.invoke(cli, ["--companies", "10", "--periods", "2", "--reset", *START])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert scalar(empty_db, "SELECT count(*) FROM company") == 10
    assert scalar(empty_db, "SELECT count(*) FROM period") == 3  # two rounds and the conditions' one
