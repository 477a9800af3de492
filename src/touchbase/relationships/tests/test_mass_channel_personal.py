"""A mass channel is never personal: the log form says so when it clears the box."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from touchbase.relationships.models import Touchpoint

pytestmark = pytest.mark.django_db


def log(client, contact, **fields):
    now = timezone.localtime(timezone.now(), contact.workspace.zone)
    data = {"direction": "out", "occurred_at": now.strftime("%Y-%m-%dT%H:%M"), **fields}
    url = reverse("relationships:contact-touchpoint", args=[contact.pk])
    return client.post(url, data, HTTP_HX_REQUEST="true")


def test_a_newsletter_logged_with_personal_ticked_is_saved_as_mass_and_the_user_told(
    alice_client, contact
):
    response = log(alice_client, contact, channel="newsletter", is_personal="on")
    assert response.status_code == 200
    assert Touchpoint.objects.get(contact=contact).is_personal is False
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == (
        "Touchpoint logged, not as personal contact: Newsletter is a mass channel and does "
        "not reset the customer's clock."
    )


def test_the_german_message_names_the_channel_too(alice_client, alice, contact):
    alice.language = "de"
    alice.save()
    response = log(alice_client, contact, channel="webinar", is_personal="on")
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Aktivität erfasst, nicht als persönliche Aktivität: Webinar ")


def test_a_newsletter_without_the_box_ticked_is_simply_logged(alice_client, contact):
    response = log(alice_client, contact, channel="newsletter")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Touchpoint logged."]


def test_the_channel_select_names_the_mass_channels_for_the_script(alice_client, contact):
    html = alice_client.get(
        reverse("relationships:contact-detail", args=[contact.pk])
    ).content.decode()
    assert 'data-mass-channels="mailing newsletter webinar"' in html
