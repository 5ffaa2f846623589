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
