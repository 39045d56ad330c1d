"""Deterministic ids: a human reference maps to one aggregate id, whichever process computes it."""

from functools import lru_cache
from uuid import NAMESPACE_URL, UUID, uuid5


@lru_cache(maxsize=65536)
def case_id(reference: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/tasking/cases/{reference}")


@lru_cache(maxsize=65536)
def user_id(user: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/tasking/users/{user}")


@lru_cache(maxsize=65536)
def person_id(reference: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/tasking/people/{reference}")


@lru_cache(maxsize=65536)
def sequence_id(name: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/tasking/sequences/{name}")


PARTNERSHIP_ID = uuid5(NAMESPACE_URL, "/tasking/partnership")


@lru_cache(maxsize=65536)
def briefing_id(meeting_day: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/tasking/briefings/{meeting_day}")


@lru_cache(maxsize=4096)
def case_review_id(reference: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/tasking/case-reviews/{reference}")


@lru_cache(maxsize=4096)
def group_id(reference: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/tasking/task-and-finish-groups/{reference}")


@lru_cache(maxsize=4096)
def marac_meeting_id(meeting_day: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/tasking/community-marac/{meeting_day}")


@lru_cache(maxsize=65536)
def repeat_flag_id(flag: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/tasking/repeat-flags/{flag}")


@lru_cache(maxsize=65536)
def request_id(key: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/tasking/requests/{key}")


def build_id(name: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/tasking/builds/{name}")


@lru_cache(maxsize=65536)
def imported_row_id(source: str, reference: str) -> UUID:
    """One id per row of a partner's system: its agency and its own reference."""
    return uuid5(NAMESPACE_URL, f"/tasking/imports/{source}/{reference}")


def police_month_id(month: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/tasking/police-uk/{month}")


def duplicate_pair_id(one: str, two: str) -> UUID:
    first, second = sorted((one, two))
    return uuid5(NAMESPACE_URL, f"/tasking/duplicates/{first}/{second}")


def erasure_id(subject: str, reference: str) -> UUID:
    """One erasure per person (`person`) or per case's free text (`case`)."""
    return uuid5(NAMESPACE_URL, f"/tasking/erasures/{subject}/{reference}")


def legal_hold_id(case: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/tasking/legal-holds/{case}")


def year_record_id(kind: str, reference: str) -> UUID:
    """The partnership's year (issue 26): a plan action, activity, PACT panel, grant or camera."""
    return uuid5(NAMESPACE_URL, f"/tasking/{kind}/{reference}")
