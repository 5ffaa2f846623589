"""The deployment files as shipped: nginx accepts the rendered site (`nginx -t`), and a running nginx
over two stand-in replicas keeps each browser on one replica (the cookie) while spreading new ones."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import urllib.request
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from app.config import ROOT
from app.deployment import Site, render_nginx_site, standalone_nginx_conf
from bench import processes

NGINX = processes.nginx_binary() or "nginx"  # the tests that run it are skipped when it is absent
needs_nginx = pytest.mark.skipif(
    processes.nginx_binary() is None, reason="Debian's nginx is not installed (.ci/run installs it)"
)


def _prefix(tmp_path: Path, site: str) -> Path:
    (tmp_path / "tmp").mkdir(exist_ok=True)
    conf = tmp_path / "nginx.conf"
    conf.write_text(standalone_nginx_conf(site, tmp_path), "utf-8")
    return conf


def _certificate(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=zr.test",
            *(
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@needs_nginx
def test_nginx_accepts_the_tls_site_as_rendered(tmp_path: Path) -> None:
    cert, key = _certificate(tmp_path)
    site = render_nginx_site(Site((8501, 8502, 8503), "zonerisk.bacgiang.gov.vn", cert, key, 18443, 18080))
    conf = _prefix(tmp_path, site)
    checked = subprocess.run(
        [NGINX, "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr
    assert "/_stcore/stream" in site and "proxy_set_header Upgrade $http_upgrade" in site
    assert "hash $zr_replica consistent" in site
    assert "return 301 https://" in site  # plain HTTP only redirects
    assert "Secure" in site


def test_the_cli_prints_the_site_for_n_replicas() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli",
            "deploy",
            "nginx",
            "--server-name",
            "zr.test",
            *("--replicas", "4"),
            *("--api-processes", "2"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    blocks = dict(re.findall(r"upstream (\w+) \{(.*?)\}", done.stdout, re.S))
    assert re.findall(r"server 127\.0\.0\.1:(\d+)", blocks["zonerisk_replicas"]) == [
        "8501",
        "8502",
        "8503",
        "8504",
    ]
    assert re.findall(r"server 127\.0\.0\.1:(\d+)", blocks["zonerisk_api"]) == ["8600", "8601"]
    assert "proxy_pass http://zonerisk_api;" in done.stdout.split("location /api/", 1)[1].split("}", 1)[0]


def test_the_units_run_commands_that_exist() -> None:
    units = (ROOT / "deploy" / "systemd").glob("*.service")
    named = {m for unit in units for m in re.findall(r"-m app\.cli (\w+)", unit.read_text("utf-8"))}
    assert named == {"prepare", "worker", "backup", "api"}
    from typer.testing import CliRunner

    from app.cli import app

    for command in named:  # the command exists and takes its options (in this process: CI's time)
        shown = CliRunner().invoke(app, [command, "--help"])
        assert shown.exit_code == 0 and "Usage" in shown.stdout, command


class _Replica(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/forwarded":
            body = str(self.headers.get("X-Forwarded-For")).encode()
        else:
            assert isinstance(self.server, ThreadingHTTPServer)
            body = str(self.server.server_port).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def balancer(tmp_path: Path) -> Iterator[str]:
    replicas = [ThreadingHTTPServer(("127.0.0.1", 0), _Replica) for _ in range(2)]
    for server in replicas:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with processes.balancer([s.server_address[1] for s in replicas], tmp_path) as urls:
            yield urls[0]  # the deploy/ site in a running nginx, as the load test runs it
    finally:
        for server in replicas:
            server.shutdown()


@needs_nginx
def test_a_browser_stays_on_its_replica_and_new_ones_spread(balancer: str) -> None:
    seen: Counter[str] = Counter()
    for _ in range(40):
        with urllib.request.urlopen(balancer + "/") as first:
            cookie = first.headers["Set-Cookie"]
            replica = first.read().decode()
        assert cookie.startswith("zr_replica=") and "HttpOnly" in cookie
        seen[replica] += 1
        token = cookie.split(";")[0]
        for _ in range(5):  # the same browser, cookie sent: the same replica, and no new cookie
            request = urllib.request.Request(balancer + "/", headers={"Cookie": token})
            with urllib.request.urlopen(request) as again:
                assert again.read().decode() == replica
                assert again.headers["Set-Cookie"] is None
    assert len(seen) == 2 and min(seen.values()) >= 8, seen  # 40 new browsers over both replicas


@needs_nginx
def test_a_forged_forwarded_for_does_not_reach_the_app(balancer: str) -> None:
    """Login throttling counts the first X-Forwarded-For hop: the edge must write it, not append."""
    request = urllib.request.Request(balancer + "/forwarded", headers={"X-Forwarded-For": "203.0.113.9"})
    with urllib.request.urlopen(request) as response:
        assert response.read().decode() == "127.0.0.1"


@needs_nginx
def test_the_edge_hides_its_version_and_streamlits_metrics(balancer: str) -> None:
    import urllib.error

    with urllib.request.urlopen(balancer + "/") as page:
        assert page.headers["Server"] == "nginx"  # no version for a scanner to match
    with pytest.raises(urllib.error.HTTPError) as hidden:
        urllib.request.urlopen(balancer + "/_stcore/metrics")
    assert hidden.value.code == 404
