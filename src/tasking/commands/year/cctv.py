"""Mobile CCTV, `tasking cctv ...`: cameras (`CctvAdd`), where they are deployed and why
(`CctvDeploy`), and the cases a deployment led to (`CctvLink`)."""

from __future__ import annotations

import datetime as dt

from pydantic import ConfigDict, Field, model_validator

from tasking.commands.base import Command, Narrative, Ref, Text, absent_or_null, present
from tasking.commands.loading import acting, load
from tasking.commands.registry import Result, handler
from tasking.commands.year.base import next_number
from tasking.domain.cctv import Camera
from tasking.domain.task_and_finish import TaskAndFinishGroup
from tasking.store.application import TaskingApp


class CctvAdd(Command):
    description: Narrative


class CctvDeploy(Command):
    # Said in the API's schema too: exactly one reason (a flag, a case or a group). That `end` is not
    # before `start` no JSON Schema can say; the 422 names it.
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {
                    **present({reason: "string"}),
                    "properties": {reason: {"type": "string"}, **absent_or_null(*others)["properties"]},
                }
                for reason, others in (
                    ("flag", ("case", "group")),
                    ("case", ("flag", "group")),
                    ("group", ("flag", "case")),
                )
            ]
        }
    )

    camera: Ref
    location: Text
    area: Text
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    start: dt.date
    end: dt.date
    flag: Ref | None = None
    case: Ref | None = None
    group: Ref | None = None

    @model_validator(mode="after")
    def _one_reason(self) -> CctvDeploy:
        if sum(value is not None for value in (self.flag, self.case, self.group)) != 1:
            raise ValueError("reason: give one of --flag, --case or --group")
        if self.end < self.start:
            raise ValueError(f"to: {self.end.isoformat()} is before --from {self.start.isoformat()}")
        return self


class CctvLink(Command):
    """A case a deployment led to."""

    camera: Ref
    deployment: Ref
    case: Ref


@handler
def cctv_add(app: TaskingApp, cmd: CctvAdd) -> Result:
    login, agency = acting(app, cmd)
    sequence, number = next_number(app, "cameras", "CAM", 2)
    app.save(
        sequence, Camera(reference=number, description=cmd.description, user=login, agency=agency, at=cmd.effective)
    )
    return {"camera": number}


@handler
def cctv_deploy(app: TaskingApp, cmd: CctvDeploy) -> Result:
    login, agency = acting(app, cmd)
    camera = load(app, Camera, cmd.camera, "camera", "camera")
    area = app.config.check_area(cmd.area)
    if cmd.case is not None:
        kind, reason = "case", app.get_case(cmd.case).reference
    elif cmd.group is not None:
        kind, reason = "group", load(app, TaskAndFinishGroup, cmd.group, "group", "Task and Finish group").reference
    else:
        kind, reason = "flag", str(cmd.flag)
    number = camera.deploy(
        login, agency, cmd.effective, cmd.location, area, cmd.lat, cmd.lon, cmd.start, cmd.end, kind, reason
    )
    app.save(camera)
    return {"camera": camera.reference, "deployment": number}


@handler
def cctv_link(app: TaskingApp, cmd: CctvLink) -> Result:
    login, agency = acting(app, cmd)
    camera = load(app, Camera, cmd.camera, "camera", "camera")
    case = app.get_case(cmd.case).reference
    camera.link(login, agency, cmd.effective, cmd.deployment, case)
    app.save(camera)
    return {"camera": camera.reference, "deployment": cmd.deployment, "case": case}
