"""Coffee services: who takes part in a round, rounds over time, leaving, confirming."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from touchbase.core.choices import Role
from touchbase.core.models import Membership
from touchbase.core.services import member_add, member_remove
from touchbase.inside import coffee
from touchbase.inside.choices import GroupState
from touchbase.inside.models import CoffeeGroup, CoffeeParticipant, CoffeeRound, CoffeeSeat
from touchbase.relationships.choices import Channel
from touchbase.relationships.models import Touchpoint

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2030, 3, 4)


@pytest.fixture
def team(workspace, alice, bob):
    users = [alice, bob]
    for n in range(5):
        users.append(
            member_add(workspace=workspace, username=f"m{n}", password=None, role=Role.STAFF,
                       email=f"m{n}@pollux.example", first_name=f"M{n}").user
        )  # fmt: skip
    return [coffee.coffee_join(workspace=workspace, user=user) for user in users]


def _seated(round_: CoffeeRound) -> list[set[int]]:
    seats = CoffeeSeat.objects.filter(left_at=None)
    return [
        set(seats.filter(group=g).values_list("participant_id", flat=True))
        for g in CoffeeGroup.objects.filter(round=round_).exclude(state=GroupState.CANCELLED)
    ]


def test_a_round_groups_everyone_taking_part_with_one_group_of_three(workspace, team):
    round_, result = coffee.coffee_round_make(workspace=workspace, on=MONDAY)
    assert result is not None
    groups = _seated(round_)
    assert sorted(len(g) for g in groups) == [2, 2, 3]
    assert set().union(*groups) == {p.pk for p in team}


def test_making_the_round_of_a_day_twice_gives_the_same_round(workspace, team):
    first, _result = coffee.coffee_round_make(workspace=workspace, on=MONDAY)
    again, result = coffee.coffee_round_make(workspace=workspace, on=MONDAY)
    assert again.pk == first.pk
    assert result is None
    assert CoffeeRound.objects.count() == 1


def test_opted_out_paused_away_and_former_members_are_left_out(workspace, team, bob_membership):
    out, paused, away = team[2], team[3], team[4]
    coffee.coffee_active_set(participant=out, active=False)
    paused.paused_until = MONDAY
    paused.save()
    coffee.coffee_absence_add(participant=away, starts_on=MONDAY - dt.timedelta(days=2),
                              ends_on=MONDAY + dt.timedelta(days=3))  # fmt: skip
    member_remove(membership=bob_membership)
    taking_part = {p.pk for p in coffee.eligible(workspace=workspace, on=MONDAY)}
    assert taking_part == {team[0].pk, team[5].pk, team[6].pk}
    assert not CoffeeParticipant.objects.get(pk=team[1].pk).active


def test_twelve_weekly_rounds_repeat_no_pair_inside_the_window(workspace, team):
    settings = coffee.inside_settings(workspace=workspace)
    settings.coffee_avoid_rounds = 2
    settings.save()
    history: list[list[set[int]]] = []
    for week in range(12):
        round_, _result = coffee.coffee_round_make(
            workspace=workspace, on=MONDAY + dt.timedelta(weeks=week), rng=random.Random(week)
        )
        groups = _seated(round_)
        for earlier in history[-2:]:
            for group in groups:
                for other in earlier:
                    assert len(group & other) < 2, (week, group, other)
        history.append(groups)


def test_who_is_left_alone_joins_another_pair_as_third(workspace, team):
    coffee.coffee_active_set(participant=team[6], active=False)
    round_, _result = coffee.coffee_round_make(
        workspace=workspace, on=timezone.localdate() + dt.timedelta(days=3)
    )
    assert sorted(len(g) for g in _seated(round_)) == [2, 2, 2]
    leaving = CoffeeSeat.objects.filter(group__round=round_).first()
    partner_id = (
        CoffeeSeat.objects.filter(group=leaving.group).exclude(pk=leaving.pk).get().participant_id
    )
    coffee.coffee_active_set(participant=leaving.participant, active=False)
    groups = _seated(round_)
    assert sorted(len(g) for g in groups) == [2, 3]
    assert any(partner_id in g and len(g) == 3 for g in groups)
    assert CoffeeGroup.objects.get(pk=leaving.group_id).state == GroupState.CANCELLED


def test_a_group_of_three_goes_on_as_two_when_one_leaves(workspace, team):
    round_, _result = coffee.coffee_round_make(
        workspace=workspace, on=timezone.localdate() + dt.timedelta(days=3)
    )
    three = next(g for g in CoffeeGroup.objects.filter(round=round_) if g.seats.count() == 3)
    coffee.seat_leave(seat=three.seats.first())
    three.refresh_from_db()
    assert three.state == GroupState.PROPOSED
    assert three.seats.filter(left_at=None).count() == 2


def test_a_coffee_with_a_customer_becomes_one_touchpoint_once_confirmed(workspace, alice, contact):
    member = coffee.coffee_join(workspace=workspace, user=alice)
    customer = coffee.coffee_customer_invite(workspace=workspace, contact=contact, by=alice)
    coffee.coffee_active_set(participant=customer, active=True)
    round_, _result = coffee.coffee_round_make(workspace=workspace, on=timezone.localdate())
    group = CoffeeGroup.objects.get(round=round_)
    assert {s.participant_id for s in group.seats.all()} == {member.pk, customer.pk}
    group.starts_at = timezone.now() - dt.timedelta(hours=1)
    group.save()
    coffee.group_confirm(group=group, met=True, by=alice)
    coffee.group_confirm(group=group, met=True, by=alice)
    touchpoint = Touchpoint.objects.get(contact=contact)
    assert touchpoint.channel == Channel.COFFEE
    assert list(touchpoint.participants.all()) == [alice]
    contact.refresh_from_db()
    assert contact.last_personal_at == group.starts_at


def test_a_coffee_cannot_be_confirmed_before_it_happened(workspace, team):
    round_, _result = coffee.coffee_round_make(
        workspace=workspace, on=timezone.localdate() + dt.timedelta(days=3)
    )
    with pytest.raises(ValidationError):
        coffee.group_confirm(group=CoffeeGroup.objects.filter(round=round_).first(), met=True)


def test_the_next_round_follows_the_last_by_the_rhythm_on_the_weekday(workspace, team):
    settings = coffee.inside_settings(workspace=workspace)
    settings.coffee_every = 2
    settings.coffee_weekday = 1
    settings.save()
    tuesday = dt.date(2030, 3, 5)
    CoffeeRound.objects.create(workspace=workspace, number=1, on=tuesday)
    assert coffee.next_round_day(workspace=workspace, today=tuesday) == tuesday + dt.timedelta(14)
    late = tuesday + dt.timedelta(days=40)
    day = coffee.next_round_day(workspace=workspace, today=late)
    assert day >= late
    assert day.weekday() == 1


def test_the_periodic_job_makes_a_round_two_days_ahead_once(workspace, team):
    today = timezone.localdate()
    made = coffee.coffee_rounds_due(today=today)
    while made == 0:  # the weekday may be further than two days away
        today += dt.timedelta(days=1)
        made = coffee.coffee_rounds_due(today=today)
    assert made == 1
    assert coffee.coffee_rounds_due(today=today) == 0
    assert CoffeeRound.objects.get().on - today <= coffee.ROUND_LEAD


def test_removed_members_leave_coffee(workspace, team, bob_membership):
    member_remove(membership=bob_membership)
    assert not Membership.objects.filter(pk=bob_membership.pk).exists()
    assert not CoffeeParticipant.objects.get(user=bob_membership.user).active
