"""Demo data of the inside area: AMA sessions and virtual coffee at Pollux.

Helena (the owner) held an AMA three weeks ago with members and invited customers: answered
questions stay as its page, and what was left open became follow-ups (one already answered).
Markus holds the next one next week; two questions are in already. Everyone in the team takes
part in weekly coffee, with two customers; four rounds lie behind, the next is proposed.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from touchbase.core.models import Membership, Workspace
from touchbase.inside import ama, coffee
from touchbase.inside.choices import Audience, GroupState
from touchbase.inside.models import (
    AmaFollowUp,
    AmaQuestion,
    AmaSession,
    CoffeeGroup,
    CoffeeSeat,
)
from touchbase.relationships.models import Contact

PAST_QUESTIONS = [
    # asker (username, "guest" or None for anonymous), text, answer or "" (left open)
    (
        "anna",
        "Wann kommt das neue Service-Portal für Österreich?",
        "Im Frühjahr; Anna und das Wiener Team testen es ab Februar.",
    ),
    (
        None,
        "Warum wurden die Boni dieses Jahr später ausgezahlt?",
        "Die Jahresabrechnung hat sich verzögert; ab nächstem Jahr zahlen wir wieder im März.",
    ),
    (
        "guest",
        "Will there be an English version of the customer newsletter?",
        "Yes — from January every newsletter comes in German and English.",
    ),
    ("luca", "Können wir in Südtirol einen eigenen Lagerstandort bekommen?", ""),
    (
        None,
        "Wie sicher sind unsere Arbeitsplätze nach der Übernahme von Castor?",
        "Es gibt keine Kündigungen; beide Teams bleiben zusammen.",
    ),
    ("sophie", "Gibt es ein Budget für Kundenbesuche in der Schweiz?", ""),
    (None, "Warum dauert die Freigabe von Reisekosten so lange?", ""),
    (
        "markus",
        "Welche Produkte sollen 2027 eingestellt werden?",
        "Nur die alten Router der 2018er Serie; Ersatz ist bereits im Katalog.",
    ),
]
UPCOMING_QUESTIONS = [
    ("anna", "Kommt die Wi-Fi-7-Serie noch vor dem Sommer?"),
    (None, "Wird es wieder einen Kundentag in Wien geben?"),
]


def demo_inside(*, workspace: Workspace, team: dict[str, Membership], rng: random.Random,
                **_: Any) -> None:  # fmt: skip
    """AMA sessions and coffee rounds in the demo workspace; once per workspace."""
    if AmaSession.objects.filter(workspace=workspace).exists():
        return
    users = {name: membership.user for name, membership in team.items()}
    contacts = list(
        Contact.objects.filter(workspace=workspace).exclude(email="").order_by("pk")[:3]
    )
    with transaction.atomic():
        _past_session(workspace, users, contacts, rng)
        _upcoming_session(workspace, users)
        _coffee(workspace, users, contacts, rng)


def _place(session: AmaSession, users: dict[str, Any], who: str | None, contact: Any) -> Any:
    if who == "guest" and contact is not None:
        place, _key = ama.guest_join(
            session=session, name="", email="", language="en", contact=contact
        )
        return place
    return ama.participant_for_member(session=session, user=users.get(who or "", users["anna"]))


def _past_session(
    workspace: Workspace, users: dict[str, Any], contacts: list[Contact], rng: random.Random
) -> None:
    helena = users["helena"]
    starts = timezone.now() - dt.timedelta(days=21)
    session = ama.ama_session_save(
        workspace=workspace, by=helena, title="Fragen an die Geschäftsführung", leader=helena,
        starts_at=starts, ends_at=starts + dt.timedelta(hours=1), audience=Audience.BOTH,
        description="Helena beantwortet Ihre Fragen — auch anonym.", moderators=[users["markus"]],
    )  # fmt: skip
    places = [ama.participant_for_member(session=session, user=u) for u in users.values()]
    questions = []
    for who, text, answer in PAST_QUESTIONS:
        place = _place(session, users, who, contacts[0] if contacts else None)
        question = ama.question_ask(session=session, participant=place, text=text,
                                    anonymous=who is None, notify=who is not None)  # fmt: skip
        questions.append((question, answer))
    for question, _answer in questions:
        for place in rng.sample(places, rng.randint(1, len(places))):
            ama.vote_toggle(question=question, participant=place)
    for question, answer in questions:
        if answer:
            ama.question_answer(question=question, answer=answer, by=helena)
    ama.ama_close(session=session)
    AmaSession.objects.filter(pk=session.pk).update(closed_at=starts + dt.timedelta(hours=1))
    AmaQuestion.objects.filter(session=session).exclude(answered_at=None).update(
        answered_at=starts + dt.timedelta(minutes=40)
    )
    follow_ups = list(AmaFollowUp.objects.filter(question__session=session).order_by("pk"))
    if follow_ups:
        ama.question_answer(
            question=follow_ups[0].question, by=users["markus"],
            answer="Wir prüfen Bozen als Standort; Entscheidung im ersten Quartal.",
        )  # fmt: skip
    for follow_up in follow_ups[1:2]:
        ama.follow_up_save(follow_up=follow_up, owner=users["markus"], due_on=follow_up.due_on)


def _upcoming_session(workspace: Workspace, users: dict[str, Any]) -> None:
    markus = users["markus"]
    starts = (timezone.now() + dt.timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    session = ama.ama_session_save(
        workspace=workspace, by=users["helena"], title="Ask Markus: the 2027 roadmap",
        leader=markus, starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
        audience=Audience.BOTH, description="Products, platforms and what customers asked for.",
    )  # fmt: skip
    for who, text in UPCOMING_QUESTIONS:
        place = ama.participant_for_member(session=session, user=users[who or "sophie"])
        ama.question_ask(session=session, participant=place, text=text, anonymous=who is None)


def _coffee(
    workspace: Workspace, users: dict[str, Any], contacts: list[Contact], rng: random.Random
) -> None:
    for user in users.values():
        coffee.coffee_join(workspace=workspace, user=user)
    inviter = users["anna"]
    for contact in contacts[:2]:
        customer = coffee.coffee_customer_invite(workspace=workspace, contact=contact, by=inviter)
        coffee.coffee_active_set(participant=customer, active=True)
    if len(contacts) > 2:
        coffee.coffee_customer_invite(workspace=workspace, contact=contacts[2], by=inviter)
    today = timezone.localdate(timezone.now(), workspace.zone)
    tuesday = today - dt.timedelta(days=(today.weekday() - 1) % 7 or 7)
    for weeks_ago in (4, 3, 2, 1):
        _past_round(workspace, tuesday - dt.timedelta(weeks=weeks_ago - 1), users, rng)
    coffee.coffee_round_make(
        workspace=workspace, on=coffee.next_round_day(workspace=workspace, today=today),
        rng=random.Random(rng.random()),
    )  # fmt: skip


def _past_round(
    workspace: Workspace, on: dt.date, users: dict[str, Any], rng: random.Random
) -> None:
    if on >= timezone.localdate():
        return
    round_, _result = coffee.coffee_round_make(
        workspace=workspace, on=on, rng=random.Random(rng.random())
    )
    CoffeeSeat.objects.filter(group__round=round_).update(invited_at=timezone.now())
    for group in CoffeeGroup.objects.filter(round=round_):
        if rng.random() < 0.8:
            coffee.group_confirm(group=group, met=True, by=users["anna"])
        else:
            coffee.group_confirm(group=group, met=False)
    CoffeeGroup.objects.filter(round=round_, state=GroupState.PROPOSED).update(
        state=GroupState.SKIPPED
    )
