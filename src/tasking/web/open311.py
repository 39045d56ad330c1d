"""Open311 GeoReport v2 under /open311/v2 (issue 23): FixMyStreet's reports in, their status and
updates out. Errors are GeoReport's list, `[{"code": 400, "description": "..."}]`, with that status.

`api_key` is the token (`tasking users token ID`) of a user with the role `integration`, which may
only report here and read what it reported (`tasking.domain.permissions.INTEGRATION`).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from tasking.commands import send
from tasking.commands.open311 import RecordOpen311Report, accepted
from tasking.domain.permissions import SYSTEM, Forbidden, restricted_categories
from tasking.errors import DomainError, NotFound
from tasking.queries import open311 as queries
from tasking.time.instants import iso, parse_datetime, utcnow
from tasking.web.auth import Principal, authenticate
from tasking.web.problems import Problem

# Not in /openapi.json: these routes follow GeoReport v2's own contract (form posts, error lists),
# not the API's problem details, and are documented in the README's Open311 section.
router = APIRouter(prefix="/open311/v2", tags=["open311"], include_in_schema=False)
MAX_TEXT = 2000


class GeoReportError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


def _errors(status: int, description: str) -> JSONResponse:
    return JSONResponse([{"code": status, "description": description}], status_code=status)


def _answer(run: Callable[[], Any]) -> Response:
    """Run a route's body; every refusal becomes GeoReport's error list with its status."""
    try:
        found = run()
    except GeoReportError as exc:
        return _errors(exc.status, exc.description)
    except Problem as exc:
        return _errors(403 if exc.status == 401 else exc.status, exc.detail if hasattr(exc, "detail") else str(exc))
    except Forbidden as exc:
        return _errors(403, str(exc))
    except NotFound as exc:
        return _errors(404, str(exc))
    except DomainError as exc:
        return _errors(400, str(exc))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "request"
        message = str(first["msg"]).removeprefix("Value error, ")
        return _errors(400, message if message.split(":")[0] in {"lat", "send"} else f"{where}: {message}")
    return found if isinstance(found, Response) else JSONResponse(found)


def _integration(request: Request, services: Any, api_key: str | None, action: str) -> Principal:
    principal = authenticate(
        services.app,
        api_key,
        request.client.host if request.client else "unknown",
        request.app.state.attempts,
        via="open311",
    )
    services.app.authorize(services.app.actor(principal.login), action)
    return principal


def _instant(value: str | None, field: str) -> str | None:
    if not value:
        return None
    try:
        return iso(parse_datetime(value, field))
    except DomainError:
        raise GeoReportError(400, f"{field}: {value[:40]!r} is not a w3 date-time, e.g. 2018-03-05T09:00:00Z") from None


def services_list(config: Any) -> list[dict[str, Any]]:
    hidden = restricted_categories(config)
    return [
        {
            "service_code": code,
            "service_name": category.name,
            "description": category.name,
            "metadata": False,
            "type": "realtime",
            "keywords": "public" if accepted(config, code) else "not-public",
            "group": category.asb_type,
        }
        for code, category in config.categories.items()
        if code not in hidden
    ]


@router.get("/services.json", summary="The partnership's categories as GeoReport services (no key needed).")
def services_json(request: Request) -> Response:
    with request.app.state.pool.borrow() as services:
        return JSONResponse(services_list(services.app.config))


@router.get("/services.xml", summary="The same services as GeoReport XML.")
def services_xml(request: Request) -> Response:
    with request.app.state.pool.borrow() as services:
        found = services_list(services.app.config)
    root = ET.Element("services")
    for service in found:
        node = ET.SubElement(root, "service")
        for name, value in service.items():
            ET.SubElement(node, name).text = str(value).lower() if isinstance(value, bool) else str(value)
    return Response(
        b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8"), media_type="text/xml"
    )


def _text(form: Any, name: str) -> str | None:
    value = form.get(name)
    if value is None or not str(value).strip():
        return None
    if len(str(value)) > MAX_TEXT:
        raise GeoReportError(400, f"{name}: at most {MAX_TEXT} characters")
    return str(value).strip()


def _number(form: Any, name: str) -> float | None:
    value = _text(form, name)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        raise GeoReportError(400, f"{name}: {value[:40]!r} is not a number") from None


@router.post("/requests.json", summary="A new report from FixMyStreet (form-encoded; `api_key` of an integration).")
async def create_request(request: Request) -> Response:
    form = await request.form()
    return _answer(lambda: _create(request, form))


def _create(request: Request, form: Any) -> list[dict[str, str]]:
    with request.app.state.pool.borrow() as services:
        principal = _integration(request, services, _text(form, "api_key"), "open311 report")
        fixmystreet = _text(form, "attribute[fixmystreet_id]")
        header = request.headers.get("Request-Id", "").strip()[:200]
        key = f"fixmystreet:{fixmystreet}" if fixmystreet else (f"request:{header}" if header else None)
        if not _text(form, "service_code"):
            raise GeoReportError(400, "service_code: is required")
        if not _text(form, "description"):
            raise GeoReportError(400, "description: is required")
        command = RecordOpen311Report(
            user=principal.login,
            at=utcnow(),
            key=key,
            service_code=_text(form, "service_code"),
            lat=_number(form, "lat"),
            lon=_number(form, "long"),
            address_string=_text(form, "address_string"),
            description=_text(form, "description"),
            email=_text(form, "email"),
            first_name=_text(form, "first_name"),
            last_name=_text(form, "last_name"),
            phone=_text(form, "phone"),
        )
        result = send(services.app, command)
        return [{"service_request_id": result["case"]}]


def _reader(request: Request, services: Any, api_key: str | None) -> tuple[Any, str | None]:
    if api_key:
        principal = _integration(request, services, api_key, "open311 read")
        return services.read(user=principal.login, action="open311 read", shared=True), principal.login
    return services.read(user=SYSTEM, shared=True), None


def _split(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


@router.get("/requests.json", summary="Requests' status; with the integration's `api_key`, its own requests' details.")
def list_requests(request: Request) -> Response:
    query = request.query_params

    def run() -> Any:
        with request.app.state.pool.borrow() as services:
            reader, integration = _reader(request, services, query.get("api_key"))
            return queries.requests(
                reader,
                integration,
                ids=_split(query.get("service_request_id")),
                service_codes=_split(query.get("service_code")),
                start=_instant(query.get("start_date"), "start_date"),
                end=_instant(query.get("end_date"), "end_date"),
                statuses=_split(query.get("status")),
            )

    return _answer(run)


@router.get("/requests/{request_id}.json", summary="One request's status.")
def one_request(request: Request, request_id: str) -> Response:
    def run() -> Any:
        with request.app.state.pool.borrow() as services:
            reader, integration = _reader(request, services, request.query_params.get("api_key"))
            found = queries.requests(reader, integration, ids=[request_id[:64]])
            if not found:
                raise GeoReportError(404, f"service_request_id: no request {request_id[:64]!r}")
            return found

    return _answer(run)


@router.get("/servicerequestupdates.json", summary="FixMyStreet's updates: the integration's requests' updates.")
def request_updates(request: Request) -> Response:
    query = request.query_params

    def run() -> Any:
        with request.app.state.pool.borrow() as services:
            if not query.get("api_key"):
                raise GeoReportError(403, "api_key: is required (the token of an `integration` user)")
            reader, integration = _reader(request, services, query.get("api_key"))
            return queries.updates(
                reader,
                integration or "",
                _instant(query.get("start_date"), "start_date"),
                _instant(query.get("end_date"), "end_date"),
            )

    return _answer(run)


__all__ = ["router", "dt"]
