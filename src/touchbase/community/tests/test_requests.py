from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from touchbase.community import requests
from touchbase.community.choices import BookingState, OfferState, RequestState, Side
from touchbase.community.models import CommunityMail, CustomerBlock, HelpRequest
from touchbase.community.tests.factories import (
    make_booking,
    make_helper,
    make_offer,
    make_request,
    make_skill,
)
from touchbase.community.tests.services_support import day_ahead, mails_owed
from touchbase.core.signing import LinkInvalid

pytestmark = pytest.mark.django_db


@pytest.fixture
def wifi(workspace):
    return make_skill(workspace, name="Gast-WLAN einrichten")


def ask(workspace, skill, **changes):
    fields = {
        "workspace": workspace, "name": "Erika Muster", "email": "Erika@Example.com",
        "phone": "0171 2345678", "language": "en", "skill": skill,
        "description": "Die Gäste sollen ins WLAN.", "country": "DE", "postal_code": "80331",
        "town": "München", "address": "Marienplatz 1", "budget": Decimal("25"),
        "windows": [(day_ahead(2), day_ahead(2, 12))],
    }  # fmt: skip
    fields.update(changes)
    return requests.request_create(**fields)


def test_a_public_request_waits_for_its_confirmation_mail(workspace, wifi):
    request = ask(workspace, wifi)
    assert request.state == RequestState.UNCONFIRMED
    assert request.email == "erika@example.com"
    assert request.phone == "+491712345678"
    assert round(request.latitude, 1) == 48.1
    assert list(request.windows.values_list("starts_at", "ends_at")) == [
        (day_ahead(2), day_ahead(2, 12))
    ]
    assert mails_owed() == [("request_confirm", "erika@example.com")]
    token = requests.request_confirm_token(request)
    confirmed = requests.request_confirm(workspace=workspace, token=token)
    assert confirmed.state == RequestState.OPEN
    first = confirmed.confirmed_at
    # a second click changes nothing, even once the request moved on
    HelpRequest.objects.filter(pk=request.pk).update(state=RequestState.OFFERED)
    again = requests.request_confirm(workspace=workspace, token=token)
    assert (again.state, again.confirmed_at) == (RequestState.OFFERED, first)


def test_a_confirmation_link_of_another_workspace_or_forged_confirms_nothing(
    workspace, other_workspace, wifi
):
    request = ask(workspace, wifi)
    token = requests.request_confirm_token(request)
    with pytest.raises(LinkInvalid):
        requests.request_confirm(workspace=other_workspace, token=token)
    with pytest.raises(LinkInvalid):
        requests.request_confirm(workspace=workspace, token=token + "x")
    request.refresh_from_db()
    assert request.state == RequestState.UNCONFIRMED


def test_a_blocked_customer_gets_a_clear_error(workspace, wifi, alice):
    CustomerBlock.objects.create(workspace=workspace, email="erika@example.com", reason="Spam")
    with pytest.raises(ValidationError) as error:
        ask(workspace, wifi, email="ERIKA@example.com")
    assert error.value.message_dict == {
        "email": ["Requests from this address are not accepted. Please call us."]
    }
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize(
    ("windows", "message"),
    [
        ([], "Give at least one time that suits you."),
        ([(day_ahead(-1), day_ahead(-1, 11))], "Choose times in the future."),
        ([(day_ahead(2, 6), day_ahead(2, 19))],
         "A time lasts at most 12 hours; give several instead."),
        ([(day_ahead(91), day_ahead(91, 11))], "Choose times within the next 90 days."),
        ([(day_ahead(2, 11), day_ahead(2, 10))], "A time must end after it starts."),
        ([(day_ahead(n), day_ahead(n, 11)) for n in range(1, 7)], "Give at most 5 times."),
    ],
)  # fmt: skip
def test_times_are_bounded(workspace, wifi, windows, message):
    with pytest.raises(ValidationError) as error:
        ask(workspace, wifi, windows=windows)
    assert error.value.message_dict == {"windows": [message]}
    assert not HelpRequest.objects.exists()


def test_a_topic_of_another_workspace_and_an_unknown_place_are_field_errors(
    workspace, other_workspace, wifi
):
    foreign = make_skill(other_workspace, name="Router")
    with pytest.raises(ValidationError) as error:
        ask(workspace, foreign, postal_code="00000", town="Nirgendwo")
    assert set(error.value.message_dict) == {"skill", "postal_code"}


def test_staff_ask_for_a_known_customer_and_the_request_is_open_at_once(
    workspace, wifi, alice, contact
):
    request = ask(workspace, wifi, contact=contact, by=alice, name="", email="", phone="")
    assert request.state == RequestState.OPEN
    assert request.confirmed_at is not None
    assert (request.name, request.email, request.phone) == (
        "Jürgen Müller",
        "juergen@sonnenschein.example",
        "+49891234567",
    )
    assert request.contact == contact
    assert request.created_by == alice
    assert not CommunityMail.objects.exists()


def test_staff_cannot_ask_for_a_customer_of_another_workspace(
    workspace, wifi, alice, carol_contact
):
    with pytest.raises(ValidationError) as error:
        ask(workspace, wifi, contact=carol_contact, by=alice)
    assert "contact" in error.value.message_dict


def test_the_customers_page_link_names_their_request_only(workspace, other_workspace, wifi):
    request = ask(workspace, wifi)
    token = requests.request_link(request)
    assert requests.request_from_link(workspace, token) == request
    with pytest.raises(LinkInvalid):
        requests.request_from_link(other_workspace, token)
    with pytest.raises(LinkInvalid):
        requests.request_from_link(workspace, requests.request_confirm_token(request))
    # a new token on the request (after an erasure, say) retires every link
    HelpRequest.objects.filter(pk=request.pk).update(token="rotated")
    with pytest.raises(LinkInvalid):
        requests.request_from_link(workspace, token)


def test_cancelling_a_request_withdraws_its_offer(workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    request = make_request(workspace, skill=wifi, state=RequestState.OFFERED)
    offer = make_offer(request=request, helper=helper, starts_at=day_ahead(2))
    cancelled = requests.request_cancel(request=request, side=Side.CUSTOMER, reason="")
    offer.refresh_from_db()
    assert cancelled.state == RequestState.CANCELLED
    assert offer.state == OfferState.WITHDRAWN
    assert not CommunityMail.objects.exists()
    with pytest.raises(ValidationError):
        requests.request_cancel(request=request, side=Side.CUSTOMER, reason="")


def test_cancelling_a_booked_request_needs_a_reason_and_tells_the_helper(workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    request = make_request(workspace, skill=wifi, state=RequestState.BOOKED)
    booking = make_booking(request=request, helper=helper, starts_at=day_ahead(2))
    with pytest.raises(ValidationError):
        requests.request_cancel(request=request, side=Side.CUSTOMER, reason=" ")
    requests.request_cancel(request=request, side=Side.CUSTOMER, reason="Schon erledigt")
    booking.refresh_from_db()
    request.refresh_from_db()
    assert (booking.state, booking.cancelled_by) == (BookingState.CANCELLED, Side.CUSTOMER)
    assert request.state == RequestState.CANCELLED
    assert not booking.hours.exists()
    assert mails_owed() == [("cancelled", helper.email)]


def test_requests_can_be_closed_for_the_public_but_not_for_staff(workspace, wifi, alice, contact):
    from touchbase.community.helpers import settings_for

    community = settings_for(workspace)
    community.requests_open = False
    community.save()
    with pytest.raises(ValidationError):
        ask(workspace, wifi)
    assert ask(workspace, wifi, contact=contact, by=alice).state == RequestState.OPEN


def test_a_customers_export_and_erasure_cover_their_requests(workspace, wifi, contact, alice):
    helper = make_helper(workspace, skills=[wifi], name="Hanna Huber")
    request = ask(workspace, wifi, contact=contact, by=alice)
    other = ask(workspace, wifi)  # somebody else's
    booking = make_booking(request=request, helper=helper, starts_at=day_ahead(2))
    HelpRequest.objects.filter(pk=request.pk).update(state=RequestState.BOOKED)
    data = requests.contact_requests_export(contact)
    [exported] = data["help_requests"]
    assert (exported["email"], exported["address"]) == (contact.email, "Marienplatz 1")
    assert [b["helper"] for b in exported["bookings"]] == ["Hanna Huber"]
    token = requests.request_link(request)
    requests.contact_requests_erase(contact)
    request.refresh_from_db()
    booking.refresh_from_db()
    assert (request.name, request.email, request.phone, request.address) == (
        "[erased]",
        "erased@invalid.invalid",
        "",
        "",
    )
    assert request.state == RequestState.CANCELLED
    assert booking.state == BookingState.CANCELLED
    assert mails_owed(kind="cancelled") == [("cancelled", helper.email)]
    with pytest.raises(LinkInvalid):
        requests.request_from_link(workspace, token)
    other.refresh_from_db()
    assert other.name == "Erika Muster"
