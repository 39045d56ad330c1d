"""Security headers on every response (issue 21, item 15): a strict Content-Security-Policy (no
inline script; an inline style only where a route names its hash), no MIME sniffing, no referrer
leaving the site, and no framing.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def csp_with_inline_styles(html: str) -> dict[str, str]:
    """The CSP header for a page that carries its own `<style>` blocks: each allowed by its hash."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'" for css in _STYLE.findall(html)
    )
    return {"Content-Security-Policy": CSP.replace("style-src 'self'", f"style-src 'self' {hashes}")}


class SecurityHeaders:
    """Pure ASGI: adds the headers a response has not set itself (a route may widen its own CSP)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [
                    (name.encode(), value.encode())
                    for name, value in {"content-security-policy": CSP, **HEADERS}.items()
                    if name.encode() not in present
                ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)
