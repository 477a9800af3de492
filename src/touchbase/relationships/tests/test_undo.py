"""A snooze loses nothing, so it happens at once and can be undone for ten minutes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from touchbase.core.timeutil import local_today
from touchbase.relationships import selectors
from touchbase.relationships.models import Contact
from touchbase.relationships.services import touchpoint_log
from touchbase.testing import bearer, days_ago

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="token" value="([^"]+)"')


@pytest.fixture
def overdue(contact, alice):
    """Last spoken to 400 days ago: 35 days overdue on a yearly cadence, on alice's list."""
    touchpoint_log(workspace=contact.workspace, contact=contact, channel="phone",
                   occurred_at=days_ago(400), logged_by=alice)  # fmt: skip
    return Contact.objects.get(pk=contact.pk)


def in_a_week(contact) -> dt.date:
    return local_today(contact.workspace.zone) + dt.timedelta(days=7)


def snooze(client, contact, *, htmx=True, reason="Auf Reisen") -> str:
    """Snooze from the due list; the Undo token its message carries."""
    response = client.post(
        reverse("relationships:due-snooze", args=["contact", contact.pk]),
        {"until": in_a_week(contact).isoformat(), "reason": reason},
        headers={"HX-Request": "true"} if htmx else {},
        follow=not htmx,
    )
    html = response.content.decode()
    assert f"Snoozed “{contact.full_name}” until {in_a_week(contact):%m/%d/%Y}." in html
    return TOKEN.search(html).group(1)


def undo(client, token, *, htmx=True):
    return client.post(
        reverse("relationships:due-snooze-undo"),
        {"token": token},
        headers={"HX-Request": "true"} if htmx else {},
        follow=not htmx,
    )


def on_the_due_list(contact) -> bool:
    items = selectors.due_list(workspace=contact.workspace)
    return ("contact", contact.pk) in {(item.kind, item.id) for item in items}


def test_undo_brings_a_snoozed_customer_back_on_the_due_list(overdue, alice_client):
    token = snooze(alice_client, overdue)
    assert not on_the_due_list(overdue)
    response = undo(alice_client, token)
    assert response["HX-Trigger"] == "due-changed"
    assert "Snooze of “Jürgen Müller” undone." in response.content.decode()
    contact = Contact.objects.get(pk=overdue.pk)
    assert (contact.snoozed_until, contact.snooze_reason) == (None, "")
    assert contact.next_due_on == overdue.next_due_on
    assert on_the_due_list(overdue)


def test_undo_works_without_javascript_too(overdue, alice_client):
    token = snooze(alice_client, overdue, htmx=False)
    response = undo(alice_client, token, htmx=False)
    assert response.redirect_chain[-1][0] == reverse("relationships:due-list")
    assert "Snooze of “Jürgen Müller” undone." in response.content.decode()
    assert on_the_due_list(overdue)


def test_undo_brings_back_the_snooze_it_replaced_with_its_reason(overdue, alice_client):
    earlier = local_today(overdue.workspace.zone) + dt.timedelta(days=3)
    Contact.objects.filter(pk=overdue.pk).update(
        snoozed_until=earlier, snooze_reason="Messe", next_due_on=earlier
    )
    token = snooze(alice_client, overdue)
    undo(alice_client, token)
    contact = Contact.objects.get(pk=overdue.pk)
    assert (contact.snoozed_until, contact.snooze_reason, contact.next_due_on) == (
        earlier, "Messe", earlier)  # fmt: skip


def test_a_colleague_cannot_undo_someone_elses_snooze(overdue, alice_client, bob, client):
    token = snooze(alice_client, overdue)
    client.force_login(bob)
    response = undo(client, token)
    assert "This cannot be undone here." in response.content.decode()
    assert Contact.objects.get(pk=overdue.pk).snoozed_until == in_a_week(overdue)


def test_an_undo_token_is_refused_in_another_workspace(overdue, alice_client, carol, client):
    token = snooze(alice_client, overdue)
    client.force_login(carol)
    response = undo(client, token, htmx=False)
    assert "This cannot be undone here." in response.content.decode()
    assert Contact.objects.get(pk=overdue.pk).snoozed_until == in_a_week(overdue)


def test_undo_is_refused_after_ten_minutes(overdue, alice_client, clock):
    token = snooze(alice_client, overdue)
    clock.advance(10 * 60 + 1)
    response = undo(alice_client, token)
    assert "Too late to undo: the snooze stays." in response.content.decode()
    assert "HX-Trigger" not in response
    assert Contact.objects.get(pk=overdue.pk).snoozed_until == in_a_week(overdue)


def test_undo_within_ten_minutes_still_works(overdue, alice_client, clock):
    token = snooze(alice_client, overdue)
    clock.advance(10 * 60 - 1)
    undo(alice_client, token)
    assert Contact.objects.get(pk=overdue.pk).snoozed_until is None


def test_undo_changes_nothing_when_a_touchpoint_ended_the_snooze_since(
    overdue, alice, alice_client
):
    token = snooze(alice_client, overdue)
    touchpoint_log(workspace=overdue.workspace, contact=overdue, channel="phone",
                   occurred_at=days_ago(0), logged_by=alice)  # fmt: skip
    after_call = Contact.objects.get(pk=overdue.pk)
    response = undo(alice_client, token)
    assert "This changed since; there is nothing to undo." in response.content.decode()
    contact = Contact.objects.get(pk=overdue.pk)
    assert (contact.snoozed_until, contact.next_due_on) == (None, after_call.next_due_on)


def test_a_tampered_token_is_refused(overdue, alice_client):
    token = snooze(alice_client, overdue)
    response = undo(alice_client, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    assert "This cannot be undone here." in response.content.decode()
    assert Contact.objects.get(pk=overdue.pk).snoozed_until == in_a_week(overdue)


def test_undo_asks_anonymous_visitors_to_sign_in_and_refuses_a_get(overdue, alice_client, client):
    token = snooze(alice_client, overdue)
    alice_client.logout()
    response = undo(alice_client, token)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert Contact.objects.get(pk=overdue.pk).snoozed_until == in_a_week(overdue)


def test_the_undo_message_speaks_german(overdue, alice, alice_client):
    alice.language = "de"
    alice.save()
    response = alice_client.post(
        reverse("relationships:due-snooze", args=["contact", overdue.pk]),
        {"until": in_a_week(overdue).isoformat(), "reason": "Urlaub"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    day = f"{in_a_week(overdue):%d.%m.%Y}"
    assert f"„Jürgen Müller“ zurückgestellt bis {day}." in html
    assert "Rückgängig machen" in html


# --- the API: a snooze is ended by deleting it ----------------------------------------------


def test_the_api_ends_a_snooze_by_deleting_it(overdue, alice_client, client, alice_token):
    snooze(alice_client, overdue)
    url = f"/api/v1/due/contact/{overdue.pk}/snooze"
    response = client.delete(url, headers=bearer(alice_token))
    assert response.status_code == 200
    assert response.json()["snoozed_until"] is None
    assert response.json()["next_due_on"] == overdue.next_due_on.isoformat()
    assert on_the_due_list(overdue)


def test_the_api_does_not_end_another_workspaces_snooze(overdue, alice_client, client, carol_token):
    snooze(alice_client, overdue)
    url = f"/api/v1/due/contact/{overdue.pk}/snooze"
    assert client.delete(url, headers=bearer(carol_token)).status_code == 404
    assert client.delete(url).status_code == 401
    assert Contact.objects.get(pk=overdue.pk).snoozed_until == in_a_week(overdue)
