"""The deployment's files rendered from the templates in `deploy/`: the nginx site in front of the
replicas. One renderer serves the operator (`python -m app.cli deploy nginx`), the load benchmark
(which runs a local nginx over the same template, without TLS) and the test that checks the output
with `nginx -t`, so that what is tested is what is deployed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.config import ROOT

TEMPLATE = ROOT / "deploy" / "nginx" / "zonerisk.conf.template"


@dataclass(frozen=True)
class Site:
    """What differs between one province's server and another."""

    replica_ports: tuple[int, ...]
    server_name: str = "_"
    certificate: Path | None = Path("/etc/ssl/zonerisk/fullchain.pem")
    certificate_key: Path | None = Path("/etc/ssl/zonerisk/privkey.pem")
    listen_port: int = 443
    http_port: int | None = 80
    """plain HTTP port that redirects to HTTPS (None: none)"""
    replica_host: str = "127.0.0.1"
    max_upload_mb: int = 10
    api_ports: tuple[int, ...] = (8600,)
    """the API processes (`python -m app.cli api`, zonerisk-api@PORT): /api/ goes to them"""


def render_nginx_site(site: Site) -> str:
    """The nginx site for `site`: TLS when it has a certificate, else plain HTTP on listen_port
    (for a local benchmark only: the login form must never cross a network in clear)."""
    if not site.replica_ports:
        raise ValueError("at least one replica port")
    tls = site.certificate is not None and site.certificate_key is not None
    upstreams = "\n".join(
        f"    server {site.replica_host}:{port} max_fails=3 fail_timeout=10s;" for port in site.replica_ports
    )
    if not site.api_ports:
        raise ValueError("at least one API port")
    api_servers = "\n".join(
        f"    server {site.replica_host}:{port} max_fails=3 fail_timeout=10s;" for port in site.api_ports
    )
    if tls:
        listen = f"    listen {site.listen_port} ssl;\n    listen [::]:{site.listen_port} ssl;"
        tls_block = (
            f"    ssl_certificate {site.certificate};\n"
            f"    ssl_certificate_key {site.certificate_key};\n"
            "    ssl_protocols TLSv1.2 TLSv1.3;\n"
            "    ssl_session_cache shared:zonerisk_tls:10m;\n"
            '    add_header Strict-Transport-Security "max-age=31536000" always;'
        )
    else:
        listen = f"    listen 127.0.0.1:{site.listen_port};"
        tls_block = ""
    redirect = ""
    if tls and site.http_port is not None:
        redirect = (
            "server {\n"
            f"    listen {site.http_port};\n    listen [::]:{site.http_port};\n"
            f"    server_name {site.server_name};\n"
            "    location = /healthz { proxy_pass http://zonerisk_replicas/_stcore/health; }\n"
            "    location / { return 301 https://$host$request_uri; }\n"
            "}\n"
        )
    fields = {
        "UPSTREAM_SERVERS": upstreams,
        "API_SERVERS": api_servers,
        "LISTEN": listen,
        "TLS": tls_block,
        "HTTP_REDIRECT": redirect,
        "SERVER_NAME": site.server_name,
        "COOKIE_SECURE": "; Secure" if tls else "",
        "MAX_BODY_MB": str(site.max_upload_mb + 2),
    }
    text = TEMPLATE.read_text("utf-8")
    for name, value in fields.items():
        text = text.replace("{{" + name + "}}", value)
    if "{{" in text:
        raise ValueError(f"unfilled field in {TEMPLATE.name}: {text[text.index('{{') :][:40]}")
    return text


def standalone_nginx_conf(site_text: str, workdir: Path) -> str:
    """A whole nginx.conf around a site, runnable by an unprivileged user from `workdir` (pid, logs,
    temporary files there): for `nginx -t` in the tests and the load benchmark's local balancer."""
    temp = workdir / "tmp"
    return (
        f"pid {workdir}/nginx.pid;\n"
        f"error_log {workdir}/error.log warn;\n"
        "worker_processes auto;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        f"    access_log {workdir}/access.log;\n"
        f"    client_body_temp_path {temp}/body;\n    proxy_temp_path {temp}/proxy;\n"
        f"    fastcgi_temp_path {temp}/fastcgi;\n    uwsgi_temp_path {temp}/uwsgi;\n"
        f"    scgi_temp_path {temp}/scgi;\n"
        f"{site_text}\n"
        "}\n"
    )
