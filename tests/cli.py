"""`python -m app.cli` as a test runs it: in this process through Typer's runner (the same exit
code, stdout and stderr, without a Python start of two seconds each: CI's time), or as a process
of its own where the process is the point (once per file: the command as an operator types it)."""

from __future__ import annotations

import os
import subprocess
import sys
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext

from app.config import ROOT, database_override, get_settings


def run(
    url: str | None, *args: str, env: Mapping[str, str] | None = None, own_process: bool = False
) -> subprocess.CompletedProcess[str]:
    """The command against `url` with `env` added to the environment."""
    extra = {**({"DATABASE_URL": url} if url else {}), **(env or {})}
    if own_process:
        return subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            cwd=ROOT,
            env={**os.environ, **extra},
            capture_output=True,
            text=True,
            check=False,
        )
    from typer.testing import CliRunner

    from app.cli import app

    with _environment(extra), database_override(url) if url else nullcontext():
        done = CliRunner().invoke(app, list(args))
    stderr = done.stderr
    if done.exception is not None and not isinstance(done.exception, SystemExit):  # as Python prints it
        stderr += "".join(traceback.format_exception(done.exception))
    return subprocess.CompletedProcess(list(args), done.exit_code, done.stdout, stderr)


@contextmanager
def _environment(extra: Mapping[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in extra}
    os.environ.update(extra)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()
