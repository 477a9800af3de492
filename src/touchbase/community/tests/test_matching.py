"""Candidates for a help request: who may appear, in which slot, ranked by which reasons."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.utils import timezone

from touchbase.community.choices import OfferState
from touchbase.community.geo import EARTH_RADIUS_KM
from touchbase.community.matching import candidates
from touchbase.community.models import CustomerBlock
from touchbase.community.tests.factories import (
    MUNICH,
    make_booking,
    make_done_jobs,
    make_helper,
    make_offer,
    make_request,
    make_skill,
    utc,
)

pytestmark = pytest.mark.django_db

NOW = utc(2030, 1, 7, 0)  # a Monday; Berlin is UTC+1
MORNING = [(utc(2030, 1, 7, 9), utc(2030, 1, 7, 12))]


def north_of(place, km):
    return place[0] + math.degrees(km / EARTH_RADIUS_KM), place[1]


@pytest.fixture
def skill(workspace):
    return make_skill(workspace, name="Router einrichten")


@pytest.fixture
def request_(workspace, skill):
    return make_request(workspace, skill=skill, windows=MORNING, budget="25")


def names(found):
    return [candidate.helper.name for candidate in found]


def test_a_verified_helper_with_the_checked_skill_nearby_is_a_candidate(workspace, skill,
                                                                        request_):  # fmt: skip
    helper = make_helper(workspace, name="Hanna", skills=[skill], location=north_of(MUNICH, 3))
    found = candidates(request_, now=NOW)
    assert names(found) == ["Hanna"]
    assert found[0].helper == helper
    assert (found[0].starts_at, found[0].ends_at) == (utc(2030, 1, 7, 9), utc(2030, 1, 7, 10))
    assert found[0].distance_km == pytest.approx(3.0, abs=0.01)


def test_unchecked_unverified_blocked_and_paused_helpers_never_appear(workspace, skill,
                                                                      request_):  # fmt: skip
    make_helper(workspace, name="Unchecked", skills=[skill], checked=False)
    make_helper(workspace, name="Unverified", skills=[skill], verified=False)
    make_helper(workspace, name="Blocked", skills=[skill], blocked_at=timezone.now())
    make_helper(workspace, name="Paused", skills=[skill], paused_until=dt.date(2030, 1, 7))
    make_helper(workspace, name="Other skill", skills=[make_skill(workspace)])
    make_helper(workspace, name="Pause over", skills=[skill], paused_until=dt.date(2030, 1, 6))
    assert names(candidates(request_, now=NOW)) == ["Pause over"]


def test_a_helper_exactly_at_the_radius_is_in_and_beyond_it_out(workspace, skill, request_):
    make_helper(workspace, name="At 10 km", skills=[skill], radius_km=10,
                location=north_of(MUNICH, 10))  # fmt: skip
    make_helper(workspace, name="At 10.1 km", skills=[skill], radius_km=10,
                location=north_of(MUNICH, 10.1))  # fmt: skip
    make_helper(workspace, name="Far, travels far", skills=[skill], radius_km=100,
                location=north_of(MUNICH, 99.9))  # fmt: skip
    assert sorted(names(candidates(request_, now=NOW))) == ["At 10 km", "Far, travels far"]


def test_helpers_free_only_outside_the_windows_are_out(workspace, skill, request_):
    make_helper(workspace, name="Evenings", skills=[skill],
                availability=[(weekday, "18:00", "22:00") for weekday in range(7)])  # fmt: skip
    make_helper(workspace, name="Holiday", skills=[skill],
                holidays=[(dt.date(2030, 1, 6), dt.date(2030, 1, 8))])  # fmt: skip
    booked = make_helper(workspace, name="Booked", skills=[skill])
    other = make_request(workspace, skill=skill)
    make_booking(request=other, helper=booked, starts_at=utc(2030, 1, 7, 9), hours=3)
    make_helper(workspace, name="Mornings", skills=[skill],
                availability=[(0, "10:00", "11:00")])  # fmt: skip
    found = candidates(request_, now=NOW)
    assert names(found) == ["Mornings"]
    assert found[0].starts_at == utc(2030, 1, 7, 9)


def test_a_booked_hour_moves_the_helper_to_a_later_slot(workspace, skill, request_):
    helper = make_helper(workspace, skills=[skill])
    make_booking(request=make_request(workspace, skill=skill), helper=helper,
                 starts_at=utc(2030, 1, 7, 9), hours=2)  # fmt: skip
    assert candidates(request_, now=NOW)[0].starts_at == utc(2030, 1, 7, 11)


def test_past_windows_do_not_count(workspace, skill, request_):
    make_helper(workspace, skills=[skill])
    assert candidates(request_, now=utc(2030, 1, 7, 12)) == []
    assert candidates(request_, now=utc(2030, 1, 7, 10, 30))[0].starts_at == utc(2030, 1, 7, 11)


def test_helpers_who_declined_or_let_the_offer_expire_are_left_out(workspace, skill, request_):
    declined = make_helper(workspace, name="Declined", skills=[skill])
    expired = make_helper(workspace, name="Expired", skills=[skill])
    make_helper(workspace, name="Fresh", skills=[skill])
    make_offer(request=request_, helper=declined, state=OfferState.DECLINED)
    make_offer(request=request_, helper=expired, state=OfferState.EXPIRED)
    assert names(candidates(request_, now=NOW)) == ["Fresh"]


def test_another_workspaces_helpers_never_appear(workspace, other_workspace, skill, request_):
    make_helper(other_workspace, name="Stranger", skills=[make_skill(other_workspace)])
    assert candidates(request_, now=NOW) == []


def test_a_blocked_customer_gets_no_candidates(workspace, skill, request_):
    make_helper(workspace, skills=[skill])
    CustomerBlock.objects.create(workspace=workspace, email=request_.email.upper())
    assert candidates(request_, now=NOW) == []


def test_candidates_are_ranked_with_their_reasons(workspace, skill, request_):
    # given: a close newcomer, a seasoned well-rated helper a bit further, one over budget
    newcomer = make_helper(workspace, name="Newcomer", skills=[skill], hourly_price="18",
                           location=north_of(MUNICH, 1))  # fmt: skip
    seasoned = make_helper(workspace, name="Seasoned", skills=[skill], hourly_price="18",
                           location=north_of(MUNICH, 3.2))  # fmt: skip
    make_done_jobs(helper=seasoned, skill=skill, count=7, stars=[5, 5, 5, 5, 4])
    make_offer(request=make_request(workspace, skill=skill), helper=seasoned,
               state=OfferState.ACCEPTED, answered_after=dt.timedelta(hours=2))  # fmt: skip
    pricey = make_helper(workspace, name="Pricey", skills=[skill], hourly_price="40",
                         location=north_of(MUNICH, 1))  # fmt: skip
    # when
    found = candidates(request_, now=NOW)
    # then
    assert names(found) == ["Seasoned", "Newcomer", "Pricey"]
    best = found[0]
    assert [(reason.code, reason.label) for reason in best.reasons] == [
        ("distance", "3.2 km away"),
        ("rating", "4.8 stars from 5 ratings"),
        ("experience", "7 jobs on this topic"),
        ("price", "€18/h, within the budget"),
        ("response", "answers offers in 2 h (median)"),
    ]
    assert best.score == pytest.approx(sum(reason.points for reason in best.reasons), abs=0.3)
    assert 0 < found[2].score < found[1].score <= 100
    price = next(reason for reason in found[2].reasons if reason.code == "price")
    assert price.label == "€40/h, €15/h over the budget (ranked lower, not excluded)"
    assert price.points < 0
    assert {newcomer, pricey} < {candidate.helper for candidate in found}


def test_one_rating_of_five_does_not_beat_many_good_ones(workspace, skill, request_):
    lucky = make_helper(workspace, name="One five", skills=[skill])
    steady = make_helper(workspace, name="Many good", skills=[skill])
    make_done_jobs(helper=lucky, skill=skill, count=1, stars=[5])
    make_done_jobs(helper=steady, skill=skill, count=1, stars=[5])
    make_done_jobs(helper=steady, skill=make_skill(workspace), count=30, stars=[5, 4] * 15)
    found = {candidate.helper.name: candidate for candidate in candidates(request_, now=NOW)}
    points = {name: next(r.points for r in found[name].reasons if r.code == "rating")
              for name in found}  # fmt: skip
    assert points["Many good"] > points["One five"]


def test_reasons_are_translated(workspace, skill, request_):
    from django.utils import translation

    make_helper(workspace, skills=[skill], location=north_of(MUNICH, 2))
    with translation.override("de"):
        found = candidates(request_, now=NOW)
    assert found[0].reasons[0].label == "2,0 km entfernt"


def test_the_limit_and_the_query_count_do_not_grow_with_the_helpers(
    workspace, skill, request_, django_assert_max_num_queries
):
    for index in range(30):
        helper = make_helper(workspace, skills=[skill], location=north_of(MUNICH, index / 2))
        make_done_jobs(helper=helper, skill=skill, count=index % 3, stars=[4, 5][: index % 3])
    request_ = type(request_).objects.get(pk=request_.pk)
    with django_assert_max_num_queries(12):
        found = candidates(request_, limit=5, now=NOW)
    assert len(found) == 5
    assert [candidate.score for candidate in found] == sorted(
        (candidate.score for candidate in found), reverse=True
    )
