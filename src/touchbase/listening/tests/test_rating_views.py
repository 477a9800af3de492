"""Ratings, launches, alerts and settings through the screens and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from touchbase.catalogue.choices import ProductStatus
from touchbase.catalogue.models import Product
from touchbase.catalogue.services import product_save
from touchbase.core.services import api_token_create
from touchbase.listening import launches, ratings
from touchbase.listening.choices import RemovalStep
from touchbase.listening.models import Alert, ListeningSettings, RemovalDecision
from touchbase.listening.tests.factories import mention_about, source_make
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(workspace):
    return source_make(workspace, "Google")


@pytest.fixture
def proposed(workspace, source):
    """Aurora, proposed for removal after ten one-star reviews (three given, seven estimated)."""
    aurora = product_save(product=Product(workspace=workspace, name="Aurora"))
    for number in range(10):
        given = number < 3
        mention_about(aurora, source, sentiment="negative", stars=1.0 if given else None,
                      stars_estimated=None if given else 1.0)  # fmt: skip
    ratings.ratings_rules_apply(workspace=workspace)
    aurora.refresh_from_db()
    assert aurora.status == ProductStatus.PROPOSED_FOR_REMOVAL
    return aurora


@pytest.fixture
def launched(workspace, source):
    """Boreas, launched 4 hours ago, with a clear surge of complaints in the last hour."""
    now = timezone.now()
    boreas = product_save(product=Product(workspace=workspace, name="Boreas",
                                          launched_at=now - dt.timedelta(hours=4)))  # fmt: skip
    for number in range(40):
        mention_about(boreas, source, sentiment="positive" if number % 5 else "negative",
                      published_at=now - dt.timedelta(days=2, hours=number))  # fmt: skip
    for number in range(15):
        mention_about(boreas, source, sentiment="negative" if number < 12 else "neutral",
                      published_at=now - dt.timedelta(minutes=10 + number))  # fmt: skip
    launches.launch_alerts_check(workspace=workspace)
    return boreas


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


@pytest.fixture
def bob_token(bob_membership):
    return api_token_create(membership=bob_membership, name="tests")[1]


# --- screens ----------------------------------------------------------------------------------


def test_the_ratings_page_shows_each_product_with_chart_and_table(alice_client, proposed):
    response = alice_client.get(reverse("listening:rating-list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg id="ratings-chart"' in html
    assert '<title id="ratings-chart-title">Average stars per product</title>' in html
    row = html.split('id="ratings-table"')[1]
    assert "Aurora" in row
    assert "Proposed for removal" in row
    assert '<td class="num">10</td><td class="num">3</td><td class="num">7</td>' in row
    assert "1.00" in row
    assert "Wilson score interval" in html


def test_the_product_page_shows_trend_history_and_the_leaders_choices(alice_client, proposed):
    response = alice_client.get(reverse("listening:rating-detail", args=[proposed.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg id="trend-chart"' in html
    assert html.count('<tr class="week">') == 12  # a row per ISO week
    assert "Confirm the removal" in html
    assert 'id="override-form"' in html
    assert "by the rule" in html
    assert "Aurora is proposed for removal" in html


def test_staff_see_the_proposal_but_cannot_decide(bob_client, proposed):
    page = bob_client.get(reverse("listening:rating-detail", args=[proposed.pk])).content.decode()
    assert "Confirm the removal" not in page
    assert "A leader decides whether it is removed." in page
    confirm = bob_client.post(reverse("listening:rating-removal-confirm", args=[proposed.pk]))
    override = bob_client.post(
        reverse("listening:rating-removal-override", args=[proposed.pk]), {"reason": "Gefällt mir"}
    )
    assert (confirm.status_code, override.status_code) == (403, 403)
    proposed.refresh_from_db()
    assert proposed.status == ProductStatus.PROPOSED_FOR_REMOVAL
    assert RemovalDecision.objects.count() == 1


def test_a_leader_confirms_the_removal_on_the_page(alice_client, proposed):
    response = alice_client.post(reverse("listening:rating-removal-confirm", args=[proposed.pk]))
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == ProductStatus.REMOVED
    page = alice_client.get(response["Location"]).content.decode()
    assert "Removal confirmed" in page
    assert "Alice Adler" in page
    products = alice_client.get(reverse("catalogue:product-list")).content.decode()
    assert "Removed" in products


def test_an_override_without_a_reason_says_what_is_missing(alice_client, proposed):
    url = reverse("listening:rating-removal-override", args=[proposed.pk])
    response = alice_client.post(url, {"reason": "  "})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == ProductStatus.PROPOSED_FOR_REMOVAL


def test_an_override_with_a_reason_keeps_the_product_on_sale_and_is_shown(alice_client, proposed):
    url = reverse("listening:rating-removal-override", args=[proposed.pk])
    response = alice_client.post(url, {"reason": "Neue Rezeptur seit Mai"})
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == ProductStatus.ON_SALE
    page = alice_client.get(response["Location"]).content.decode()
    assert "Neue Rezeptur seit Mai" in page
    assert "Kept on sale until it has 20 ratings" in page
    assert "Alice Adler" in page


def test_the_launch_monitor_refreshes_itself_and_shows_both_charts(alice_client, launched):
    url = reverse("listening:launch-detail", args=[launched.pk])
    page = alice_client.get(url).content.decode()
    assert 'hx-trigger="every 30s"' in page
    assert '<svg id="volume-chart"' in page
    assert '<svg id="sentiment-chart"' in page
    assert "Reception is turning negative" in page
    assert "The launch of Boreas is turning negative: 80 %" in page
    assert page.count('<tr class="hour">') == 5  # hours 0 to 4
    # the refresh asks for the fragment only
    fragment = alice_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith('<div id="launch-monitor"')
    assert "<html" not in fragment
    assert '<b id="launch-total">15</b>' in fragment


def test_a_product_without_a_launch_has_no_monitor(alice_client, proposed):
    response = alice_client.get(reverse("listening:launch-detail", args=[proposed.pk]))
    assert response.status_code == 404


def test_the_launch_list_and_the_alerts_page_link_to_what_raised_them(
    alice_client, launched, proposed
):
    launches_page = alice_client.get(reverse("listening:launch-list")).content.decode()
    assert reverse("listening:launch-detail", args=[launched.pk]) in launches_page
    assert "Aurora" not in launches_page  # no launch time
    alerts = alice_client.get(reverse("listening:alert-list")).content.decode()
    assert f'href="{reverse("listening:launch-detail", args=[launched.pk])}"' in alerts
    assert f'href="{reverse("listening:rating-detail", args=[proposed.pk])}"' in alerts


def test_the_listening_tabs_lead_to_ratings_launches_and_alerts(alice_client, bob):
    page = alice_client.get(reverse("listening:mention-list")).content.decode()
    for name in ("rating-list", "launch-list", "alert-list", "settings"):
        assert f'href="{reverse(f"listening:{name}")}"' in page
    staff = Client()
    staff.force_login(bob)
    page = staff.get(reverse("listening:mention-list")).content.decode()
    assert f'href="{reverse("listening:rating-list")}"' in page
    assert f'href="{reverse("listening:settings")}"' not in page


def test_another_workspace_finds_none_of_it(carol_client, proposed, launched):
    for url in (
        reverse("listening:rating-detail", args=[proposed.pk]),
        reverse("listening:launch-detail", args=[launched.pk]),
    ):
        assert carol_client.get(url).status_code == 404
    for name in ("rating-removal-confirm", "rating-removal-override"):
        url = reverse(f"listening:{name}", args=[proposed.pk])
        assert carol_client.post(url, {"reason": "Meins"}).status_code == 404
    assert "Aurora" not in carol_client.get(reverse("listening:rating-list")).content.decode()
    assert "Boreas" not in carol_client.get(reverse("listening:alert-list")).content.decode()
    proposed.refresh_from_db()
    assert proposed.status == ProductStatus.PROPOSED_FOR_REMOVAL


def test_a_leader_changes_the_settings_and_staff_may_not(alice_client, workspace, bob, client):
    url = reverse("listening:settings")
    bad = alice_client.post(url, {"removal_min_ratings": 0, "response_sla_hours": 24})
    assert bad.status_code == 422
    assert not ListeningSettings.objects.filter(workspace=workspace, removal_min_ratings=0).exists()
    good = alice_client.post(url, {"removal_min_ratings": 5, "response_sla_hours": 8})
    assert good.status_code == 302
    found = ListeningSettings.objects.get(workspace=workspace)
    assert (found.removal_min_ratings, found.response_sla_hours) == (5, 8)
    client.force_login(bob)
    assert client.get(url).status_code == 403


# --- the API ----------------------------------------------------------------------------------


def test_the_api_lists_ratings_with_interval_and_flag(client, alice_token, proposed):
    response = client.get("/api/v1/listening/ratings", headers=bearer(alice_token))
    assert response.status_code == 200
    [item] = response.json()["items"]
    expected = ratings.product_rating(product=proposed)
    assert item == {
        "product_id": proposed.pk, "name": "Aurora", "status": "proposed_for_removal",
        "count": 10, "given": 3, "estimated": 7, "average": 1.0, "low": expected.low,
        "high": expected.high, "is_unrated": False, "unrated_since": None,
    }  # fmt: skip


def test_the_api_gives_one_products_weekly_trend_and_decisions(client, alice_token, proposed):
    response = client.get(f"/api/v1/listening/ratings/{proposed.pk}", headers=bearer(alice_token))
    body = response.json()
    assert response.status_code == 200
    assert len(body["weeks"]) == 12
    assert body["weeks"][-1]["count"] == 10
    assert [d["step"] for d in body["decisions"]] == ["proposed"]
    assert body["override_until_ratings"] is None


def test_the_api_override_needs_a_reason(client, alice_token, proposed):
    url = f"/api/v1/listening/ratings/{proposed.pk}/override"
    missing = client.post(url, {}, content_type="application/json", headers=bearer(alice_token))
    empty = client.post(url, {"reason": " "}, content_type="application/json",
                        headers=bearer(alice_token))  # fmt: skip
    assert (missing.status_code, empty.status_code) == (422, 422)
    assert list(empty.json()["errors"]) == ["reason"]
    proposed.refresh_from_db()
    assert proposed.status == ProductStatus.PROPOSED_FOR_REMOVAL
    done = client.post(url, {"reason": "Saisonware"}, content_type="application/json",
                       headers=bearer(alice_token))  # fmt: skip
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["override_until_ratings"]) == ("on_sale", 20)
    assert RemovalDecision.objects.filter(step=RemovalStep.OVERRIDDEN, reason="Saisonware").exists()


def test_the_api_confirms_a_removal_for_leaders_only(client, alice_token, bob_token, proposed):
    url = f"/api/v1/listening/ratings/{proposed.pk}/removal"
    refused = client.post(url, headers=bearer(bob_token))
    assert refused.status_code == 403
    proposed.refresh_from_db()
    assert proposed.status == ProductStatus.PROPOSED_FOR_REMOVAL
    response = client.post(url, headers=bearer(alice_token))
    assert (response.status_code, response.json()["status"]) == (200, "removed")
    again = client.post(url, headers=bearer(alice_token))
    assert again.status_code == 422
    assert list(again.json()["errors"]) == ["status"]


def test_staff_cannot_override_through_the_api(client, bob_token, proposed):
    response = client.post(f"/api/v1/listening/ratings/{proposed.pk}/override",
                           {"reason": "Ich mag es"}, content_type="application/json",
                           headers=bearer(bob_token))  # fmt: skip
    assert response.status_code == 403
    proposed.refresh_from_db()
    assert proposed.status == ProductStatus.PROPOSED_FOR_REMOVAL


def test_the_api_gives_the_launch_series_baseline_and_alert(client, alice_token, launched):
    response = client.get(f"/api/v1/listening/launches/{launched.pk}", headers=bearer(alice_token))
    body = response.json()
    assert response.status_code == 200
    assert [hour["hour"] for hour in body["hours"]] == [0, 1, 2, 3, 4]
    assert sum(hour["total"] for hour in body["hours"]) == 15
    assert body["hours"][3]["negative"] == 12
    assert body["baseline"] == {"total": 40, "negative": 8, "share": 0.2}
    assert (body["window"]["total"], body["window"]["negative"]) == (15, 12)
    assert body["window"]["significant"] is True
    [alert] = body["alerts"]
    assert alert["kind"] == "launch_negative"
    assert alert["message"].startswith("The launch of Boreas is turning negative: 80 % of the")
    assert alert["link_path"] == f"/listening/launches/{launched.pk}/"


def test_the_api_lists_alerts(client, alice_token, launched, proposed):
    response = client.get("/api/v1/listening/alerts", headers=bearer(alice_token))
    kinds = [alert["kind"] for alert in response.json()["items"]]
    assert sorted(kinds) == ["launch_negative", "removal_proposed"]
    assert Alert.objects.count() == 2


def test_another_workspace_gets_404_from_the_api(client, carol_token, proposed, launched):
    for method, url in (
        ("get", f"/api/v1/listening/ratings/{proposed.pk}"),
        ("post", f"/api/v1/listening/ratings/{proposed.pk}/removal"),
        ("post", f"/api/v1/listening/ratings/{proposed.pk}/override"),
        ("get", f"/api/v1/listening/launches/{launched.pk}"),
    ):
        response = getattr(client, method)(
            url, {"reason": "x"} if method == "post" else None,
            content_type="application/json", headers=bearer(carol_token),
        )  # fmt: skip
        assert response.status_code == 404, url
    assert client.get("/api/v1/listening/alerts", headers=bearer(carol_token)).json()["items"] == []
    proposed.refresh_from_db()
    assert proposed.status == ProductStatus.PROPOSED_FOR_REMOVAL


def test_the_api_settings_are_read_by_staff_and_changed_by_leaders(
    client, alice_token, bob_token, workspace
):
    read = client.get("/api/v1/listening/settings", headers=bearer(bob_token))
    assert read.json() == {"removal_min_ratings": 10, "response_sla_hours": 24,
                           "invitation_gap_days": 90, "invitations_enabled": True}  # fmt: skip
    patch = {"removal_min_ratings": 4}
    refused = client.patch("/api/v1/listening/settings", patch, content_type="application/json",
                           headers=bearer(bob_token))  # fmt: skip
    assert refused.status_code == 403
    bad = client.patch("/api/v1/listening/settings",
                       {"removal_min_ratings": 0, "response_sla_hours": 10**6},
                       content_type="application/json", headers=bearer(alice_token))  # fmt: skip
    assert bad.status_code == 422
    assert sorted(bad.json()["errors"]) == ["removal_min_ratings", "response_sla_hours"]
    good = client.patch("/api/v1/listening/settings",
                        {"removal_min_ratings": 4, "invitations_enabled": False},
                        content_type="application/json", headers=bearer(alice_token))  # fmt: skip
    assert good.status_code == 200
    assert (good.json()["removal_min_ratings"], good.json()["invitations_enabled"]) == (4, False)
    assert ListeningSettings.objects.get(workspace=workspace).removal_min_ratings == 4
