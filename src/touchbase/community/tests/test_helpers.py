from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from touchbase.community import helpers
from touchbase.community.choices import BookingState, OfferState, RequestState, Side
from touchbase.community.models import Availability, CommunityMail, Helper, HelperSkill, Holiday
from touchbase.community.tests.factories import (
    make_booking,
    make_helper,
    make_offer,
    make_request,
    make_skill,
)
from touchbase.community.tests.services_support import day_ahead, mails_owed
from touchbase.core.signing import LinkExpired, LinkInvalid

pytestmark = pytest.mark.django_db


@pytest.fixture
def wifi(workspace):
    return make_skill(workspace, name="Gast-WLAN einrichten")


def apply(workspace, **changes):
    fields = {
        "workspace": workspace, "name": "Hanna Huber", "email": "Hanna@Example.com",
        "phone": "089 1234567", "language": "de", "country": "DE", "postal_code": "80331",
        "town": "München", "radius_km": 10, "time_zone": "Europe/Berlin",
        "hourly_price": Decimal("18"), "skill_ids": [], "terms_accepted": True,
        "availability": [(0, dt.time(18), dt.time(21)), (5, dt.time(22), dt.time(2))],
    }  # fmt: skip
    fields.update(changes)
    return helpers.helper_apply(**fields)


def test_applying_makes_an_unverified_helper_located_by_postal_code(workspace, wifi):
    helper = apply(workspace, skill_ids=[wifi.pk])
    assert helper.email == "hanna@example.com"
    assert helper.phone == "+49891234567"
    assert round(helper.latitude, 1) == 48.1
    assert round(helper.longitude, 1) == 11.6
    assert helper.verified_at is None
    assert helper.email_confirmed_at is None
    assert helper.terms_accepted_at is not None
    assert helper.terms_version == 1
    assert list(HelperSkill.objects.filter(helper=helper).values_list("skill", "checked_at")) == [
        (wifi.pk, None)
    ]
    assert list(Availability.objects.filter(helper=helper).values_list("weekday", "starts",
                                                                        "ends")) == [
        (0, dt.time(18), dt.time(21)), (5, dt.time(22), dt.time(2))
    ]  # fmt: skip
    assert mails_owed() == [("helper_confirm", "hanna@example.com")]


def test_an_application_without_terms_or_with_foreign_skills_is_refused_with_field_errors(
    workspace, other_workspace, wifi
):
    foreign = make_skill(other_workspace, name="Router")
    retired = make_skill(workspace, name="Fax")
    retired.active = False
    retired.save()
    with pytest.raises(ValidationError) as error:
        apply(workspace, skill_ids=[wifi.pk, foreign.pk], terms_accepted=False,
              phone="12", hourly_price=Decimal("900"))  # fmt: skip
    assert set(error.value.message_dict) == {"terms_accepted", "skill_ids", "phone",
                                             "hourly_price"}  # fmt: skip
    with pytest.raises(ValidationError) as error:
        apply(workspace, skill_ids=[retired.pk])
    assert set(error.value.message_dict) == {"skill_ids"}
    assert not Helper.objects.exists()
    assert not CommunityMail.objects.exists()


def test_a_place_we_cannot_find_asks_for_the_coordinates(workspace, wifi):
    with pytest.raises(ValidationError) as error:
        apply(workspace, skill_ids=[wifi.pk], postal_code="00000", town="Nirgendwo")
    assert error.value.message_dict == {
        "latitude": ["We could not find this place; enter the coordinates."]
    }
    helper = apply(workspace, skill_ids=[wifi.pk], postal_code="00000", town="Nirgendwo",
                   latitude=47.5, longitude=10.25)  # fmt: skip
    assert (helper.latitude, helper.longitude) == (47.5, 10.25)


def test_too_many_availability_windows_are_refused(workspace, wifi):
    windows = [(day % 7, dt.time(8), dt.time(9)) for day in range(22)]
    with pytest.raises(ValidationError) as error:
        apply(workspace, skill_ids=[wifi.pk], availability=windows)
    assert "availability" in error.value.message_dict
    assert not Helper.objects.exists()


def test_applying_again_with_a_known_address_changes_nothing_and_mails_the_owner_again(
    workspace, wifi
):
    first = apply(workspace, skill_ids=[wifi.pk])
    CommunityMail.objects.all().delete()
    again = apply(workspace, skill_ids=[wifi.pk], email="hanna@example.com", name="Mallory")
    assert again is None
    assert list(Helper.objects.values_list("pk", "name")) == [(first.pk, "Hanna Huber")]
    # not confirmed yet: the confirmation once more, to the address's owner only
    assert mails_owed() == [("helper_confirm", "hanna@example.com")]
    helpers.helper_email_confirm(workspace=workspace, token=helpers.helper_confirm_token(first))
    CommunityMail.objects.all().delete()
    assert apply(workspace, skill_ids=[wifi.pk]) is None
    assert mails_owed() == [("helper_link", "hanna@example.com")]


def test_the_confirmation_link_confirms_once_and_only_in_its_workspace(
    workspace, other_workspace, wifi
):
    helper = apply(workspace, skill_ids=[wifi.pk])
    token = helpers.helper_confirm_token(helper)
    with pytest.raises(LinkInvalid):
        helpers.helper_email_confirm(workspace=other_workspace, token=token)
    with pytest.raises(LinkInvalid):
        helpers.helper_email_confirm(workspace=workspace, token=token[:-2] + "xx")
    confirmed = helpers.helper_email_confirm(workspace=workspace, token=token)
    first_time = confirmed.email_confirmed_at
    assert first_time is not None
    again = helpers.helper_email_confirm(workspace=workspace, token=token)
    assert again.email_confirmed_at == first_time


def test_verification_needs_the_identity_seen_and_a_checked_skill(workspace, wifi, alice):
    helper = apply(workspace, skill_ids=[wifi.pk])
    with pytest.raises(ValidationError) as error:
        helpers.helper_verify(helper=helper, by=alice, identity_note="  ")
    assert set(error.value.message_dict) == {"identity_note", "skills"}
    with pytest.raises(ValidationError) as error:
        helpers.helper_verify(helper=helper, by=alice, identity_note="Personalausweis")
    assert error.value.message_dict == {
        "skills": ["Check at least one of the helper's skills first."]
    }
    helper.refresh_from_db()
    assert (helper.identity_checked_at, helper.verified_at) == (None, None)
    assert helpers.verification_missing(helper) == [
        "Their identity has not been seen.",
        "None of their skills has been checked.",
    ]
    helpers.skill_check(helper_skill=helper.helper_skills.get(), by=alice,
                        note="Hat mir ein Gast-WLAN gezeigt")  # fmt: skip
    verified = helpers.helper_verify(helper=helper, by=alice, identity_note="Personalausweis")
    assert verified.verified_at is not None
    assert verified.verified_by == alice
    assert verified.identity_note == "Personalausweis"
    assert verified.bookable
    assert helpers.verification_missing(verified) == []


def test_blocking_a_helper_withdraws_offers_and_cancels_future_bookings_telling_customers(
    workspace, wifi, alice
):
    helper = make_helper(workspace, skills=[wifi])
    offered = make_request(workspace, skill=wifi, state=RequestState.OFFERED)
    offer = make_offer(request=offered, helper=helper, starts_at=day_ahead(3))
    booked = make_request(workspace, skill=wifi, state=RequestState.BOOKED)
    future = make_booking(request=booked, helper=helper, starts_at=day_ahead(2))
    past_request = make_request(workspace, skill=wifi, state=RequestState.DONE)
    past = make_booking(request=past_request, helper=helper, starts_at=day_ahead(-2),
                        state=BookingState.DONE)  # fmt: skip
    with pytest.raises(ValidationError):
        helpers.helper_block(helper=helper, by=alice, reason=" ")
    blocked = helpers.helper_block(helper=helper, by=alice, reason="Kunde belästigt")
    assert blocked.blocked_at is not None
    assert not blocked.bookable
    offer.refresh_from_db()
    future.refresh_from_db()
    past.refresh_from_db()
    assert offer.state == OfferState.WITHDRAWN
    assert future.state == BookingState.CANCELLED
    assert future.cancelled_by == Side.HELPER
    assert "Kunde" not in future.cancel_reason  # the block's reason stays with the team
    assert not future.hours.exists()
    assert past.state == BookingState.DONE
    assert mails_owed(kind="cancelled") == [("cancelled", booked.email)]
    offered.refresh_from_db()
    assert offered.state == RequestState.OPEN  # nobody else to offer it to
    unblocked = helpers.helper_unblock(helper=blocked, by=alice)
    assert (unblocked.blocked_at, unblocked.block_reason) == (None, "")


def test_availability_and_holidays_are_replaced_within_bounds(workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    helpers.availability_replace(helper=helper, windows=[(2, dt.time(9), dt.time(12))])
    assert list(helper.availability.values_list("weekday", "starts", "ends")) == [
        (2, dt.time(9), dt.time(12))
    ]
    with pytest.raises(ValidationError):
        helpers.availability_replace(helper=helper, windows=[(7, dt.time(9), dt.time(12))])
    with pytest.raises(ValidationError):
        helpers.availability_replace(helper=helper, windows=[(1, dt.time(9), dt.time(9))])
    days = [(dt.date(2030, 1, 1) + dt.timedelta(days=2 * n),) * 2 for n in range(51)]
    with pytest.raises(ValidationError):
        helpers.holidays_replace(helper=helper, holidays=days)
    with pytest.raises(ValidationError):
        helpers.holidays_replace(helper=helper, holidays=[(dt.date(2030, 1, 5),
                                                            dt.date(2030, 1, 4))])  # fmt: skip
    helpers.holidays_replace(helper=helper, holidays=days[:50])
    assert Holiday.objects.filter(helper=helper).count() == 50
    assert list(helper.availability.values_list("weekday", flat=True)) == [2]


# --- sign-in by link ---------------------------------------------------------------------------


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def test_a_sign_in_link_opens_once(workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    token = token_of(helpers.helper_link(helper))
    assert helpers.helper_link_open(workspace=workspace, token=token) == helper
    with pytest.raises(LinkInvalid, match="used already"):
        helpers.helper_link_open(workspace=workspace, token=token)
    helper.refresh_from_db()
    fresh = token_of(helpers.helper_link(helper))
    assert helpers.helper_link_open(workspace=workspace, token=fresh) == helper


def test_a_sign_in_link_expires_after_a_day(workspace, wifi, clock):
    helper = make_helper(workspace, skills=[wifi])
    token = token_of(helpers.helper_link(helper))
    clock.advance(24 * 3600 + 1)
    with pytest.raises(LinkExpired):
        helpers.helper_link_open(workspace=workspace, token=token)


def test_a_forged_or_foreign_sign_in_link_opens_nothing(workspace, other_workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    token = token_of(helpers.helper_link(helper))
    with pytest.raises(LinkInvalid):
        helpers.helper_link_open(workspace=other_workspace, token=token)
    with pytest.raises(LinkInvalid):
        helpers.helper_link_open(workspace=workspace, token=token[:-3] + "abc")
    confirm = helpers.helper_confirm_token(helper)
    with pytest.raises(LinkInvalid):
        helpers.helper_link_open(workspace=workspace, token=confirm)
    helper.refresh_from_db()
    assert helper.last_seen_at is None


def test_a_blocked_helper_gets_no_link_and_cannot_use_an_old_one(workspace, wifi, alice):
    helper = make_helper(workspace, skills=[wifi])
    token = token_of(helpers.helper_link(helper))
    helpers.helper_block(helper=helper, by=alice, reason="Beschwerden")
    with pytest.raises(LinkInvalid):
        helpers.helper_link_open(workspace=workspace, token=token)
    assert helpers.helper_link_send(workspace=workspace, email=helper.email) is None
    assert not CommunityMail.objects.filter(kind="helper_link").exists()


def test_asking_for_a_link_answers_the_same_for_unknown_addresses(workspace, wifi):
    helper = make_helper(workspace, skills=[wifi], email="known@example.com")
    assert helpers.helper_link_send(workspace=workspace, email="unknown@example.com") is None
    assert helpers.helper_link_send(workspace=workspace, email="Known@Example.com ") is None
    # asked twice within the hour: the first link still works, so one mail
    assert helpers.helper_link_send(workspace=workspace, email="known@example.com") is None
    assert mails_owed() == [("helper_link", "known@example.com")]
    assert CommunityMail.objects.get().helper == helper


# --- personal data -----------------------------------------------------------------------------


def test_a_helpers_export_holds_their_data_and_erasure_blanks_it(workspace, wifi):
    helper = make_helper(workspace, skills=[wifi], name="Hanna Huber", phone="+49891234567")
    request = make_request(workspace, skill=wifi, state=RequestState.BOOKED)
    booking = make_booking(request=request, helper=helper, starts_at=day_ahead(2))
    data = helpers.helper_export(helper)
    assert data["name"] == "Hanna Huber"
    assert data["phone"] == "+49891234567"
    assert data["skills"] == [
        {"skill": wifi.name_en, "checked_at": data["skills"][0]["checked_at"]}
    ]
    assert [b["state"] for b in data["bookings"]] == ["confirmed"]
    erased = helpers.helper_erase(helper)
    assert erased.name == "[erased]"
    assert erased.email == f"erased-{helper.pk}@invalid.invalid"
    assert (erased.phone, erased.town, erased.postal_code) == ("", "", "")
    assert erased.blocked_at is not None
    assert not erased.availability.exists()
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED
    assert timezone.now() < booking.starts_at


def test_a_skill_name_taken_is_an_error_on_that_name_and_the_other_checks_still_show(workspace):
    make_skill(workspace, name="Router")
    with pytest.raises(ValidationError) as raised:
        helpers.skill_save(workspace=workspace, fields={
            "name_de": "Drucker", "name_en": "Router", "hours": Decimal("20"),
        })  # fmt: skip
    assert set(raised.value.message_dict) == {"name_en", "hours"}
