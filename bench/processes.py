"""The processes a benchmark (or a test) starts and stops: production-mode replicas run by
`app.serve`, and the `deploy/` nginx site in front of them, on free loopback ports."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

from app.config import ROOT
from app.deployment import Site, render_nginx_site, standalone_nginx_conf

SERVE = [sys.executable, "-m", "app.serve", "--server.address", "127.0.0.1", "--server.headless", "true"]
SERVE += ["--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(url: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"not healthy after {seconds:.0f} s: {url}")


def rss_mb(pid: int) -> float:
    with suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def production_env(database_url: str) -> dict[str, str]:
    """A server's environment in production mode: a random strong key, behind a proxy."""
    return {
        **os.environ,
        "ZONERISK_ENV": "production",
        "ZONERISK_SECRET_KEY": secrets.token_urlsafe(48),
        "ZONERISK_PUBLIC_URL": "http://127.0.0.1",
        "ZONERISK_TRUST_PROXY": "true",
        "DATABASE_URL": database_url,
        "ZONERISK_DB_STATEMENT_TIMEOUT_MS": "30000",
    }


@contextmanager
def api_processes(
    count: int, env: dict[str, str], workdir: Path
) -> Iterator[list[tuple[int, subprocess.Popen[bytes]]]]:
    """`count` API processes (`python -m app.cli api`) with `env`, as zonerisk-api@PORT runs them."""
    started: list[tuple[int, subprocess.Popen[bytes]]] = []
    with ExitStack() as logs:
        try:
            for n in range(count):
                port = free_port()
                log = logs.enter_context((workdir / f"api-{n}.log").open("wb"))
                command = [sys.executable, "-m", "app.cli", "api", "--port", str(port)]
                process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
                started.append((port, process))
            for port, _process in started:
                wait_healthy(f"http://127.0.0.1:{port}/api/v1/health")
            yield started
        finally:
            _stop([p for _port, p in started])


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def bare_streamlit(script: Path) -> Iterator[str]:
    """Plain `streamlit run` of `script` on a free loopback port (`bench/floor_app.py`), stopped,
    killed if need be, when the block ends."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    command += ["--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health")
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop([process])


@contextmanager
def replicas(
    count: int, database_url: str, workdir: Path
) -> Iterator[list[tuple[int, subprocess.Popen[bytes]]]]:
    """`count` replicas in production mode (a random strong key, behind a proxy) on one database,
    each logging to `workdir`; stopped, killed if need be, when the block ends."""
    env = production_env(database_url)
    started: list[tuple[int, subprocess.Popen[bytes]]] = []
    with ExitStack() as logs:
        try:
            for n in range(count):
                port = free_port()
                log = logs.enter_context((workdir / f"replica-{n}.log").open("wb"))
                process = subprocess.Popen(
                    [*SERVE, "--server.port", str(port)],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
                started.append((port, process))
            for port, _process in started:
                wait_healthy(f"http://127.0.0.1:{port}/_stcore/health")
            yield started
        finally:
            _stop([p for _port, p in started])


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@contextmanager
def balancer(
    ports: list[int], workdir: Path, api_ports: tuple[int, ...] = (8600,), ready: str = "/healthz"
) -> Iterator[list[str]]:
    """The URLs users are sent to: one, the local nginx over every replica; or without nginx, each
    replica's own (users are then spread over them by the client, one replica per user)."""
    binary = nginx_binary()
    if binary is None:
        yield [f"http://127.0.0.1:{port}" for port in ports]
        return
    listen = free_port()
    (workdir / "tmp").mkdir(exist_ok=True)
    site = render_nginx_site(
        Site(tuple(ports), certificate=None, certificate_key=None, listen_port=listen, api_ports=api_ports)
    )
    conf = workdir / "nginx.conf"
    conf.write_text(standalone_nginx_conf(site, workdir), "utf-8")
    process = subprocess.Popen([binary, "-c", str(conf), "-p", str(workdir), "-g", "daemon off;"])
    try:
        wait_healthy(f"http://127.0.0.1:{listen}{ready}")
        yield [f"http://127.0.0.1:{listen}"]
    finally:
        process.terminate()
        process.wait(15)
