"""Merging and erasing keep the search in step: the survivor is found by what it took over,
the duplicate and the erased person by nothing."""

from __future__ import annotations

import pytest

from touchbase.care import services as data_services
from touchbase.relationships import selectors
from touchbase.relationships.models import Contact
from touchbase.relationships.services import contact_save

pytestmark = pytest.mark.django_db


def found(workspace, query: str) -> list[int]:
    return [c.pk for c in selectors.contact_list(workspace=workspace, search=query)]


def test_a_merged_contact_is_found_by_what_it_took_over(workspace, contact, alice):
    duplicate = contact_save(workspace=workspace, fields={
        "last_name": "Mueller", "email": "jm@privat.example", "mobile": "0171 1234567",
        "city": "Augsburg"})  # fmt: skip
    assert found(workspace, "0171 123") == [duplicate.pk]
    # when: the survivor has e-mail and city, so only the mobile is taken over
    data_services.contact_merge(survivor=contact, duplicate=duplicate, by=alice)
    # then
    assert found(workspace, "0171 123") == [contact.pk]
    assert found(workspace, "+49171 1234567") == [contact.pk]
    assert found(workspace, "Müller") == [contact.pk]
    assert found(workspace, "jm@privat") == []
    assert found(workspace, "Augsburg") == []


def test_an_erased_person_is_found_by_nothing_they_were(workspace, contact, alice):
    data_services.contact_erase(contact=contact, by=alice)
    assert Contact.objects.get(pk=contact.pk).search_text == ""
    for query in ["Müller", "Jürgen", "juergen@sonnenschein", "089 1234567", "München"]:
        assert found(workspace, query) == [], query
    assert selectors.account_list(workspace=workspace, search="Sonnenschein").count() == 1


def test_people_of_a_merged_account_are_found_by_the_surviving_companys_name(
    workspace, contact, alice
):
    from touchbase.relationships.services import account_save

    twin = account_save(workspace=workspace, fields={"name": "Sonnenschein Hotels Zweigstelle"})
    person = contact_save(workspace=workspace, fields={"last_name": "Brandl", "account": twin})
    assert found(workspace, "Zweigstelle") == [person.pk]
    # when the twin is merged into the contact's own company
    data_services.account_merge(survivor=contact.account, duplicate=twin, by=alice)
    # then Brandl is found by the surviving name, no longer by the merged one
    assert found(workspace, "Zweigstelle") == []
    assert person.pk in found(workspace, "Bäckerei")
