"""`tasking serve`: the HTTP API and the pages, under uvicorn."""

from __future__ import annotations

import os
import secrets

import click

from tasking.cli.context import services
from tasking.cli.web_workers import reuse_port_supported, serve_workers


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; keep localhost and put a TLS reverse proxy in front (see README).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes; they share the store (and its views file) as CLI processes do.",
)
@click.option(
    "--secure-cookies",
    is_flag=True,
    envvar="TASKING_WEB_SECURE_COOKIES",
    help="Mark the session cookie Secure: set it when a TLS proxy is in front. Env: TASKING_WEB_SECURE_COOKIES=1.",
)
@click.option(
    "--forwarded-allow-ips",
    default=None,
    metavar="IPS",
    help="The reverse proxies (comma-separated addresses) trusted for X-Forwarded-For/-Proto, e.g. "
    "127.0.0.1 for a proxy on this machine. Default: none; the client address (for sign-in limits "
    "and the logs) is the connection's.",
)
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, workers: int, secure_cookies: bool, forwarded_allow_ips: str | None
) -> None:
    """Serve the JSON API (/api/v1, /docs) and the pages (/briefing/DATE, /cases/REF, ...) for this store.

    Every request needs a bearer token of your own (`tasking users token`), except /health; the pages sign
    in with the token into a session cookie.

    \b
    Example:
      tasking serve
      tasking --store csu.db serve --host 127.0.0.1 --port 8000 --workers 2 --secure-cookies
      tasking serve --forwarded-allow-ips 127.0.0.1   # behind a TLS proxy on this machine
    """
    import uvicorn

    found = services(ctx)  # a missing or uninitialised store is a one-line error now, not in every worker
    found.app.config  # noqa: B018
    os.environ["TASKING_STORE"] = found.settings.store
    if found.settings.views:
        os.environ["TASKING_VIEWS"] = found.settings.views
    # One signing key for every worker of this run, so a session cookie works whichever answers.
    os.environ.setdefault("TASKING_WEB_SECRET", secrets.token_hex(32))
    os.environ["TASKING_WEB_SECURE_COOKIES"] = "1" if secure_cookies else ""
    click.echo(f"Serving on http://{host}:{port} (API docs at /docs); stop with Ctrl+C", err=True)
    options = {
        "app": "tasking.web.app:app_from_env",
        "factory": True,
        # uvicorn's ProxyHeadersMiddleware only for named proxies: otherwise a client could
        # send X-Forwarded-For to dodge the sign-in limits and spoof the logged address.
        "proxy_headers": bool(forwarded_allow_ips),
        "forwarded_allow_ips": forwarded_allow_ips or None,
        "log_level": "warning",
        "access_log": False,
    }
    if workers > 1 and reuse_port_supported():  # each worker its own socket (tasking.cli.web_workers)
        serve_workers(host, port, workers, options)
    else:
        uvicorn.run(host=host, port=port, workers=workers, **options)  # type: ignore[arg-type]
