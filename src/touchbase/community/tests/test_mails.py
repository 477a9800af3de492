from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import icalendar
import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.formats import date_format

from touchbase.community import bookings, helpers, mails, requests
from touchbase.community.choices import RequestState, Side
from touchbase.community.models import CommunityMail, HelpRequest
from touchbase.community.tests.factories import make_helper, make_request, make_skill
from touchbase.community.tests.services_support import candidate, day_ahead

pytestmark = pytest.mark.django_db


@pytest.fixture
def wifi(workspace):
    return make_skill(workspace, name="Gast-WLAN einrichten")


@pytest.fixture
def hanna(workspace, wifi):
    return make_helper(workspace, skills=[wifi], name="Hanna Huber", email="hanna@example.com",
                       phone="+4917198765432", language="de")  # fmt: skip


def customer_request(workspace, skill):
    return make_request(
        workspace, skill=skill, windows=[(day_ahead(2), day_ahead(2, 12))], language="en",
        address="Marienplatz 1", phone="+49891234567", description="Guest Wi-Fi for my café",
    )  # fmt: skip


def send(workspace) -> int:
    return mails.community_mails_send(workspace_id=workspace.pk)


def plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def calendar_of(message) -> icalendar.Calendar:
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return icalendar.Calendar.from_ical(parts[0].get_content())


def by_recipient(smtp) -> dict[str, object]:
    return {message["To"]: message for message in smtp.messages}


def test_both_sides_get_the_booking_with_an_invitation_the_address_only_for_the_helper(
    workspace, wifi, hanna, smtp
):
    request = customer_request(workspace, wifi)
    offer = bookings.offer_make(request=request, candidate=candidate(hanna, day_ahead(2), 2),
                                by=None)  # fmt: skip
    booking = bookings.offer_accept(offer=offer, helper=hanna)
    CommunityMail.objects.exclude(kind="booking_confirmed").delete()
    assert send(workspace) == 2
    received = by_recipient(smtp)
    assert set(received) == {"hanna@example.com", request.email}

    helper_mail, customer_mail = received["hanna@example.com"], received[request.email]
    # each in the reader's language and time zone: Hanna reads German, in Berlin time
    berlin = booking.starts_at.astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))
    with translation.override("de"):
        german_start = date_format(berlin, "DATETIME_FORMAT")
    with translation.override("en"):
        english_start = date_format(booking.starts_at.astimezone(workspace.zone),
                                    "DATETIME_FORMAT")  # fmt: skip
    assert german_start in plain(helper_mail)
    assert customer_mail["Subject"] == f"Booked: Gast-WLAN einrichten on {english_start}"
    # each side sees the other's contact now that the booking is confirmed
    assert "+49891234567" in plain(helper_mail)
    assert "Marienplatz 1, 80331 München" in plain(helper_mail)
    assert "+4917198765432" in plain(customer_mail)
    assert "hanna@example.com" in plain(customer_mail)

    for message, place in ((helper_mail, "Marienplatz 1, 80331 München"),
                           (customer_mail, "80331 München")):  # fmt: skip
        calendar = calendar_of(message)
        assert str(calendar["METHOD"]) == "REQUEST"
        [event] = calendar.walk("VEVENT")
        assert event.decoded("DTSTART") == booking.starts_at
        assert event.decoded("DTEND") == booking.ends_at == day_ahead(2, 11)
        assert str(event["LOCATION"]) == place
        assert str(event["ORGANIZER"]) == "mailto:touchbase@localhost"
        assert event["ORGANIZER"].params["CN"] == workspace.name
        assert str(event["UID"]) == mails.booking_uid(booking)
    assert "Marienplatz" not in calendar_of(customer_mail).to_ical().decode()


def test_the_offer_mail_links_to_the_helpers_page_and_hides_the_customers_contact(
    workspace, wifi, hanna, smtp
):
    request = customer_request(workspace, wifi)
    offer = bookings.offer_make(request=request, candidate=candidate(hanna, day_ahead(2)),
                                by=None)  # fmt: skip
    assert send(workspace) == 1
    [message] = smtp.messages
    body = plain(message)
    assert message["To"] == "hanna@example.com"
    assert f"/help/{workspace.slug}/helper/offers/{offer.pk}/" in body
    assert "Guest Wi-Fi for my café" in body
    for hidden in ("Marienplatz", "+49891234567", "891234567", request.email, request.name):
        assert hidden not in body
        assert hidden not in message.get_body(preferencelist=("html",)).get_content()


def test_the_other_side_gets_the_cancellation_with_a_calendar_cancel(workspace, wifi, hanna, smtp):
    request = customer_request(workspace, wifi)
    offer = bookings.offer_make(request=request, candidate=candidate(hanna, day_ahead(2)),
                                by=None)  # fmt: skip
    booking = bookings.offer_accept(offer=offer, helper=hanna)
    send(workspace)
    smtp.messages.clear()
    bookings.booking_cancel(booking=booking, side=Side.CUSTOMER, reason="Mein Sohn hilft mir")
    assert send(workspace) == 1
    [message] = smtp.messages
    assert message["To"] == "hanna@example.com"
    assert "Mein Sohn hilft mir" in plain(message)
    calendar = calendar_of(message)
    assert str(calendar["METHOD"]) == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == mails.booking_uid(booking)
    assert event["SEQUENCE"] == 1


def test_a_mail_whose_occasion_passed_is_not_sent(workspace, wifi, hanna, smtp):
    request = customer_request(workspace, wifi)
    offer = bookings.offer_make(request=request, candidate=candidate(hanna, day_ahead(2)),
                                by=None)  # fmt: skip
    bookings.offer_withdraw(offer=offer, offer_next=False)
    assert send(workspace) == 0
    assert smtp.messages == []
    assert CommunityMail.objects.get().sent_at is not None


def test_a_mail_claimed_by_one_worker_is_not_sent_by_another(workspace, wifi, hanna, smtp):
    helpers.helper_link_send(workspace=workspace, email="hanna@example.com")
    mail = CommunityMail.objects.get()
    CommunityMail.objects.filter(pk=mail.pk).update(
        attempts=1, claimed_until=timezone.now() + mails.CLAIM_LEASE
    )
    assert send(workspace) == 0
    assert mails._send_one(mail.pk, 1) == 0
    CommunityMail.objects.filter(pk=mail.pk).update(claimed_until=timezone.now())
    assert send(workspace) == 1
    assert send(workspace) == 0
    assert len(smtp.messages) == 1


def test_the_report_reaches_the_community_manager(workspace, wifi, hanna, alice, smtp):
    request = customer_request(workspace, wifi)
    bookings.report_file(request=request, helper=hanna, side=Side.HELPER,
                         text="Der Kunde war sehr unhöflich.")  # fmt: skip
    assert send(workspace) == 1
    [message] = smtp.messages
    assert message["To"] == "alice@pollux.example"
    assert message["Subject"] == "Community help: a new report"
    assert "Der Kunde war sehr unhöflich." in plain(message)
    assert "Hanna Huber" in plain(message)


def test_the_reminder_names_time_place_and_contact(workspace, wifi, hanna, smtp):
    request = customer_request(workspace, wifi)
    offer = bookings.offer_make(request=request, candidate=candidate(hanna, day_ahead(3)),
                                by=None)  # fmt: skip
    booking = bookings.offer_accept(offer=offer, helper=hanna)
    send(workspace)
    smtp.messages.clear()
    type(booking).objects.filter(pk=booking.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    assert bookings.reminders_queue(now=booking.starts_at - dt.timedelta(hours=20)) == 1
    assert send(workspace) == 2
    received = by_recipient(smtp)
    assert "Marienplatz 1" in plain(received["hanna@example.com"])
    assert "Marienplatz 1" not in plain(received[request.email])
    assert "+4917198765432" in plain(received[request.email])


def link_in(message) -> str:
    body = plain(message)
    return next(word for word in body.split() if word.startswith("http"))


@pytest.mark.django_db(transaction=True)
def test_the_worker_mails_the_request_confirmation_and_its_link_opens_the_request(
    workspace, wifi, smtp
):
    request = requests.request_create(
        workspace=workspace, name="Erika Muster", email="erika@example.com", phone="",
        language="en", skill=wifi, description="", country="DE", postal_code="80331",
        town="München", address="", budget=Decimal("20"),
        windows=[(day_ahead(2), day_ahead(2, 12))],
    )  # fmt: skip
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    [message] = smtp.messages
    assert message["To"] == "erika@example.com"
    assert message["Subject"] == "Please confirm your request for help: Gast-WLAN einrichten"
    token = link_in(message).rstrip("/").rsplit("/", 1)[1]
    confirmed = requests.request_confirm(workspace=workspace, token=token)
    assert confirmed.pk == request.pk
    assert HelpRequest.objects.get(pk=request.pk).state == RequestState.OPEN


def test_the_sign_in_mail_carries_a_link_that_signs_the_helper_in(workspace, hanna, smtp):
    helpers.helper_link_send(workspace=workspace, email="hanna@example.com")
    send(workspace)
    [message] = smtp.messages
    token = link_in(message).rstrip("/").rsplit("/", 1)[1]
    assert helpers.helper_link_open(workspace=workspace, token=token) == hanna
