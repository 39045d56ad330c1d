"""Location normalisation for repeat detection: case, punctuation and common abbreviations."""

from __future__ import annotations

import re

_ABBREVIATIONS = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "cl": "close",
    "ct": "court",
    "dr": "drive",
    "gdns": "gardens",
    "pl": "place",
    "sq": "square",
    "cres": "crescent",
    "tce": "terrace",
    "pk": "park",
    "grn": "green",
    "hse": "house",
    "nr": "near",
    "opp": "opposite",
}


def location_key(text: str) -> str:
    words = re.sub(r"[^a-z0-9 ]+", " ", text.casefold()).split()
    words = [_ABBREVIATIONS.get(word, word) for word in words]
    return " ".join(word for word in words if word not in {"the", "o/s", "outside"})
