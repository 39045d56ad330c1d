"""`tasking review`: a periodic risk review of a case."""

from __future__ import annotations

import click

from tasking.cli.context import run
from tasking.cli.params import write_options
from tasking.commands.case import ReviewCase, Risk
from tasking.cli.params import choice_of


@click.command("review")
@click.argument("case")
@click.option("--note", required=True, help="What the review found: no personal details.")
@click.option("--level", type=choice_of(Risk), default=None, help="A new risk level (default: unchanged).")
@write_options
@click.pass_context
def review(ctx: click.Context, case, note, level, user, at, as_json) -> None:
    """Record a risk review: open medium-risk cases are due every 28 days, high-risk every 14.

    \b
    Example:
      tasking review CSU-2017-00001 --note "Still at risk; patrols continue" --level medium --at 2018-03-05T10:00
    """
    run(
        ctx,
        ReviewCase,
        as_json=as_json,
        text=lambda r: f"Reviewed {r['case']} (risk {r['risk']})",
        user=user,
        at=at,
        case=case,
        note=note,
        level=level,
    )
