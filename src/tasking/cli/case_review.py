"""`tasking case-review ...`: ASB case review applications, assessment and milestones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from rich.table import Table

from tasking.cli.context import (
    DATE,
    DATETIME,
    console,
    emit_read,
    json_option,
    read_options,
    reader,
    run,
    user_option,
    write_options,
)
from tasking.commands.escalation import (
    CaseReviewAcknowledge,
    CaseReviewApply,
    CaseReviewAssess,
    CaseReviewClose,
    CaseReviewDecide,
    CaseReviewHold,
    CaseReviewRecommend,
    CaseReviewRespond,
)
from tasking.queries.reads import case_review_read, case_reviews_read
from tasking.time.instants import utcnow
from tasking.reporting.text import day_text, local_stamps, local_text


@click.group("case-review")
def case_review() -> None:
    """ASB Case Reviews (formerly the Community Trigger), ASB, Crime and Policing Act 2014 s.104.

    \b
    Example:
      tasking case-review apply --applicant PER-00001 --received 2018-03-05T10:00 --json
      tasking case-review assess CR-2017-001 --json
    """


def _review_text(verb: str) -> Callable[[dict[str, Any]], str]:
    return lambda r: f"{verb} {r['review']}"


@case_review.command("apply")
@click.option("--applicant", required=True, metavar="PERSON", help="The applicant's person reference.")
@click.option("--received", "--at", "received", type=DATETIME, default=None, help="When the application was received.")
@click.option("--case", "cases", multiple=True, metavar="CASE", help="A case the application names (repeatable).")
@click.option(
    "--on-behalf-of",
    "on_behalf_of",
    metavar="PERSON",
    default=None,
    help="The person applying on the victim's behalf (a person reference).",
)
@user_option
@json_option
@click.pass_context
def apply(ctx: click.Context, applicant, received, cases, on_behalf_of, user, as_json) -> None:
    """Record an application for an ASB case review; prints its reference (CR-2017-001).

    \b
    Example:
      tasking case-review apply --applicant PER-00001 --received 2018-03-05T10:00 --case CSU-2017-00001 --json
    """
    run(
        ctx,
        CaseReviewApply,
        as_json=as_json,
        text=_review_text("Application recorded:"),
        user=user,
        at=received,
        applicant=applicant,
        cases=cases,
        on_behalf_of=on_behalf_of,
    )


def _assessment_text(result: dict[str, Any]) -> str:
    lines = [
        f"{result['review']}: threshold {'met' if result['threshold_met'] else 'not met'}",
        f"  qualifying: {', '.join(result['qualifying']) or 'none'}",
    ]
    lines += [f"  excluded {item['case']}: {item['reason']}" for item in result["excluded"]]
    lines += [f"  rule: {rule}" for rule in result["rules_applied"]]
    return "\n".join(lines)


@case_review.command("assess")
@click.argument("review")
@write_options
@click.pass_context
def assess(ctx: click.Context, review, user, at, as_json) -> None:
    """Assess the threshold on the record as it stands at --at, and record the decision.

    Prints the qualifying complaints and every report of the applicant that was considered and
    not counted, with the test it failed.

    \b
    Example:
      tasking case-review assess CR-2017-001 --at 2018-03-09T10:00 --json
    """
    run(ctx, CaseReviewAssess, as_json=as_json, text=_assessment_text, user=user, at=at, review=review)


def _milestone(
    name: str,
    command_class: type,
    verb: str,
    help_text: str,
    example: str,
    **options: tuple[tuple[str, ...], dict[str, Any]],
) -> click.Command:
    """One milestone command: REVIEW, its own options, then --user, --at and --json."""

    def command(ctx: click.Context, review: str, user: str | None, at: Any, as_json: bool, **fields: Any) -> None:
        run(ctx, command_class, as_json=as_json, text=_review_text(verb), user=user, at=at, review=review, **fields)

    command.__doc__ = f"{help_text}\n\n\b\nExample:\n  {example}\n"
    for decls, kwargs in reversed(list(options.values())):
        command = click.option(*decls, **kwargs)(command)
    command = click.argument("review")(write_options(command))
    return case_review.command(name)(click.pass_context(command))


_milestone(
    "acknowledge",
    CaseReviewAcknowledge,
    "Acknowledged",
    "Record that the application was acknowledged.",
    "tasking case-review acknowledge CR-2017-001 --at 2018-03-06T10:00",
    note=(("--note",), {"default": None, "help": "A note, no personal details."}),
)
_milestone(
    "decide",
    CaseReviewDecide,
    "Decided",
    "Record the decision: hold a review, or not (with the reason).",
    'tasking case-review decide CR-2017-001 --outcome review --reason "Threshold met" --at 2018-03-12T10:00',
    outcome=(("--outcome",), {"required": True, "type": click.Choice(["review", "no-review"])}),
    reason=(("--reason",), {"required": True, "help": "Why; it is published to the applicant."}),
)
_milestone(
    "hold",
    CaseReviewHold,
    "Review held:",
    "Record that the case review meeting was held.",
    "tasking case-review hold CR-2017-001 --at 2018-04-05T14:00",
    note=(("--note",), {"default": None}),
)
_milestone(
    "respond",
    CaseReviewRespond,
    "Response recorded:",
    "Record the response to the applicant.",
    'tasking case-review respond CR-2017-001 --note "Outcome letter sent" --at 2018-04-10T10:00',
    note=(("--note",), {"required": True, "help": "What the applicant was told."}),
)
_milestone(
    "close",
    CaseReviewClose,
    "Closed",
    "Close the case review after the response.",
    "tasking case-review close CR-2017-001 --at 2018-05-10T10:00",
    note=(("--note",), {"default": None}),
)


@case_review.command("recommend")
@click.argument("review")
@click.option("--agency", required=True, metavar="CODE", help="The agency the recommendation is made to.")
@click.option("--action", required=True, help="What is recommended.")
@click.option("--due", required=True, type=DATE, help="Due date, YYYY-MM-DD.")
@click.option(
    "--case",
    default=None,
    metavar="CASE",
    help="The applicant's case to task (default: the latest open qualifying or named one).",
)
@write_options
@click.pass_context
def recommend(ctx: click.Context, review, agency, action, due, case, user, at, as_json) -> None:
    """Record a recommendation of the review: it becomes a tasking on the applicant's case.

    \b
    Example:
      tasking case-review recommend CR-2017-001 --agency HOUSING --action "Tenancy enforcement visit" \\
        --due 2018-04-20 --at 2018-04-05T15:00
    """
    run(
        ctx,
        CaseReviewRecommend,
        as_json=as_json,
        text=lambda r: f"{r['review']} {r['recommendation']}: tasking {r['case']} {r['tasking']}",
        user=user,
        at=at,
        review=review,
        agency=agency,
        action=action,
        due=due,
        case=case,
    )


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
        lines += ["  " + line for line in _assessment_text(r).split("\n")[1:]]
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
