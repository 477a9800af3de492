"""The demo workspace's inside area: a past AMA with answers and follow-ups, an upcoming one,
and coffee rounds behind and ahead."""

from __future__ import annotations

import pytest
from django.utils import timezone

from touchbase.inside.choices import GroupState, QuestionState
from touchbase.inside.models import AmaFollowUp, AmaQuestion, AmaSession, CoffeeGroup, CoffeeRound
from touchbase.relationships.choices import Channel
from touchbase.relationships.demo import demo_load
from touchbase.relationships.models import Touchpoint

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_past_and_an_upcoming_ama_and_coffee_rounds():
    workspace = demo_load().workspace
    past = AmaSession.objects.get(workspace=workspace, closed_at__isnull=False)
    upcoming = AmaSession.objects.get(workspace=workspace, closed_at=None)
    assert upcoming.starts_at > timezone.now()
    answered = AmaQuestion.objects.filter(session=past, state=QuestionState.ANSWERED)
    assert answered.count() >= 5
    assert answered.filter(anonymous=True, author=None).exists()
    follow_ups = AmaFollowUp.objects.filter(question__session=past)
    assert follow_ups.filter(done_at__isnull=False).count() == 1
    assert follow_ups.filter(done_at=None).count() == 2
    assert AmaQuestion.objects.filter(session=upcoming).count() == 2
    rounds = CoffeeRound.objects.filter(workspace=workspace)
    assert rounds.filter(on__lt=timezone.localdate()).count() == 4
    assert rounds.filter(on__gte=timezone.localdate()).count() == 1
    assert CoffeeGroup.objects.filter(round__workspace=workspace, state=GroupState.MET).exists()
    assert Touchpoint.objects.filter(
        workspace=workspace, channel=Channel.COFFEE, source_kind="inside.coffee"
    ).exists()
