"""Batch assignment: one job per helper and hour, a request at most once, the total near optimal."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import defaultdict

import pytest

from touchbase.community.assignment import batch_problem, batch_propose, optimal_total
from touchbase.community.choices import OfferState, RequestState
from touchbase.community.models import CustomerBlock
from touchbase.community.tests.factories import (
    MUNICH,
    make_helper,
    make_offer,
    make_request,
    make_skill,
    utc,
)

pytestmark = pytest.mark.django_db

NOW = utc(2030, 1, 7, 0)  # Monday


def hours_of(candidate):
    hours = set()
    moment = candidate.starts_at
    while moment < candidate.ends_at:
        hours.add(moment)
        moment += dt.timedelta(hours=1)
    return hours


def assert_feasible(proposal):
    requests = [request.pk for request, _candidate in proposal.pairs]
    assert len(requests) == len(set(requests))
    held = defaultdict(set)
    for _request, candidate in proposal.pairs:
        hours = hours_of(candidate)
        assert not hours & held[candidate.helper.pk], "a helper got two jobs at one hour"
        held[candidate.helper.pk] |= hours


def random_instance(workspace, rng, *, helpers, requests, skills, hours=("1.0",)):
    skill_rows = [make_skill(workspace, hours=rng.choice(hours)) for _ in range(skills)]
    for _ in range(helpers):
        make_helper(
            workspace, skills=rng.sample(skill_rows, rng.randint(1, skills)),
            location=(MUNICH[0] + rng.uniform(-0.1, 0.1), MUNICH[1] + rng.uniform(-0.1, 0.1)),
            radius_km=rng.choice([5, 10, 20]), hourly_price=str(rng.randint(12, 35)),
            availability=[(0, f"{start:02d}:00", f"{start + rng.randint(1, 4):02d}:00")
                          for start in rng.sample(range(8, 18), 2)],
        )  # fmt: skip
    for _ in range(requests):
        start = rng.randint(8, 17)
        make_request(
            workspace, skill=rng.choice(skill_rows), budget=rng.choice([None, "20", "30"]),
            location=(MUNICH[0] + rng.uniform(-0.1, 0.1), MUNICH[1] + rng.uniform(-0.1, 0.1)),
            windows=[(utc(2030, 1, 7, start - 1), utc(2030, 1, 7, start + rng.randint(1, 3)))],
        )  # fmt: skip


def test_two_requests_for_one_helper_at_one_time_give_one_job(workspace):
    skill = make_skill(workspace, hours="2.0")
    helper = make_helper(workspace, skills=[skill], availability=[(0, "10:00", "13:00")])
    window = [(utc(2030, 1, 7, 9), utc(2030, 1, 7, 12))]
    first = make_request(workspace, skill=skill, windows=window)
    second = make_request(workspace, skill=skill, windows=window)
    proposal = batch_propose(workspace, now=NOW)
    assert_feasible(proposal)
    assert len(proposal.pairs) == 1
    assert proposal.pairs[0][1].helper == helper
    assert {request.pk for request in proposal.unmatched} | {proposal.pairs[0][0].pk} == {
        first.pk, second.pk}  # fmt: skip


def test_a_helper_takes_two_jobs_one_after_the_other(workspace):
    skill = make_skill(workspace, hours="1.5")
    make_helper(workspace, skills=[skill], availability=[(0, "10:00", "14:00")])
    window = [(utc(2030, 1, 7, 9), utc(2030, 1, 7, 13))]
    make_request(workspace, skill=skill, windows=window)
    make_request(workspace, skill=skill, windows=window)
    proposal = batch_propose(workspace, now=NOW)
    assert_feasible(proposal)
    assert sorted(candidate.starts_at.hour for _request, candidate in proposal.pairs) == [9, 11]
    assert proposal.unmatched == []


def test_only_open_confirmed_requests_and_no_declined_helper(workspace, other_workspace):
    skill = make_skill(workspace)
    window = [(utc(2030, 1, 7, 9), utc(2030, 1, 7, 12))]
    declined = make_helper(workspace, name="Declined", skills=[skill])
    make_helper(workspace, name="Fresh", skills=[skill], location=(48.3, 11.6), radius_km=30)
    wanted = make_request(workspace, skill=skill, windows=window)
    make_offer(request=wanted, helper=declined, state=OfferState.DECLINED)
    make_request(workspace, skill=skill, windows=window, state=RequestState.BOOKED)
    make_request(workspace, skill=skill, windows=window, confirmed_at=None)
    make_request(other_workspace, skill=make_skill(other_workspace), windows=window)
    blocked = make_request(workspace, skill=skill, windows=window)
    CustomerBlock.objects.create(workspace=workspace, email=blocked.email)
    proposal = batch_propose(workspace, now=NOW)
    assert [(request.pk, candidate.helper.name) for request, candidate in proposal.pairs] == [
        (wanted.pk, "Fresh")]  # fmt: skip
    assert [request.pk for request in proposal.unmatched] == [blocked.pk]
    reasons = proposal.pairs[0][1].reasons
    assert [reason.code for reason in reasons] == [
        "distance", "rating", "experience", "price", "response"]  # fmt: skip


def brute_force(problem):
    """The best total with one job per helper and hour, trying every choice (tiny problems)."""
    options = [[None] + list(range(problem.first_edge[r], problem.first_edge[r + 1]))
               for r in range(len(problem.targets))]  # fmt: skip
    best = 0.0
    for choice in itertools.product(*options):
        hours, total = set(), 0.0
        for request, edge in enumerate(choice):
            if edge is None:
                continue
            start, length = problem.edge_start[edge], problem.targets[request].length
            taken = {(problem.edge_helper[edge], start + i) for i in range(length)}
            if taken & hours:
                break
            hours |= taken
            total += problem.edge_score[edge]
        else:
            best = max(best, total)
    return round(best, 1)


@pytest.mark.parametrize("seed", range(4))
def test_the_total_equals_the_exact_optimum_on_small_instances(workspace, seed):
    random_instance(workspace, random.Random(seed), helpers=4, requests=6, skills=2)
    full = batch_problem(workspace, now=NOW, helpers_per_request=None, starts_per_helper=None)
    proposal = batch_propose(workspace, now=NOW)
    assert_feasible(proposal)
    assert len(proposal.pairs) > 0
    assert proposal.total_score == pytest.approx(optimal_total(full), abs=0.05)
    assert optimal_total(full) == pytest.approx(brute_force(full), abs=0.05)


def test_the_total_is_within_one_percent_of_the_optimum_on_a_medium_instance(workspace):
    random_instance(workspace, random.Random(7), helpers=40, requests=150, skills=3,
                    hours=("1.0", "1.5", "2.0"))  # fmt: skip
    full = batch_problem(workspace, now=NOW, helpers_per_request=None, starts_per_helper=None)
    proposal = batch_propose(workspace, now=NOW)
    assert_feasible(proposal)
    bound = optimal_total(full)
    assert len(proposal.unmatched) > 0  # the instance is tight: not everyone gets a helper
    assert proposal.total_score >= 0.99 * bound
    assert proposal.total_score <= bound + 0.05
