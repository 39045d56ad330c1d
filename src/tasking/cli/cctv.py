"""`tasking cctv ...`: mobile CCTV cameras and their deployments."""

from __future__ import annotations

import click
from rich.table import Table

from tasking.cli.context import console, emit_read, reader, run
from tasking.cli.params import DATE, json_option, read_options, write_options
from tasking.commands.year import CctvAdd, CctvDeploy, CctvLink
from tasking.queries.year_reads import cameras
from tasking.time.instants import utcnow


@click.group("cctv")
def cctv() -> None:
    """Mobile CCTV: cameras, where they are deployed and why, and the cases they led to.

    \b
    Example:
      tasking cctv add --description "Mobile camera, MDK008 socket"
      tasking cctv deploy CAM-01 --location "Azalea Shops" --area Swanley --from 2017-05-01 --to 2017-06-30 \\
        --group TFG-2017-01
    """


@cctv.command("add")
@click.option("--description", required=True, help="The camera: make, fitting.")
@write_options
@click.pass_context
def add(ctx: click.Context, description, user, at, as_json) -> None:
    """Add a camera to the partnership's assets; prints its reference (CAM-01).

    \b
    Example:
      tasking cctv add --description "Mobile camera 1" --at 2017-04-03T10:00
    """
    run(ctx, CctvAdd, as_json=as_json, text=lambda r: f"Added {r['camera']}", user=user, at=at, description=description)


@cctv.command("deploy")
@click.argument("camera")
@click.option("--location", required=True, help="Street or place (no house numbers).")
@click.option("--area", required=True, help="Town or parish.")
@click.option("--lat", type=float, default=None, help="Map point: latitude.")
@click.option("--lon", type=float, default=None, help="Map point: longitude.")
@click.option("--from", "start", required=True, type=DATE, help="First day, YYYY-MM-DD.")
@click.option("--to", "end", required=True, type=DATE, help="Last day, YYYY-MM-DD.")
@click.option("--flag", default=None, metavar="FLAG", help="The reason: a repeat location flag.")
@click.option("--case", default=None, metavar="CASE", help="The reason: a case.")
@click.option("--group", default=None, metavar="TFG", help="The reason: a Task and Finish group.")
@write_options
@click.pass_context
def deploy(
    ctx: click.Context, camera, location, area, lat, lon, start, end, flag, case, group, user, at, as_json
) -> None:
    """Deploy a camera from one day to another, for one reason (--flag, --case or --group).

    \b
    Example:
      tasking cctv deploy CAM-01 --location "Caxton Close" --area Hartley --lat 51.386 --lon 0.305 \\
        --from 2017-04-10 --to 2017-06-10 --group TFG-2017-01
    """
    run(
        ctx,
        CctvDeploy,
        as_json=as_json,
        text=lambda r: f"Deployed {r['camera']} ({r['deployment']})",
        user=user,
        at=at,
        camera=camera,
        location=location,
        area=area,
        lat=lat,
        lon=lon,
        start=start,
        end=end,
        flag=flag,
        case=case,
        group=group,
    )


@cctv.command("link")
@click.argument("camera")
@click.argument("deployment")
@click.option("--case", required=True, metavar="CASE", help="A case the deployment led to.")
@write_options
@click.pass_context
def link(ctx: click.Context, camera, deployment, case, user, at, as_json) -> None:
    """Record a case that a deployment led to (an arrest, a CPW, ...).

    \b
    Example:
      tasking cctv link CAM-01 D1 --case CSU-2017-00042
    """
    run(
        ctx,
        CctvLink,
        as_json=as_json,
        text=lambda r: f"Linked {r['case']} to {r['camera']} {r['deployment']}",
        user=user,
        at=at,
        camera=camera,
        deployment=deployment,
        case=case,
    )


@cctv.command("list")
@read_options
@json_option
@click.pass_context
def list_cameras(ctx: click.Context, at, as_of, position, as_json) -> None:
    """Cameras and their deployments as at --at; linked restricted cases as outlines.

    \b
    Example:
      tasking cctv list --json
    """
    read = reader(ctx, at, as_of, position, "cctv list")
    result = cameras(read, read.point.until(at or utcnow()))
    if as_json:
        emit_read(result)
        return
    table = Table(title=f"Mobile CCTV (position {result['position']})", title_justify="left")
    for column in ("camera", "deployment", "location", "area", "from", "to", "reason", "cases"):
        table.add_column(column)
    for cam in result["cameras"]:
        for d in cam["deployments"] or [None]:
            if d is None:
                table.add_row(cam["camera"], "", "", "", "", "", "", "")
                continue
            reason = d["reason"]["reference"]
            table.add_row(
                cam["camera"],
                d["deployment"],
                d["location"],
                d["area"],
                d["from"],
                d["to"],
                f"{d['reason']['kind']} {reason if isinstance(reason, str) else reason['case']}",
                str(len(d["cases"])),
            )
    console().print(table)
