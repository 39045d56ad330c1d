"""`tasking marac ...`: the Community MARAC's meetings, agenda and discussions."""

from __future__ import annotations


import click
from rich.table import Table

from tasking.cli.context import console, emit_read, reader, run
from tasking.cli.params import DATE, DATETIME, json_option, read_options, user_option
from tasking.commands.escalation import MaracActionItem, MaracDiscuss, MaracMeetingsAdd
from tasking.errors import DomainError
from tasking.queries.reads import marac_agenda_read, marac_meetings_read
from tasking.time.instants import parse_date, utcnow
from tasking.reporting.text import local_text


@click.group("marac")
def marac() -> None:
    """The Community MARAC: monthly, for medium- and high-risk victims, offenders and problem locations.

    `tasking refer CASE --to community-marac` places a case on the agenda of the next meeting.

    \b
    Example:
      tasking marac meetings add --at 2017-09-20T10:00
      tasking marac agenda --meeting 2017-09-20 --json
    """


@marac.group("meetings")
def meetings() -> None:
    """Community MARAC meetings.

    \b
    Example:
      tasking marac meetings add --at 2017-09-20T10:00
      tasking marac meetings list
    """


@meetings.command("add")
@click.option("--at", type=DATETIME, required=True, help="When the meeting is held; no zone means Europe/London.")
@user_option
@json_option
@click.pass_context
def add(ctx: click.Context, at, user, as_json) -> None:
    """Schedule a Community MARAC meeting (one a day).

    \b
    Example:
      tasking marac meetings add --at 2017-09-20T10:00
    """
    run(
        ctx,
        MaracMeetingsAdd,
        as_json=as_json,
        text=lambda r: f"Community MARAC meeting on {r['meeting']}",
        user=user,
        at=at,
    )


@meetings.command("list")
@read_options
@json_option
@click.pass_context
def list_meetings(ctx: click.Context, at, as_of, position, as_json) -> None:
    """Meetings held by --at (default now), with the cases discussed at each (a restricted case's
    discussion is its outline unless you may see the case in full).

    \b
    Example:
      tasking marac meetings list --json
    """
    result = marac_meetings_read(reader(ctx, at, as_of, position, "marac agenda"), at, utcnow())
    items = result["meetings"]
    if as_json:
        emit_read(result)
        return
    table = Table(title=f"Community MARAC meetings (position {result['position']})", title_justify="left")
    for column in ("meeting", "at", "cases discussed"):
        table.add_column(column)
    for m in items:
        table.add_row(m["meeting"], local_text(m["at"]), ", ".join(d["case"] for d in m["discussions"]))
    console().print(table)


@marac.command("agenda")
@click.option("--meeting", type=DATE, default=None, help="The meeting's date (default: the next meeting from --at).")
@read_options
@json_option
@click.pass_context
def agenda(ctx: click.Context, meeting, position, as_of, at, as_json) -> None:
    """The agenda: cases referred since the last meeting and cases still under review, each with
    its risk level at the meeting and its open actions. A restricted case is its outline unless you
    may see it in full; the cases shown in full are recorded in the access log.

    \b
    Example:
      tasking marac agenda --meeting 2017-10-18 --json
    """
    read = reader(ctx, at, as_of, position, "marac agenda")
    found = marac_agenda_read(read, meeting, at, utcnow())
    if as_json:
        emit_read(found)
        return
    table = Table(
        title=f"Community MARAC agenda {found['meeting']} (position {read.point.position})", title_justify="left"
    )
    for column in ("case", "why", "risk", "open actions", "review at", "discussed"):
        table.add_column(column, no_wrap=column == "case")
    for item in found["items"]:
        if item.get("restricted"):  # a restricted case's outline
            table.add_row(item["case"], "restricted", "", "", "", "")
            continue
        table.add_row(
            item["case"],
            item["why"],
            item["risk"] or "",
            "; ".join(f"{a['tasking']} {a['tasked_agency']} due {a['due']}" for a in item["open_actions"]),
            item["review_at"] or "",
            "yes" if item["discussed"] else "",
        )
    console().print(table)


def parse_action(text: str) -> MaracActionItem:
    """AGENCY:TEXT:DUE; the text may itself hold colons."""
    agency, sep, rest = text.partition(":")
    action, sep2, due = rest.rpartition(":")
    if not (sep and sep2 and agency.strip() and action.strip()):
        raise DomainError("action", f"{text!r} is not AGENCY:TEXT:DUE, e.g. POLICE:Patrol the park:2017-10-31")
    try:
        return MaracActionItem(agency=agency.strip(), action=action.strip(), due=parse_date(due, "action"))
    except ValueError as exc:
        raise DomainError("action", str(exc).splitlines()[-1].strip()) from None


@marac.command("discuss")
@click.argument("case")
@click.option("--meeting", type=DATE, required=True, help="The meeting's date.")
@click.option("--outcome", required=True, help="What the meeting agreed: no personal details.")
@click.option(
    "--action",
    "actions",
    multiple=True,
    metavar="AGENCY:TEXT:DUE",
    help="An action, raised as a tasking on the case (repeatable).",
)
@click.option("--review-at", "review_at", type=DATE, default=None, help="Keep the case under review until this date.")
@click.option("--discharge", is_flag=True, help="Discharge the case from the Community MARAC.")
@user_option
@json_option
@click.pass_context
def discuss(ctx: click.Context, case, meeting, outcome, actions, review_at, discharge, user, as_json) -> None:
    """Record a case's discussion at a meeting; each action becomes a tasking on the case.

    \b
    Example:
      tasking marac discuss CSU-2017-00001 --meeting 2017-09-20 --outcome "Joint visit agreed" \\
        --action "POLICE:Joint visit with housing:2017-09-29" --review-at 2017-10-18
    """
    items = tuple(parse_action(text) for text in actions)
    run(
        ctx,
        MaracDiscuss,
        as_json=as_json,
        text=lambda r: (
            f"Discussed {r['case']} on {r['meeting']}"
            + (f"; taskings {', '.join(r['taskings'])}" if r["taskings"] else "")
        ),
        user=user,
        at=None,
        case=case,
        meeting=meeting,
        outcome=outcome,
        actions=items,
        review_at=review_at,
        discharge=discharge,
    )
