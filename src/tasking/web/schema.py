"""The OpenAPI schema says what the server checks (issue 21, item 30): the partnership's areas,
agencies and categories as enums, and the figure names `stats --explain` takes as a pattern, read
from the store's configuration when the schema is first asked for."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from tasking.config import PartnershipConfig

# The figures of `tasking stats` a name may start with: a count, or a breakdown and one entry of it.
FIGURES = (r"^(?:reports|reports_received|asb_reports|asb_reports_from_residents|taskings|taskings_by_agency"
           r"|follow_ups|follow_ups_by_agency|follow_ups_by_kind|reporter_updates|feedback|feedback_rate"
           r"|feedback_owed|feedback_given|powers_used|powers|referrals_made|referrals|by_area|by_category|by_source"
           r"|by_month|cases_closed|case_reviews|task_and_finish_groups|community_marac|police)(?:\..+)?$")


def enums_of(config: PartnershipConfig) -> dict[str, list[str]]:
    agencies = sorted(config.agencies)
    return {"area": list(config.areas.names), "agency": agencies, "source": agencies,
            "category": sorted(config.categories)}


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
