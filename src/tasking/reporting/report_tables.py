"""The annual report's tables: the figures flattened, one wide row per figure against last year, and
the CSV, JSON and Markdown versions of the report.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from tasking.interchange.cells import neutral_row
from tasking.reporting import partnership_report
from tasking.reporting.report_words import (
    COUNTS,
    ESCALATIONS_HEADING,
    FEEDBACK_LABEL,
    GROUPS,
    change_of,
    change_text,
    escalation_rows,
    headline_rows,
    item_label,
    last_year_key,
    percent,
    period_text,
)


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        out: list[tuple[str, Any]] = []
        for key in sorted(value):
            out += flatten(value[key], f"{prefix}.{key}" if prefix else str(key))
        return out
    return [(prefix, value)]


def wide_rows(
    stats: dict[str, Any], previous: dict[str, Any] | None = None, names: dict[str, str] | None = None
) -> list[list[Any]]:
    """Every count and every breakdown: figure, item, label, this year, last year, change, change %."""
    before = previous or {}
    rows: list[list[Any]] = []

    def add(figure: str, item: str, label: str, now: int, then: int | None) -> None:
        change = change_of(now, then)
        rows.append(
            [
                figure,
                item,
                label,
                now,
                "" if then is None else then,
                "" if change["absolute"] is None else change["absolute"],
                "" if change["percent"] is None else change["percent"],
            ]
        )

    for name, label in COUNTS.items():
        add(name, "", label, stats[name], before.get(name, stats["previous_year"].get(name)))
    for key, label in (("owed", "Reporters owed an update"), ("given", "Reporters given an update")):
        then = (before.get("feedback") or {}).get(key)
        add("feedback", key, label, stats["feedback"][key], then)
    rate, rate_before = stats.get("feedback_rate"), before.get("feedback_rate")
    rows.append(
        [
            "feedback_rate",
            "",
            f"{FEEDBACK_LABEL} (%)",
            "" if rate is None else round(rate * 100, 1),
            "" if rate_before is None else round(rate_before * 100, 1),
            "" if rate is None or rate_before is None else round((rate - rate_before) * 100, 1),
            "",
        ]
    )
    for group in GROUPS:
        now_group = stats.get(group) or {}
        then_group = before.get(group, stats["previous_year"].get(group))  # None: last year not given
        items = list(now_group) if group == "by_month" else sorted(set(now_group) | set(then_group or {}))
        for item in items:
            then = None if then_group is None else then_group.get(last_year_key(group, item), 0)
            add(group, item, item_label(group, item, names), now_group.get(item, 0), then)
    for group, key, label, now, then in escalation_rows(stats):
        add(group, key, label, now, then)
    police = stats.get("police_recorded")
    if police is not None:
        then_police = before.get("police_recorded") or stats["previous_year"].get("police_recorded") or {}
        add(
            "police_recorded",
            "asb_incidents",
            "Police-recorded ASB incidents (data.police.uk)",
            police["asb_incidents"],
            then_police.get("asb_incidents"),
        )
        for breakdown in ("by_area", "by_month"):
            for item, count in (police.get(breakdown) or {}).items():
                add(f"police_recorded.{breakdown}", item, item_label(breakdown, item, names), count, None)
    return rows


def to_csv(stats: dict[str, Any], previous: dict[str, Any] | None = None, names: dict[str, str] | None = None) -> str:
    """A wide CSV for a spreadsheet: one row per figure or breakdown entry, this year against last."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    before_label = stats["previous_year"]["financial_year"]
    writer.writerow(["figure", "item", "label", stats["financial_year"], before_label, "change", "change_percent"])
    writer.writerows(neutral_row(list(row)) for row in wide_rows(stats, previous, names))
    writer.writerows(neutral_row(list(row)) for row in partnership_report.csv_rows(stats, previous))  # issue 26
    return buffer.getvalue()


def to_json(stats: dict[str, Any]) -> str:
    return json.dumps(stats, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def to_markdown(
    stats: dict[str, Any], previous: dict[str, Any] | None = None, names: dict[str, str] | None = None
) -> str:
    before = stats["previous_year"]
    lines = [
        f"# Year-end figures {stats['financial_year']}",
        "",
        f"{period_text(stats)}.",
        "",
        f"| Figure | {stats['financial_year']} | {before['financial_year']} | Change |",
        "|---|---:|---:|---:|",
    ]
    for label, now, then, change in headline_rows(stats):
        lines.append(f"| {label} | {now} | {then} | {change_text(change)} |")
    lines.append(
        f"| {FEEDBACK_LABEL} | {percent(stats['feedback_rate'])} | {percent((previous or {}).get('feedback_rate'))} | |"
    )
    for group in ("powers", "referrals", "by_area", "by_category", "by_source", "by_month"):
        lines += ["", f"## {GROUPS[group]}", "", "| | Count |", "|---|---:|"]
        lines += [f"| {item_label(group, name, names)} | {count} |" for name, count in stats[group].items()]
    escalations = escalation_rows(stats)
    if escalations:
        lines += [
            "",
            f"## {ESCALATIONS_HEADING}",
            "",
            f"| | {stats['financial_year']} | {before['financial_year']} |",
            "|---|---:|---:|",
        ]
        lines += [f"| {label} | {now} | {'' if then is None else then} |" for _, _, label, now, then in escalations]
    lines += ["", f"Event position {stats['position']} · `{stats['fingerprint']}`"]
    return "\n".join(lines) + "\n"


# --- charts -----------------------------------------------------------------------------------
