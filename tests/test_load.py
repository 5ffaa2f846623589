"""The load test's smallest form, as CI runs it: two production-mode replicas on PostgreSQL behind
the deploy/ nginx site, six users over the real Streamlit protocol for half a minute (a filing
takes ~15 s of steps and thinking, so each officer submits), and not one error. (The 1-replica
comparison run is left to `python -m bench load`, to keep CI's time.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from app.config import ROOT
from bench.load import Phase, Results, phase_order, throughput_line
from bench.load import main as load_main

CONTRACT = re.compile(
    r"^load: replicas=(\d+) users=(\d+) steps=(\d+) errors=(\d+) p50_submit_s=([\d.]+) "
    r"p95_submit_s=([\d.]+) p95_overview_s=([\d.]+)$"
)


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="the replicas run on PostgreSQL")
def test_two_replicas_six_users_half_a_minute_without_an_error() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "load",
            "--replicas",
            "2",
            "--users",
            "6",
            "--seconds",
            "30",
            "--no-baseline",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = done.stdout.strip().splitlines()
    assert lines, done.stderr[-3000:]
    found = CONTRACT.match(lines[-1])
    assert found, (lines[-1], done.stderr[-3000:])
    replicas, users, steps, errors = (int(found.group(n)) for n in range(1, 5))
    assert (replicas, users) == (2, 6)
    assert errors == 0, done.stdout
    assert done.returncode == 0, done.stdout
    # three officers filing and three officials watching for half a minute do real work: every kind of
    # step happened, and the submissions reached their result pages
    report = done.stdout
    for step in ("login", "overview", "lists", "section", "submit"):
        assert re.search(rf"^\s+{step}\s+n=[1-9]", report, re.MULTILINE), (step, report)
    assert steps >= 30, report
    assert float(found.group(6)) > 0 and float(found.group(7)) > 0


def _phase(replicas: int, steps: int) -> Phase:
    results = Results()
    results.seconds["overview"] = [0.1] * steps
    return Phase(replicas, 50, 10.0, results, [], [], [])


def test_rounds_alternate_so_a_drift_falls_on_both_sides() -> None:
    assert phase_order(2, 1, compared=True) == [1, 2]
    assert phase_order(2, 3, compared=True) == [1, 2, 2, 1, 1, 2]
    assert phase_order(3, 2, compared=False) == [3]


def test_the_throughput_ratio_is_the_median_of_the_rounds_whichever_side_ran_first() -> None:
    # rounds: 1 then 2 replicas (2.0x), 2 then 1 (1.5x), 1 then 2 (1.2x): the middle round, not the mean
    phases = [_phase(1, 100), _phase(2, 200), _phase(2, 150), _phase(1, 100), _phase(1, 100), _phase(2, 120)]
    line = throughput_line(2, phases)
    assert line.startswith("# throughput 2 replicas / 1 replica: 1.50x"), line
    assert "2.00x, 1.50x, 1.20x" in line, line
    assert throughput_line(2, phases[:2]) == "# throughput 2 replicas / 1 replica: 2.00x"


def test_rounds_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        load_main(["--rounds", "0"])
    assert stopped.value.code == 2
    assert "--rounds must be positive" in capsys.readouterr().err
