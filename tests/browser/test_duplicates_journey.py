"""Duplicates in real Chromium: look for them, compare the pair side by side, merge."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import serious_violations
from tests.browser.world import pollux_world, sign_in
from touchbase.core.choices import Role
from touchbase.relationships.models import Contact
from touchbase.relationships.services import contact_save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    """axe is injected as a script of its own, which the strict CSP would block: only here."""
    return {**browser_context_args, "bypass_csp": True}


def test_find_duplicates_compare_side_by_side_and_merge(page: Page, live_server):
    world = pollux_world(role=Role.LEADER, slug="pollux-duplicates")
    maria = world["contact"]
    twin = contact_save(workspace=world["workspace"], fields={
        "first_name": "Maria", "last_name": "Höfer", "account": world["account"],
        "country": "AT", "mobile": "0664 1234567"})  # fmt: skip
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/duplicates/")
    # when joseph asks for a search, the page waits for the worker and then shows the pair
    page.get_by_role("button", name="Look for duplicates now").click()
    expect(page.locator("#duplicate-scan")).to_contain_text("Waiting for the worker")
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    row = page.locator("#duplicates tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("similar name")
    assert serious_violations(page) == []
    # then he compares both records side by side, keeps record B and confirms
    row.get_by_role("link", name="Compare and merge").click()
    preview = page.locator("#merge-preview")
    expect(preview).to_contain_text("Hofer")
    expect(preview).to_contain_text("Höfer")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Keep record B").click()
    expect(page.locator("#merge-preview tr", has_text="Last name")).to_contain_text("Höfer")
    assert Contact.objects.count() == 2  # nothing merged before the confirmation
    page.locator("#merge-confirm").click()
    expect(page.locator("#messages")).to_contain_text(
        "Merged: Maria Hofer is now part of Maria Höfer."
    )
    assert list(Contact.objects.values_list("pk", flat=True)) == [twin.pk]
    twin.refresh_from_db()
    assert (twin.email, twin.phone) == (maria.email, maria.phone)
