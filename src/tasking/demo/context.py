"""The demo district's places: coordinates for its reports, and its police.uk context months.

Nothing here draws from the district's own random generator, so adding places changes no figure
of the cases. Coordinates come from a hash of the street (every report at one street is near one
point) and of the report (a few tens of metres apart); a quarter of the reports have none, as
when a caller could not say exactly where. The police-recorded ASB months total 1,850 in 2016/17
and 1,619 in 2017/18, as in the seed annual report ("1619 incidents, a 12.4% reduction").
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from tasking.interchange.police_uk import Month

POLICE_ASB = {2016: 1850, 2017: 1619}
# April to March: more ASB in the light summer evenings and around Halloween and bonfire night.
SEASON = (9, 10, 10, 10, 9, 8, 9, 8, 7, 6, 6, 8)
CENTRES = {  # approximate centres (WGS84) of the district's towns and parishes
    "Swanley": (51.3972, 0.1731),
    "Sevenoaks Town": (51.2724, 0.1909),
    "Edenbridge": (51.1969, 0.0651),
    "New Ash Green": (51.3660, 0.3050),
    "West Kingsdown": (51.3430, 0.2620),
    "Hartley": (51.3860, 0.3030),
    "Hextable": (51.4110, 0.1810),
    "Westerham": (51.2660, 0.0700),
    "Otford": (51.3130, 0.1890),
    "Eynsford": (51.3700, 0.2130),
    "Dunton Green": (51.2960, 0.1780),
    "Seal": (51.2880, 0.2270),
    "Kemsing": (51.2990, 0.2380),
    "Farningham": (51.3800, 0.2230),
    "Crockenhill": (51.3840, 0.1600),
    "Brasted": (51.2790, 0.1100),
    "Sundridge": (51.2800, 0.1260),
    "Halstead": (51.3330, 0.1330),
}
CRIME_MIX = {
    "Violence and sexual offences": 9,
    "Criminal damage and arson": 4,
    "Burglary": 3,
    "Vehicle crime": 3,
    "Shoplifting": 2,
    "Public order": 2,
    "Other theft": 3,
    "Drugs": 1,
}


def _unit(text: str) -> tuple[float, float]:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return digest[0] / 255 - 0.5, digest[1] / 255 - 0.5


def place(area: str, location: str, key: int) -> dict[str, float | None]:
    """A report's coordinates: near its street's point, or none for a quarter of reports."""
    if key % 4 == 0 or area not in CENTRES:
        return {"lat": None, "lon": None}
    lat, lon = CENTRES[area]
    street = _unit(f"{area}/{location}")
    report = _unit(f"report/{key}")
    return {
        "lat": round(lat + street[0] * 0.012 + report[0] * 0.0006, 6),
        "lon": round(lon + street[1] * 0.018 + report[1] * 0.0009, 6),
    }


def lsoa_code(area: str, index: int) -> str:
    number = sorted(CENTRES).index(area) * 4 + index
    return f"E0102{4400 + number:04d}"


def _split(total: int, weights: list[float]) -> list[int]:
    """`total` in proportion to `weights`, largest remainders first: the parts add up exactly."""
    shares = [total * w / sum(weights) for w in weights]
    parts = [int(s) for s in shares]
    for index in sorted(range(len(shares)), key=lambda i: (parts[i] - shares[i], i))[: total - sum(parts)]:
        parts[index] += 1
    return parts


def police_months(seed: int, areas: dict[str, tuple[int, list[str]]]) -> list[dict[str, Any]]:
    """The fields of one `RecordPoliceMonth` per month of the two years."""
    rng = random.Random(f"police.uk/{seed}")
    names = sorted(areas)
    weights = [areas[name][0] for name in names]
    out = []
    for year, total in POLICE_ASB.items():
        for month_number, count in zip(
            (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3), _split(total, list(SEASON)), strict=True
        ):
            month = Month(f"{year + (month_number < 4)}-{month_number:02d}")
            month.files.add(f"demo-{month.month}-kent-street.csv")
            for _ in range(count):
                area = rng.choices(names, weights)[0]
                lat, lon = CENTRES[area]
                street = rng.choice(areas[area][1])
                month.asb.append(
                    [
                        lsoa_code(area, rng.randrange(4)),
                        area,
                        round(lat + rng.gauss(0, 0.006), 6),
                        round(lon + rng.gauss(0, 0.009), 6),
                        f"On or near {street}",
                    ]
                )
            for crime, share in CRIME_MIX.items():
                for area in names:
                    found = max(0, round(rng.gauss(share * areas[area][0] / 10, 1)))
                    if found:
                        month.crimes[crime][area] += found
            asb, crimes, files = month.content()
            out.append({"month": month.month, "asb": asb, "crimes": crimes, "files": files})
    return out
