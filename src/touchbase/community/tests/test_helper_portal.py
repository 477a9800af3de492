"""A helper's own pages: sign-in by link, offers, bookings, ratings, times, days off, data."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from touchbase.community import bookings, helpers
from touchbase.community.choices import BookingState, OfferState, RequestState, Side
from touchbase.community.models import (
    Availability,
    Booking,
    Helper,
    HelpRequest,
    Holiday,
    Offer,
    Rating,
    Report,
)
from touchbase.community.tests.factories import (
    make_booking,
    make_helper,
    make_offer,
    make_request,
    make_skill,
)
from touchbase.community.tests.services_support import candidate, day_ahead, mails_owed
from touchbase.community.views.helper_portal import HELPER_SESSION_KEY, address_mark
from touchbase.visitors.services import DEFAULT_LIMIT, LIMITS

pytestmark = pytest.mark.django_db


@pytest.fixture
def wifi(workspace):
    return make_skill(workspace, name="Gast-WLAN einrichten")


@pytest.fixture
def hanna(workspace, wifi):
    return make_helper(workspace, name="Hanna Huber", email="hanna@example.com", skills=[wifi])


def customer_request(workspace, skill, **fields):
    """A request of Erika's (the factory names customers by number)."""
    request = make_request(workspace, skill=skill, **fields)
    HelpRequest.objects.filter(pk=request.pk).update(
        name="Erika Muster", email="erika@example.com", phone="+491712345678",
        address="Marienplatz 1", description="Router blinkt rot.",
    )  # fmt: skip
    request.refresh_from_db()
    return request


@pytest.fixture
def erika_request(workspace, wifi):
    return customer_request(workspace, wifi, windows=[(day_ahead(2), day_ahead(2, 12))])


def url(name, workspace, *args):
    return reverse(f"community:{name}", args=[workspace.slug, *args])


def text(response) -> str:
    return response.content.decode()


def sign_in(client, helper):
    """Through the real mailed link and its button."""
    path = urlsplit(helpers.helper_link(helper)).path
    response = client.post(path)
    assert response.status_code == 302
    return client


def offered(request, helper):
    return bookings.offer_make(request=request, candidate=candidate(helper, day_ahead(2)),
                               by=None)  # fmt: skip


# --- signing in ----------------------------------------------------------------------------------


def test_asking_for_a_link_reads_the_same_for_known_and_unknown_addresses(client, workspace, hanna):
    known = client.post(url("helper-sign-in", workspace), {"email": "hanna@example.com"})
    unknown = client.post(url("helper-sign-in", workspace), {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert 'id="link-sent"' in text(known)
    assert 'id="link-sent"' in text(unknown)
    assert mails_owed() == [("helper_link", "hanna@example.com")]


def test_a_honeypot_sign_in_sends_nothing(client, workspace, hanna):
    response = client.post(url("helper-sign-in", workspace),
                           {"email": "hanna@example.com", "website": "x"})  # fmt: skip
    assert 'id="link-sent"' in text(response)
    assert mails_owed() == []


def test_sign_in_requests_beyond_the_limit_are_answered_429(client, workspace, hanna):
    allowed = LIMITS.get("sign-in", DEFAULT_LIMIT).per_email
    for _attempt in range(allowed):
        client.post(url("helper-sign-in", workspace), {"email": "hanna@example.com"})
    response = client.post(url("helper-sign-in", workspace), {"email": "hanna@example.com"})
    assert response.status_code == 429


def test_opening_the_sign_in_link_signs_in_only_by_its_button(client, workspace, hanna):
    path = urlsplit(helpers.helper_link(hanna)).path
    response = client.get(path)
    assert response.status_code == 200
    assert 'id="confirm-button"' in text(response)
    hanna.refresh_from_db()
    assert hanna.last_seen_at is None
    assert HELPER_SESSION_KEY not in client.session
    # when
    response = client.post(path)
    # then
    assert response["Location"] == url("helper-home", workspace)
    assert client.session[HELPER_SESSION_KEY] == {
        "w": workspace.pk, "h": hanna.pk, "e": address_mark(hanna),
    }  # fmt: skip
    home = client.get(url("helper-home", workspace))
    assert 'id="verified-badge"' in text(home)


def test_a_sign_in_link_works_once(client, workspace, hanna):
    path = urlsplit(helpers.helper_link(hanna)).path
    assert client.post(path).status_code == 302
    client.post(url("helper-sign-out", workspace))
    again = client.post(path)
    assert again.status_code == 404
    assert 'id="link-invalid"' in text(again)
    assert "This link has been used already. Ask for a new one." in text(again)
    assert HELPER_SESSION_KEY not in client.session


def test_a_forged_or_foreign_sign_in_link_signs_nobody_in(
    client, workspace, other_workspace, hanna
):
    token = urlsplit(helpers.helper_link(hanna)).path.rstrip("/").rsplit("/", 1)[1]
    assert client.post(url("helper-enter", workspace, token[:-4] + "AAAA")).status_code == 404
    assert client.post(url("helper-enter", other_workspace, token)).status_code == 404
    assert HELPER_SESSION_KEY not in client.session


def test_every_helper_page_sends_a_stranger_to_the_sign_in(client, workspace, hanna,
                                                           erika_request):  # fmt: skip
    offer = offered(erika_request, hanna)
    sign_in_url = url("helper-sign-in", workspace)
    for name, args in [("helper-home", []), ("helper-offer", [offer.pk]),
                       ("helper-booking-list", []), ("helper-ratings", []),
                       ("helper-availability", []), ("helper-holidays", []), ("helper-data", []),
                       ("helper-data-export", [])]:  # fmt: skip
        response = client.get(url(name, workspace, *args))
        assert (name, response.status_code, response["Location"]) == (name, 302, sign_in_url)
    accept = client.post(url("helper-offer-accept", workspace, offer.pk))
    assert accept["Location"] == sign_in_url
    offer.refresh_from_db()
    assert offer.state == OfferState.PENDING


def test_following_an_offer_link_while_signed_out_lands_on_the_offer_after_signing_in(
    client, workspace, hanna, erika_request
):
    offer = offered(erika_request, hanna)
    offer_url = url("helper-offer", workspace, offer.pk)
    assert client.get(offer_url)["Location"] == url("helper-sign-in", workspace)
    path = urlsplit(helpers.helper_link(hanna)).path
    assert client.post(path)["Location"] == offer_url
    assert client.get(offer_url).status_code == 200


def test_a_signed_in_helper_is_nobody_under_another_workspaces_slug(
    client, workspace, other_workspace, hanna
):
    sign_in(client, hanna)
    response = client.get(url("helper-home", other_workspace))
    assert response["Location"] == url("helper-sign-in", other_workspace)


def test_signing_out_ends_the_session(client, workspace, hanna):
    sign_in(client, hanna)
    client.post(url("helper-sign-out", workspace))
    assert client.get(url("helper-home", workspace))["Location"] == url("helper-sign-in", workspace)


# --- home and offers -----------------------------------------------------------------------------


def test_home_shows_waiting_offers_and_what_an_unverified_helper_still_needs(
    client, workspace, wifi
):
    helper = make_helper(workspace, skills=[wifi], verified=False, checked=False)
    sign_in(client, helper)
    body = text(client.get(url("helper-home", workspace)))
    assert 'id="verified-badge"' not in body
    assert "A community manager still needs to see your identity document." in body
    assert "A community manager still needs to check at least one of your skills." in body


def test_the_offer_shows_the_job_but_none_of_the_customers_contact_details(
    client, workspace, hanna, erika_request
):
    offer = offered(erika_request, hanna)
    sign_in(client, hanna)
    home = text(client.get(url("helper-home", workspace)))
    assert url("helper-offer", workspace, offer.pk) in home
    body = text(client.get(url("helper-offer", workspace, offer.pk)))
    assert "Gast-WLAN einrichten · München" in body
    assert "Router blinkt rot." in body
    assert 'id="accept-button"' in body
    for secret in ("Erika", "Muster", "+491712345678", "erika@example.com", "Marienplatz"):
        assert secret not in body


def test_accepting_books_the_job_and_then_shows_the_customers_contact(
    client, workspace, hanna, erika_request
):
    offer = offered(erika_request, hanna)
    sign_in(client, hanna)
    response = client.post(url("helper-offer-accept", workspace, offer.pk))
    booking = Booking.objects.get()
    assert response["Location"] == url("helper-booking", workspace, booking.pk)
    assert (booking.helper, booking.request, booking.state) == (
        hanna, erika_request, BookingState.CONFIRMED,
    )  # fmt: skip
    body = text(client.get(response["Location"]))
    assert "Erika Muster" in body
    assert 'href="tel:+491712345678"' in body
    assert "Marienplatz 1, 80331 München" in body


def test_declining_with_a_reason_passes_the_request_on(client, workspace, hanna, erika_request):
    offer = offered(erika_request, hanna)
    sign_in(client, hanna)
    response = client.post(url("helper-offer-decline", workspace, offer.pk),
                           {"reason": "Da bin ich verreist."})  # fmt: skip
    assert response["Location"] == url("helper-home", workspace)
    offer.refresh_from_db()
    assert (offer.state, offer.decline_reason) == (OfferState.DECLINED, "Da bin ich verreist.")
    assert not Booking.objects.exists()


def test_a_helper_cannot_see_or_answer_another_helpers_offer(
    client, workspace, wifi, hanna, erika_request
):
    other = make_helper(workspace, skills=[wifi])
    offer = offered(erika_request, other)
    sign_in(client, hanna)
    assert client.get(url("helper-offer", workspace, offer.pk)).status_code == 404
    assert client.post(url("helper-offer-accept", workspace, offer.pk)).status_code == 404
    assert client.post(url("helper-offer-decline", workspace, offer.pk)).status_code == 404
    offer.refresh_from_db()
    assert offer.state == OfferState.PENDING
    assert not Booking.objects.exists()


def test_another_workspaces_offer_is_404(client, workspace, other_workspace, hanna):
    foreign_skill = make_skill(other_workspace, name="Router")
    foreign_helper = make_helper(other_workspace, skills=[foreign_skill])
    foreign = make_offer(request=make_request(other_workspace, skill=foreign_skill),
                         helper=foreign_helper)  # fmt: skip
    sign_in(client, hanna)
    assert client.get(url("helper-offer", workspace, foreign.pk)).status_code == 404
    assert client.post(url("helper-offer-accept", workspace, foreign.pk)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.state == OfferState.PENDING


def test_a_blocked_helper_sees_a_notice_and_cannot_accept(client, workspace, hanna, erika_request):
    offer = offered(erika_request, hanna)
    sign_in(client, hanna)
    Helper.objects.filter(pk=hanna.pk).update(blocked_at=timezone.now())
    body = text(client.get(url("helper-offer", workspace, offer.pk)))
    assert 'id="blocked-notice"' in body
    assert 'id="accept-button"' not in body
    response = client.post(url("helper-offer-accept", workspace, offer.pk))
    assert response.status_code == 422
    assert not Booking.objects.exists()


def test_an_offer_past_its_deadline_cannot_be_accepted(client, workspace, hanna, erika_request):
    offer = offered(erika_request, hanna)
    Offer.objects.filter(pk=offer.pk).update(deadline_at=timezone.now() - dt.timedelta(minutes=1))
    sign_in(client, hanna)
    assert 'id="accept-button"' not in text(client.get(url("helper-offer", workspace, offer.pk)))
    response = client.post(url("helper-offer-accept", workspace, offer.pk))
    assert response.status_code == 422
    assert "The time to answer this offer is over." in text(response)
    assert not Booking.objects.exists()


# --- bookings ------------------------------------------------------------------------------------


def started_booking(workspace, skill, helper, *, days_ago=0):
    request = customer_request(workspace, skill, state=RequestState.BOOKED)
    starts_at = day_ahead(-days_ago, 0) - dt.timedelta(hours=2)
    return make_booking(request=request, helper=helper, starts_at=starts_at)


def test_the_helper_cancels_a_booking_with_a_reason(client, workspace, hanna, erika_request):
    booking = bookings.offer_accept(offer=offered(erika_request, hanna), helper=hanna)
    sign_in(client, hanna)
    cancel = url("helper-booking-cancel", workspace, booking.pk)
    assert client.post(cancel, {"reason": ""}).status_code == 422
    response = client.post(cancel, {"reason": "Ich bin krank."})
    assert response["Location"] == url("helper-booking", workspace, booking.pk)
    booking.refresh_from_db()
    assert (booking.state, booking.cancelled_by, booking.cancel_reason) == (
        BookingState.CANCELLED, Side.HELPER, "Ich bin krank.",
    )  # fmt: skip
    body = text(client.get(response["Location"]))
    assert 'id="customer-phone"' not in body


def test_a_job_cannot_be_finished_before_it_starts(client, workspace, hanna, erika_request):
    booking = bookings.offer_accept(offer=offered(erika_request, hanna), helper=hanna)
    sign_in(client, hanna)
    assert 'id="finish-form"' not in text(client.get(url("helper-booking", workspace, booking.pk)))
    response = client.post(url("helper-booking-finish", workspace, booking.pk),
                           {"solved": "yes", "price_paid": "30"})  # fmt: skip
    assert response.status_code == 422
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED


def test_the_helper_finishes_a_solved_job_with_the_price_and_rates_the_customer_once(
    client, workspace, wifi, hanna
):
    booking = started_booking(workspace, wifi, hanna)
    sign_in(client, hanna)
    assert 'id="finish-form"' in text(client.get(url("helper-booking", workspace, booking.pk)))
    response = client.post(url("helper-booking-finish", workspace, booking.pk),
                           {"solved": "yes", "price_paid": "30", "notes": ""})  # fmt: skip
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.state, booking.price_paid) == (BookingState.DONE, Decimal("30.00"))
    rate = url("helper-booking-rate", workspace, booking.pk)
    assert client.post(rate, {"stars": "4", "comment": "Nett."}).status_code == 302
    assert client.post(rate, {"stars": "1"}).status_code == 422
    assert list(Rating.objects.values_list("by", "stars", "comment")) == [(Side.HELPER, 4, "Nett.")]


def test_an_unsolved_job_needs_notes_and_is_escalated(client, workspace, wifi, hanna):
    booking = started_booking(workspace, wifi, hanna)
    sign_in(client, hanna)
    finish = url("helper-booking-finish", workspace, booking.pk)
    refused = client.post(finish, {"solved": "no", "notes": ""})
    assert refused.status_code == 422
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    client.post(finish, {"solved": "no", "notes": "Der Router ist defekt."})
    booking.refresh_from_db()
    booking.request.refresh_from_db()
    assert (booking.state, booking.notes) == (BookingState.ESCALATED, "Der Router ist defekt.")
    assert booking.request.state == RequestState.ESCALATED


def test_the_helper_reports_the_customer(client, workspace, wifi, hanna):
    booking = started_booking(workspace, wifi, hanna)
    sign_in(client, hanna)
    client.post(url("helper-booking-report", workspace, booking.pk), {"text": "Hund bissig."})
    assert list(Report.objects.values_list("by", "booking", "text")) == [
        (Side.HELPER, booking.pk, "Hund bissig.")
    ]


def test_a_helper_cannot_see_or_touch_another_helpers_booking(client, workspace, wifi, hanna):
    other = make_helper(workspace, skills=[wifi])
    booking = started_booking(workspace, wifi, other)
    sign_in(client, hanna)
    assert client.get(url("helper-booking", workspace, booking.pk)).status_code == 404
    answers = {"reason": "x", "solved": "yes", "stars": "1", "text": "x"}
    for action in ("cancel", "finish", "rate", "report"):
        response = client.post(url(f"helper-booking-{action}", workspace, booking.pk), answers)
        assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    assert not Report.objects.exists()
    assert not Rating.objects.exists()
    assert "Erika" not in text(client.get(url("helper-booking-list", workspace)))


def test_the_booking_list_shows_own_bookings(client, workspace, wifi, hanna):
    booking = started_booking(workspace, wifi, hanna)
    sign_in(client, hanna)
    body = text(client.get(url("helper-booking-list", workspace)))
    assert url("helper-booking", workspace, booking.pk) in body


# --- ratings, times, days off, data --------------------------------------------------------------


def test_the_ratings_page_shows_the_ratings_received_and_their_average(
    client, workspace, wifi, hanna
):
    for days_ago, stars, comment in ((1, 5, "Super"), (2, 4, "<b>gut</b>")):
        booking = started_booking(workspace, wifi, hanna, days_ago=days_ago)
        Booking.objects.filter(pk=booking.pk).update(state=BookingState.DONE)
        Rating.objects.create(workspace=workspace, booking=booking, by=Side.CUSTOMER,
                              stars=stars, comment=comment)  # fmt: skip
        Rating.objects.create(workspace=workspace, booking=booking, by=Side.HELPER, stars=1)
    sign_in(client, hanna)
    body = text(client.get(url("helper-ratings", workspace)))
    assert "4.5 of 5 from 2 ratings" in body
    assert "&lt;b&gt;gut&lt;/b&gt;" in body


def test_the_helper_replaces_the_weekly_times(client, workspace, hanna):
    sign_in(client, hanna)
    page = text(client.get(url("helper-availability", workspace)))
    assert 'name="weekday_9"' in page  # seven days and three blank rows
    response = client.post(url("helper-availability", workspace), {
        "rows": "3", "weekday_0": "2", "from_0": "18:00", "until_0": "21:00",
        "weekday_2": "6", "from_2": "23:00", "until_2": "01:00",
    })  # fmt: skip
    assert response["Location"] == url("helper-availability", workspace)
    assert list(Availability.objects.filter(helper=hanna).values_list(
        "weekday", "starts", "ends")) == [(2, dt.time(18), dt.time(21)),
                                          (6, dt.time(23), dt.time(1))]  # fmt: skip


def test_a_half_filled_time_row_is_refused_and_nothing_changes(client, workspace, hanna):
    sign_in(client, hanna)
    response = client.post(url("helper-availability", workspace),
                           {"rows": "2", "weekday_0": "2", "from_0": "18:00"})  # fmt: skip
    assert response.status_code == 422
    assert Availability.objects.filter(helper=hanna).count() == 7


def test_the_helper_replaces_the_days_off(client, workspace, hanna):
    sign_in(client, hanna)
    response = client.post(url("helper-holidays", workspace), {
        "rows": "2", "first_0": "2030-07-01", "last_0": "2030-07-14",
    })  # fmt: skip
    assert response.status_code == 302
    assert list(Holiday.objects.filter(helper=hanna).values_list("first_day", "last_day")) == [
        (dt.date(2030, 7, 1), dt.date(2030, 7, 14))
    ]
    refused = client.post(url("helper-holidays", workspace), {
        "rows": "1", "first_0": "2030-07-14", "last_0": "2030-07-01",
    })  # fmt: skip
    assert refused.status_code == 422
    assert Holiday.objects.filter(helper=hanna).count() == 1


def test_the_helper_downloads_their_data(client, workspace, hanna):
    sign_in(client, hanna)
    response = client.get(url("helper-data-export", workspace))
    assert response["Content-Disposition"] == 'attachment; filename="my-helper-data.json"'
    data = json.loads(response.content)
    assert (data["name"], data["email"]) == ("Hanna Huber", "hanna@example.com")


def test_deleting_the_data_needs_the_tick_and_then_signs_out(client, workspace, hanna):
    sign_in(client, hanna)
    erase = url("helper-data-erase", workspace)
    assert client.post(erase, {}).status_code == 422
    hanna.refresh_from_db()
    assert hanna.name == "Hanna Huber"
    response = client.post(erase, {"confirm": "on"})
    assert response.status_code == 200
    assert 'id="erased"' in text(response)
    hanna.refresh_from_db()
    assert hanna.email == f"erased-{hanna.pk}@invalid.invalid"
    assert hanna.name != "Hanna Huber"
    assert HELPER_SESSION_KEY not in client.session


def test_erasing_is_only_a_post(client, workspace, hanna):
    sign_in(client, hanna)
    assert client.get(url("helper-data-erase", workspace)).status_code == 405
    hanna.refresh_from_db()
    assert hanna.name == "Hanna Huber"
