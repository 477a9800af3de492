"""The customer's language is shown where their master data is, and chosen like any select."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from touchbase.relationships.services import account_save, contact_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def german(alice):
    alice.language = "de"
    alice.save()


def test_the_contact_page_shows_the_language_by_name_in_the_readers_language(
    alice_client, alice, workspace, contact
):
    contact_save(workspace=workspace, contact=contact, fields={"language": "fr"})
    url = reverse("relationships:contact-detail", args=[contact.pk])
    assert '<dd id="contact-language">French</dd>' in alice_client.get(url).content.decode()
    alice.language = "de"
    alice.save()
    assert '<dd id="contact-language">Französisch</dd>' in alice_client.get(url).content.decode()


def test_the_account_page_shows_the_language_too(alice_client, workspace, account):
    account_save(workspace=workspace, account=account, fields={"language": "it"})
    html = alice_client.get(reverse("relationships:account-detail", args=[account.pk])).content
    assert '<dd id="account-language">Italian</dd>' in html.decode()


def test_the_empty_language_choice_reads_like_every_other_empty_choice(
    alice_client, german, contact
):
    html = alice_client.get(
        reverse("relationships:contact-edit", args=[contact.pk])
    ).content.decode()
    language = re.search(r'<select name="language".*?</select>', html, re.S).group(0)
    assert '<option value="">— bitte wählen —</option>' in language
    assert ">—</option>" not in language
