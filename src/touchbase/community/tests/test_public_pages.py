"""The public pages of community help: a customer's request and its page, a helper's sign-up."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from touchbase.community import bookings, helpers, requests
from touchbase.community.choices import BookingState, RequestState, Side
from touchbase.community.models import (
    Availability,
    Booking,
    CustomerBlock,
    Helper,
    HelperSkill,
    HelpRequest,
    Rating,
    Report,
)
from touchbase.community.tests.factories import make_booking, make_helper, make_request, make_skill
from touchbase.community.tests.services_support import candidate, day_ahead, mails_owed
from touchbase.visitors.services import DEFAULT_LIMIT, LIMITS

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def wifi(workspace):
    return make_skill(workspace, name="Gast-WLAN einrichten")


def in_days(days: int) -> dt.date:
    return (timezone.now().astimezone(BERLIN) + dt.timedelta(days=days)).date()


def request_data(topic, **changes):
    data = {
        "skill": str(topic.pk), "description": "Das WLAN für Gäste soll laufen.",
        "name": "Erika Muster", "email": "erika@example.com", "phone": "0171 2345678",
        "language": "de", "country": "DE", "postal_code": "80331", "town": "München",
        "address": "Marienplatz 1", "budget": "25",
        "date_0": in_days(3).isoformat(), "from_0": "10:00", "until_0": "12:00",
        "date_1": in_days(4).isoformat(), "from_1": "17:30", "until_1": "19:00",
    }  # fmt: skip
    data.update(changes)
    return data


def apply_data(topic, **changes):
    data = {
        "name": "Hanna Huber", "email": "hanna@example.com", "phone": "089 1234567",
        "language": "de", "country": "DE", "postal_code": "80331", "town": "München",
        "radius_km": "12", "time_zone": "Europe/Berlin", "hourly_price": "18.50",
        "skills": [str(topic.pk)], "about": "Ich richte gern Router ein.", "rows": "7",
        "terms_accepted": "on", "weekday_0": "0", "from_0": "18:00", "until_0": "21:00",
        "weekday_1": "5", "from_1": "22:00", "until_1": "02:00",
    }  # fmt: skip
    data.update(changes)
    return data


def form_url(workspace):
    return reverse("community:request-form", args=[workspace.slug])


def apply_url(workspace):
    return reverse("community:helper-apply", args=[workspace.slug])


def unconfirmed_helper(workspace, skill):
    helper = make_helper(workspace, skills=[skill], verified=False)
    Helper.objects.filter(pk=helper.pk).update(email_confirmed_at=None)
    helper.refresh_from_db()
    return helper


def page_url(request):
    return reverse("community:request-page",
                   args=[request.workspace.slug, requests.request_link(request)])  # fmt: skip


def text(response) -> str:
    return response.content.decode()


# --- the request form ----------------------------------------------------------------------------


def test_the_request_form_offers_the_active_topics_only(client, workspace, wifi):
    retired = make_skill(workspace, name="Faxgerät anschließen")
    retired.active = False
    retired.save()
    response = client.get(form_url(workspace))
    assert response.status_code == 200
    assert "Gast-WLAN einrichten" in text(response)
    assert "Faxgerät anschließen" not in text(response)
    assert response["Cache-Control"] == "no-store, private"


def test_a_posted_request_waits_for_its_confirmation_with_its_times_in_utc(client, workspace, wifi):
    response = client.post(form_url(workspace), request_data(wifi))
    assert response.status_code == 200
    assert 'id="check-mail"' in text(response)
    request = HelpRequest.objects.get()
    assert request.state == RequestState.UNCONFIRMED
    assert (request.name, request.email, request.phone) == (
        "Erika Muster", "erika@example.com", "+491712345678",
    )  # fmt: skip
    assert request.address == "Marienplatz 1"
    assert request.budget == Decimal("25.00")
    assert request.skill == wifi
    first = dt.datetime.combine(in_days(3), dt.time(10), tzinfo=BERLIN)
    second = dt.datetime.combine(in_days(4), dt.time(17, 30), tzinfo=BERLIN)
    assert list(request.windows.values_list("starts_at", "ends_at")) == [
        (first, first + dt.timedelta(hours=2)),
        (second, second + dt.timedelta(minutes=90)),
    ]
    assert mails_owed() == [("request_confirm", "erika@example.com")]


def test_a_request_without_a_time_or_with_one_ending_before_it_starts_is_refused(
    client, workspace, wifi
):
    response = client.post(form_url(workspace), request_data(
        wifi, date_0="", from_0="", until_0="", date_1=in_days(2).isoformat(), from_1="12:00",
        until_1="11:00",
    ))  # fmt: skip
    assert response.status_code == 422
    assert "End after you start." in text(response)
    assert not HelpRequest.objects.exists()


def test_a_filled_in_honeypot_reads_like_success_and_keeps_nothing(client, workspace, wifi):
    response = client.post(form_url(workspace), request_data(wifi, website="http://spam"))
    assert response.status_code == 200
    assert 'id="check-mail"' in text(response)
    assert not HelpRequest.objects.exists()
    assert mails_owed() == []


def test_requests_beyond_the_mailbox_limit_are_answered_429(client, workspace, wifi):
    allowed = LIMITS.get("confirm-mail", DEFAULT_LIMIT).per_email
    for _attempt in range(allowed):
        assert client.post(form_url(workspace), request_data(wifi)).status_code == 200
    response = client.post(form_url(workspace), request_data(wifi))
    assert response.status_code == 429
    assert 'id="throttled"' in text(response)
    assert HelpRequest.objects.count() == allowed


def test_closed_requests_show_a_clear_page_and_keep_nothing(client, workspace, wifi):
    community = helpers.settings_for(workspace)
    community.requests_open = False
    community.save()
    response = client.get(form_url(workspace))
    assert response.status_code == 200
    assert 'id="closed"' in text(response)
    assert client.post(form_url(workspace), request_data(wifi)).status_code == 403
    assert not HelpRequest.objects.exists()


def test_a_blocked_address_gets_the_services_clear_error(client, workspace, wifi):
    CustomerBlock.objects.create(workspace=workspace, email="erika@example.com", reason="x")
    response = client.post(form_url(workspace), request_data(wifi))
    assert response.status_code == 422
    assert "Requests from this address are not accepted. Please call us." in text(response)
    assert not HelpRequest.objects.exists()


def test_another_workspaces_topic_is_refused(client, workspace, other_workspace, wifi):
    foreign = make_skill(other_workspace, name="Router")
    response = client.post(form_url(workspace), request_data(wifi, skill=str(foreign.pk)))
    assert response.status_code == 422
    assert not HelpRequest.objects.exists()


def test_an_unknown_slug_is_404(client, workspace, wifi):
    assert client.get("/help/nobody-here/").status_code == 404
    assert client.get("/help/nobody-here/helpers/apply/").status_code == 404
    assert client.post("/help/nobody-here/", request_data(wifi)).status_code == 404
    assert not HelpRequest.objects.exists()


def test_script_typed_into_the_request_is_shown_escaped_everywhere(client, workspace, wifi):
    # given a form sent back with an error: every field echoes the script as text
    fields = ("description", "name", "phone", "postal_code", "town", "address", "budget", "email")
    typed = dict.fromkeys(fields, SCRIPT)
    response = client.post(form_url(workspace), request_data(wifi, **typed))
    assert response.status_code == 422
    assert SCRIPT not in text(response)
    assert ESCAPED in text(response)
    # and a request kept with script in its free texts shows them as text on its page
    client.post(form_url(workspace), request_data(
        wifi, description=SCRIPT, name=SCRIPT, address=SCRIPT,
    ))  # fmt: skip
    request = HelpRequest.objects.get()
    page = client.get(page_url(request))
    assert page.status_code == 200
    assert SCRIPT not in text(page)
    assert text(page).count(ESCAPED) == 2  # the description and the address


# --- confirming and the request's page -----------------------------------------------------------


def confirm_url(request):
    token = requests.request_confirm_token(request)
    return reverse("community:request-confirm", args=[request.workspace.slug, token])


def test_opening_the_confirmation_link_changes_nothing_until_the_button(client, workspace, wifi):
    request = make_request(workspace, skill=wifi, state=RequestState.UNCONFIRMED,
                           confirmed_at=None)  # fmt: skip
    response = client.get(confirm_url(request))
    assert response.status_code == 200
    assert 'id="confirm-button"' in text(response)
    request.refresh_from_db()
    assert request.state == RequestState.UNCONFIRMED
    # when
    response = client.post(confirm_url(request))
    # then
    request.refresh_from_db()
    assert request.state == RequestState.OPEN
    assert response.status_code == 302
    assert response["Location"].startswith(f"/help/{workspace.slug}/requests/")
    page = client.get(response["Location"])
    assert "We are looking for a helper near you." in text(page)


def test_a_forged_or_expired_confirmation_link_says_so_and_confirms_nothing(
    client, workspace, wifi, clock
):
    request = make_request(workspace, skill=wifi, state=RequestState.UNCONFIRMED,
                           confirmed_at=None)  # fmt: skip
    url = confirm_url(request)
    forged = client.post(url[:-6] + "xxxxx/")
    assert forged.status_code == 404
    assert 'id="link-invalid"' in text(forged)
    clock.advance(requests.CONFIRM_AGE.total_seconds() + 60)
    expired = client.post(url)
    assert expired.status_code == 404
    assert "This link has expired." in text(expired)
    request.refresh_from_db()
    assert request.state == RequestState.UNCONFIRMED


def test_a_link_of_one_workspace_opens_nothing_under_another_slug(
    client, workspace, other_workspace, wifi
):
    request = make_request(workspace, skill=wifi, state=RequestState.UNCONFIRMED,
                           confirmed_at=None)  # fmt: skip
    token = requests.request_confirm_token(request)
    response = client.post(reverse("community:request-confirm", args=[other_workspace.slug, token]))
    assert response.status_code == 404
    link = requests.request_link(request)
    page = client.get(reverse("community:request-page", args=[other_workspace.slug, link]))
    assert page.status_code == 404
    assert 'id="link-invalid"' in text(page)
    request.refresh_from_db()
    assert request.state == RequestState.UNCONFIRMED


def test_the_request_page_cannot_be_reached_without_its_signed_token(client, workspace, wifi):
    request = make_request(workspace, skill=wifi)
    assert client.get(f"/help/{workspace.slug}/requests/").status_code == 404
    bare = client.get(f"/help/{workspace.slug}/requests/{request.token}/")
    assert bare.status_code == 404
    assert request.name not in text(bare)
    forged = client.get(page_url(request)[:-8] + "AAAAAAA/")
    assert forged.status_code == 404
    assert request.name not in text(forged)


def test_the_customer_sees_the_helpers_first_name_only_until_the_booking_is_confirmed(
    client, workspace, wifi
):
    helper = make_helper(workspace, name="Hanna Huber", skills=[wifi], phone="+4989111222",
                         email="hanna@example.com")  # fmt: skip
    request = make_request(workspace, skill=wifi, windows=[(day_ahead(2), day_ahead(2, 12))])
    offer = bookings.offer_make(request=request, candidate=candidate(helper, day_ahead(2)),
                                by=None)  # fmt: skip
    before = text(client.get(page_url(request)))
    assert "Hanna" in before
    assert 'id="verified-badge"' in before
    for secret in ("Huber", "+4989111222", "hanna@example.com"):
        assert secret not in before
    # when the helper accepts
    bookings.offer_accept(offer=offer, helper=helper)
    after = text(client.get(page_url(request)))
    assert "Hanna Huber" in after
    assert 'href="tel:+4989111222"' in after
    assert "hanna@example.com" in after
    assert 'id="booking-time"' in after


def test_the_customer_cancels_a_booked_request_with_a_reason(client, workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    request = make_request(workspace, skill=wifi, windows=[(day_ahead(2), day_ahead(2, 12))])
    offer = bookings.offer_make(request=request, candidate=candidate(helper, day_ahead(2)),
                                by=None)  # fmt: skip
    booking = bookings.offer_accept(offer=offer, helper=helper)
    cancel = reverse("community:request-cancel",
                     args=[workspace.slug, requests.request_link(request)])  # fmt: skip
    refused = client.post(cancel, {"reason": ""})
    assert refused.status_code == 422
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    response = client.post(cancel, {"reason": "Mein Sohn hat es schon gemacht."})
    assert response.status_code == 302
    booking.refresh_from_db()
    request.refresh_from_db()
    assert (booking.state, booking.cancelled_by) == (BookingState.CANCELLED, Side.CUSTOMER)
    assert booking.cancel_reason == "Mein Sohn hat es schon gemacht."
    assert request.state == RequestState.CANCELLED
    assert "Your request is cancelled." in text(client.get(response["Location"]))


def test_the_customer_rates_the_helper_once_after_the_job(client, workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    request = make_request(workspace, skill=wifi, state=RequestState.DONE)
    booking = make_booking(request=request, helper=helper, state=BookingState.DONE,
                           starts_at=day_ahead(-2))  # fmt: skip
    rate = reverse("community:request-rate", args=[workspace.slug, requests.request_link(request)])
    assert 'id="rate-form"' in text(client.get(page_url(request)))
    response = client.post(rate, {"stars": "5", "comment": "Sehr geduldig!"})
    assert response.status_code == 302
    again = client.post(rate, {"stars": "1", "comment": "doch nicht"})
    assert again.status_code == 422
    assert list(Rating.objects.values_list("booking", "by", "stars", "comment")) == [
        (booking.pk, Side.CUSTOMER, 5, "Sehr geduldig!")
    ]
    assert 'id="rate-form"' not in text(client.get(page_url(request)))


def test_a_customer_cannot_rate_before_the_job_is_done(client, workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    request = make_request(workspace, skill=wifi, state=RequestState.BOOKED)
    make_booking(request=request, helper=helper, starts_at=day_ahead(2))
    rate = reverse("community:request-rate", args=[workspace.slug, requests.request_link(request)])
    assert client.post(rate, {"stars": "5"}).status_code == 422
    assert not Rating.objects.exists()


def test_the_customer_reports_the_helper(client, workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    request = make_request(workspace, skill=wifi, state=RequestState.BOOKED)
    booking = make_booking(request=request, helper=helper, starts_at=day_ahead(2))
    report = reverse("community:request-report",
                     args=[workspace.slug, requests.request_link(request)])  # fmt: skip
    response = client.post(report, {"text": "Er war unfreundlich."})
    assert response.status_code == 302
    assert list(Report.objects.values_list("by", "helper", "booking", "request", "text")) == [
        (Side.CUSTOMER, helper.pk, booking.pk, request.pk, "Er war unfreundlich.")
    ]


def test_a_page_action_with_a_forged_token_changes_nothing(client, workspace, wifi):
    request = make_request(workspace, skill=wifi)
    response = client.post(
        reverse("community:request-cancel", args=[workspace.slug, "forged-token"]),
        {"reason": "x"},
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.state == RequestState.OPEN


# --- a helper's sign-up --------------------------------------------------------------------------


def test_the_sign_up_page_shows_skills_terms_and_the_workspaces_zone(client, workspace, wifi):
    community = helpers.settings_for(workspace)
    community.terms = f"Bitte pünktlich sein. {SCRIPT}"
    community.save()
    response = client.get(apply_url(workspace))
    assert response.status_code == 200
    body = text(response)
    assert "Gast-WLAN einrichten" in body
    assert "Bitte pünktlich sein." in body
    assert SCRIPT not in body
    assert '<option value="Europe/Berlin" selected>' in body
    assert 'id="coordinates"' not in body


def test_applying_makes_an_unverified_helper_and_says_check_your_mailbox(client, workspace, wifi):
    response = client.post(apply_url(workspace), apply_data(wifi))
    assert response.status_code == 200
    assert 'id="check-mail"' in text(response)
    helper = Helper.objects.get()
    assert (helper.name, helper.email, helper.phone, helper.radius_km) == (
        "Hanna Huber", "hanna@example.com", "+49891234567", 12,
    )  # fmt: skip
    assert helper.hourly_price == Decimal("18.50")
    assert helper.verified_at is None
    assert list(HelperSkill.objects.values_list("skill", flat=True)) == [wifi.pk]
    assert list(Availability.objects.values_list("weekday", "starts", "ends")) == [
        (0, dt.time(18), dt.time(21)), (5, dt.time(22), dt.time(2)),
    ]  # fmt: skip
    assert mails_owed() == [("helper_confirm", "hanna@example.com")]


def test_applying_again_with_a_known_address_reads_exactly_the_same(client, workspace, wifi):
    first = client.post(apply_url(workspace), apply_data(wifi))
    second = client.post(apply_url(workspace), apply_data(wifi, name="Somebody Else"))
    assert second.status_code == first.status_code == 200
    strip = re.compile(r'csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')
    assert strip.sub("", text(second)) == strip.sub("", text(first))
    assert list(Helper.objects.values_list("name", flat=True)) == ["Hanna Huber"]


def test_a_place_that_cannot_be_found_asks_for_coordinates(client, workspace, wifi):
    data = apply_data(wifi, postal_code="00000", town="Nirgendwo am See")
    response = client.post(apply_url(workspace), data)
    assert response.status_code == 422
    assert 'id="coordinates"' in text(response)
    assert "We could not find this place; enter the coordinates." in text(response)
    assert not Helper.objects.exists()
    response = client.post(apply_url(workspace), {**data, "latitude": "48.2",
                                                  "longitude": "11.6"})  # fmt: skip
    assert response.status_code == 200
    assert Helper.objects.values_list("latitude", "longitude").get() == (48.2, 11.6)


def test_the_sign_up_needs_the_terms_and_a_skill(client, workspace, wifi):
    response = client.post(apply_url(workspace), apply_data(wifi, terms_accepted="",
                                                            skills=[]))  # fmt: skip
    assert response.status_code == 422
    assert not Helper.objects.exists()


def test_more_weekly_rows_keep_the_answers_and_save_nothing(client, workspace, wifi):
    response = client.post(apply_url(workspace), apply_data(wifi, add_rows="1"))
    assert response.status_code == 200
    body = text(response)
    assert 'name="weekday_9"' in body
    assert 'name="weekday_10"' not in body
    assert 'value="Hanna Huber"' in body
    assert not Helper.objects.exists()


def test_a_honeypot_sign_up_reads_like_success_and_keeps_nothing(client, workspace, wifi):
    response = client.post(apply_url(workspace), apply_data(wifi, website="x"))
    assert 'id="check-mail"' in text(response)
    assert not Helper.objects.exists()


def test_sign_ups_beyond_the_limit_are_answered_429(client, workspace, wifi):
    allowed = LIMITS.get("confirm-mail", DEFAULT_LIMIT).per_email
    for _attempt in range(allowed):
        client.post(apply_url(workspace), apply_data(wifi))
    response = client.post(apply_url(workspace), apply_data(wifi))
    assert response.status_code == 429
    assert Helper.objects.count() == 1


def test_closed_sign_up_shows_a_clear_page(client, workspace, wifi):
    community = helpers.settings_for(workspace)
    community.signup_open = False
    community.save()
    response = client.get(apply_url(workspace))
    assert response.status_code == 200
    assert "Applications are closed" in text(response)
    assert client.post(apply_url(workspace), apply_data(wifi)).status_code == 403
    assert not Helper.objects.exists()


def test_script_in_every_sign_up_field_is_echoed_escaped(client, workspace, wifi):
    fields = (
        "name",
        "email",
        "phone",
        "postal_code",
        "town",
        "about",
        "radius_km",
        "hourly_price",
        "latitude",
    )
    typed = dict.fromkeys(fields, SCRIPT)
    response = client.post(apply_url(workspace), apply_data(wifi, **typed))
    assert response.status_code == 422
    assert SCRIPT not in text(response)
    assert ESCAPED in text(response)


def test_the_helpers_confirmation_link_confirms_only_by_its_button(client, workspace, wifi):
    helper = unconfirmed_helper(workspace, wifi)
    url = reverse("community:helper-confirm",
                  args=[workspace.slug, helpers.helper_confirm_token(helper)])  # fmt: skip
    assert 'id="confirm-button"' in text(client.get(url))
    helper.refresh_from_db()
    assert helper.email_confirmed_at is None
    response = client.post(url)
    assert response.status_code == 200
    assert 'id="confirmed"' in text(response)
    helper.refresh_from_db()
    assert helper.email_confirmed_at is not None


def test_a_forged_helper_confirmation_link_confirms_nothing(client, workspace, wifi):
    helper = unconfirmed_helper(workspace, wifi)
    url = reverse("community:helper-confirm", args=[workspace.slug, "nonsense"])
    response = client.post(url)
    assert response.status_code == 404
    assert 'id="link-invalid"' in text(response)
    helper.refresh_from_db()
    assert helper.email_confirmed_at is None


def test_booking_states_read_in_words_on_the_request_page(client, workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    request = make_request(workspace, skill=wifi, state=RequestState.ESCALATED)
    make_booking(request=request, helper=helper, starts_at=day_ahead(-1),
                 state=BookingState.ESCALATED)  # fmt: skip
    body = text(client.get(page_url(request)))
    assert "Our support will get in touch with you." in body
    assert Booking.objects.get().state == BookingState.ESCALATED


def test_the_request_page_says_when_a_helper_was_asked_and_when_one_had_to_cancel(
    client, workspace, wifi
):
    helper = make_helper(workspace, skills=[wifi])
    request = make_request(workspace, skill=wifi, windows=[(day_ahead(2), day_ahead(2, 12))])
    offer = bookings.offer_make(request=request, candidate=candidate(helper, day_ahead(2)),
                                by=None)  # fmt: skip
    assert "We have asked a helper for one of your times" in text(client.get(page_url(request)))
    booking = bookings.offer_accept(offer=offer, helper=helper)
    assert "Your helper is booked." in text(client.get(page_url(request)))
    bookings.booking_cancel(booking=booking, side=Side.HELPER, reason="Krank.")
    request.refresh_from_db()
    assert request.state == RequestState.OPEN
    body = text(client.get(page_url(request)))
    assert "The helper had to cancel. We are looking for somebody else." in body
    assert 'id="helper-card"' not in body
