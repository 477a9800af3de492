"""What a security probe of the public community pages found, each fixed with its test."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from touchbase.community import bookings, helpers
from touchbase.community.choices import BookingState, Side
from touchbase.community.models import Availability, Helper, HelpRequest, Report
from touchbase.community.tests.factories import make_booking, make_helper, make_request, make_skill
from touchbase.community.tests.services_support import day_ahead

pytestmark = pytest.mark.django_db


@pytest.fixture
def wifi(workspace):
    return make_skill(workspace, name="Gast-WLAN einrichten")


@pytest.fixture
def hanna(workspace, wifi):
    return make_helper(workspace, name="Hanna Huber", email="hanna@example.com", skills=[wifi])


def url(name, workspace, *args):
    return reverse(f"community:{name}", args=[workspace.slug, *args])


def signed_in(helper) -> Client:
    """A browser of its own, signed in through a fresh mailed link and its button."""
    helper.refresh_from_db()
    browser = Client()
    assert browser.post(urlsplit(helpers.helper_link(helper)).path).status_code == 302
    return browser


def done_booking(workspace, skill, helper):
    request = make_request(workspace, skill=skill, windows=[(day_ahead(-2), day_ahead(-2, 12))])
    HelpRequest.objects.filter(pk=request.pk).update(
        name="Erika Muster", phone="+491712345678", address="Marienplatz 1"
    )
    return make_booking(request=request, helper=helper, starts_at=day_ahead(-2),
                        state=BookingState.DONE)  # fmt: skip


# --- sessions after erasure and blocks ---------------------------------------------------------


def test_erasing_signs_the_helper_out_on_every_device(workspace, wifi, hanna):
    # given Hanna signed in on her phone and on her laptop
    phone, laptop = signed_in(hanna), signed_in(hanna)
    booking = done_booking(workspace, wifi, hanna)
    # when she erases her data on the phone
    assert phone.post(url("helper-data-erase", workspace), {"confirm": "on"}).status_code == 200
    # then the laptop is signed out: it neither reads customers' details nor writes new data
    page = laptop.get(url("helper-booking", workspace, booking.pk))
    assert page.status_code == 302
    assert page["Location"] == url("helper-sign-in", workspace)
    saved = laptop.post(url("helper-availability", workspace), {
        "rows": "1", "weekday_0": "0", "from_0": "18:00", "until_0": "21:00",
    })  # fmt: skip
    assert saved.status_code == 302
    assert saved["Location"] == url("helper-sign-in", workspace)
    assert not Availability.objects.filter(helper=hanna).exists()


def test_a_blocked_helper_no_longer_sees_the_customers_contact_details(workspace, wifi, hanna):
    browser = signed_in(hanna)
    booking = done_booking(workspace, wifi, hanna)
    assert "+491712345678" in browser.get(url("helper-booking", workspace, booking.pk)).text
    helpers.helper_block(helper=hanna, by=None, reason="Rude to a customer.")
    body = browser.get(url("helper-booking", workspace, booking.pk)).text
    assert 'id="blocked-notice"' in body
    assert "+491712345678" not in body
    assert "Marienplatz 1" not in body
    assert "Erika Muster" not in body


# --- bounds --------------------------------------------------------------------------------------


def test_a_request_day_out_of_the_calendars_range_is_a_field_error(client, workspace, wifi):
    tomorrow = (timezone.now() + dt.timedelta(days=1)).date().isoformat()
    data = {
        "skill": str(wifi.pk), "name": "Erika Muster", "email": "erika@example.com",
        "phone": "0171 2345678", "language": "de", "country": "DE", "postal_code": "80331",
        "town": "München", "date_0": tomorrow, "from_0": "10:00", "until_0": "12:00",
        "date_1": "0001-01-01", "from_1": "00:10", "until_1": "00:20",
    }  # fmt: skip
    response = client.post(reverse("community:request-form", args=[workspace.slug]), data)
    assert response.status_code == 422
    assert "Choose times within the next 90 days." in response.text
    assert not HelpRequest.objects.exists()


# --- checks that hold (kept so they keep holding) ------------------------------------------------


def test_every_public_post_needs_the_csrf_token(workspace, wifi, hanna):
    request = make_request(workspace, skill=wifi, windows=[(day_ahead(2), day_ahead(2, 12))])
    booking = make_booking(request=request, helper=hanna, starts_at=day_ahead(2))
    browser = signed_in(hanna)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = browser.cookies
    from touchbase.community.requests import request_link

    token = request_link(request)
    paths = [
        reverse("community:request-form", args=[workspace.slug]),
        reverse("community:helper-apply", args=[workspace.slug]),
        url("helper-sign-in", workspace),
        url("helper-enter", workspace, "x"),
        url("helper-confirm", workspace, "x"),
        url("request-confirm", workspace, "x"),
        url("request-cancel", workspace, token),
        url("request-rate", workspace, token),
        url("request-report", workspace, token),
        url("helper-booking-cancel", workspace, booking.pk),
        url("helper-availability", workspace),
        url("helper-data-erase", workspace),
        url("helper-sign-out", workspace),
    ]
    assert [strict.post(path, {"confirm": "on"}).status_code for path in paths] == [403] * 13
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    assert Helper.objects.get(pk=hanna.pk).name == "Hanna Huber"


def test_ten_thousand_row_fields_are_refused_before_any_form(client, workspace, hanna):
    browser = signed_in(hanna)
    data = {"rows": "10000"}
    for index in range(10_000):
        data[f"weekday_{index}"] = "0"
    response = browser.post(url("helper-availability", workspace), data)
    assert response.status_code == 400
    assert not Availability.objects.filter(helper=hanna).exclude(weekday__in=range(7)).exists()


# --- abuse ---------------------------------------------------------------------------------------


def test_reports_in_a_row_on_one_booking_mail_the_managers_once_an_hour(
    client, workspace, wifi, hanna, alice
):
    from touchbase.community.requests import request_link
    from touchbase.community.tests.services_support import mails_owed

    booking = done_booking(workspace, wifi, hanna)
    report = url("request-report", workspace, request_link(booking.request))
    for number in range(5):
        assert client.post(report, {"text": f"Spam {number}"}).status_code == 302
    assert Report.objects.filter(booking=booking).count() == 5
    assert mails_owed(kind="report") == [("report", alice.email)]
    # a report by the other side still reaches the managers at once
    bookings.report_file(side=Side.HELPER, text="The customer shouted.", booking=booking)
    assert mails_owed(kind="report") == [("report", alice.email)] * 2


def test_a_nul_byte_in_a_strangers_field_is_a_field_error(client, workspace, wifi):
    tomorrow = (timezone.now() + dt.timedelta(days=1)).date().isoformat()
    data = {
        "skill": str(wifi.pk), "name": "Erika\x00Muster", "email": "erika@example.com",
        "phone": "0171 2345678", "language": "de", "country": "DE", "postal_code": "80331",
        "town": "München", "date_0": tomorrow, "from_0": "10:00", "until_0": "12:00",
    }  # fmt: skip
    response = client.post(reverse("community:request-form", args=[workspace.slug]), data)
    assert response.status_code == 422
    assert "Null characters are not allowed." in response.text
    assert not HelpRequest.objects.exists()
