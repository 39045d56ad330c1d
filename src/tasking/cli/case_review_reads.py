"""`tasking case-review list|show`: case reviews with their milestones, as at a point in time."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from tasking.cli.case_review import assessment_text, case_review
from tasking.cli.context import console, emit_read, reader
from tasking.cli.params import json_option, read_options
from tasking.queries.reads import case_review_read, case_reviews_read
from tasking.reporting.text import day_text, local_stamps, local_text
from tasking.time.instants import utcnow


@case_review.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only reviews not closed.")
@read_options
@json_option
@click.pass_context
def list_reviews(ctx: click.Context, open_only, at, as_of, position, as_json) -> None:
    """Case reviews with their milestones, as at --at (default now).

    \b
    Example:
      tasking case-review list --open --json
    """
    result = case_reviews_read(reader(ctx, at, as_of, position, "case-review list"), at, utcnow(), open_only=open_only)
    items = result["reviews"]
    if as_json:
        emit_read(result)
        return
    table = Table(title=f"Case reviews (position {result['position']})", title_justify="left")
    for column in (
        "review",
        "applicant",
        "received",
        "threshold",
        "decision",
        "held",
        "recommendations",
        "status",
        "overdue",
    ):
        table.add_column(column, no_wrap=column == "review")
    for r in items:
        threshold = "" if r["threshold_met"] is None else ("met" if r["threshold_met"] else "not met")
        table.add_row(
            r["review"],
            r["applicant"],
            local_text(r["received_at"]),
            threshold,
            r["decision"] or "",
            local_text(r["held_at"]),
            str(len(r["recommendations"])),
            r["status"],
            ", ".join(f"{o['milestone']} (due {o['due']})" for o in r["overdue"]),
        )
    console().print(table)


@case_review.command("show")
@click.argument("review")
@read_options
@json_option
@click.pass_context
def show(ctx: click.Context, review, at, as_of, position, as_json) -> None:
    """One case review: its milestones, deadlines, assessment and recommendations.

    \b
    Example:
      tasking case-review show CR-2017-001 --json
    """
    found = case_review_read(reader(ctx, at, as_of, position, "case-review list"), review, at, utcnow())
    if as_json:
        emit_read(found)
        return
    click.echo(local_stamps(_show_text(found)))


def _show_text(r: dict[str, Any]) -> str:
    """The review's story in order: received, acknowledged, the threshold, the decision, the review
    held, its recommendations, the response and the closure; each milestone still to come with its
    deadline."""

    def when(stamp: str | None, milestone: str | None = None) -> str:
        if stamp:
            return local_text(stamp)
        due = r["deadlines"].get(milestone or "")
        return f"not yet (due by {day_text(due)})" if due else "not yet"

    behalf = f" on behalf of {r['on_behalf_of']}" if r.get("on_behalf_of") else ""
    lines = [
        f"{r['review']} ({r['status']}): applicant {r['applicant']}{behalf}",
        f"  received:      {local_text(r['received_at'])}",
        f"  cases named:   {', '.join(r['cases']) or 'none'}",
        f"  acknowledged:  {when(r.get('acknowledged_at'), 'acknowledge')}",
    ]
    if r["threshold_met"] is None:
        lines.append(f"  threshold:     not yet assessed (decide by {day_text(r['deadlines'].get('decide'))})")
    else:
        lines.append(
            f"  threshold:     {'met' if r['threshold_met'] else 'not met'} "
            f"(assessed {local_text(r.get('assessed_at'))})"
        )
        lines += ["  " + line for line in assessment_text(r).split("\n")[1:]]
    decision = f"{r['decision']} ({local_text(r.get('decided_at'))})" if r.get("decision") else when(None, "decide")
    lines.append(f"  decision:      {decision}")
    if r.get("decision") != "no-review":
        lines.append(f"  review held:   {when(r.get('held_at'), 'hold')}")
    lines.append(f"  recommendations ({len(r['recommendations'])}):")
    lines += [
        f"    {x['recommendation']} {x['agency']}: {x['action']} (due {day_text(x['due'])}; tasking "
        f"{x['case']} {x['tasking']})"
        for x in r["recommendations"]
    ]
    lines.append(f"  response:      {when(r.get('responded_at'), 'respond')}")
    if r.get("closed_at"):
        lines.append(f"  closed:        {local_text(r['closed_at'])}")
    lines += [f"  overdue:       {o['milestone']} (due {day_text(o['due'])})" for o in r["overdue"]]
    return "\n".join(lines)
