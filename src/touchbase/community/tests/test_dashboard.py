"""The community dashboard's figures on a small data set worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from touchbase.community import selectors
from touchbase.community.choices import BookingState, OfferState, RequestState, Side
from touchbase.community.models import Booking, HelpRequest, Rating
from touchbase.community.tests.factories import (
    make_booking,
    make_done_jobs,
    make_helper,
    make_offer,
    make_request,
    make_skill,
)
from touchbase.core.choices import Role
from touchbase.core.services import member_add

pytestmark = pytest.mark.django_db


def finished(workspace, skill, helper, *, days_ago: float, paid: str | None,
             technician: str = "80") -> Booking:  # fmt: skip
    """A job done `days_ago`, with the price paid beside the technician's."""
    when = timezone.now() - dt.timedelta(days=days_ago)
    request = make_request(workspace, skill=skill, state=RequestState.DONE)
    booking = make_booking(request=request, helper=helper, starts_at=when,
                           state=BookingState.DONE)  # fmt: skip
    Booking.objects.filter(pk=booking.pk).update(
        finished_at=when, technician_price=Decimal(technician),
        price_paid=None if paid is None else Decimal(paid),
    )  # fmt: skip
    booking.refresh_from_db()
    return booking


def rated_long_ago(*, helper, skill, stars: list[int]) -> None:
    """Old jobs (January 2025) rated by their customers: they count for ratings only."""
    jobs = make_done_jobs(helper=helper, skill=skill, count=len(stars), stars=stars)
    for job in jobs:
        Booking.objects.filter(pk=job.pk).update(finished_at=job.starts_at)


@pytest.fixture
def cast(workspace):
    """Anna did three jobs this month (rated 5, 5, 5), answers quickly and accepts 3 of 5
    offers; Carl has six old jobs rated 5; Berta four rated 3; Dora two rated 5 (too few);
    Emil one recent job. One job two months ago saved 30 €."""
    skill = make_skill(workspace, name="WLAN", technician_price="80")
    names = ["Anna", "Berta", "Carl", "Dora", "Emil"]
    anna, berta, carl, dora, emil = (make_helper(workspace, name=name, skills=[skill])
                                     for name in names)  # fmt: skip
    jobs = [finished(workspace, skill, anna, days_ago=0, paid="20"),
            finished(workspace, skill, anna, days_ago=0, paid="30"),
            finished(workspace, skill, anna, days_ago=0, paid=None)]  # fmt: skip
    for job in jobs:
        Rating.objects.create(workspace=workspace, booking=job, by=Side.CUSTOMER, stars=5)
    Rating.objects.create(workspace=workspace, booking=jobs[0], by=Side.HELPER, stars=4)
    finished(workspace, skill, emil, days_ago=3, paid=None)
    Booking.objects.filter(helper=emil).update(finished_at=timezone.now())
    finished(workspace, skill, berta, days_ago=60, paid="50")
    rated_long_ago(helper=carl, skill=skill, stars=[5] * 6)
    rated_long_ago(helper=berta, skill=skill, stars=[3] * 4)
    rated_long_ago(helper=dora, skill=skill, stars=[5] * 2)
    offered = make_request(workspace, skill=skill, state=RequestState.DONE)
    for hours, state in ((1, OfferState.ACCEPTED), (2, OfferState.ACCEPTED),
                         (3, OfferState.ACCEPTED), (5, OfferState.DECLINED)):  # fmt: skip
        make_offer(request=offered, helper=anna, state=state,
                   answered_after=dt.timedelta(hours=hours))  # fmt: skip
    make_offer(request=offered, helper=anna, state=OfferState.EXPIRED)
    make_offer(request=offered, helper=berta, state=OfferState.ACCEPTED,
               answered_after=dt.timedelta(hours=10))  # fmt: skip
    old = make_request(workspace, skill=skill)
    HelpRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    newer = make_request(workspace, skill=skill, state=RequestState.OFFERED)
    return {"anna": anna, "berta": berta, "carl": carl, "dora": dora, "emil": emil,
            "old": old, "newer": newer}  # fmt: skip


def test_savings_count_done_jobs_with_both_prices(workspace, cast):
    figures = selectors.dashboard(workspace=workspace)
    # Anna: (80 − 20) + (80 − 30) this month; Berta's job two months ago: 80 − 50.
    assert (figures.savings_month, figures.savings_total) == (Decimal("110.00"), Decimal("140.00"))


def test_acceptance_counts_answers_and_lapses(workspace, cast):
    figures = selectors.dashboard(workspace=workspace)
    anna = next(item for item in figures.helpers if item.name == "Anna")
    assert (anna.offers_accepted, anna.offers_answered, anna.acceptance) == (3, 5, 0.6)
    assert (figures.offers_accepted, figures.offers_answered) == (4, 6)


def test_the_median_response_is_per_helper_and_overall(workspace, cast):
    figures = selectors.dashboard(workspace=workspace)
    anna = next(item for item in figures.helpers if item.name == "Anna")
    assert anna.response_hours == pytest.approx(2.5)  # 1, 2, 3, 5 hours
    assert figures.response_hours == pytest.approx(3.0)  # 1, 2, 3, 5, 10 hours


def test_recognition_orders_helpers_by_recent_jobs_and_bayesian_rating(workspace, cast):
    figures = selectors.dashboard(workspace=workspace)
    assert [(item.name, item.jobs_recent) for item in figures.most_active] == [
        ("Anna", 3), ("Emil", 1)]  # fmt: skip
    # Carl 6×5 → (5·4 + 30)/11 = 4.55; Anna 3×5 → 35/8 = 4.38; Berta 4×3 → 32/9 = 3.56;
    # Dora has two ratings only.
    assert [item.name for item in figures.best_rated] == ["Carl", "Anna", "Berta"]


def test_ratings_both_ways(workspace, cast):
    figures = selectors.dashboard(workspace=workspace)
    assert (round(figures.rating_by_customers, 3), figures.ratings_by_customers) == (
        round(67 / 15, 3), 15)  # fmt: skip
    assert (figures.rating_by_helpers, figures.ratings_by_helpers) == (4.0, 1)


def test_waiting_requests_oldest_first_with_their_age(workspace, cast):
    figures = selectors.dashboard(workspace=workspace)
    assert [row.request.pk for row in figures.waiting] == [cast["old"].pk, cast["newer"].pk]
    assert [row.unmatched for row in figures.waiting] == [True, False]
    assert figures.waiting[0].age > dt.timedelta(days=3) - dt.timedelta(minutes=1)
    assert (figures.open_count, figures.unmatched_count) == (2, 1)


def test_monthly_figures_for_twelve_months(workspace, cast):
    figures = selectors.dashboard(workspace=workspace)
    zone = workspace.zone
    this_month = timezone.now().astimezone(zone).date().replace(day=1)
    earlier = (timezone.now() - dt.timedelta(days=60)).astimezone(zone).date().replace(day=1)
    months = {entry.month: entry for entry in figures.months}
    assert len(figures.months) == 12
    assert figures.months[-1].month == this_month
    assert (months[this_month].bookings_done, months[this_month].savings) == (4, Decimal("110"))
    assert (months[earlier].bookings_done, months[earlier].savings) == (1, Decimal("30"))
    confirmed = HelpRequest.objects.filter(workspace=workspace).count()
    assert sum(entry.requests for entry in figures.months) == confirmed


def test_blocks_and_reports_are_counted(workspace, cast):
    from touchbase.community.models import CustomerBlock, Helper, Report

    Helper.objects.filter(pk=cast["dora"].pk).update(blocked_at=timezone.now())
    CustomerBlock.objects.create(workspace=workspace, email="x@example.com")
    Report.objects.create(workspace=workspace, helper=cast["emil"], by=Side.CUSTOMER, text="x")
    figures = selectors.dashboard(workspace=workspace)
    assert (figures.open_reports_count, figures.blocked_helpers, figures.blocked_customers) == (
        1, 1, 1)  # fmt: skip


def test_the_dashboard_takes_as_many_queries_for_many_helpers_as_for_few(workspace, cast):
    skill = make_skill(workspace, name="Drucker")
    with CaptureQueriesContext(connection) as few:
        selectors.dashboard(workspace=workspace)
    for number in range(15):
        helper = make_helper(workspace, name=f"Extra {number}", skills=[skill])
        finished(workspace, skill, helper, days_ago=1, paid="10")
        make_offer(request=cast["old"], helper=helper, state=OfferState.DECLINED,
                   answered_after=dt.timedelta(hours=2))  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        selectors.dashboard(workspace=workspace)
    assert len(many) == len(few)


def test_the_dashboard_page_shows_the_figures(client, workspace, cast):
    manager = member_add(workspace=workspace, username="mia", password="mia-password-1",
                         role=Role.COMMUNITY_MANAGER, email="mia@pollux.example").user  # fmt: skip
    client.force_login(manager)
    text = client.get(reverse("community:dashboard")).text
    assert '<b id="savings-month">110.00 €</b>' in text
    assert '<b id="acceptance">67 %</b>' in text  # 4 of 6
    assert text.count('<svg id="') == 3
    assert 'id="most-active"' in text
    assert 'id="best-rated"' in text
