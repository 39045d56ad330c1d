"""Request bodies: over the configured limit is refused with 413 before it is read, and an API
request without a valid bearer token is refused with 401 before its body is read (issue 21, item 12);
a JSON body (at most the limit) that is not UTF-8 is refused with 400 (item 30).

A pure ASGI middleware: a declared `Content-Length` over the limit is answered at once; a chunked
(or understated) body is counted as it arrives and refused at the first byte over the limit.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse

from tasking.web.problems import PROBLEM, Problem

PRINCIPAL = "principal"  # the request state's key for the user `BodyLimit` authenticated
DEFAULT_MAX_BODY = 1024 * 1024  # 1 MiB: every command fits; imports stay on the CLI


class BodyTooLarge(HTTPException):
    """An HTTPException, so FastAPI's body parsing lets it through as 413 (not "error parsing the body")."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"body: larger than this server's limit of {limit} bytes")


class BodyLimit:
    def __init__(self, app: Any, max_body: int = DEFAULT_MAX_BODY) -> None:
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            status = 413 if length.isdigit() else 400
            detail = str(BodyTooLarge(self.max_body).detail) if status == 413 else "content-length: not a byte count"
            await _problem(Problem(status, detail, field="body", rule="size"))(scope, receive, send)
            return
        expects_body = length not in (None, "0") or "chunked" in headers.get("transfer-encoding", "").lower()
        if (
            expects_body
            and scope["path"].startswith("/api/")
            and not headers.get("authorization", "").lower().startswith("bearer ")
        ):
            await _problem(
                Problem(
                    401,
                    "a bearer token is required: `Authorization: Bearer TOKEN` (from `tasking users token ID`)",
                    headers={"WWW-Authenticate": 'Bearer realm="tasking"'},
                )
            )(scope, receive, send)
            return
        if expects_body and scope["path"].startswith("/api/"):  # the token is checked before the body is read
            found = await run_in_threadpool(_authenticated, scope, headers)
            if isinstance(found, Problem):
                await _problem(found)(scope, receive, send)
                return
            scope.setdefault("state", {})[PRINCIPAL] = found  # the route uses it: one check per request
        if expects_body and "json" in headers.get("content-type", ""):
            body = await _read_all(receive, self.max_body)
            if body is None:
                await _problem(Problem(413, str(BodyTooLarge(self.max_body).detail), field="body", rule="size"))(
                    scope, receive, send
                )
                return
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                await _problem(Problem(400, "body: not UTF-8; send JSON encoded as UTF-8", field="body", rule="utf-8"))(
                    scope, receive, send
                )
                return
            await self.app(scope, _replay(body), send)
            return
        seen = 0

        async def counted() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge(self.max_body)
            return message

        await self.app(scope, counted, send)


def _authenticated(scope: dict[str, Any], headers: Headers) -> Any:
    """The API's own token check (`authenticate`: 401, or 429 after too many failures), run before a
    body is read: the token's `Principal`, which the route then takes from the request's state
    (`tasking.web.api_desk.api_desk`) instead of checking the token again; or the `Problem` to answer."""
    from tasking.web.auth import authenticate

    app = scope["app"]
    token = headers.get("authorization", "")[len("bearer ") :].strip()
    client = scope["client"][0] if scope.get("client") else "unknown"
    try:
        with app.state.pool.borrow() as services:
            return authenticate(services.app, token, client, app.state.attempts, via="api")
    except Problem as problem:
        return problem


async def _read_all(receive: Any, limit: int) -> bytes | None:
    """The whole body (JSON, at most `limit` bytes, so bounded), or None past the limit."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(parts)
        size += len(message.get("body", b""))
        if size > limit:
            return None
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(parts)


def _replay(body: bytes) -> Any:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def _problem(problem: Problem) -> JSONResponse:
    return JSONResponse(problem.body(), status_code=problem.status, headers=problem.headers, media_type=PROBLEM)
