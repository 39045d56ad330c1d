"""Deterministic ids: a human reference maps to one aggregate id, whichever process computes it."""

from uuid import NAMESPACE_URL, UUID, uuid5


def case_id(reference: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/tasking/cases/{reference}")


def user_id(user: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/tasking/users/{user}")


def person_id(reference: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/tasking/people/{reference}")


def sequence_id(name: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/tasking/sequences/{name}")


PARTNERSHIP_ID = uuid5(NAMESPACE_URL, "/tasking/partnership")


def briefing_id(meeting_day: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/tasking/briefings/{meeting_day}")
