"""The area of a report from Open311: named in its address, else the nearest configured centre."""

from __future__ import annotations

import pytest

from tasking.commands.open311 import accepted, area_of
from tasking.config import default_config_text, parse_config
from tasking.errors import DomainError

CENTRES = (
    '\n[open311]\npublic_categories = ["noise", "domestic-abuse"]\n'
    "[open311.area_centres]\nSwanley = [51.397, 0.173]\nEdenbridge = [51.197, 0.065]\n"
)


def test_an_area_named_in_the_address_wins_and_the_longest_name_is_taken():
    config = parse_config(default_config_text())
    assert area_of(config, "2 Hill Road, west kingsdown", None, None) == "West Kingsdown"


def test_a_point_takes_the_nearest_centre_and_nothing_known_is_refused():
    config = parse_config(default_config_text() + CENTRES)
    assert area_of(config, "Unnamed lane", 51.20, 0.07) == "Edenbridge"
    assert area_of(config, None, 51.39, 0.18) == "Swanley"
    with pytest.raises(DomainError, match="address_string"):
        area_of(parse_config(default_config_text()), "Unnamed lane", 51.2, 0.07)


def test_a_restricted_category_is_never_accepted_even_when_listed():
    config = parse_config(default_config_text() + CENTRES)
    assert accepted(config, "noise") and not accepted(config, "domestic-abuse") and not accepted(config, "fly-tipping")
