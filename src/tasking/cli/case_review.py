"""`tasking case-review ...`: ASB case review applications, assessment and milestones (its reads,
`list` and `show`, are case_review_reads.py's)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from tasking.cli.context import run
from tasking.cli.params import DATE, DATETIME, json_option, user_option, write_options
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


def assessment_text(result: dict[str, Any]) -> str:
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
    run(ctx, CaseReviewAssess, as_json=as_json, text=assessment_text, user=user, at=at, review=review)


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
