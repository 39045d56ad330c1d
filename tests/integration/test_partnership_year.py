"""The partnership's year (issue 26): the action plan, activities and PACT panels, funding and mobile
CCTV, recorded through the real commands on both backends and counted in the year's figures."""

from __future__ import annotations

import pytest

from tasking.commands.year import (
    ActivityRecord,
    CctvAdd,
    CctvDeploy,
    CctvLink,
    FundingAllocate,
    FundingGrant,
    FundingSpend,
    PactAdd,
    PlanAdd,
    PlanUpdate,
)
from tasking.errors import DomainError
from tasking.domain.permissions import Forbidden
from tasking.queries.stats import explain, year_stats
from tasking.queries.year_reads import activities, briefing_section, cameras, funding_table
from tests.conftest import at


def _figures(desk, year=2017):
    read = desk.read()
    return year_stats(read.db, desk.config, year, read.point.position)


def _explain(desk, figure, year=2017):
    read = desk.read()
    return explain(read.db, desk.config, year, read.point.position, figure)


class TestActionPlan:
    def test_achieved_percent_counts_the_latest_status_and_leaves_dropped_actions_out(self, desk) -> None:
        refs = [
            desk.send(
                PlanAdd,
                when="2017-04-03T10:00",
                year=2017,
                priority=p,
                action=f"Action {i}",
                lead="POLICE",
                due="2018-03-31",
            )["action"]
            for i, p in enumerate(["domestic-abuse"] * 3 + ["substance-misuse"] * 2)
        ]
        assert refs[0] == "AP-2017-01"
        desk.send(PlanUpdate, when="2017-09-01T10:00", action=refs[0], status="on-track")
        for ref in refs[:3]:
            desk.send(PlanUpdate, when="2018-03-20T10:00", action=ref, status="achieved")
        desk.send(PlanUpdate, when="2018-03-20T10:00", action=refs[3], status="not-achieved")
        desk.send(PlanUpdate, when="2018-03-20T10:00", action=refs[4], status="dropped", reason="Funding withdrawn")
        plan = _figures(desk)["action_plan"]
        assert (plan["actions"], plan["achieved"], plan["achieved_percent"], plan["dropped"]) == (4, 3, 75, 1)
        assert plan["by_priority"]["substance-misuse"] == {"actions": 1, "achieved": 0, "achieved_percent": 0}
        explained = _explain(desk, "action_plan.achieved_percent")
        assert explained["count"] == 3 and {i["event"] for i in explained["items"]} == {"PlanAction.Updated"}

    def test_dropped_needs_a_reason_and_the_same_status_is_refused(self, desk) -> None:
        ref = desk.send(
            PlanAdd, year=2017, priority="mental-health", action="Drop-in", lead="COUNCIL", due="2018-03-31"
        )["action"]
        with pytest.raises(ValueError, match="reason"):
            desk.send(PlanUpdate, action=ref, status="dropped")
        with pytest.raises(DomainError, match="already planned"):
            desk.send(PlanUpdate, action=ref, status="planned")


class TestActivities:
    def test_activities_count_by_kind_area_and_panel(self, desk) -> None:
        desk.send(PactAdd, when="2017-12-05T19:00", name="Westerham", area="Westerham")
        desk.send(
            ActivityRecord,
            when="2017-12-05T19:00",
            kind="pact-meeting",
            areas=("Westerham",),
            lead="POLICE",
            attendance=20,
            outcome="Action plan agreed",
            panel="Westerham",
            actions=("Patrols",),
        )
        desk.send(
            ActivityRecord,
            when="2017-10-20T21:00",
            kind="night-of-action",
            areas=("Swanley", "Hextable"),
            lead="POLICE",
            partners=("WARDENS",),
            outcome="Dispersals",
        )
        desk.send(
            ActivityRecord, when="2016-10-20T21:00", kind="eva", areas=("Swanley",), lead="COUNCIL", outcome="Last year"
        )
        found = _figures(desk)["activities"]
        assert found["total"] == 2 and found["by_kind"]["pact-meeting"] == 1 and found["by_kind"]["eva"] == 0
        assert found["by_area"] == {"Hextable": 1, "Swanley": 1, "Westerham": 1}
        assert found["by_panel"] == {"PACT-WESTERHAM": 1} and found["attendance"] == 20
        assert found["by_month"]["2017-12"] == 1
        assert _explain(desk, "activities.by_kind.night-of-action")["count"] == 1
        assert _figures(desk)["previous_year"]["activities"] == {"total": 1}

    def test_a_pact_meeting_names_a_known_panel(self, desk) -> None:
        with pytest.raises(DomainError, match="panel: unknown PACT panel"):
            desk.send(
                ActivityRecord, kind="pact-meeting", areas=("Swanley",), lead="POLICE", outcome="x", panel="Swanley"
            )

    def test_officers_record_only_activities_their_agency_led(self, desk) -> None:
        done = desk.send(
            ActivityRecord, user="sgt.jones", kind="operation", areas=("Swanley",), lead="POLICE", outcome="Op Swanley"
        )
        assert done["activity"] == "ACT-2017-001"
        with pytest.raises(Forbidden, match="activities their agency led"):
            desk.send(ActivityRecord, user="sgt.jones", kind="eva", areas=("Swanley",), lead="COUNCIL", outcome="x")
        with pytest.raises(Forbidden):
            desk.send(ActivityRecord, user="analyst", kind="eva", areas=("Swanley",), lead="COUNCIL", outcome="x")
        with pytest.raises(Forbidden):
            desk.send(PlanAdd, user="sgt.jones", year=2017, priority="p", action="a", lead="POLICE", due="2018-03-31")

    def test_a_restricted_linked_case_is_an_outline_for_the_uninvolved(self, desk) -> None:
        case = desk.report("2018-03-01T09:00", category="domestic-abuse", source="DAVSS")
        desk.send(
            ActivityRecord, kind="campaign", areas=("Swanley",), lead="COUNCIL", outcome="DA awareness", cases=(case,)
        )
        seen = activities(desk.read(user="sgt.jones"), desk.read(user="sgt.jones").point)["activities"][0]["cases"]
        assert seen == [{"case": case, "area": "Swanley", "received_at": seen[0]["received_at"], "restricted": True}]
        assert activities(desk.read(), desk.read().point)["activities"][0]["cases"] == [case]


class TestFunding:
    def _table(self, desk) -> str:
        grant = desk.send(FundingGrant, when="2017-04-03T10:00", funder="PCC", amount="31107", year=2017)["grant"]
        for organisation, project, first, second in [
            ("Kenward Trust", "Substance Misuse Youth Worker", "6000", "6000"),
            ("CDAP", "Community Domestic Abuse Perpetrators Programme", "1500", None),
            ("SDC Community Safety Unit", "CSU Initiatives", "5750", "5750"),
            ("DAVSS", "Medium Risk DA Victims", "3050", "3057"),
        ]:
            for half, amount in (("first", first), ("second", second)):
                if amount:
                    desk.send(
                        FundingAllocate,
                        when="2017-04-03T10:00",
                        grant=grant,
                        organisation=organisation,
                        project=project,
                        half=half,
                        amount=amount,
                    )
        return grant

    def test_the_table_reconciles_and_an_allocation_beyond_its_grant_is_refused(self, desk) -> None:
        grant = self._table(desk)
        before = desk.read().point.position
        with pytest.raises(DomainError, match=r"amount: £0.01 exceeds what is left of GR-2017-01 \(£0.00"):
            desk.send(FundingAllocate, grant=grant, organisation="X", project="Y", half="first", amount="0.01")
        assert desk.read().point.position == before  # the store is untouched
        funding = _figures(desk)["funding"]
        assert funding["received"] == funding["allocated"] == "31107.00" and funding["unallocated"] == "0.00"
        projects = funding["projects"]
        assert projects["Substance Misuse Youth Worker"]["full_year"] == "12000.00"
        assert projects["Medium Risk DA Victims"]["second_half"] == "3057.00"
        table = funding_table(desk.read(), desk.read().point, 2017)
        total = sum(int(p["full_year"].replace(".", "")) for p in table["projects"])
        assert total == 3110700 and table["grants"][0]["unallocated"] == "0.00"
        assert _explain(desk, "funding.by_funder.PCC")["items"][0]["detail"] == "GR-2017-01 PCC £31,107.00"

    def test_spend_beyond_its_allocation_is_refused(self, desk) -> None:
        grant = self._table(desk)
        desk.send(FundingSpend, grant=grant, allocation="F5", amount="5000", note="Shed alarms")
        with pytest.raises(DomainError, match="amount: .* beyond its allocation"):
            desk.send(FundingSpend, grant=grant, allocation="F5", amount="751")
        assert _figures(desk)["funding"]["projects"]["CSU Initiatives"]["spent"] == "5000.00"


class TestCctv:
    def test_deployments_count_and_a_camera_is_in_one_place_at_a_time(self, desk) -> None:
        camera = desk.send(CctvAdd, when="2017-04-03T10:00", description="Mobile camera 1")["camera"]
        case = desk.report("2017-05-01T09:00")
        done = desk.send(
            CctvDeploy,
            when="2017-05-02T10:00",
            camera=camera,
            location="Azalea Shops",
            area="Swanley",
            start="2017-05-02",
            end="2017-06-30",
            case=case,
        )
        assert done == {"camera": "CAM-01", "deployment": "D1"}
        with pytest.raises(DomainError, match="one place at a time"):
            desk.send(
                CctvDeploy,
                camera=camera,
                location="Caxton Close",
                area="Hartley",
                start="2017-06-01",
                end="2017-07-01",
                flag="LOC-1",
            )
        desk.send(CctvLink, when="2017-06-01T10:00", camera=camera, deployment="D1", case=case)
        cctv = _figures(desk)["cctv"]
        assert (cctv["cameras"], cctv["deployments"], cctv["cases_linked"]) == (1, 1, 1)
        assert cctv["by_location"] == {"Azalea Shops": 1}
        assert _explain(desk, "cctv.deployments")["items"][0]["case"] == case
        read = desk.read(at="2017-06-25T08:00")
        due = briefing_section(read, read.point, at("2017-06-25T08:00").date())["cameras_due_to_move"]
        assert due == [
            {
                "camera": "CAM-01",
                "deployment": "D1",
                "location": "Azalea Shops",
                "area": "Swanley",
                "to": "2017-06-30",
                "days_left": 5,
            }
        ]
        assert cameras(desk.read(), desk.read().point)["cameras"][0]["deployments"][0]["cases"] == [case]


def test_the_briefing_lists_the_days_and_weeks_activities_and_cameras_due_to_move(desk) -> None:
    from tasking.queries.briefing import briefing

    desk.send(
        ActivityRecord,
        when="2018-03-01T21:00",
        kind="night-of-action",
        areas=("Swanley",),
        lead="POLICE",
        outcome="Patrols",
    )
    desk.send(
        ActivityRecord,
        when="2018-03-05T08:30",
        kind="campaign",
        areas=("Edenbridge",),
        lead="COUNCIL",
        outcome="Leaflets",
    )
    desk.send(
        ActivityRecord,
        when="2018-02-20T10:00",
        kind="training",
        areas=("Swanley",),
        lead="COUNCIL",
        outcome="Too early for the week",
    )
    camera = desk.send(CctvAdd, when="2018-02-01T10:00", description="Camera")["camera"]
    desk.send(
        CctvDeploy,
        when="2018-02-01T10:00",
        camera=camera,
        location="Moultain Hill",
        area="Swanley",
        start="2018-02-01",
        end="2018-03-09",
        flag="L-1",
    )
    brief = briefing(desk.read(), at("2018-03-05T09:00"))
    assert [a["kind"] for a in brief["activities_today"]] == ["campaign"]
    assert [a["kind"] for a in brief["activities_this_week"]] == ["night-of-action", "campaign"]
    assert [(c["camera"], c["days_left"]) for c in brief["cameras_due_to_move"]] == [("CAM-01", 4)]
