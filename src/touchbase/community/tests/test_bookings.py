from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from touchbase.community import bookings, matching
from touchbase.community.choices import BookingState, OfferState, ReportState, RequestState, Side
from touchbase.community.helpers import helper_block, settings_for
from touchbase.community.models import (
    BookedHour,
    Booking,
    CommunityMail,
    CustomerBlock,
    HelpRequest,
    Offer,
    Rating,
)
from touchbase.community.tests.factories import (
    make_helper,
    make_offer,
    make_request,
    make_skill,
)
from touchbase.community.tests.services_support import candidate, day_ahead, mails_owed
from touchbase.core.choices import Role
from touchbase.core.services import member_add
from touchbase.core.tenancy import workspace_scope
from touchbase.core.timeutil import local_today
from touchbase.relationships.models import Contact, Touchpoint
from touchbase.relationships.selectors import due_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def wifi(workspace):
    return make_skill(workspace, name="Gast-WLAN einrichten", technician_price="80")


def open_request(workspace, skill, **fields):
    return make_request(workspace, skill=skill, windows=[(day_ahead(2), day_ahead(2, 12))],
                        **fields)  # fmt: skip


def booked(workspace, skill, helper, *, starts_at=None, hours=1):
    request = open_request(workspace, skill)
    offer = bookings.offer_make(
        request=request, candidate=candidate(helper, starts_at or day_ahead(2), hours), by=None
    )
    return bookings.offer_accept(offer=offer, helper=helper)


# --- offers ------------------------------------------------------------------------------------


def test_an_offer_waits_for_the_helper_until_its_deadline_and_is_mailed(workspace, wifi, alice):
    helper = make_helper(workspace, skills=[wifi])
    request = open_request(workspace, wifi)
    before = timezone.now()
    offer = bookings.offer_make(request=request, candidate=candidate(helper, day_ahead(2)),
                                by=alice)  # fmt: skip
    request.refresh_from_db()
    assert request.state == RequestState.OFFERED
    assert offer.state == OfferState.PENDING
    assert offer.created_by == alice
    assert before + dt.timedelta(hours=24) <= offer.deadline_at
    assert offer.deadline_at <= timezone.now() + dt.timedelta(hours=24)
    assert mails_owed() == [("offer", helper.email)]
    other = make_helper(workspace, skills=[wifi])
    with pytest.raises(ValidationError, match="offered to a helper already"):
        bookings.offer_make(request=request, candidate=candidate(other, day_ahead(2)), by=alice)
    assert Offer.objects.count() == 1


def test_an_offer_answers_before_the_job_starts(workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    request = open_request(workspace, wifi)
    soon = timezone.now() + dt.timedelta(hours=3)
    offer = bookings.offer_make(request=request, candidate=candidate(helper, soon), by=None)
    assert offer.deadline_at == soon


def test_blocked_or_unverified_helpers_and_blocked_customers_get_no_offer(workspace, wifi, alice):
    blocked = make_helper(workspace, skills=[wifi], blocked_at=timezone.now())
    unverified = make_helper(workspace, skills=[wifi], verified=False)
    request = open_request(workspace, wifi)
    for helper in (blocked, unverified):
        with pytest.raises(ValidationError):
            bookings.offer_make(request=request, candidate=candidate(helper, day_ahead(2)),
                                by=alice)  # fmt: skip
    CustomerBlock.objects.create(workspace=workspace, email=request.email)
    good = make_helper(workspace, skills=[wifi])
    with pytest.raises(ValidationError, match="customer is blocked"):
        bookings.offer_make(request=request, candidate=candidate(good, day_ahead(2)), by=alice)
    assert not Offer.objects.exists()


def test_accepting_books_the_hours_and_the_technicians_price(workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    request = open_request(workspace, wifi)
    offer = bookings.offer_make(request=request, candidate=candidate(helper, day_ahead(2), 2),
                                by=None)  # fmt: skip
    booking = bookings.offer_accept(offer=offer, helper=helper)
    offer.refresh_from_db()
    request.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    assert (booking.starts_at, booking.ends_at) == (day_ahead(2), day_ahead(2, 11))
    assert booking.technician_price == Decimal("80.00")  # per job, not per hour
    assert offer.state == OfferState.ACCEPTED
    assert request.state == RequestState.BOOKED
    assert list(BookedHour.objects.filter(helper=helper).values_list("hour", flat=True)) == [
        day_ahead(2),
        day_ahead(2, 10),
    ]
    assert mails_owed(kind="booking_confirmed") == [
        ("booking_confirmed", helper.email),
        ("booking_confirmed", request.email),
    ]


def test_a_booking_holds_every_hour_it_touches(workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    starts = day_ahead(2) + dt.timedelta(minutes=30)
    request = open_request(workspace, wifi)
    offer = bookings.offer_make(
        request=request, by=None,
        candidate=matching.Candidate(helper=helper, starts_at=starts,
                                     ends_at=starts + dt.timedelta(hours=1), score=1,
                                     reasons=[], distance_km=1),
    )  # fmt: skip
    bookings.offer_accept(offer=offer, helper=helper)
    assert sorted(BookedHour.objects.values_list("hour", flat=True)) == [
        day_ahead(2),
        day_ahead(2, 10),
    ]


def test_a_helper_offered_two_jobs_at_once_can_take_only_one_of_two_overlapping(workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    first = open_request(workspace, wifi)
    second = open_request(workspace, wifi)
    later = open_request(workspace, wifi)
    offer_one = bookings.offer_make(request=first, candidate=candidate(helper, day_ahead(2), 2),
                                    by=None)  # fmt: skip
    offer_two = bookings.offer_make(
        request=second, candidate=candidate(helper, day_ahead(2, 10), 2), by=None
    )
    offer_three = bookings.offer_make(
        request=later, candidate=candidate(helper, day_ahead(2, 11), 1), by=None
    )
    bookings.offer_accept(offer=offer_one, helper=helper)
    offer_two.refresh_from_db()
    assert offer_two.state == OfferState.WITHDRAWN  # passed on: the helper is busy then
    with pytest.raises(ValidationError):
        bookings.offer_accept(offer=offer_two, helper=helper)
    # the one that does not overlap stays theirs to take
    bookings.offer_accept(offer=offer_three, helper=helper)
    assert Booking.objects.filter(helper=helper).count() == 2


def test_the_database_refuses_a_second_booking_of_the_same_hour(workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    booked(workspace, wifi, helper, starts_at=day_ahead(2))
    # an offer made behind the services' back, for the same hour
    request = open_request(workspace, wifi, state=RequestState.OFFERED)
    offer = make_offer(request=request, helper=helper, starts_at=day_ahead(2))
    with pytest.raises(ValidationError, match="already booked at that time"):
        bookings.offer_accept(offer=offer, helper=helper)
    offer.refresh_from_db()
    assert offer.state == OfferState.PENDING
    assert Booking.objects.count() == 1


def test_a_helper_cannot_answer_someone_elses_offer_or_an_expired_one(workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    stranger = make_helper(workspace, skills=[wifi])
    request = open_request(workspace, wifi)
    offer = bookings.offer_make(request=request, candidate=candidate(helper, day_ahead(2)),
                                by=None)  # fmt: skip
    with pytest.raises(ValidationError, match="not for you"):
        bookings.offer_accept(offer=offer, helper=stranger)
    with pytest.raises(ValidationError, match="not for you"):
        bookings.offer_decline(offer=offer, helper=stranger)
    Offer.objects.filter(pk=offer.pk).update(deadline_at=timezone.now() - dt.timedelta(1))
    with pytest.raises(ValidationError, match="time to answer"):
        bookings.offer_accept(offer=offer, helper=helper)
    assert not Booking.objects.exists()


def test_a_blocked_helper_cannot_accept(workspace, wifi, alice):
    helper = make_helper(workspace, skills=[wifi])
    request = open_request(workspace, wifi)
    offer = bookings.offer_make(request=request, candidate=candidate(helper, day_ahead(2)),
                                by=None)  # fmt: skip
    helper_block(helper=helper, by=alice, reason="Beschwerde")
    with pytest.raises(ValidationError):
        bookings.offer_accept(offer=offer, helper=helper)
    assert not Booking.objects.exists()


def test_declining_offers_the_next_best_candidate_and_at_the_end_opens_the_request(workspace, wifi):
    near = make_helper(workspace, skills=[wifi], name="Near")
    far = make_helper(workspace, skills=[wifi], name="Far", location=(48.2, 11.6))
    request = open_request(workspace, wifi)
    best = matching.candidates(request)
    assert [c.helper for c in best] == [near, far]
    offer = bookings.offer_make(request=request, candidate=best[0], by=None)
    bookings.offer_decline(offer=offer, helper=near, reason="Keine Zeit")
    offer.refresh_from_db()
    assert (offer.state, offer.decline_reason) == (OfferState.DECLINED, "Keine Zeit")
    following = Offer.objects.get(request=request, state=OfferState.PENDING)
    assert following.helper == far
    request.refresh_from_db()
    assert request.state == RequestState.OFFERED
    bookings.offer_decline(offer=following, helper=far)
    request.refresh_from_db()
    assert request.state == RequestState.OPEN
    assert not Offer.objects.filter(state=OfferState.PENDING).exists()
    assert mails_owed(kind="offer") == [("offer", near.email), ("offer", far.email)]


def test_an_unanswered_offer_expires_and_the_next_candidate_is_offered_once(workspace, wifi):
    near = make_helper(workspace, skills=[wifi])
    far = make_helper(workspace, skills=[wifi], location=(48.2, 11.6))
    request = open_request(workspace, wifi)
    offer = bookings.offer_make(request=request, candidate=matching.candidates(request)[0],
                                by=None)  # fmt: skip
    assert bookings.offers_expire() == 0
    Offer.objects.filter(pk=offer.pk).update(deadline_at=timezone.now() - dt.timedelta(1))
    assert bookings.offers_expire() == 1
    assert bookings.offers_expire() == 0
    offer.refresh_from_db()
    assert offer.state == OfferState.EXPIRED
    assert list(
        Offer.objects.filter(state=OfferState.PENDING).values_list("helper", flat=True)
    ) == [far.pk]
    assert offer.helper == near


def test_batch_offers_skip_requests_changed_since_the_proposal(workspace, wifi, alice):
    one, two = make_helper(workspace, skills=[wifi]), make_helper(workspace, skills=[wifi])
    fresh = open_request(workspace, wifi)
    changed = open_request(workspace, wifi)
    proposal = [(fresh, candidate(one, day_ahead(2))), (changed, candidate(two, day_ahead(2)))]
    HelpRequest.objects.filter(pk=changed.pk).update(
        state=RequestState.CANCELLED, updated_at=timezone.now()
    )
    offers = bookings.batch_offer(workspace, proposal, by=alice)
    assert [(o.request_id, o.helper_id) for o in offers] == [(fresh.pk, one.pk)]


# --- cancellations ------------------------------------------------------------------------------


def test_the_helper_cancelling_frees_the_hours_reopens_the_request_and_tells_the_customer(
    workspace, wifi
):
    helper = make_helper(workspace, skills=[wifi])
    booking = booked(workspace, wifi, helper)
    CommunityMail.objects.all().delete()
    with pytest.raises(ValidationError):
        bookings.booking_cancel(booking=booking, side=Side.HELPER, reason="")
    cancelled = bookings.booking_cancel(booking=booking, side=Side.HELPER, reason="Krank")
    assert (cancelled.state, cancelled.cancelled_by, cancelled.cancel_reason) == (
        BookingState.CANCELLED,
        Side.HELPER,
        "Krank",
    )
    assert not BookedHour.objects.exists()
    assert HelpRequest.objects.get(pk=booking.request_id).state == RequestState.OPEN
    assert mails_owed() == [("cancelled", booking.request.email)]
    with pytest.raises(ValidationError):
        bookings.booking_cancel(booking=booking, side=Side.HELPER, reason="Krank")


def test_the_customer_cancelling_closes_the_request_and_tells_the_helper(workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    booking = booked(workspace, wifi, helper)
    CommunityMail.objects.all().delete()
    bookings.booking_cancel(booking=booking, side=Side.CUSTOMER, reason="Sohn hat's gemacht")
    assert HelpRequest.objects.get(pk=booking.request_id).state == RequestState.CANCELLED
    assert not BookedHour.objects.exists()
    assert mails_owed() == [("cancelled", helper.email)]
    # the hour is free again for another job
    assert booked(workspace, wifi, helper).state == BookingState.CONFIRMED


# --- finishing ----------------------------------------------------------------------------------


def started(booking):
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=2),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    booking.refresh_from_db()
    return booking


def test_a_job_cannot_be_finished_before_it_starts(workspace, wifi):
    booking = booked(workspace, wifi, make_helper(workspace, skills=[wifi]))
    with pytest.raises(ValidationError):
        bookings.booking_finish(booking=booking, solved=True)


def test_a_done_job_records_its_price_and_shows_on_the_customers_timeline(workspace, wifi):
    helper = make_helper(workspace, skills=[wifi], name="Hanna Huber")
    booking = started(booked(workspace, wifi, helper))
    done = bookings.booking_finish(booking=booking, solved=True, price_paid=Decimal("20"))
    assert done.state == BookingState.DONE
    assert (done.price_paid, done.technician_price) == (Decimal("20.00"), Decimal("80.00"))
    request = HelpRequest.objects.get(pk=booking.request_id)
    assert request.state == RequestState.DONE
    # the customer was unknown: a contact found by nobody, so made from the request
    contact = Contact.objects.get(email=request.email)
    assert request.contact == contact
    touchpoint = Touchpoint.objects.get(pk=done.touchpoint_id)
    assert touchpoint.contact == contact
    assert (touchpoint.channel, touchpoint.source_kind, touchpoint.source_id) == (
        "community_help",
        "community_booking",
        booking.pk,
    )
    assert touchpoint.is_personal is False
    assert touchpoint.summary == "Community help by Hanna Huber: Gast-WLAN einrichten"


def test_an_unsolved_job_is_escalated_as_a_due_touchpoint_on_the_customer(
    workspace, wifi, alice, contact
):
    from touchbase.relationships.services import touchpoint_log

    # the customer was called yesterday: not due for a year
    touchpoint_log(workspace=workspace, contact=contact, channel="phone", logged_by=alice,
                   occurred_at=timezone.now() - dt.timedelta(days=1))  # fmt: skip
    contact.refresh_from_db()
    assert contact.next_due_on > local_today(workspace.zone)
    helper = make_helper(workspace, skills=[wifi])
    request = open_request(workspace, wifi, contact=contact)
    offer = bookings.offer_make(request=request, candidate=candidate(helper, day_ahead(2)),
                                by=None)  # fmt: skip
    booking = started(bookings.offer_accept(offer=offer, helper=helper))
    with pytest.raises(ValidationError):
        bookings.booking_finish(booking=booking, solved=False, notes="")
    escalated = bookings.booking_finish(
        booking=booking, solved=False, notes="Router startet ständig neu; Firmware defekt?"
    )
    assert escalated.state == BookingState.ESCALATED
    assert HelpRequest.objects.get(pk=request.pk).state == RequestState.ESCALATED
    touchpoint = Touchpoint.objects.get(pk=escalated.touchpoint_id)
    assert touchpoint.contact == contact
    assert touchpoint.outcome == "follow_up"
    assert "Router startet ständig neu; Firmware defekt?" in touchpoint.summary
    contact.refresh_from_db()
    assert contact.next_due_on == local_today(workspace.zone)
    assert [item.id for item in due_list(workspace=workspace)] == [contact.pk]


def test_an_escalation_for_an_unknown_customer_finds_them_by_e_mail(workspace, wifi, contact):
    helper = make_helper(workspace, skills=[wifi])
    request = open_request(workspace, wifi)
    HelpRequest.objects.filter(pk=request.pk).update(email="JUERGEN@sonnenschein.example")
    offer = bookings.offer_make(request=request, candidate=candidate(helper, day_ahead(2)),
                                by=None)  # fmt: skip
    booking = started(bookings.offer_accept(offer=offer, helper=helper))
    escalated = bookings.booking_finish(booking=booking, solved=False, notes="Kein Netz")
    assert Touchpoint.objects.get(pk=escalated.touchpoint_id).contact == contact
    assert Contact.objects.count() == 1


# --- ratings, reports, safety ------------------------------------------------------------------


def test_each_side_rates_once_and_only_after_the_job(workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    booking = booked(workspace, wifi, helper)
    with pytest.raises(ValidationError):
        bookings.rating_give(booking=booking, side=Side.CUSTOMER, stars=5)
    booking = bookings.booking_finish(booking=started(booking), solved=True)
    bookings.rating_give(booking=booking, side=Side.CUSTOMER, stars=5, comment="Super!")
    bookings.rating_give(booking=booking, side=Side.HELPER, stars=4)
    with pytest.raises(ValidationError, match="rated this booking already"):
        bookings.rating_give(booking=booking, side=Side.CUSTOMER, stars=1)
    with pytest.raises(ValidationError):
        bookings.rating_give(booking=booking, side=Side.HELPER, stars=6)
    assert sorted(Rating.objects.values_list("by", "stars")) == [("customer", 5), ("helper", 4)]


def test_a_report_reaches_the_community_managers_only(workspace, wifi, alice, bob):
    manager = member_add(
        workspace=workspace, username="mia", password="mia-password-1",
        role=Role.COMMUNITY_MANAGER, email="mia@pollux.example",
    )  # fmt: skip
    helper = make_helper(workspace, skills=[wifi])
    booking = booked(workspace, wifi, helper)
    CommunityMail.objects.all().delete()
    with pytest.raises(ValidationError):
        bookings.report_file(booking=booking, side=Side.CUSTOMER, text=" ")
    report = bookings.report_file(booking=booking, side=Side.CUSTOMER, text="Unfreundlich")
    assert (report.helper, report.request) == (helper, booking.request)
    assert sorted(to for _kind, to in mails_owed(kind="report")) == [
        "alice@pollux.example",
        manager.user.email,
    ]
    closed = bookings.report_close(report=report, by=alice, outcome="Verwarnt")
    assert (closed.state, closed.handled_by, closed.outcome) == (
        ReportState.CLOSED,
        alice,
        "Verwarnt",
    )


def test_blocking_a_customer_cancels_their_bookings_and_refuses_new_offers(workspace, wifi, alice):
    helper = make_helper(workspace, skills=[wifi])
    booking = booked(workspace, wifi, helper)
    CommunityMail.objects.all().delete()
    bookings.customer_block(workspace=workspace, email=booking.request.email.upper(),
                            reason="Bedroht Helfer", by=alice)  # fmt: skip
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED
    assert HelpRequest.objects.get(pk=booking.request_id).state == RequestState.CANCELLED
    assert mails_owed() == [("cancelled", helper.email)]
    block = CustomerBlock.objects.get()
    bookings.customer_unblock(block=block)
    assert not CustomerBlock.objects.exists()


def test_contact_details_show_only_through_a_confirmed_booking(workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    request = open_request(workspace, wifi)
    offer = bookings.offer_make(request=request, candidate=candidate(helper, day_ahead(2)),
                                by=None)  # fmt: skip
    assert not bookings.contact_visible(offer, Side.HELPER)
    assert not bookings.contact_visible(offer, Side.CUSTOMER)
    booking = bookings.offer_accept(offer=offer, helper=helper)
    offer.refresh_from_db()
    assert bookings.contact_visible(offer, Side.HELPER)
    assert bookings.contact_visible(booking, Side.CUSTOMER)
    bookings.booking_cancel(booking=booking, side=Side.CUSTOMER, reason="Doch nicht")
    booking.refresh_from_db()
    assert not bookings.contact_visible(booking, Side.HELPER)


def test_offer_hours_come_from_the_workspaces_settings(workspace, wifi):
    community = settings_for(workspace)
    community.offer_hours = 2
    community.save()
    helper = make_helper(workspace, skills=[wifi])
    offer = bookings.offer_make(request=open_request(workspace, wifi),
                                candidate=candidate(helper, day_ahead(2)), by=None)  # fmt: skip
    assert offer.deadline_at <= timezone.now() + dt.timedelta(hours=2)


def test_the_reminder_goes_out_once_the_day_before(workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    booking = booked(workspace, wifi, helper, starts_at=day_ahead(3))
    Booking.objects.filter(pk=booking.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    assert bookings.reminders_queue() == 0
    eve = booking.starts_at - dt.timedelta(hours=20)
    assert bookings.reminders_queue(now=eve) == 1
    assert bookings.reminders_queue(now=eve) == 0
    assert mails_owed(kind="reminder") == [
        ("reminder", helper.email),
        ("reminder", booking.request.email),
    ]


def test_a_booking_made_the_day_before_gets_no_extra_reminder(workspace, wifi):
    helper = make_helper(workspace, skills=[wifi])
    booked(workspace, wifi, helper, starts_at=timezone.now().replace(
        minute=0, second=0, microsecond=0) + dt.timedelta(hours=5))  # fmt: skip
    assert bookings.reminders_queue() == 0
    assert not CommunityMail.objects.filter(kind="reminder").exists()


# --- a race the database decides -----------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_offers_accepted_at_once_book_the_helper_once(workspace, wifi, monkeypatch):
    from django.db import connections

    helper = make_helper(workspace, skills=[wifi])
    offers = []
    for start in (day_ahead(2), day_ahead(2, 10)):
        request = open_request(workspace, wifi)
        offers.append(bookings.offer_make(request=request, candidate=candidate(helper, start, 2),
                                          by=None))  # fmt: skip
    barrier = threading.Barrier(2)
    results: list[str] = []
    insert = BookedHour.objects.bulk_create

    def both_at_the_insert(rows, *args, **kwargs):
        # both transactions have checked the offer and made their booking: now both write
        # the hours, and only the unique (helper, hour) stands between them
        rows = list(rows)
        barrier.wait(timeout=20)
        return insert(rows, *args, **kwargs)

    monkeypatch.setattr(BookedHour.objects, "bulk_create", both_at_the_insert)

    def accept(offer):
        try:
            with workspace_scope(workspace):  # scopes are per thread, as per request
                bookings.offer_accept(offer=offer, helper=helper)
            results.append("booked")
        except ValidationError as error:
            results.append(" ".join(error.messages))
        except Exception as error:  # noqa: BLE001 - the test reports what else went wrong
            results.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(offer,)) for offer in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["You are already booked at that time.", "booked"]
    assert Booking.objects.filter(helper=helper).count() == 1
    assert BookedHour.objects.filter(helper=helper).count() == 2
