"""German screens hold no English: the main pages rendered for a German member."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from touchbase.care.services import contact_erase
from touchbase.relationships.choices import CheckinAnswer
from touchbase.relationships.services import (
    CheckinAnswers,
    call_sheet_submit,
    contact_save,
    touchpoint_log,
)

pytestmark = pytest.mark.django_db

# English that reached German screens before: Django's empty choice, stored call-sheet texts,
# the erasure placeholder, the old word for a touchpoint.
LEFTOVERS = [
    "Select an option", "---------", "[erased]", "Check-in call", "check-in call",
    "How they are", "Address still current", "Newsletter wanted", "Works from home",
    "touchpoint", "Touchpoint", "Kontakt erfassen", "Owner",
]  # fmt: skip


@pytest.fixture
def world(workspace, alice, bob, account, contact):
    """A customer with a call-sheet call (logged by an English-speaking colleague), an
    erased person with a touchpoint, and a consent recorded on the call sheet."""
    bob.language = "en"
    bob.save()
    call_sheet_submit(
        contact=contact, by=bob,
        answers=CheckinAnswers(wellbeing="Gut, viel los", address_current=CheckinAnswer.YES,
                               newsletter_wanted=CheckinAnswer.YES),
    )  # fmt: skip
    quiet = contact_save(workspace=workspace, fields={"last_name": "Still", "account": account})
    call_sheet_submit(contact=quiet, by=bob, answers=CheckinAnswers())
    gone = contact_save(workspace=workspace, fields={"last_name": "Weg", "account": account})
    touchpoint_log(workspace=workspace, contact=gone, channel="meeting",
                   occurred_at=timezone.now(), logged_by=bob, summary="Privat")  # fmt: skip
    contact_erase(contact=gone, by=alice)
    alice.language = "de"
    alice.save()
    return {"contact": contact, "quiet": quiet, "gone": gone, "account": account}


def visible(html: str) -> str:
    """The text a reader sees, option labels and attributes like placeholders included."""
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    attributes = " ".join(re.findall(r'(?:placeholder|aria-label|title)="([^"]*)"', html))
    return re.sub(r"<[^>]+>", " ", html) + " " + attributes


def main_pages(world) -> list[str]:
    contact, account = world["contact"], world["account"]
    return [
        reverse("relationships:due-list"), reverse("relationships:due-list") + "?scope=team",
        reverse("relationships:account-list"), reverse("relationships:account-create"),
        reverse("relationships:account-detail", args=[account.pk]),
        reverse("relationships:account-edit", args=[account.pk]),
        reverse("relationships:contact-list"), reverse("relationships:contact-create"),
        reverse("relationships:contact-detail", args=[contact.pk]),
        reverse("relationships:contact-detail", args=[world["quiet"].pk]),
        reverse("relationships:contact-detail", args=[world["gone"].pk]),
        reverse("relationships:contact-edit", args=[contact.pk]),
        reverse("relationships:call-sheet", args=[contact.pk]),
        reverse("relationships:policy-list"), reverse("relationships:policy-create"),
        reverse("relationships:team"), reverse("care:freshness"), reverse("care:duplicates"),
        reverse("care:voucher-list"), reverse("care:advice-create"),
        reverse("imports:import-start"), reverse("core:settings"), reverse("core:members"),
        "/no/such/page/",
    ]  # fmt: skip


def test_the_main_pages_in_german_hold_none_of_the_known_english_leftovers(alice_client, world):
    for url in main_pages(world):
        response = alice_client.get(url)
        assert response.status_code in (200, 404), url
        text = visible(response.content.decode())
        assert '<html lang="de">' in response.content.decode(), url
        found = [word for word in LEFTOVERS if word in text]
        assert found == [], url


def test_a_touchpoint_is_logged_with_aktivitaet_erfassen_on_both_customer_pages(
    alice_client, world
):
    for url in (
        reverse("relationships:contact-detail", args=[world["contact"].pk]),
        reverse("relationships:account-detail", args=[world["account"].pk]),
    ):
        text = visible(alice_client.get(url).content.decode())
        assert "Aktivität erfassen" in text, url
        assert "Kontakt erfassen" not in text, url


def test_the_accounts_page_offers_all_aktivitaeten_not_all_kontakte(alice_client, world):
    text = visible(alice_client.get(reverse("relationships:account-list")).content.decode())
    assert "Alle Aktivitäten (XLSX)" in text
    assert "Alle Kontakte" not in text


def test_a_german_reader_sees_an_english_colleagues_call_sheet_answers_in_german(
    alice_client, world
):
    url = reverse("relationships:contact-detail", args=[world["contact"].pk])
    text = visible(alice_client.get(url).content.decode())
    assert "Befinden: Gut, viel los" in text
    assert "Adresse noch aktuell: ja" in text
    assert "Newsletter gewünscht: ja" in text
    assert "Anruf mit Gesprächsbogen" in text  # the consent's source
    quiet = reverse("relationships:contact-detail", args=[world["quiet"].pk])
    assert "Anruf mit Gesprächsbogen" in visible(alice_client.get(quiet).content.decode())


def test_an_english_reader_sees_the_same_answers_in_english(client, bob, world):
    client.force_login(bob)
    url = reverse("relationships:contact-detail", args=[world["contact"].pk])
    text = visible(client.get(url).content.decode())
    assert "How they are: Gut, viel los" in text
    assert "Address still current: yes" in text
    assert "check-in call" in text
    quiet = reverse("relationships:contact-detail", args=[world["quiet"].pk])
    assert "Check-in call" in visible(client.get(quiet).content.decode())


def test_an_erased_person_reads_geloescht_in_german_and_erased_in_english(
    alice_client, client, bob, world
):
    url = reverse("relationships:contact-detail", args=[world["gone"].pk])
    assert "[gelöscht]" in visible(alice_client.get(url).content.decode())
    client.force_login(bob)
    assert "[erased]" in visible(client.get(url).content.decode())


def test_select_fields_offer_a_german_empty_choice(alice_client, world):
    html = alice_client.get(reverse("relationships:contact-create")).content.decode()
    assert "— bitte wählen —" in html
    assert "Select an option" not in html
