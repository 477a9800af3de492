"""A call sheet nobody answered: answers are refused, the attempt can carry a follow-up date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from touchbase.core.timeutil import local_today
from touchbase.relationships.models import Contact, NewsletterConsent, Touchpoint
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db


def post_sheet(client, contact, **fields):
    data = {"outcome": "no_answer", "country": contact.country, **fields}
    return client.post(reverse("relationships:call-sheet", args=[contact.pk]), data)


@pytest.fixture
def german_client(alice, alice_client):
    alice.language = "de"
    alice.save()
    return alice_client


def today(contact):
    return local_today(contact.workspace.zone)


def test_answers_entered_with_no_answer_are_refused_on_their_fields_and_nothing_is_saved(
    contact, german_client
):
    response = post_sheet(german_client, contact, wellbeing="gut", newsletter_wanted="yes")
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"wellbeing", "newsletter_wanted", "outcome"}
    assert form.errors["outcome"] == [
        "Niemand hat abgenommen: leeren Sie die Antworten oder wählen Sie ein anderes Ergebnis."
    ]
    # What was typed stays in the form, nothing reaches the database.
    assert 'value="gut"' in response.content.decode()
    assert not Touchpoint.objects.filter(contact=contact).exists()
    assert not NewsletterConsent.objects.filter(contact=contact).exists()


def test_confirmed_phone_and_e_mail_with_no_answer_are_refused_on_the_confirmation_box(
    contact, alice_client
):
    response = post_sheet(alice_client, contact, details_confirmed="on",
                          phone=contact.phone, email=contact.email)  # fmt: skip
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"details_confirmed", "outcome"}
    assert Contact.objects.get(pk=contact.pk).phone_verified_at is None


def test_an_empty_sheet_with_no_answer_logs_the_attempt_and_says_nothing_was_changed(
    contact, alice_client
):
    with translation.override("en"):
        response = post_sheet(alice_client, contact, summary="Mailbox, rang twice")
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == "Attempt logged; the master data was not changed."
    touchpoint = Touchpoint.objects.get(contact=contact)
    assert (touchpoint.is_attempt, touchpoint.summary) == (True, "Mailbox, rang twice")


def test_the_success_message_for_an_attempt_reads_in_german(contact, german_client):
    response = post_sheet(german_client, contact)
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == "Versuch erfasst; die Stammdaten wurden nicht geändert."


def test_a_follow_up_date_on_the_call_sheet_sets_the_contact_aside_until_then(
    contact, alice_client
):
    day = today(contact) + dt.timedelta(days=3)
    response = post_sheet(alice_client, contact, follow_up_on=day.isoformat())
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Attempt logged; the master data was not changed. Try again on ")
    assert Contact.objects.get(pk=contact.pk).snoozed_until == day


def test_a_follow_up_date_on_a_call_that_reached_the_customer_is_refused_and_saves_nothing(
    contact, alice_client
):
    day = today(contact) + dt.timedelta(days=3)
    response = post_sheet(alice_client, contact, outcome="positive", wellbeing="gut",
                          follow_up_on=day.isoformat())  # fmt: skip
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["follow_up_on"]
    contact.refresh_from_db()
    assert (contact.wellbeing_note, contact.snoozed_until) == ("", None)
    assert not Touchpoint.objects.filter(contact=contact).exists()


def test_a_follow_up_date_of_today_gets_a_follow_up_message_not_the_snooze_one(
    contact, german_client
):
    response = post_sheet(german_client, contact, follow_up_on=today(contact).isoformat())
    assert response.status_code == 400
    assert response.context["form"].errors["follow_up_on"] == [
        "Wählen Sie für die Wiedervorlage einen Tag nach heute."
    ]


def test_the_activity_form_gives_the_follow_up_message_for_a_past_date(contact, german_client):
    url = reverse("relationships:contact-touchpoint", args=[contact.pk])
    response = german_client.post(url, {
        "channel": "phone", "direction": "out", "is_personal": "on", "outcome": "no_answer",
        "occurred_at": "2026-01-05T10:00",
        "follow_up_on": (today(contact) - dt.timedelta(days=1)).isoformat(),
    })  # fmt: skip
    html = response.content.decode()
    assert "Wählen Sie für die Wiedervorlage einen Tag nach heute." in html
    assert "Stellen Sie bis zu einem Tag nach heute zurück." not in html


def test_the_api_refuses_answers_with_no_answer_with_422_and_the_fields(
    client, alice_token, contact
):
    response = client.post(
        f"/api/v1/contacts/{contact.pk}/call-sheet", headers=bearer(alice_token),
        data={"outcome": "no_answer", "newsletter_wanted": "yes"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"newsletter_wanted", "outcome"}
    assert not Touchpoint.objects.filter(contact=contact).exists()


def test_the_api_logs_an_attempt_with_a_follow_up_date(client, alice_token, contact):
    day = today(contact) + dt.timedelta(days=2)
    response = client.post(
        f"/api/v1/contacts/{contact.pk}/call-sheet", headers=bearer(alice_token),
        data={"outcome": "no_answer", "follow_up_on": day.isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201
    assert Contact.objects.get(pk=contact.pk).snoozed_until == day


def test_the_call_sheet_offers_the_follow_up_date_in_german(contact, german_client):
    html = german_client.get(reverse("relationships:call-sheet", args=[contact.pk])).content
    assert '<label for="id_follow_up_on">Wiedervorlage am</label>' in html.decode()
