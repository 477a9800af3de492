"""The ratings page, a leader's override and the launch monitor's refresh in real Chromium."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.world import pollux_world, sign_in
from touchbase.catalogue.models import Product
from touchbase.catalogue.services import product_save
from touchbase.core.choices import Role
from touchbase.listening import ratings
from touchbase.listening.tests.factories import mention_about, source_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[4] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


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


def serious_violations(page: Page) -> list[str]:
    assert AXE.exists(), "axe-core is missing: `make system-deps` runs `npm ci`"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("options => axe.run(document, options)", {"runOnly": WCAG_21_AA})
    return [
        f"{violation['id']}: " + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def test_the_ratings_and_launch_pages_have_no_serious_accessibility_violations(
    page: Page, live_server, world
):
    sign_in(page, live_server.url)
    found = {}
    for path in (
        "/listening/ratings/", f"/listening/ratings/{world['aurora'].pk}/",
        "/listening/launches/", f"/listening/launches/{world['boreas'].pk}/",
        "/listening/alerts/", "/listening/settings/",
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
