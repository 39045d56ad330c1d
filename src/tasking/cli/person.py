"""`tasking person ...`: add a person (their details sealed in a person record), find one, show one
with their cases.
"""

from __future__ import annotations

import click

from tasking.cli.context import acting_user, emit, emit_read, reader, run, services
from tasking.cli.params import at_option, json_option, read_options, request_option, user_option
from tasking.commands import AddPerson
from tasking.queries.people import find_people, person_with_cases
from tasking.time.instants import local_time


@click.group("person")
def person() -> None:
    """Record residents' personal details apart from the cases.

    \b
    Example:
      tasking person add --name "Pat Smith" --phone "01732 000000"
    """


@person.command("add")
@click.option("--name", required=True, help="Full name.")
@click.option("--phone", default=None)
@click.option("--email", default=None)
@click.option("--address", default=None)
@user_option
@at_option()
@json_option
@request_option
@click.pass_context
def person_add(
    ctx: click.Context,
    name: str,
    phone: str | None,
    email: str | None,
    address: str | None,
    user: str | None,
    at,
    as_json: bool,
) -> None:
    """Record a person and print their reference. Reports refer to people only by this reference.

    \b
    Example:
      TASKING_USER=coordinator tasking person add --name "Pat Smith" --phone "01732 000000" --json
    """
    run(
        ctx,
        AddPerson,
        as_json=as_json,
        text=lambda r: r["person"],
        user=user,
        at=at,
        name=name,
        phone=phone,
        email=email,
        address=address,
    )


@person.command("find")
@click.option("--name", default=None, help="Part of the name, any case.")
@click.option("--phone", default=None, help="Part of the phone number; spaces and +44 do not matter.")
@json_option
@click.pass_context
def person_find(ctx: click.Context, name: str | None, phone: str | None, as_json: bool) -> None:
    """Find people by name or phone number, e.g. to call a reporter back. Each search is recorded in
    the access log by its kind (by name, by phone) and the people found, never by what was searched for.

    \b
    Example:
      tasking person find --name smith
      tasking person find --phone "01732 000000" --json
    """
    found = find_people(services(ctx).app, name=name, phone=phone, user=acting_user(ctx, None))
    emit(
        found,
        as_json,
        lambda rows: "\n".join(
            [f"{'PERSON':<10} {'NAME':<24} {'PHONE':<16} EMAIL"]
            + [f"{r['person']:<10} {r['name']:<24} {r['phone'] or '':<16} {r['email'] or ''}" for r in rows]
        ),
    )


@person.command("show")
@click.argument("reference", metavar="PERSON")
@read_options
@json_option
@click.pass_context
def person_show(ctx: click.Context, reference: str, at, as_of, position, as_json: bool) -> None:
    """A person's details and the cases they reported or were the victim on.

    \b
    Example:
      tasking person show PER-00001
    """
    result = person_with_cases(reader(ctx, at, as_of, position, "person show"), reference)

    def text(r: dict) -> str:
        lines = [
            f"{label:>8}: {r[key]}"
            for label, key in (
                ("person", "person"),
                ("name", "name"),
                ("phone", "phone"),
                ("email", "email"),
                ("address", "address"),
            )
            if r[key]
        ]
        lines.append(f"{'cases':>8}: {len(r['cases'])}")
        lines += [
            f"{'':>8}  {c['case']} {c['role']} {c['status']} {local_time(c['received_at'])} {c['category']} {c['area']}"
            for c in r["cases"]
        ]
        return "\n".join(lines)

    if as_json:
        emit_read(result)
        return
    click.echo(text(result))
