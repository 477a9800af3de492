from __future__ import annotations

import random

from touchbase.community import assignment
from touchbase.community.choices import BookingState, OfferState, RequestState, Side
from touchbase.community.demo import HELPERS, SKILLS, demo_community
from touchbase.community.models import (
    Booking,
    CommunityMail,
    CustomerBlock,
    Helper,
    HelpRequest,
    Offer,
    Rating,
    Report,
    Skill,
)
from touchbase.core import registry
from touchbase.core.choices import Role
from touchbase.core.services import member_add
from touchbase.relationships.models import Touchpoint

TEAM = [("helena", Role.OWNER), ("lena", Role.COMMUNITY_MANAGER)]


def _load(workspace):
    team = {
        name: member_add(
            workspace=workspace, username=name, password=None, role=role, first_name=name.title()
        )  # fmt: skip
        for name, role in TEAM
    }
    demo_community(workspace=workspace, team=team, rng=random.Random(7))
    return team


def test_the_step_runs_after_the_customers_exist():
    steps = {step.name: step.order for step in registry.demo_steps}
    assert steps["community"] > steps["ideas"]


def test_the_demo_has_helpers_requests_bookings_and_ratings_once(workspace, contact):
    _load(workspace)
    _load(workspace)
    assert Skill.objects.filter(workspace=workspace).count() == len(SKILLS)
    helpers = Helper.objects.filter(workspace=workspace)
    assert helpers.count() == len(HELPERS)
    assert helpers.filter(verified_at__isnull=True).count() == 2
    assert helpers.filter(blocked_at__isnull=False).count() == 1
    done = Booking.objects.filter(workspace=workspace, state=BookingState.DONE)
    assert done.count() > 30
    assert Booking.objects.filter(workspace=workspace, state=BookingState.ESCALATED).exists()
    assert Rating.objects.filter(booking__in=done, by=Side.CUSTOMER).count() == done.count()
    assert Rating.objects.filter(booking__in=done, by=Side.HELPER).exists()
    assert Booking.objects.filter(workspace=workspace, state=BookingState.CONFIRMED).count() == 3
    assert Offer.objects.filter(workspace=workspace, state=OfferState.PENDING).count() == 2
    open_requests = HelpRequest.objects.filter(workspace=workspace, state=RequestState.OPEN)
    assert open_requests.filter(town="Rosenheim").exists()
    assert Report.objects.filter(workspace=workspace, state="open").count() == 1
    assert CustomerBlock.objects.filter(workspace=workspace).exists()
    assert not CommunityMail.objects.filter(workspace=workspace, sent_at=None).exists()
    # the one customer of the test workspace got the neighbourhood help on their timeline
    assert Touchpoint.objects.filter(contact=contact, source_kind="community_booking").exists()


def test_the_demos_open_requests_can_be_batch_assigned_except_rosenheim(workspace, contact):
    _load(workspace)
    proposal = assignment.batch_propose(workspace)
    assert [request.town for request in proposal.unmatched] == ["Rosenheim"]
    assert proposal.pairs
