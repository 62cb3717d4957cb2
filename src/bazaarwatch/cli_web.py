"""The ``serve`` command: the analyst's workbench on a case (``bazaarwatch.web``).

Registered on ``cli.main`` when ``cli`` imports this module.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from bazaarwatch.cli import db_option, err, main


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or name (only this machine can connect)."""
    import ipaddress

    from bazaarwatch.web.security import LOOPBACK

    if host.strip("[]") in LOOPBACK or host in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@main.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Any other than loopback needs a token (one is "
                   "generated and printed when --token is not given).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on.")
@click.option("--token", default=None, metavar="TOKEN",
              help="Require this token from every client (Authorization: Bearer TOKEN, or "
                   "open /?token=TOKEN once in the browser).")
@click.option("--read-only", is_flag=True,
              help="Refuse triage labels and open the case so that it cannot be written.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes (one per core answers more analysts at once).")
def serve_command(db: Path, host: str, port: int, token: str | None, read_only: bool,
                  workers: int) -> None:
    """Serve the workbench: search with filters, messages in context, chats, vendors,
    networks, indicator pivots, links and trends, triage labels stored in the case, and
    the JSON API under /api/v1 (OpenAPI at /api/v1/openapi.json).

    It listens on 127.0.0.1 only unless --host says otherwise; it serves plain HTTP, so
    reach it from elsewhere through an SSH tunnel or a TLS proxy. Card, IBAN and phone
    numbers are masked on every page and in every answer.
    """
    import secrets

    import uvicorn

    from bazaarwatch.web.app import ENVIRONMENT, create_app

    if token is not None and len(token) < 16:
        raise click.BadParameter("use at least 16 characters", param_hint="--token")
    if token is None and not is_loopback(host):
        token = secrets.token_urlsafe(24)
        err().print(f"token (printed once; every client needs it): {token}")
    app = create_app(db, read_only=read_only, token=token)  # checks the case before listening
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    where = f"http://{shown}:{port}/"
    err().print(f"serving {db} on {where}" + (" (read-only)" if read_only else "")
              + (f" with {workers} workers" if workers > 1 else "")
              + (f"; open {where}?token=... once to log in" if token else ""))
    options: dict[str, Any] = {"host": host.strip("[]"), "port": port, "log_level": "warning",
                               "server_header": False, "limit_concurrency": 64,
                               "timeout_keep_alive": 5}
    if workers == 1:
        uvicorn.run(app, **options)
        return
    os.environ.update({ENVIRONMENT["db"]: str(db.resolve()),
                       ENVIRONMENT["read_only"]: "1" if read_only else "0",
                       ENVIRONMENT["token"]: token or "",
                       ENVIRONMENT["csrf"]: app.state.settings.csrf})
    uvicorn.run("bazaarwatch.web.app:from_environment", factory=True, workers=workers,
                **options)
