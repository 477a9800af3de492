"""Inside's e-mails, received by an SMTP server on loopback: coffee invitations with their
calendar proposal (parsed back), their updates and cancellations, a customer's invitation, an
AMA's invitations, answers and follow-ups."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
from django.core.management import call_command
from django.utils import timezone

from touchbase.core.choices import Role
from touchbase.core.services import member_add
from touchbase.inside import ama, coffee, mails
from touchbase.inside.choices import Audience
from touchbase.inside.models import CoffeeGroup, CoffeeSeat

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def event_of(message) -> tuple[icalendar.Calendar, icalendar.Event]:
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    calendar = icalendar.Calendar.from_ical(parts[0].get_content())
    [event] = calendar.walk("VEVENT")
    return calendar, event


def attendees(event) -> set[str]:
    found = event.get("attendee")
    found = found if isinstance(found, list) else [found]
    return {str(a).removeprefix("mailto:").removeprefix("MAILTO:") for a in found}


def by_recipient(smtp) -> dict[str, object]:
    return {message["To"]: message for message in smtp.messages}


def link_in(message) -> str:
    return next(word for word in plain(message).split() if word.startswith("http"))


@pytest.fixture
def colleague(workspace):
    membership = member_add(
        workspace=workspace, username="cem", password=None, role=Role.STAFF,
        email="cem@pollux.example", first_name="Cem", last_name="Cakir",
    )  # fmt: skip
    return membership.user


def next_tuesday() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(1 - today.weekday()) % 7 or 7)


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_each_of_a_pair_the_invitation_with_the_calendar_proposal(
    workspace, alice, bob, smtp
):
    for user in (alice, bob):
        coffee.coffee_join(workspace=workspace, user=user)
    round_, _result = coffee.coffee_round_make(workspace=workspace, on=next_tuesday())
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    received = by_recipient(smtp)
    assert set(received) == {"alice@pollux.example", "bob@pollux.example"}
    group = CoffeeGroup.objects.get(round=round_)
    start = group.starts_at.astimezone(BERLIN)
    assert (start.hour, start.minute) == (10, 0)  # the workspace's time, in its zone
    for address, partner in (("alice@pollux.example", "Bob Bauer"),
                             ("bob@pollux.example", "Alice Adler")):  # fmt: skip
        message = received[address]
        assert partner in plain(message)
        calendar, event = event_of(message)
        assert str(calendar["method"]) == "REQUEST"
        assert event.decoded("dtstart") == group.starts_at
        assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(minutes=30)
        assert str(event["uid"]) == f"coffee-{group.pk}@{workspace.slug}.touchbase"
        assert attendees(event) == {"alice@pollux.example", "bob@pollux.example"}
        assert partner in str(event["summary"])
    # Sent once: the periodic job finds nothing more to send.
    assert mails.coffee_invites_due() == 0
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    assert len(smtp.messages) == 2


def test_when_one_of_three_leaves_the_two_others_get_the_updated_event(
    workspace, alice, bob, colleague, smtp
):
    people = [coffee.coffee_join(workspace=workspace, user=u) for u in (alice, bob, colleague)]
    round_, _result = coffee.coffee_round_make(workspace=workspace, on=next_tuesday())
    mails.coffee_invites_send(round_id=round_.pk)
    smtp.messages.clear()
    seat = CoffeeSeat.objects.get(participant=people[2])
    coffee.seat_leave(seat=seat)
    remaining = list(CoffeeSeat.objects.filter(group=seat.group, left_at=None))
    assert mails.coffee_change_send(kind="left", seat_ids=[s.pk for s in remaining]) == 2
    received = by_recipient(smtp)
    assert set(received) == {"alice@pollux.example", "bob@pollux.example"}
    for message in received.values():
        assert "Cem" not in plain(message)
        calendar, event = event_of(message)
        assert str(calendar["method"]) == "REQUEST"
        assert int(event["sequence"]) == 1
        assert attendees(event) == {"alice@pollux.example", "bob@pollux.example"}


def test_when_the_partner_leaves_and_no_group_can_take_them_the_coffee_is_cancelled(
    workspace, alice, bob, smtp
):
    people = [coffee.coffee_join(workspace=workspace, user=u) for u in (alice, bob)]
    round_, _result = coffee.coffee_round_make(workspace=workspace, on=next_tuesday())
    coffee.seat_leave(seat=CoffeeSeat.objects.get(participant=people[1]))
    alone = CoffeeSeat.objects.get(participant=people[0])
    assert mails.coffee_change_send(kind="cancelled", seat_ids=[alone.pk]) == 1
    [message] = smtp.messages
    assert message["To"] == "alice@pollux.example"
    assert "is off" in message["Subject"]
    calendar, event = event_of(message)
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["uid"]) == f"coffee-{alone.group_id}@{workspace.slug}.touchbase"


def test_a_customers_invitation_carries_the_link_to_their_own_page(workspace, alice, contact, smtp):
    participant = coffee.coffee_customer_invite(workspace=workspace, contact=contact, by=alice)
    assert mails.coffee_customer_invite_send(participant_id=participant.pk) == 1
    [message] = smtp.messages
    assert message["To"] == contact.email
    assert "Alice Adler" in plain(message)
    token = link_in(message).rstrip("/").rsplit("/", 1)[1]
    assert coffee.customer_verify(workspace=workspace, token=token) == participant


def test_invited_customers_get_a_personal_join_link(workspace, session, contact, smtp):
    assert mails.ama_invites_send(session_id=session.pk, contact_ids=[contact.pk]) == 1
    [message] = smtp.messages
    assert message["To"] == contact.email
    assert session.title in message["Subject"]
    token = link_in(message).rstrip("/").rsplit("/", 1)[1]
    assert ama.join_verify(workspace=workspace, token=token) == (session, contact)


def test_a_named_asker_who_wished_it_hears_the_answer_an_anonymous_one_cannot(
    session, alice, bob_place, smtp
):
    named = ama.question_ask(session=session, participant=bob_place, text="Wann kommt V2?",
                             notify=True)  # fmt: skip
    hidden = ama.question_ask(session=session, participant=bob_place, text="Und die Preise?",
                              anonymous=True, notify=True)  # fmt: skip
    for question in (named, hidden):
        ama.question_answer(question=question, answer="Im Mai.", by=alice)
    assert mails.answer_mail_send(question_id=named.pk) == 1
    assert mails.answer_mail_send(question_id=hidden.pk) == 0
    [message] = smtp.messages
    assert message["To"] == "bob@pollux.example"
    assert "Wann kommt V2?" in plain(message)
    assert "Im Mai." in plain(message)
    assert "Alice Adler" in plain(message)


def test_the_owner_of_the_follow_ups_gets_their_list_without_anonymous_names(
    workspace, alice, bob_place, smtp
):
    now = timezone.now()
    session = ama.ama_session_save(
        workspace=workspace, by=alice, title="Frag Alice", leader=alice, audience=Audience.MEMBERS,
        starts_at=now - dt.timedelta(hours=2), ends_at=now - dt.timedelta(hours=1),
    )  # fmt: skip
    place = ama.participant_for_member(session=session, user=bob_place.user)
    ama.question_ask(session=session, participant=place, text="Wer zahlt das?", anonymous=True)
    ama.question_ask(session=session, participant=place, text="Wann kommt V2?")
    ama.ama_close(session=session)
    assert mails.follow_ups_mail_send(session_id=session.pk) == 1
    [message] = smtp.messages
    assert message["To"] == "alice@pollux.example"
    assert message["Subject"] == "2 questions from “Frag Alice” await your answer"
    body = plain(message)
    assert "Wer zahlt das?" in body
    assert "Wann kommt V2?" in body
    assert "Bob" not in body
