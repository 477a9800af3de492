"""Offline geocoding: German postal codes, towns of Germany, Austria and Switzerland."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from touchbase.community.geo import (
    bounding_box,
    distance_km,
    locate,
    postal_code_clean,
    postal_code_valid,
    town_key,
)


def test_a_german_postal_code_is_found_without_the_town():
    assert locate("DE", "80331", "") == pytest.approx((48.1360, 11.5729), abs=1e-3)


def test_the_postal_code_wins_over_the_town():
    # 10115 is Berlin-Mitte; the town says Munich.
    assert locate("DE", "10115", "München") == pytest.approx((52.5323, 13.3846), abs=1e-2)


def test_an_unknown_german_postal_code_falls_back_to_the_town():
    assert locate("DE", "99999", "Köln") == pytest.approx((50.9333, 6.95), abs=1e-3)


@pytest.mark.parametrize(
    ("town", "same_as"),
    [
        ("KÖLN", "Köln"),
        ("koeln", "Köln"),
        ("Muenchen", "München"),
        ("Frankfurt (Main)", "Frankfurt am Main"),
        ("Frankfurt/Main", "Frankfurt am Main"),
        ("Frankfurt", "Frankfurt am Main"),
        ("Frankfurt an der Oder", "Frankfurt (Oder)"),
        ("St. Ingbert", "Sankt Ingbert"),
        ("Halle an der Saale", "Halle (Saale)"),
    ],
)
def test_town_names_match_across_spellings(town, same_as):
    assert locate("DE", "", town) is not None
    assert locate("DE", "", town) == locate("DE", "", same_as)


def test_frankfurt_on_the_oder_is_not_frankfurt_on_the_main():
    assert locate("DE", "", "Frankfurt (Oder)") != locate("DE", "", "Frankfurt am Main")


def test_austrian_and_swiss_codes_fall_back_to_the_town():
    assert locate("AT", "1010", "Wien") == pytest.approx((48.2085, 16.3721), abs=1e-3)
    assert locate("CH", "9000", "St. Gallen") == pytest.approx((47.4239, 9.3748), abs=1e-3)
    assert locate("CH", "8001", "Zürich") == pytest.approx((47.3667, 8.55), abs=1e-3)


def test_a_town_is_looked_up_in_its_own_country_only():
    assert locate("AT", "", "Köln") is None
    assert locate("FR", "75001", "Paris") is None
    assert locate("DE", "", "Nirgendwo am See") is None


def test_stuttgart_is_not_a_saint():
    assert town_key("Stuttgart") == "stuttgart"
    assert town_key("St. Pölten") == "sankt poelten"


def test_distance_berlin_munich_is_about_504_km():
    assert distance_km(52.52, 13.405, 48.137, 11.575) == pytest.approx(504.3, abs=0.5)
    assert distance_km(48.0, 11.0, 48.0, 11.0) == 0.0


def test_the_bounding_box_holds_every_point_at_the_distance():
    south, north, west, east = bounding_box(48.1374, 11.5755, 100)
    assert distance_km(48.1374, 11.5755, north, 11.5755) == pytest.approx(100, abs=0.01)
    assert south < 48.1374 - 0.89
    assert west < 11.5755 - 1.34
    assert east > 11.5755 + 1.34


@pytest.mark.parametrize(
    ("country", "code", "clean"),
    [("DE", "80331", "80331"), ("DE", " 803 31", "80331"), ("DE", "D-80331", "80331"),
     ("AT", "1010", "1010"), ("AT", "A-1010", "1010"), ("CH", "CH-8001", "8001")],
)  # fmt: skip
def test_postal_codes_in_their_country_format(country, code, clean):
    assert postal_code_clean(country, code) == clean
    assert postal_code_valid(country, code) is True


@pytest.mark.parametrize(
    ("country", "code"), [("DE", "8033"), ("DE", "803311"), ("AT", "10100"), ("CH", "80a1"),
                          ("DE", ""), ("FR", "75001")],
)  # fmt: skip
def test_wrong_postal_codes_are_refused(country, code):
    assert postal_code_valid(country, code) is False
    with pytest.raises(ValidationError):
        postal_code_clean(country, code)
