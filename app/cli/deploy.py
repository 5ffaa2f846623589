"""`python -m app.cli deploy …`: the deployment's files for this server, from `deploy/`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.deployment import Site, render_nginx_site

deploy_app = typer.Typer(help="Tệp triển khai / Deployment files (docs/deploy.md).", no_args_is_help=True)


@deploy_app.command("nginx")
def nginx_command(
    server_name: Annotated[str, typer.Option("--server-name", help="the public host name")],
    replicas: Annotated[int, typer.Option("--replicas", min=1, max=64, help="Streamlit replicas")] = 2,
    first_port: Annotated[int, typer.Option("--first-port", min=1024, max=65000)] = 8501,
    certificate: Annotated[Path, typer.Option("--certificate")] = Path("/etc/ssl/zonerisk/fullchain.pem"),
    certificate_key: Annotated[Path, typer.Option("--certificate-key")] = Path(
        "/etc/ssl/zonerisk/privkey.pem"
    ),
    max_upload_mb: Annotated[int, typer.Option("--max-upload-mb", min=1)] = 10,
    api_processes: Annotated[int, typer.Option("--api-processes", min=1, max=64, help="API processes")] = 1,
    api_first_port: Annotated[int, typer.Option("--api-first-port", min=1024, max=65000)] = 8600,
) -> None:
    """Print the nginx site for N replicas on ports first-port, first-port+1, …, and the API's
    processes from api-first-port; TLS always."""
    site = Site(
        replica_ports=tuple(range(first_port, first_port + replicas)),
        server_name=server_name,
        certificate=certificate,
        certificate_key=certificate_key,
        max_upload_mb=max_upload_mb,
        api_ports=tuple(range(api_first_port, api_first_port + api_processes)),
    )
    typer.echo(render_nginx_site(site), nl=False)
