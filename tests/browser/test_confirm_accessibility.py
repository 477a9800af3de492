"""The confirm step and the Undo message pass axe like the main pages do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import serious_violations
from tests.browser.world import pollux_world, sign_in
from touchbase.core.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    """axe is injected as a script of its own, which the strict CSP would block: only here."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.mark.parametrize("language", ["EN", "DE"])
def test_the_confirm_steps_and_the_undo_message_have_no_serious_violations(
    page: Page, live_server, language
):
    world = pollux_world(role=Role.OWNER, slug=f"pollux-confirm-{language.lower()}")
    sign_in(page, live_server.url, language=language)
    # the snooze message with its Undo button
    page.locator(f"#due-contact-{world['contact'].pk}").locator("button.secondary").click()
    until = timezone.localdate() + dt.timedelta(days=5)
    page.locator("input[name=until]").fill(until.isoformat())
    page.locator("input[name=reason]").fill("Urlaub")
    page.locator("#due-table form button[type=submit]").click()
    expect(page.locator(".message form.undo")).to_be_visible()
    found = {"undo message": serious_violations(page)}
    # the confirm step in place on a timeline, and as a page of its own
    page.goto(f"{live_server.url}/contacts/{world['contact'].pk}/")
    page.locator("#timeline a.touchpoint-delete").click()
    expect(page.get_by_role("alertdialog")).to_be_visible()
    found["confirm in place"] = serious_violations(page)
    page.goto(f"{live_server.url}/accounts/{world['account'].pk}/delete/")
    expect(page.get_by_role("alertdialog")).to_be_visible()
    found["confirm page"] = serious_violations(page)
    assert found == {"undo message": [], "confirm in place": [], "confirm page": []}
