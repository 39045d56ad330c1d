"""What the demo partnership's year holds, from the seed annual report: action plans, PACT panels,
nights of action, cameras, funding and the CSU's spend. Pure data, sent by partnership.py.
"""

from __future__ import annotations

import datetime as dt

# year: (priority, lead, [actions]); the statuses at year end: every action achieved but the last
# `missed` (not achieved), and one more added then dropped in 2017/18.
PLANS = {
    2016: (
        [
            ("asb-environmental-crime", "COUNCIL", 3),
            ("safeguarding", "COUNCIL", 3),
            ("road-safety", "POLICE", 2),
            ("domestic-abuse", "DAVSS", 3),
            ("substance-misuse", "KENWARD", 3),
            ("organised-crime-groups", "POLICE", 2),
            ("repeat-locations-and-victims", "POLICE", 2),
            ("mental-health", "COUNCIL", 2),
        ],
        3,
    ),
    2017: (
        [
            ("asb-environmental-crime", "COUNCIL", 4),
            ("safeguarding", "COUNCIL", 3),
            ("road-safety", "POLICE", 3),
            ("domestic-abuse", "DAVSS", 3),
            ("substance-misuse", "KENWARD", 3),
            ("organised-crime-groups", "POLICE", 3),
            ("repeat-locations-and-victims", "POLICE", 3),
            ("mental-health", "COUNCIL", 3),
        ],
        2,
    ),
    2018: (
        [
            ("domestic-abuse", "DAVSS", 2),
            ("organised-crime-groups", "POLICE", 2),
            ("asb-environmental-crime", "COUNCIL", 2),
            ("substance-misuse", "KENWARD", 2),
            ("mental-health", "COUNCIL", 2),
            ("safeguarding", "COUNCIL", 2),
            ("acquisitive-crime", "POLICE", 2),
        ],
        0,
    ),
}
ACTIONS = {
    "asb-environmental-crime": [
        "Joint walkabouts with housing officers and wardens",
        "Use the 2014 Act powers early",
        "Fly-tipping enforcement days",
        "Youth diversion in hotspot areas",
    ],
    "safeguarding": [
        "Gangs working group at Bat and Ball and Swanley",
        "Prevent training for new staff",
        "Modern slavery awareness training",
    ],
    "road-safety": [
        "Speed watch groups and speed boards",
        "KFRS motorbike skills day",
        "Speed checks at repeat locations",
    ],
    "domestic-abuse": [
        "Freedom programmes across the district",
        "Medium risk victims support (DAVSS)",
        "Annual domestic abuse conference",
    ],
    "substance-misuse": [
        "Kenward Trust detached youth work",
        "Substance misuse conference",
        "Hotspot tasking of outreach",
    ],
    "organised-crime-groups": [
        "Serious and tactical crime group",
        "Partnership disruption plans for OCGs",
        "Fraud protection with the banks",
    ],
    "repeat-locations-and-victims": [
        "Repeat victims reviewed at the daily meeting",
        "Community MARAC for medium risk",
        "Mobile CCTV at repeat locations",
    ],
    "mental-health": ["Mental health action plan", "Connect 5 training", "Drop-in services bid to the PCC"],
    "acquisitive-crime": ["Shed alarms and card protectors", "Shop safe radio scheme"],
}
PANELS = [
    ("Swanley", "Swanley"),
    ("Edenbridge", "Edenbridge"),
    ("West Kingsdown", "West Kingsdown"),
    ("New Ash Green", "New Ash Green"),
]
NIGHTS_AREAS = ["New Ash Green", "Westerham", "Sevenoaks Town", "West Kingsdown", "Swanley"]
CAMERAS = [  # location, area, lat, lon, from, to, the Task and Finish group (demo key) it answered
    ("Azalea Shops", "Swanley", 51.3976, 0.1707, dt.date(2017, 5, 29), dt.date(2017, 7, 28), "tfg/2017/1"),
    (
        "Bradbourne Vale Road",
        "Sevenoaks Town",
        51.2858,
        0.1879,
        dt.date(2017, 6, 26),
        dt.date(2017, 8, 31),
        "tfg/2017/2",
    ),
    ("Moultain Hill", "Swanley", 51.3937, 0.1851, dt.date(2017, 7, 31), dt.date(2017, 9, 29), "tfg/2017/3"),
    ("Caxton Close", "Hartley", 51.3857, 0.3047, dt.date(2017, 8, 28), dt.date(2017, 10, 31), "tfg/2017/4"),
    ("Caxton Close", "Hartley", 51.3857, 0.3047, dt.date(2017, 11, 27), dt.date(2018, 1, 31), "tfg/2017/7"),
    ("Moultain Hill", "Swanley", 51.3937, 0.1851, dt.date(2018, 1, 8), dt.date(2018, 3, 9), "tfg/2017/7"),
]
FUNDING = [  # organisation, project, first half, second half (pounds)
    ("Kenward Trust", "Substance Misuse Youth Worker", "6000", "6000"),
    ("CDAP", "Community Domestic Abuse Perpetrators Programme", "1500", None),
    ("SDC Community Safety Unit", "CSU Initiatives", "5750", "5750"),
    ("DAVSS", "Medium Risk DA Victims", "3050", "3057"),
]
CSU_SPEND = [
    "KFRS Motorbike Skills Day; photo booth for the Sevenoaks Town Council Youth Day; dog poop bags; "
    "street art mural competition; Dunton Green Parish Council match funding for CCTV",
    "Commando socket MDK008 for the mobile cameras; Digital Sunset e-safety film; Reform Restore Respect; "
    "purse minder bells; shed alarms; card protectors",
]
