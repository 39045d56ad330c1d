"""The OpenAPI schema says what the server checks (issue 21, item 30): the partnership's areas,
agencies and categories as enums, and the figure names `stats --explain` takes as a pattern, read
from the store's configuration when the schema is first asked for."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from tasking.config import PartnershipConfig

# The figures `tasking stats --explain` takes: a count, one entry of a breakdown (the entries are the
# year's own: an unknown one is not found, 404), the police's recorded figures, and the leaves of the
# partnership's year (action plan, activities, funding, CCTV).
COUNTS = (
    "reports",
    "reports_received",
    "asb_reports",
    "taskings",
    "follow_ups",
    "reporter_updates",
    "feedback_rate",
    r"feedback\.owed",
    r"feedback\.given",
    "powers_used",
    "referrals_made",
    "cases_closed",
)
BREAKDOWNS = (
    "asb_reports_from_residents",
    "taskings_by_agency",
    "follow_ups_by_agency",
    "follow_ups_by_kind",
    "powers",
    "referrals",
    "by_area",
    "by_category",
    "by_source",
    "by_month",
    "case_reviews",
    "task_and_finish_groups",
    "community_marac",
)
FIGURES = (
    rf"^(?:(?:{'|'.join(COUNTS)})|(?:{'|'.join(BREAKDOWNS)})\..+"
    r"|police_recorded\.(?:asb_incidents|by_area\..+|by_month\.\d{4}-\d{2})"
    r"|(?:action_plan|activities|funding|cctv)\..+)$"
)


def enums_of(config: PartnershipConfig) -> dict[str, list[str]]:
    agencies = sorted(config.agencies)
    return {
        "area": list(config.areas.names),
        "agency": agencies,
        "source": agencies,
        "category": sorted(config.categories),
    }


def _set_enum(schema: dict[str, Any], values: list[str]) -> None:
    for member in schema.get("anyOf", [schema]):
        if member.get("type") == "string":
            member["enum"] = values


def with_config(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with the enums of the store's configuration (cached once read)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    try:
        with app.state.pool.borrow() as services:
            enums = enums_of(services.app.config)
    except Exception:  # noqa: BLE001 - the store unreachable: the schema without enums, not cached
        return schema
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] in enums:
                    _set_enum(parameter["schema"], enums[parameter["name"]])
                elif parameter["name"] == "figure":
                    parameter["schema"]["pattern"] = FIGURES
    for component in schema.get("components", {}).get("schemas", {}).values():
        for name, prop in component.get("properties", {}).items():
            if name in enums:
                _set_enum(prop, enums[name])
    app.openapi_schema = schema
    return schema
