"""A call nobody answered is an attempt, not a contact: the customer stays due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from touchbase.core.timeutil import local_today
from touchbase.relationships import selectors
from touchbase.relationships.models import Contact
from touchbase.relationships.services import CheckinAnswers, call_sheet_submit, touchpoint_log
from touchbase.testing import bearer, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(contact, alice):
    """Last spoken to 400 days ago: 35 days overdue on a yearly cadence."""
    touchpoint_log(workspace=contact.workspace, contact=contact, channel="phone",
                   occurred_at=days_ago(400), logged_by=alice)  # fmt: skip
    return Contact.objects.get(pk=contact.pk)


def call(contact, alice, *, outcome="no_answer", when=None, **extra):
    return touchpoint_log(
        workspace=contact.workspace, contact=contact, channel="phone", logged_by=alice,
        occurred_at=when or timezone.now(), outcome=outcome, **extra,
    )  # fmt: skip


def test_a_call_nobody_answered_keeps_the_customer_due(overdue, alice):
    call(overdue, alice)
    contact = Contact.objects.get(pk=overdue.pk)
    assert (contact.next_due_on, contact.last_personal_at) == (
        overdue.next_due_on, overdue.last_personal_at)  # fmt: skip
    assert contact.attempts == 1
    assert contact.account.attempts == 1


def test_the_due_list_counts_the_attempts_and_says_when_the_last_was(overdue, alice, alice_client):
    call(overdue, alice, when=days_ago(3))
    last = call(overdue, alice, when=days_ago(1))
    [item] = [i for i in selectors.due_list(workspace=overdue.workspace) if i.kind == "contact"]
    assert (item.attempts, item.last_attempt_at) == (2, last.occurred_at)
    html = alice_client.get(reverse("relationships:due-list")).content.decode()
    assert "2 attempts, last" in html


def test_reaching_the_customer_resets_the_clock_and_the_attempts(overdue, alice):
    call(overdue, alice, when=days_ago(2))
    reached = call(overdue, alice, outcome="positive")
    contact = Contact.objects.get(pk=overdue.pk)
    assert contact.last_personal_at == reached.occurred_at
    assert (contact.attempts, contact.last_attempt_at) == (0, None)
    assert contact.next_due_on > local_today(contact.workspace.zone)


def test_an_attempt_logged_late_for_a_day_before_the_last_contact_counts_nothing(overdue, alice):
    call(overdue, alice, when=days_ago(500))
    assert Contact.objects.get(pk=overdue.pk).attempts == 0


def test_an_attempt_with_a_follow_up_date_sets_the_customer_aside_until_then(overdue, alice):
    day = local_today(overdue.workspace.zone) + dt.timedelta(days=3)
    call(overdue, alice, follow_up_on=day)
    contact = Contact.objects.get(pk=overdue.pk)
    assert (contact.next_due_on, contact.snoozed_until, contact.attempts) == (day, day, 1)


def test_a_follow_up_date_on_a_call_that_reached_the_customer_is_refused(overdue, alice):
    day = local_today(overdue.workspace.zone) + dt.timedelta(days=3)
    with pytest.raises(ValidationError) as refused:
        call(overdue, alice, outcome="positive", follow_up_on=day)
    assert list(refused.value.message_dict) == ["follow_up_on"]
    assert Contact.objects.get(pk=overdue.pk).touchpoints.count() == 1


def test_the_api_logs_an_attempt_with_a_follow_up(overdue, client, alice_token):
    day = local_today(overdue.workspace.zone) + dt.timedelta(days=2)
    response = client.post("/api/v1/touchpoints", {
        "contact_id": overdue.pk, "channel": "phone", "outcome": "no_answer",
        "occurred_at": timezone.now().isoformat(), "follow_up_on": day.isoformat(),
    }, content_type="application/json", headers=bearer(alice_token))  # fmt: skip
    assert response.status_code == 201
    assert Contact.objects.get(pk=overdue.pk).snoozed_until == day


def test_the_timeline_shows_an_attempt_as_such(overdue, alice, alice_client):
    call(overdue, alice)
    html = alice_client.get(reverse("relationships:contact-detail", args=[overdue.pk])).content
    assert "attempt, not reached" in html.decode()


def test_a_call_sheet_with_no_answer_refuses_answers_and_confirms_no_master_data(overdue, alice):
    answers = CheckinAnswers(address_current="yes", works_from_home="yes", outcome="no_answer")
    with pytest.raises(ValidationError) as refused:
        call_sheet_submit(contact=overdue, answers=answers, by=alice)
    assert set(refused.value.message_dict) == {"address_current", "works_from_home", "outcome"}
    contact = Contact.objects.get(pk=overdue.pk)
    assert (contact.address_verified_at, contact.works_from_home) == (None, None)
    assert (contact.attempts, contact.next_due_on) == (0, overdue.next_due_on)


def test_the_htmx_form_logs_an_attempt_and_the_panel_says_so(overdue, alice_client):
    url = reverse("relationships:contact-touchpoint", args=[overdue.pk])
    now = timezone.localtime(timezone.now(), overdue.workspace.zone)
    response = alice_client.post(url, {
        "channel": "phone", "direction": "out", "is_personal": "on", "outcome": "no_answer",
        "occurred_at": now.strftime("%Y-%m-%dT%H:%M"),
    }, headers={"HX-Request": "true"})  # fmt: skip
    assert response.status_code == 200
    assert "attempt, not reached" in response.content.decode()
    assert Contact.objects.get(pk=overdue.pk).next_due_on == overdue.next_due_on


def test_an_htmx_answer_carries_its_success_message_where_the_user_is(contact, alice_client):
    url = reverse("relationships:contact-touchpoint", args=[contact.pk])
    now = timezone.localtime(timezone.now(), contact.workspace.zone)
    response = alice_client.post(url, {
        "channel": "phone", "direction": "out", "is_personal": "on", "outcome": "positive",
        "occurred_at": now.strftime("%Y-%m-%dT%H:%M"),
    }, headers={"HX-Request": "true"})  # fmt: skip
    html = response.content.decode()
    assert 'hx-swap-oob="innerHTML:#toasts"' in html
    assert "Touchpoint logged." in html
    # and the message is not shown a second time on the next page
    assert (
        "Touchpoint logged."
        not in alice_client.get(reverse("relationships:due-list")).content.decode()
    )
