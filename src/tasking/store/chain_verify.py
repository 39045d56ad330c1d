"""Checking the hash chain (see `tasking.store.chain`): the verdict, a kept head, and `verify`."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tasking.store.chain_links import GENESIS, Row, as_bytes, id_text, link

# What each problem means, for people (the JSON carries the key).
PROBLEMS = {
    "altered": "its stored bytes no longer match its link: the row was edited, or rows were reordered",
    "inserted": "a row with no link: it was inserted behind the engine's back",
    "deleted": "a row was deleted: a link with no row, or no row and no link here while the next link was "
    "chained from one",
    "unsealed": "rows before the chain's first link: the store was written before the chain, or its links were "
    "deleted; an admin seals it on purpose with `tasking seal-chain` (recorded)",
    "head-mismatch": "the store no longer holds what it held when that head was printed",
    "head-beyond-end": "the store ends before the head's position: rows were removed from its end",
}


@dataclass
class Head:
    position: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Head:
        position, sep, digest = text.strip().partition(":")
        digest = digest.lower()
        if not sep or not position.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError("must be POSITION:HASH, e.g. 9308:3f2a... (64 hex digits), as printed in a pack")
        return cls(int(position), digest)

    def __str__(self) -> str:
        return f"{self.position}:{self.hash}"


@dataclass
class Verdict:
    ok: bool = True
    position: int = 0  # the last position checked and found good
    head: str | None = None  # POSITION:HASH of that position
    events: int = 0
    first_bad_position: int | None = None
    problem: str | None = None
    detail: str | None = None
    checked_head: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "position": self.position,
            "head": self.head,
            "events": self.events,
            "first_bad_position": self.first_bad_position,
            "problem": self.problem,
            "detail": self.detail,
            "checked_head": self.checked_head,
        }

    def fail(self, position: int, problem: str) -> Verdict:
        self.ok, self.first_bad_position, self.problem, self.detail = False, position, problem, PROBLEMS[problem]
        return self


def verify(
    rows: Iterator[Row], chain: Iterator[tuple[int, str]], head: Head | None = None, linked_part: bool = False
) -> Verdict:
    """Recompute the chain from the rows and compare it with the stored links, in position order.
    `linked_part`: only from the first link on, as if the rows before it were not there (what
    `tasking seal-chain` checks: the part it would seal over must not be broken)."""
    verdict = Verdict(checked_head=str(head) if head else None)
    previous, met_head = GENESIS, head is None
    row, kept = next(rows, None), next(chain, None)
    if linked_part:
        while row is not None and (kept is None or row[0] < kept[0]):
            row = next(rows, None)
    if row is not None and (kept is None or row[0] < kept[0]):
        return verdict.fail(row[0], "unsealed")
    while row is not None or kept is not None:
        if row is not None and (kept is None or row[0] < kept[0]):
            return verdict.fail(row[0], "inserted")
        if kept is not None and (row is None or kept[0] < row[0]):
            return verdict.fail(kept[0], "deleted")
        assert row is not None and kept is not None  # by the loop's condition and the two above
        position = row[0]
        try:
            previous = link(previous, position, id_text(row[1]), int(row[2]), str(row[3]), as_bytes(row[4]))
        except (TypeError, ValueError, struct.error):  # a column rewritten with the wrong type
            return verdict.fail(position, "altered")
        if previous.hex() != kept[1]:
            if position > verdict.position + 1:
                # Positions skipped and the link does not follow: it was chained from a row (and
                # link) deleted in the gap. Name the first missing position.
                return verdict.fail(verdict.position + 1, "deleted")
            return verdict.fail(position, "altered")
        if head is not None and head.position == position:
            if head.hash != kept[1]:
                return verdict.fail(position, "head-mismatch")
            met_head = True
        verdict.position, verdict.head, verdict.events = position, f"{position}:{kept[1]}", verdict.events + 1
        row, kept = next(rows, None), next(chain, None)
    if head is not None and not met_head:
        return verdict.fail(head.position, "head-beyond-end" if head.position > verdict.position else "head-mismatch")
    return verdict


def head_at(recorder: Any, position: int) -> dict[str, Any]:
    """The chain's head at `position`, as a pack and a report print it (`tasking verify --head`): a
    partner who keeps it can later check that the store still holds exactly what it held then.
    Nothing is sealed here: an unsealed store has no head until an admin seals it."""
    head = recorder.chain_head(position)
    text = str(head) if head else None
    return {
        "position": head.position if head else 0,
        "hash": head.hash if head else None,
        "head": text,
        "verify": f"tasking verify --head {text}" if text else None,
    }
