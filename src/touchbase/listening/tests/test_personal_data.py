"""A person's mentions in their data export, and gone from who-wrote-what when they are erased."""

from __future__ import annotations

import pytest

from touchbase.care.services import contact_erase
from touchbase.core import registry
from touchbase.listening.models import AuthorLink, Mention
from touchbase.listening.services import author_link
from touchbase.listening.tests.factories import mention_make, source_make
from touchbase.relationships.services import contact_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def ina(workspace):
    return contact_save(
        workspace=workspace,
        fields={"first_name": "Ina", "last_name": "Lang", "email": "Ina.Lang@example.org"},
    )


def test_a_persons_mentions_are_exported_and_erased_but_their_stars_stay(workspace, alice, ina):
    source = source_make(workspace, "Google")
    by_mail = mention_make(
        source,
        "Die Aurora ist leise und schnell, danke!",
        stars=5.0,
        author="Ina Lang",
        author_email="ina.lang@example.org",
        sentiment="positive",
    )
    by_handle = mention_make(
        source, "@pollux wo bleibt meine Bestellung?", author_handle="ina_l", sentiment="negative"
    )
    author_link(mention=by_handle, contact=ina, by=alice)
    someone_else = mention_make(source, "Ganz okay, der Toaster.", author="Udo")
    handler = registry.personal_data.get("mentions")

    exported = handler.export(ina)
    assert {row["text"] for row in exported} == {by_mail.text, by_handle.text}
    contact_erase(contact=ina, by=alice)

    by_mail.refresh_from_db()
    by_handle.refresh_from_db()
    assert (by_mail.author, by_mail.author_email, by_mail.text, by_mail.stars) == ("", "", "", 5.0)
    assert (by_handle.author_handle, by_handle.contact, by_handle.sentiment) == (
        "",
        None,
        "negative",
    )
    assert not AuthorLink.objects.filter(workspace=workspace).exists()
    assert Mention.objects.get(pk=someone_else.pk).author == "Udo"
