"""An ASB Case Review (formerly the Community Trigger): one application and its milestones.

Apply, acknowledge, assess the threshold, decide, hold the review, recommend, respond, close.
The aggregate decides the order of the milestones; the threshold itself is decided by the pure
function in `tasking.domain.qualifying`, whose result the `Assessed` event keeps, so a complaint
recorded later never changes a decision. Never rename these classes or their events.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.errors import DomainError
from tasking.domain.ids import case_review_id
from tasking.time.instants import local_time

DecisionOutcome = ("review", "no-review")


class CaseReview(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Applied: ClassVar[type[Aggregate.Created]]
        Acknowledged: ClassVar[type[Aggregate.Event]]
        Assessed: ClassVar[type[Aggregate.Event]]
        Decided: ClassVar[type[Aggregate.Event]]
        Held: ClassVar[type[Aggregate.Event]]
        Recommended: ClassVar[type[Aggregate.Event]]
        Responded: ClassVar[type[Aggregate.Event]]
        Closed: ClassVar[type[Aggregate.Event]]

    @staticmethod
    def create_id(reference: str, **_: Any) -> object:
        return case_review_id(reference)

    @event("Applied")
    def __init__(
        self,
        reference: str,
        applicant: str,
        on_behalf_of: str | None,
        cases: list[str],
        user: str,
        agency: str,
        at: dt.datetime,
    ) -> None:
        self.reference = reference
        self.applicant = applicant
        self.on_behalf_of = on_behalf_of
        self.cases = list(cases)
        self.received_at = at
        self.acknowledged_at: dt.datetime | None = None
        self.assessment: dict[str, Any] | None = None
        self.decision: str | None = None
        self.decided_at: dt.datetime | None = None
        self.held_at: dt.datetime | None = None
        self.recommendations: list[dict[str, Any]] = []
        self.responded_at: dt.datetime | None = None
        self.closed_at: dt.datetime | None = None

    # --- guards -------------------------------------------------------------------------

    def check_open(self, command: str) -> None:
        if self.closed_at is not None:
            raise DomainError("review", f"{self.reference} is closed; '{command}' is refused")

    def check_not_before(self, at: dt.datetime, since: dt.datetime | None, what: str) -> None:
        since = since or self.received_at
        if at < since:
            raise DomainError("at", f"{local_time(at)} is before {what} of {self.reference} ({local_time(since)})")

    def check_once(self, done: object, milestone: str) -> None:
        if done:
            raise DomainError("review", f"{self.reference} is already {milestone}")

    # --- decisions ------------------------------------------------------------------------

    def acknowledge(self, user: str, agency: str, at: dt.datetime, note: str | None) -> None:
        self.check_open("acknowledge")
        self.check_once(self.acknowledged_at, "acknowledged")
        self.check_not_before(at, None, "the application")
        self._acknowledged(user=user, agency=agency, at=at, note=note)

    def assess(
        self,
        user: str,
        agency: str,
        at: dt.datetime,
        threshold_met: bool,
        qualifying: list[str],
        excluded: list[dict[str, str]],
        rules_applied: list[str],
        met_by: list[str],
    ) -> None:
        self.check_open("assess")
        self.check_once(self.assessment, "assessed")
        self.check_not_before(at, None, "the application")
        self._assessed(
            user=user,
            agency=agency,
            at=at,
            threshold_met=threshold_met,
            qualifying=qualifying,
            excluded=excluded,
            rules_applied=rules_applied,
            met_by=met_by,
        )

    def decide(self, user: str, agency: str, at: dt.datetime, outcome: str, reason: str) -> None:
        self.check_open("decide")
        self.check_once(self.decision, "decided")
        if self.assessment is None:
            raise DomainError("review", f"{self.reference} is not assessed yet; run `tasking case-review assess` first")
        self.check_not_before(at, self.assessment["at"], "the assessment")
        if outcome not in DecisionOutcome:
            raise DomainError("outcome", f"must be one of {', '.join(DecisionOutcome)}")
        self._decided(user=user, agency=agency, at=at, outcome=outcome, reason=reason)

    def hold(self, user: str, agency: str, at: dt.datetime, note: str | None) -> None:
        self.check_open("hold")
        self.check_once(self.held_at, "held")
        if self.decision != "review":
            raise DomainError("review", f"{self.reference} has no decision to hold a review")
        self.check_not_before(at, self.decided_at, "the decision")
        self._held(user=user, agency=agency, at=at, note=note)

    def check_can_recommend(self, at: dt.datetime) -> None:
        self.check_open("recommend")
        if self.held_at is None:
            raise DomainError("review", f"{self.reference} has not been held; record `tasking case-review hold` first")
        self.check_once(self.responded_at, "responded to; recommendations come before the response")
        self.check_not_before(at, self.held_at, "the review")

    def recommend(
        self,
        user: str,
        agency: str,
        at: dt.datetime,
        to_agency: str,
        action: str,
        due: dt.date,
        case: str,
        tasking: str,
    ) -> str:
        self.check_can_recommend(at)
        number = f"R{len(self.recommendations) + 1}"
        self._recommended(
            user=user,
            agency=agency,
            at=at,
            recommendation=number,
            to_agency=to_agency,
            action=action,
            due=due.isoformat(),
            case=case,
            tasking=tasking,
        )
        return number

    def respond(self, user: str, agency: str, at: dt.datetime, note: str) -> None:
        self.check_open("respond")
        self.check_once(self.responded_at, "responded to")
        if self.held_at is None and self.decision != "no-review":
            raise DomainError(
                "review", f"{self.reference} needs a decision not to review, or a review held, before the response"
            )
        self.check_not_before(at, self.held_at or self.decided_at, "the last milestone")
        self._responded(user=user, agency=agency, at=at, note=note)

    def close(self, user: str, agency: str, at: dt.datetime, note: str | None) -> None:
        self.check_open("close")
        if self.responded_at is None:
            raise DomainError(
                "review", f"{self.reference} has had no response; record `tasking case-review respond` first"
            )
        self.check_not_before(at, self.responded_at, "the response")
        self._closed(user=user, agency=agency, at=at, note=note)

    # --- events ---------------------------------------------------------------------------

    @event("Acknowledged")
    def _acknowledged(self, user: str, agency: str, at: dt.datetime, note: str | None) -> None:
        self.acknowledged_at = at

    @event("Assessed")
    def _assessed(
        self,
        user: str,
        agency: str,
        at: dt.datetime,
        threshold_met: bool,
        qualifying: list[str],
        excluded: list[dict[str, str]],
        rules_applied: list[str],
        met_by: list[str],
    ) -> None:
        self.assessment = {
            "at": at,
            "threshold_met": threshold_met,
            "qualifying": list(qualifying),
            "excluded": list(excluded),
            "rules_applied": list(rules_applied),
            "met_by": list(met_by),
        }

    @event("Decided")
    def _decided(self, user: str, agency: str, at: dt.datetime, outcome: str, reason: str) -> None:
        self.decision = outcome
        self.decided_at = at

    @event("Held")
    def _held(self, user: str, agency: str, at: dt.datetime, note: str | None) -> None:
        self.held_at = at

    @event("Recommended")
    def _recommended(
        self,
        user: str,
        agency: str,
        at: dt.datetime,
        recommendation: str,
        to_agency: str,
        action: str,
        due: str,
        case: str,
        tasking: str,
    ) -> None:
        self.recommendations.append(
            {
                "recommendation": recommendation,
                "agency": to_agency,
                "action": action,
                "due": due,
                "case": case,
                "tasking": tasking,
            }
        )

    @event("Responded")
    def _responded(self, user: str, agency: str, at: dt.datetime, note: str) -> None:
        self.responded_at = at

    @event("Closed")
    def _closed(self, user: str, agency: str, at: dt.datetime, note: str | None) -> None:
        self.closed_at = at
