"""Issue 12 on a phone: a customer asks for help and confirms by mail; a verified helper signs
in by link and accepts the offer; the customer then sees who comes and how to reach them; after
the job the helper finishes it and both rate each other."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import serious_violations
from touchbase.community import bookings
from touchbase.community.choices import BookingState, RequestState, Side
from touchbase.community.models import Booking, HelpRequest, Rating
from touchbase.community.tests.factories import make_helper, make_skill
from touchbase.community.tests.services_support import candidate
from touchbase.core.services import workspace_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
TOUCH_TARGET = 44
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture
def browser_context_args(browser_context_args):
    """axe is injected as a script of its own, which the strict CSP would block: only here."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def community(transactional_db):
    workspace = workspace_create(name="Pollux Telekom", slug="pollux-help")
    workspace.accent_color = "#0b6e4f"
    workspace.save()
    wifi = make_skill(workspace, name="Gast-WLAN einrichten", technician_price="89")
    hanna = make_helper(workspace, name="Hanna Huber", email="hanna@example.com",
                        phone="+4989111222", skills=[wifi])  # fmt: skip
    return {"workspace": workspace, "wifi": wifi, "hanna": hanna}


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def tall_enough(page: Page, selector: str) -> None:
    box = page.locator(selector).first.bounding_box()
    assert box is not None
    assert box["height"] >= TOUCH_TARGET


def mailed_path(smtp, to: str, pattern: str) -> str:
    """The path of the newest link matching `pattern` in a plain-text mail to `to`."""
    for message in reversed(smtp.messages):
        if to not in str(message["To"]):
            continue
        found = re.search(r"https?://[^/\s]+(" + pattern + r")",
                          message.get_body(preferencelist=("plain",)).get_content())  # fmt: skip
        if found:
            return found.group(1)
    raise AssertionError(f"No mail to {to} with {pattern}")


def send_mails() -> None:
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def test_request_match_booking_and_ratings_on_a_phone(page: Page, live_server, community, smtp):
    workspace, hanna = community["workspace"], community["hanna"]
    base = live_server.url
    slug = workspace.slug
    day = (timezone.now().astimezone(BERLIN) + dt.timedelta(days=3)).date()
    page.set_viewport_size(PHONE)

    # A customer asks for help on her phone.
    page.goto(f"{base}/help/{slug}/")
    fits_the_phone(page)
    assert serious_violations(page) == []
    page.select_option("#id_skill", label="Gast-WLAN einrichten")
    page.fill("#id_description", "Gäste sollen ins WLAN, aber nicht ins Heimnetz.")
    page.fill("#id_date_0", day.isoformat())
    page.fill("#id_from_0", "10:00")
    page.fill("#id_until_0", "12:00")
    page.fill("#id_name", "Erika Muster")
    page.fill("#id_email", "erika@example.com")
    page.fill("#id_phone", "0171 2345678")
    page.fill("#id_postal_code", "80331")
    page.fill("#id_town", "München")
    page.fill("#id_address", "Marienplatz 1")
    tall_enough(page, "#request-form button[type=submit]")
    page.locator("#request-form button[type=submit]").click()
    expect(page.locator("#check-mail")).to_be_visible()
    request = HelpRequest.objects.get()
    assert request.state == RequestState.UNCONFIRMED

    # She confirms from the mail.
    send_mails()
    page.goto(base + mailed_path(smtp, "erika@example.com", r"/help/\S+/requests/confirm/\S+/"))
    tall_enough(page, "#confirm-button")
    page.locator("#confirm-button").click()
    expect(page.locator("#request-state")).to_contain_text("We are looking for a helper")
    request_page = page.url
    fits_the_phone(page)

    # The community manager's matching offers the job to Hanna.
    starts_at = dt.datetime.combine(day, dt.time(10), tzinfo=BERLIN).astimezone(dt.UTC)
    request.refresh_from_db()
    offer = bookings.offer_make(request=request, candidate=candidate(hanna, starts_at), by=None)

    # Before she answers, the customer sees her first name only.
    page.goto(request_page)
    expect(page.locator("#helper-card")).to_contain_text("Hanna")
    expect(page.locator("#verified-badge")).to_be_visible()
    expect(page.locator("#helper-card")).not_to_contain_text("Huber")
    expect(page.locator("#helper-phone")).to_have_count(0)

    # Hanna signs in by link on her phone and accepts.
    page.goto(f"{base}/help/{slug}/helper/")
    page.fill("#id_email", "hanna@example.com")
    page.locator("#sign-in-form button[type=submit]").click()
    expect(page.locator("#link-sent")).to_be_visible()
    send_mails()
    page.goto(base + mailed_path(smtp, "hanna@example.com", r"/help/\S+/helper/enter/\S+/"))
    page.locator("#confirm-button").click()
    expect(page.locator("#verified-badge")).to_be_visible()
    fits_the_phone(page)
    assert serious_violations(page) == []
    page.locator(f"#offers a[href$='/offers/{offer.pk}/']").click()
    expect(page.locator("#offer-description")).to_have_text(
        "Gäste sollen ins WLAN, aber nicht ins Heimnetz."
    )
    expect(page.locator("main")).not_to_contain_text("Marienplatz")
    expect(page.locator("main")).not_to_contain_text("Erika")
    fits_the_phone(page)
    tall_enough(page, "#accept-button")
    page.locator("#accept-button").click()
    expect(page.locator("#customer-name")).to_have_text("Erika Muster")
    expect(page.locator("#customer-phone")).to_contain_text("+491712345678")
    expect(page.locator("#customer-address")).to_contain_text("Marienplatz 1")
    booking = Booking.objects.get()
    assert booking.state == BookingState.CONFIRMED

    # The customer now sees who comes and how to reach her.
    page.goto(request_page)
    expect(page.locator("#helper-card h2")).to_contain_text("Hanna Huber")
    expect(page.locator("#helper-phone")).to_contain_text("+4989111222")
    expect(page.locator("#booking-time")).to_be_visible()
    assert serious_violations(page) == []

    # The job took place (moved into the past here); Hanna finishes it and rates the customer.
    now = timezone.now()
    Booking.objects.filter(pk=booking.pk).update(starts_at=now - dt.timedelta(hours=3),
                                                 ends_at=now - dt.timedelta(hours=2))  # fmt: skip
    page.goto(f"{base}/help/{slug}/helper/bookings/{booking.pk}/")
    page.check("#finish-form input[value=yes]")
    page.fill("#id_price_paid", "30")
    page.locator("#finish-button").click()
    expect(page.locator("#rate-form")).to_be_visible()
    page.locator("#rate-form label.choice", has_text="5").click()
    page.fill("#rate-form textarea", "Sehr freundlich.")
    page.locator("#rate-form button[type=submit]").click()
    expect(page.locator("#rated")).to_be_visible()
    fits_the_phone(page)
    booking.refresh_from_db()
    assert (booking.state, str(booking.price_paid)) == (BookingState.DONE, "30.00")

    # The customer rates the helper.
    page.goto(request_page)
    page.locator("#rate-form label.choice", has_text="4").click()
    page.fill("#rate-form textarea", "Hat alles erklärt.")
    page.locator("#rate-form button[type=submit]").click()
    expect(page.locator("#rated")).to_be_visible()
    assert sorted(Rating.objects.values_list("by", "stars", "comment")) == [
        (Side.CUSTOMER, 4, "Hat alles erklärt."),
        (Side.HELPER, 5, "Sehr freundlich."),
    ]


def test_a_stranger_applies_as_a_helper_on_a_phone(page: Page, live_server, community, smtp):
    workspace = community["workspace"]
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/help/{workspace.slug}/helpers/apply/")
    fits_the_phone(page)
    assert serious_violations(page) == []
    page.fill("#id_name", "Paul Neu")
    page.fill("#id_email", "paul@example.com")
    page.fill("#id_phone", "089 7654321")
    page.fill("#id_postal_code", "80331")
    page.fill("#id_town", "München")
    page.fill("#id_hourly_price", "15")
    skill_label = page.locator("label.choice", has_text="Gast-WLAN einrichten")
    tall_enough(page, "label.choice")
    skill_label.click()
    page.select_option("#id_weekday_0", "2")
    page.fill("#id_from_0", "18:00")
    page.fill("#id_until_0", "21:00")
    page.locator("#id_terms_accepted").check()
    page.locator("#apply-form button.primary").click()
    expect(page.locator("#check-mail")).to_be_visible()
    send_mails()
    page.goto(live_server.url + mailed_path(smtp, "paul@example.com",
                                            r"/help/\S+/helper/confirm/\S+/"))  # fmt: skip
    page.locator("#confirm-button").click()
    expect(page.locator("#confirmed")).to_be_visible()
    fits_the_phone(page)
