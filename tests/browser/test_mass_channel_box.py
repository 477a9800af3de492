"""In real Chromium: choosing a mass channel clears and locks "Personal contact"."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.world import pollux_world, sign_in
from touchbase.core.choices import Role
from touchbase.relationships.models import Touchpoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_newsletter_unticks_personal_contact_and_a_phone_call_gives_it_back(
    page: Page, live_server
):
    world = pollux_world(role=Role.STAFF, slug="pollux-mass")
    contact = world["contact"]
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/contacts/{contact.pk}/")
    page.get_by_text("Log a touchpoint").click()
    personal = page.get_by_label("Personal contact")
    channel = page.get_by_label("Channel")
    expect(personal).to_be_checked()
    channel.select_option("newsletter")
    expect(personal).not_to_be_checked()
    expect(personal).to_be_disabled()
    channel.select_option("phone")
    expect(personal).to_be_checked()
    expect(personal).to_be_enabled()
    channel.select_option("newsletter")
    page.get_by_role("button", name="Log touchpoint").click()
    expect(page.locator(".message")).to_contain_text("Touchpoint logged.")
    latest = Touchpoint.objects.filter(contact=contact).latest("id")
    assert (latest.channel, latest.is_personal) == ("newsletter", False)
    # the fresh form after the save starts as before: phone, personal
    expect(page.get_by_label("Personal contact")).to_be_checked()
    expect(page.get_by_label("Personal contact")).to_be_enabled()
