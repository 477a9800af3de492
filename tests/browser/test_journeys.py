"""Journeys 2–4 of the foundation issue, end to end in real Chromium."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.world import pollux_world, sign_in
from touchbase.core.choices import Role
from touchbase.relationships.choices import Channel
from touchbase.relationships.models import Contact, Touchpoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pollux(transactional_db):
    """A workspace with joseph (staff), one overdue contact and one account."""
    return pollux_world(role=Role.STAFF, slug="pollux-browser")


def test_due_list_ranks_and_snoozes_with_a_reason(page: Page, live_server, pollux):
    # journey 2: sign in, see my due list, snooze one with a reason
    sign_in(page, live_server.url)
    expect(page.get_by_role("heading", name="My due list")).to_be_visible()
    rows = page.locator("#due-table tbody tr[id^=due-]")
    expect(rows).to_have_count(2)
    maria = page.locator(f"#due-contact-{pollux['contact'].pk}")
    expect(maria).to_contain_text("Maria Hofer")
    expect(maria).to_contain_text("35 days overdue")
    maria.get_by_role("button", name="Snooze").click()
    until = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    page.locator("input[name=until]").fill(until)
    page.locator("input[name=reason]").fill("Auf Reisen")
    page.locator("#due-table form button[type=submit]").click()
    expect(page.locator("#due-table tbody tr[id^=due-]")).to_have_count(1)
    expect(page.locator("#due-table")).not_to_contain_text("Maria Hofer")
    contact = Contact.objects.get(pk=pollux["contact"].pk)
    assert contact.snooze_reason == "Auf Reisen"


def test_account_timeline_and_quick_touchpoint_move_the_due_date(page: Page, live_server, pollux):
    # journey 3: open an account, see the timeline, add a touchpoint, next-due moves at once
    sign_in(page, live_server.url)
    page.get_by_role("link", name="Accounts").first.click()
    page.get_by_role("link", name="Hotel Alpenblick").click()
    expect(page.locator("#timeline")).to_contain_text("Phone call")
    page.get_by_text("Log a touchpoint").click()
    page.locator("#id_channel").select_option(Channel.MEETING.value)
    page.locator("#id_summary").fill("Besuch vor Ort, neue Zimmer besichtigt")
    page.get_by_role("button", name="Log touchpoint").click()
    expect(page.locator("#timeline li").first).to_contain_text("Besuch vor Ort")
    expected = (timezone.localdate() + dt.timedelta(days=365)).strftime("%m/%d/%Y")
    expect(page.locator("#next-due")).to_contain_text(expected)
    assert Touchpoint.objects.filter(account=pollux["account"]).count() == 2


def test_call_sheet_updates_master_data_in_german(page: Page, live_server, pollux):
    # journey 4: the call sheet logs the call, updates the address and stamps it, in German
    sign_in(page, live_server.url, language="DE")
    page.goto(f"{live_server.url}/contacts/{pollux['contact'].pk}/call/")
    expect(page.get_by_role("heading", name=re.compile("Gesprächsbogen"))).to_be_visible()
    page.locator("#id_wellbeing").fill("Sehr gut, Saison läuft")
    page.locator("input[name=address_current][value=no]").check()
    page.locator("#id_street").fill("Neue Gasse 7")
    page.locator("#id_postal_code").fill("6020")
    page.locator("#id_city").fill("Innsbruck")
    page.locator("input[name=works_from_home][value=yes]").check()
    page.locator("input[name=newsletter_wanted][value=yes]").check()
    page.locator("#call-sheet-form button[type=submit]").click()
    expect(page.locator(".message")).to_contain_text("Anruf gespeichert")
    expect(page.locator("#address-verified")).to_contain_text("geprüft")
    contact = Contact.objects.get(pk=pollux["contact"].pk)
    assert contact.street == "Neue Gasse 7"
    assert contact.works_from_home is True
    assert contact.address_verified_at is not None
    assert contact.consents.get().status == "given"


def test_a_bad_phone_shows_a_field_error_on_a_phone_sized_screen(page: Page, live_server, pollux):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/contacts/{pollux['contact'].pk}/edit/")
    page.locator("#id_phone").fill("12")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator(".field.has-error")).to_contain_text("phone number")
    assert Contact.objects.get(pk=pollux["contact"].pk).phone == "+43512123456"


def test_a_call_nobody_answered_keeps_the_contact_on_the_due_list(page: Page, live_server, pollux):
    # given Maria, 35 days overdue
    contact = pollux["contact"]
    due_before = Contact.objects.get(pk=contact.pk).next_due_on
    sign_in(page, live_server.url)
    # when Joseph logs a call that nobody answered
    page.goto(f"{live_server.url}/contacts/{contact.pk}/")
    page.get_by_text("Log a touchpoint").click()
    page.locator("#id_outcome").select_option("no_answer")
    page.get_by_role("button", name="Log touchpoint").click()
    # then the timeline shows an attempt and she is still due, with the attempt counted
    expect(page.locator("#timeline li").first).to_contain_text("attempt, not reached")
    assert Contact.objects.get(pk=contact.pk).next_due_on == due_before
    page.get_by_role("link", name="Due list").first.click()
    maria = page.locator(f"#due-contact-{contact.pk}")
    expect(maria).to_contain_text("35 days overdue")
    expect(maria).to_contain_text("1 attempt, last")


def test_an_invalid_touchpoint_shows_its_error_in_place(page: Page, live_server, pollux):
    # given the touchpoint form on Maria's page
    contact = pollux["contact"]
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/contacts/{contact.pk}/")
    page.get_by_text("Log a touchpoint").click()
    # when the follow-up date is given for a call that reached her (refused by the service)
    page.locator("#id_outcome").select_option("positive")
    later = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    page.locator("#id_follow_up_on").fill(later)
    page.get_by_role("button", name="Log touchpoint").click()
    # then the form stays open with the error beside the field, and nothing was logged
    expect(page.locator("#touchpoint-form .field.has-error")).to_contain_text(
        "A follow-up date is for calls nobody answered."
    )
    assert Touchpoint.objects.filter(contact=contact).count() == 1


def test_the_due_list_tabs_combine_and_the_url_keeps_them(page: Page, live_server, pollux):
    sign_in(page, live_server.url)
    expect(page.get_by_role("heading", name="My due list")).to_be_visible()
    page.get_by_role("link", name="Whole team").click()
    expect(page.get_by_role("heading", name="Team due list")).to_be_visible()
    page.locator("#due-view nav").get_by_role("link", name="Contacts").click()
    expect(page.get_by_role("heading", name="Team due list: contacts")).to_be_visible()
    expect(page).to_have_url(re.compile(r"scope=team&kind=contact"))
    expect(page.locator("#due-table tbody tr[id^=due-account]")).to_have_count(0)
    page.get_by_role("link", name="Mine").click()
    expect(page.get_by_role("heading", name="My due list: contacts")).to_be_visible()
    expect(page).to_have_url(re.compile(r"scope=mine&kind=contact"))
    page.reload()
    expect(page.get_by_role("heading", name="My due list: contacts")).to_be_visible()
