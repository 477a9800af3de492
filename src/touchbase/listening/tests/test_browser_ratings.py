"""The ratings page, a leader's override and the launch monitor's refresh in real Chromium."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import serious_violations
from tests.browser.world import pollux_world, sign_in
from touchbase.catalogue.models import Product
from touchbase.catalogue.services import product_save
from touchbase.core.choices import Role
from touchbase.listening import ratings
from touchbase.listening.tests.factories import mention_about, source_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    """axe is injected as a script of its own, which the strict CSP would block: only here."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def world(transactional_db):
    """Joseph leads Pollux; Aurora is proposed for removal, Boreas was launched 3 hours ago."""
    pollux = pollux_world(role=Role.LEADER, slug="pollux-ratings")
    workspace = pollux["workspace"]
    source = source_make(workspace, "Google")
    aurora = product_save(product=Product(workspace=workspace, name="Aurora"))
    for _ in range(10):
        mention_about(aurora, source, sentiment="negative", stars=1.0)
    ratings.ratings_rules_apply(workspace=workspace)
    launched_at = timezone.now() - dt.timedelta(hours=3)
    boreas = product_save(
        product=Product(workspace=workspace, name="Boreas", launched_at=launched_at)
    )
    mention_about(boreas, source, sentiment="positive")
    return {**pollux, "source": source, "aurora": aurora, "boreas": boreas}


@pytest.mark.parametrize("language", ["EN", "DE"])
def test_the_listening_pages_have_no_serious_accessibility_violations(
    page: Page, live_server, world, language
):
    sign_in(page, live_server.url, language=language)
    found = {}
    for path in (
        "/listening/", "/listening/mentions/new/", "/listening/sources/",
        "/listening/sources/new/", f"/listening/sources/{world['source'].pk}/",
        "/listening/ratings/", f"/listening/ratings/{world['aurora'].pk}/",
        "/listening/launches/", f"/listening/launches/{world['boreas'].pk}/",
        "/listening/alerts/", "/listening/alerts/settings/", "/listening/invitations/",
        "/listening/settings/",
    ):  # fmt: skip
        page.goto(f"{live_server.url}{path}")
        if violations := serious_violations(page):
            found[path] = violations
    assert found == {}


def test_a_leader_keeps_a_proposed_product_on_sale_with_a_reason(page: Page, live_server, world):
    # given joseph on Aurora's ratings
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/listening/ratings/")
    page.get_by_role("link", name="Aurora").click()
    expect(page.get_by_role("heading", name="Ratings of Aurora")).to_be_visible()
    # when he keeps it on sale without saying why, the form tells him
    page.get_by_role("button", name="Keep on sale").click()
    expect(page.locator("#override-form .errorlist")).to_contain_text("This field is required.")
    # when he gives a reason, it is kept on sale and the reason is on the page
    page.get_by_label("Why it stays on sale").fill("Neue Rezeptur ab Mai")
    page.get_by_role("button", name="Keep on sale").click()
    expect(page.locator("#removal-history")).to_contain_text("Neue Rezeptur ab Mai")
    page.goto(f"{live_server.url}/products/")
    expect(page.get_by_role("row", name="Aurora")).to_contain_text("On sale")


def test_the_launch_monitor_shows_new_mentions_without_a_reload(
    page: Page, live_server, world, monkeypatch
):
    monkeypatch.setattr("touchbase.listening.views.launches.REFRESH_SECONDS", 1)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/listening/launches/{world['boreas'].pk}/")
    expect(page.locator("#launch-total")).to_have_text("1")
    # when a mention about Boreas is read by the worker
    mention_about(world["boreas"], world["source"], sentiment="negative")
    # then the page shows it on its own
    expect(page.locator("#launch-total")).to_have_text("2", timeout=10_000)
    expect(page.locator("#launch-negative")).to_have_text("1")
