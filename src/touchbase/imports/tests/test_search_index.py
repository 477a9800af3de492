"""Imported and re-imported rows are found by search at once, however they were written."""

from __future__ import annotations

import pytest

from touchbase.imports.planner import import_plan
from touchbase.imports.writer import import_apply
from touchbase.relationships import selectors

pytestmark = pytest.mark.django_db

CSV = (
    "Firma;Vorname;Name;Ort;Telefon;Handy;E-Mail\r\n"
    "Bäckerei Groß GmbH;Jürgen;Müller;München;089 1234567;0171 2345678;j.mueller@gross.example\r\n"
    "Weingut Zur Sonne;Luca;Pföstl;Bozen;+39 0471 123456;;luca@sonne.example\r\n"
)


def found(workspace, query: str) -> list[str]:
    return [c.last_name for c in selectors.contact_list(workspace=workspace, search=query)]


def test_imported_contacts_and_accounts_are_found(workspace, alice):
    plan = import_plan(workspace=workspace, data=CSV.encode(), filename="k.csv")
    import_apply(workspace=workspace, plan=plan, by=alice)
    assert found(workspace, "Mueller") == ["Müller"]
    assert found(workspace, "gross") == ["Müller"]  # the account's name
    assert found(workspace, "0171 2345") == ["Müller"]
    assert found(workspace, "+39 0471 123") == ["Pföstl"]
    assert found(workspace, "Pfoestl bozen") == ["Pföstl"]
    names = [a.name for a in selectors.account_list(workspace=workspace, search="Groß")]
    assert names == ["Bäckerei Groß GmbH"]


def test_a_contact_changed_by_an_import_is_found_by_the_new_name(workspace, alice, contact):
    data = "E-Mail;Nachname;Ort;Telefon\njuergen@sonnenschein.example;Märkl;Augsburg;0821 555666\n"
    plan = import_plan(workspace=workspace, data=data.encode(), filename="update.csv")
    assert plan.counts()["update"] == 1
    # when
    import_apply(workspace=workspace, plan=plan, by=alice)
    # then
    assert found(workspace, "Maerkl augsburg") == ["Märkl"]
    assert found(workspace, "0821 555") == ["Märkl"]
    assert found(workspace, "Sonnenschein Märkl") == ["Märkl"]  # its account's name stays
    assert found(workspace, "Müller") == []
    assert found(workspace, "München") == []
