"""The orjson transcoder writes the library's own stored format, byte for byte."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)

from tasking.store.transcoder import OrjsonTranscoder


def pair() -> tuple[JSONTranscoder, OrjsonTranscoder]:
    library, ours = JSONTranscoder(), OrjsonTranscoder()
    for transcoder in (library, ours):
        for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
            transcoder.register(transcoding)
    return library, ours


STATES = [
    {
        "timestamp": dt.datetime(2018, 3, 26, 8, 0, 0, 123456, tzinfo=dt.timezone.utc),
        "reference": "CSU-2017-00001",
        "reporter": None,
        "anonymous": True,
        "count": 3,
        "summary": "Noise – late, “loud” ✓",
    },
    {
        "_id": uuid.uuid4(),
        "nested": {"when": dt.datetime(2017, 4, 1, tzinfo=dt.timezone.utc), "items": [1, 2.5, "x"]},
        "money": decimal.Decimal("12.50"),
        "links": [{"to": "CSU-2017-00002", "reason": "same-incident"}],
    },
    {"looks_tagged": {"_type_": 1}, "list_of_ids": [uuid.uuid4(), uuid.uuid4()]},
]


@pytest.mark.parametrize("state", STATES)
def test_writes_the_same_bytes_as_the_library_and_reads_both(state: dict) -> None:
    library, ours = pair()
    assert ours.encode(state) == library.encode(state)
    assert ours.decode(library.encode(state)) == state == library.decode(ours.encode(state))


def test_refuses_a_type_without_a_transcoding_like_the_library() -> None:
    library, ours = pair()
    for transcoder in (library, ours):
        with pytest.raises(TranscodingNotRegisteredError):
            transcoder.encode({"day": dt.date(2018, 3, 5)})
