"""The demo district's shape: its roster and staff, areas, report streams, and each year's targets.

The targets describe the district; the figures come out of the events (the statistics code knows
nothing of these numbers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tasking.time.instants import at_local

YEARS = (2016, 2017)
DEMO_END = at_local(dt.date(2018, 3, 31), dt.time(23, 0))

ROSTER = [  # login, name, agency, role
    ("coordinator", "Community Safety Manager", "COUNCIL", "coordinator"),
    ("analyst", "Community Safety Analyst", "COUNCIL", "analyst"),
    ("asb.officer", "SDC ASB Officer", "COUNCIL", "officer"),
    ("admin", "CSU Administrator", "COUNCIL", "admin"),
    ("sgt.csu", "CSU Police Sergeant", "POLICE", "officer"),
    ("pcso.humphreys", "PCSO Humphreys", "POLICE", "officer"),
    ("pcso.fry", "PCSO Fry", "POLICE", "officer"),
    ("pcso.vyp", "Vulnerable Young People's Officer", "POLICE", "officer"),
    ("warden.grange", "Warden Grange", "WARDENS", "officer"),
    ("warden.sharrad", "Warden Sharrad", "WARDENS", "officer"),
    ("wkha.officer", "West Kent Housing Officer", "HOUSING", "officer"),
    ("moat.officer", "MOAT Housing Officer", "MOAT", "officer"),
    ("kfrs.officer", "KFRS Community Safety", "FIRE", "officer"),
    ("davss.worker", "DAVSS Support Worker", "DAVSS", "officer"),
    ("kenward.worker", "Kenward Trust Worker", "KENWARD", "officer"),
    ("youth.worker", "Early Help Youth Worker", "YOUTH", "officer"),
]
STAFF = {
    "POLICE": ["sgt.csu", "pcso.humphreys", "pcso.fry", "pcso.vyp"],
    "COUNCIL": ["asb.officer", "coordinator"],
    "WARDENS": ["warden.grange", "warden.sharrad"],
    "HOUSING": ["wkha.officer"],
    "MOAT": ["moat.officer"],
    "FIRE": ["kfrs.officer"],
    "DAVSS": ["davss.worker"],
    "KENWARD": ["kenward.worker"],
    "YOUTH": ["youth.worker"],
}

AREAS = {  # weight, streets (the hotspots first)
    "Swanley": (18, ["Azalea Shops", "Moultain Hill", "St Mary's Road", "White Oak", "High Street"]),
    "Sevenoaks Town": (14, ["Bradbourne Vale Road", "Bat and Ball Station", "London Road", "High Street"]),
    "Edenbridge": (9, ["St James Road", "High Street", "Stangrove Park"]),
    "New Ash Green": (7, ["The Row", "Punch Croft", "Knatts Valley Road"]),
    "West Kingsdown": (6, ["Hever Road", "London Road", "Pavilion car park"]),
    "Hartley": (5, ["Caxton Close", "Ash Road"]),
    "Hextable": (5, ["College Road", "Egerton Avenue"]),
    "Westerham": (4, ["Market Square", "London Road"]),
    "Otford": (3, ["High Street", "Pilgrims Way"]),
    "Eynsford": (2, ["Riverside"]),
    "Dunton Green": (3, ["London Road", "Station Road"]),
    "Seal": (2, ["Church Street"]),
    "Kemsing": (2, ["West End"]),
    "Farningham": (1, ["High Street"]),
    "Crockenhill": (2, ["Wested Lane"]),
}
ASB_MIX = {
    "youth-nuisance": 30,
    "neighbour-nuisance": 26,
    "noise": 12,
    "vehicle-nuisance": 8,
    "fly-tipping": 7,
    "criminal-damage": 6,
    "drugs": 6,
    "street-drinking": 3,
    "hate-incident": 2,
}


@dataclass(frozen=True)
class Stream:
    """Reports of one kind that arrive at the CSU during a year."""

    source: str
    count: dict[int, int]
    categories: dict[str, int]
    channels: tuple[str, ...]
    resident: bool  # a resident reporter (else an agency passing it on)


STREAMS = [
    Stream("COUNCIL", {2016: 93, 2017: 108}, ASB_MIX, ("phone", "email", "online", "in-person"), True),
    Stream("COUNCIL", {2016: 24, 2017: 27}, {"mental-health-concern": 2, "speeding": 1}, ("phone", "email"), True),
    Stream(
        "POLICE",
        {2016: 238, 2017: 251},
        ASB_MIX | {"acquisitive-crime": 4, "mental-health-concern": 6},
        ("partner-referral",),
        False,
    ),
    Stream(
        "WARDENS",
        {2016: 74, 2017: 82},
        {"fly-tipping": 5, "youth-nuisance": 3, "vulnerable-adult": 4, "criminal-damage": 2},
        ("partner-referral",),
        False,
    ),
    Stream(
        "HOUSING", {2016: 61, 2017: 66}, {"neighbour-nuisance": 6, "noise": 3, "drugs": 1}, ("partner-referral",), False
    ),
    Stream("MOAT", {2016: 18, 2017: 21}, {"neighbour-nuisance": 3, "noise": 1}, ("partner-referral",), False),
    Stream(
        "PARISH",
        {2016: 26, 2017: 31},
        {"youth-nuisance": 3, "fly-tipping": 2, "vehicle-nuisance": 2, "speeding": 2},
        ("email", "phone"),
        False,
    ),
    Stream("DAVSS", {2016: 22, 2017: 26}, {"domestic-abuse": 1}, ("partner-referral",), False),
    Stream("SOCIAL", {2016: 15, 2017: 19}, {"vulnerable-adult": 1}, ("partner-referral",), False),
    Stream("YOUTH", {2016: 14, 2017: 18}, {"vulnerable-young-person": 1}, ("partner-referral",), False),
    Stream("TRADING", {2016: 6, 2017: 9}, {"acquisitive-crime": 1}, ("partner-referral",), False),
    Stream("FIRE", {2016: 8, 2017: 9}, {"criminal-damage": 1}, ("partner-referral",), False),
]
TASKINGS = {2016: 598, 2017: 653}
POWERS = {  # power: (count, agency, earliest month of the year or None)
    2016: {"CPW": 7, "CPN": 3, "warning-letter": 21, "abc": 3, "dispersal": 2},
    2017: {
        "CPW": 9,
        "CPN": 5,
        "CBO": 1,
        "civil-injunction": 1,
        "warning-letter": 26,
        "abc": 4,
        "dispersal": 3,
        "closure-notice": 1,
    },
}
REFERRALS = {
    2016: {
        "adult-safeguarding": 10,
        "children-safeguarding": 5,
        "da-marac": 7,
        "mediation": 9,
        "youth-services": 6,
        "substance-services": 5,
        "task-and-finish": 3,
    },
    2017: {
        "community-marac": 14,
        "channel-panel": 3,
        "adult-safeguarding": 12,
        "children-safeguarding": 6,
        "da-marac": 8,
        "mediation": 10,
        "youth-services": 8,
        "substance-services": 6,
        "task-and-finish": 4,
    },
}
TASKED_BY_CATEGORY = {
    "youth-nuisance": ["POLICE", "WARDENS", "YOUTH"],
    "neighbour-nuisance": ["HOUSING", "COUNCIL", "MOAT"],
    "noise": ["COUNCIL", "HOUSING"],
    "vehicle-nuisance": ["POLICE"],
    "fly-tipping": ["COUNCIL", "WARDENS"],
    "criminal-damage": ["POLICE", "COUNCIL", "FIRE"],
    "drugs": ["POLICE", "KENWARD"],
    "street-drinking": ["POLICE", "KENWARD"],
    "hate-incident": ["POLICE", "COUNCIL"],
    "mental-health-concern": ["COUNCIL", "WARDENS", "POLICE"],
    "domestic-abuse": ["DAVSS", "POLICE"],
    "vulnerable-adult": ["WARDENS", "COUNCIL"],
    "vulnerable-young-person": ["YOUTH", "POLICE"],
    "speeding": ["POLICE"],
    "acquisitive-crime": ["POLICE", "COUNCIL"],
    "unlicensed-music": ["COUNCIL", "POLICE"],
}
ACTIONS_BY_AGENCY = {
    "POLICE": ["Targeted patrols at peak times", "PCSO visit to the address", "Check CCTV and identify those involved"],
    "WARDENS": ["Warden patrol and engagement", "Welfare visit", "Environmental visual audit"],
    "COUNCIL": ["ASB Officer visit and warning", "Environmental Health noise monitoring", "Arrange clearance"],
    "HOUSING": ["Tenancy visit and warning", "Check tenancy conditions"],
    "MOAT": ["Tenancy visit and warning"],
    "YOUTH": ["Youth worker outreach"],
    "KENWARD": ["Substance misuse outreach"],
    "DAVSS": ["Contact and safety plan"],
    "FIRE": ["Home fire safety visit"],
}
# What a report says, by category: varied, the way officers write them, and never a name or a number.
