"""The workspace's home country: derived from its time zone, changed by the owner only."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from touchbase.core.models import Workspace
from touchbase.core.services import workspace_create

pytestmark = pytest.mark.django_db


def test_a_new_workspace_in_vienna_gets_austria():
    workspace = workspace_create(name="Wiener Kaffee", time_zone="Europe/Vienna")
    assert workspace.home_country == "AT"


@pytest.mark.parametrize(
    ("time_zone", "country"),
    [("Europe/Berlin", "DE"), ("Europe/Zurich", "CH"), ("Europe/Rome", "IT"),
     ("Asia/Tokyo", "DE")],
)  # fmt: skip
def test_the_time_zone_suggests_the_home_country_and_germany_when_unsure(time_zone, country):
    assert workspace_create(name="Firma", time_zone=time_zone).home_country == country


def test_a_home_country_given_wins_over_the_time_zone():
    workspace = workspace_create(name="Firma", time_zone="Europe/Berlin", home_country="CH")
    assert workspace.home_country == "CH"


def test_the_migration_fills_the_home_country_from_the_time_zone():
    vienna = workspace_create(name="Wien", time_zone="Europe/Vienna")
    rome = workspace_create(name="Bozen", time_zone="Europe/Rome")
    tokyo = workspace_create(name="Tokio", time_zone="Asia/Tokyo")
    Workspace.objects.update(home_country="DE")
    migration = importlib.import_module("touchbase.core.migrations.0007_workspace_home_country")
    migration.home_country_from_time_zone(apps, None)
    countries = dict(Workspace.objects.values_list("pk", "home_country"))
    assert (countries[vienna.pk], countries[rome.pk], countries[tokyo.pk]) == ("AT", "IT", "DE")


def test_the_owner_sees_the_home_country_in_settings(alice_client, workspace):
    page = alice_client.get(reverse("core:settings")).content.decode()
    assert '<option value="DE" selected>Germany</option>' in page
    assert '<option value="AT">Austria</option>' in page


def test_the_owner_changes_the_home_country_in_settings(alice_client, workspace):
    response = alice_client.post(reverse("core:workspace-settings"), {
        "name": "Pollux GmbH", "time_zone": "Europe/Berlin", "home_country": "AT",
        "default_cadence_days": "365"})  # fmt: skip
    workspace.refresh_from_db()
    assert response.status_code == 302
    assert workspace.home_country == "AT"


def test_an_unknown_home_country_is_refused(alice_client, workspace):
    response = alice_client.post(reverse("core:workspace-settings"), {
        "name": "Pollux GmbH", "time_zone": "Europe/Berlin", "home_country": "XX",
        "default_cadence_days": "365"})  # fmt: skip
    workspace.refresh_from_db()
    assert response.status_code == 400
    assert workspace.home_country == "DE"


def test_staff_cannot_change_the_home_country(client, bob, workspace):
    client.force_login(bob)
    response = client.post(reverse("core:workspace-settings"), {
        "name": "Pollux GmbH", "time_zone": "Europe/Berlin", "home_country": "AT",
        "default_cadence_days": "365"})  # fmt: skip
    workspace.refresh_from_db()
    assert response.status_code == 403
    assert workspace.home_country == "DE"
