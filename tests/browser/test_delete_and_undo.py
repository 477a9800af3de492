"""Deleting is confirmed first, a snooze can be undone: both in real Chromium."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.world import pollux_world, sign_in
from touchbase.core.choices import Role
from touchbase.relationships.models import Account, Contact, Touchpoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_touchpoint_is_deleted_from_the_timeline_after_confirming(page: Page, live_server):
    # given joseph (staff) and the call he logged with Maria 400 days ago
    world = pollux_world(role=Role.STAFF, slug="pollux-delete")
    contact = world["contact"]
    Touchpoint.objects.filter(contact=contact).update(summary="Anruf wegen Saisonstart")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/contacts/{contact.pk}/")
    expect(page.locator("#timeline")).to_contain_text("Anruf wegen Saisonstart")
    # when he deletes it from the timeline: the question comes first, in place
    page.locator("#timeline").get_by_role("link", name="Delete").click()
    confirm = page.get_by_role("alertdialog")
    expect(confirm).to_contain_text("Delete the touchpoint “Phone call” of")
    assert Touchpoint.objects.filter(contact=contact).count() == 1
    confirm.get_by_role("button", name="Delete").click()
    # then it is gone, the message says so where he is, and the customer is due since creation
    expect(page.locator("#timeline")).to_contain_text("No touchpoints yet.")
    expect(page.locator(".message")).to_contain_text("Touchpoint deleted")
    today = timezone.localdate().strftime("%m/%d/%Y")
    expect(page.locator("#next-due")).to_contain_text(today)
    assert not Touchpoint.objects.filter(contact=contact).exists()


def test_an_account_is_deleted_with_its_people_after_a_question_that_counts_them(
    page: Page, live_server
):
    world = pollux_world(role=Role.LEADER, slug="pollux-delete-account")
    account = world["account"]
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/accounts/{account.pk}/")
    page.locator(".head").get_by_role("link", name="Delete").click()
    confirm = page.get_by_role("alertdialog")
    expect(confirm).to_contain_text("Delete “Hotel Alpenblick” with 1 contact and 1 touchpoint?")
    expect(confirm).to_contain_text("Maria Hofer")
    # without JavaScript the same question is a page of its own
    page.goto(f"{live_server.url}/accounts/{account.pk}/delete/")
    expect(page.get_by_role("heading", name="Are you sure?")).to_be_visible()
    confirm = page.get_by_role("alertdialog")
    confirm.get_by_role("button", name="Delete").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/")
    expect(page.locator(".message")).to_contain_text(
        "Deleted “Hotel Alpenblick” with 1 contact and 1 touchpoint."
    )
    assert not Account.objects.filter(pk=account.pk).exists()
    assert not Contact.objects.filter(pk=world["contact"].pk).exists()


def test_a_snooze_is_undone_from_its_message(page: Page, live_server):
    # given Maria on joseph's due list
    world = pollux_world(role=Role.STAFF, slug="pollux-undo")
    contact = world["contact"]
    sign_in(page, live_server.url)
    maria = page.locator(f"#due-contact-{contact.pk}")
    expect(maria).to_contain_text("Maria Hofer")
    # when he snoozes her
    maria.get_by_role("button", name="Snooze").click()
    until = timezone.localdate() + dt.timedelta(days=10)
    page.locator("input[name=until]").fill(until.isoformat())
    page.locator("input[name=reason]").fill("Auf Reisen")
    page.locator("#due-table form button[type=submit]").click()
    message = page.locator(".message")
    expect(message).to_contain_text(f"Snoozed “Maria Hofer” until {until:%m/%d/%Y}.")
    expect(page.locator("#due-table")).not_to_contain_text("Maria Hofer")
    # and takes it back
    message.get_by_role("button", name="Undo").click()
    # then she is back on the list and the message says so
    expect(page.locator(f"#due-contact-{contact.pk}")).to_contain_text("Maria Hofer")
    expect(page.locator(".message")).to_contain_text("Snooze of “Maria Hofer” undone.")
    assert Contact.objects.get(pk=contact.pk).snoozed_until is None
