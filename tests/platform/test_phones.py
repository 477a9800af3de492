"""Phones dial right: home-country numbers in national format, all others internationally."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from touchbase.core.choices import Country
from touchbase.core.models import Workspace
from touchbase.core.services import workspace_create
from touchbase.core.timeutil import local_today
from touchbase.imports.planner import import_plan
from touchbase.imports.writer import import_apply
from touchbase.relationships.digest import digest_send
from touchbase.relationships.models import Contact
from touchbase.relationships.services import account_save, contact_save

pytestmark = pytest.mark.django_db

VIENNA = {"first_name": "Eva", "last_name": "Huber", "phone": "01 5234567", "country": "AT"}
MUNICH = {"first_name": "Max", "last_name": "Maier", "phone": "089 1234567", "country": "DE"}


def make_austrian(workspace: Workspace) -> None:
    Workspace.objects.filter(pk=workspace.pk).update(home_country=Country.AUSTRIA)
    workspace.refresh_from_db()


def test_a_vienna_number_on_a_german_workspaces_contact_page_is_international(
    alice_client, workspace
):
    contact = contact_save(workspace=workspace, fields=VIENNA)
    response = alice_client.get(reverse("relationships:contact-detail", args=[contact.pk]))
    assert contact.phone == "+4315234567"
    assert "<dd>+43 1 5234567</dd>" in response.content.decode()


def test_a_munich_number_is_national_for_a_german_workspace(alice_client, workspace):
    contact = contact_save(workspace=workspace, fields=MUNICH)
    response = alice_client.get(reverse("relationships:contact-detail", args=[contact.pk]))
    assert "<dd>089 1234567</dd>" in response.content.decode()


def test_a_munich_number_is_international_for_an_austrian_workspace(alice_client, workspace):
    make_austrian(workspace)
    contact = contact_save(workspace=workspace, fields=MUNICH)
    response = alice_client.get(reverse("relationships:contact-detail", args=[contact.pk]))
    assert contact.phone == "+49891234567"
    assert "<dd>+49 89 1234567</dd>" in response.content.decode()


def test_the_mobile_follows_the_home_country(alice_client, workspace):
    contact = contact_save(workspace=workspace, fields={**VIENNA, "mobile": "0664 1234567"})
    response = alice_client.get(reverse("relationships:contact-detail", args=[contact.pk]))
    assert "<dd>+43 664 1234567</dd>" in response.content.decode()
    assert contact.mobile_display == "+43 664 1234567"


def test_the_contact_list_follows_the_home_country(alice_client, workspace):
    contact_save(workspace=workspace, fields=VIENNA)
    contact_save(workspace=workspace, fields=MUNICH)
    page = alice_client.get(reverse("relationships:contact-list")).content.decode()
    assert '<td class="phone">+43 1 5234567</td>' in page
    assert '<td class="phone">089 1234567</td>' in page


def test_the_contact_list_of_an_austrian_workspace_shows_munich_internationally(
    alice_client, workspace
):
    make_austrian(workspace)
    contact_save(workspace=workspace, fields=VIENNA)
    contact_save(workspace=workspace, fields=MUNICH)
    page = alice_client.get(reverse("relationships:contact-list")).content.decode()
    assert '<td class="phone">01 5234567</td>' in page
    assert '<td class="phone">+49 89 1234567</td>' in page


def test_the_call_sheet_follows_the_home_country(alice_client, workspace):
    contact = contact_save(workspace=workspace, fields=VIENNA)
    page = alice_client.get(reverse("relationships:call-sheet", args=[contact.pk]))
    assert '<a class="button" href="tel:+4315234567">☎ +43 1 5234567</a>' in page.content.decode()


def test_the_digest_mail_follows_the_home_country(smtp, alice_membership):
    # given: a Vienna and a Munich customer of a German workspace, both due
    workspace = alice_membership.workspace
    for fields in (VIENNA, MUNICH):
        contact_save(workspace=workspace, fields={**fields, "owner": alice_membership.user})
    # when
    assert digest_send(membership=alice_membership) is True
    # then
    message = smtp.messages[0]
    due = date_format(local_today(workspace.zone), "SHORT_DATE_FORMAT")
    lines = message.get_body(("plain",)).get_content().splitlines()
    assert f"- Eva Huber — due since {due} — Phone +43 1 5234567" in lines
    assert f"- Max Maier — due since {due} — Phone 089 1234567" in lines
    html = message.get_body(("html",)).get_content()
    assert '<a href="tel:+4315234567">+43 1 5234567</a>' in html


def test_the_digest_of_an_austrian_workspace_shows_munich_internationally(smtp, alice_membership):
    workspace = alice_membership.workspace
    make_austrian(workspace)
    contact_save(workspace=workspace, fields={**MUNICH, "owner": alice_membership.user})
    assert digest_send(membership=alice_membership) is True
    text = smtp.messages[0].get_body(("plain",)).get_content()
    assert "— Phone +49 89 1234567" in text


def test_a_contact_without_a_country_is_read_in_the_austrian_home_country(workspace):
    make_austrian(workspace)
    fields = {"last_name": "Huber", "phone": "01 5234567"}
    contact = contact_save(workspace=workspace, fields=fields)
    assert (contact.phone, contact.country) == ("+4315234567", "AT")


def test_an_empty_country_is_read_in_the_home_country(workspace):
    make_austrian(workspace)
    contact = Contact(workspace=workspace, last_name="Huber", country="", phone="01 5234567")
    contact.clean()
    assert contact.phone == "+4315234567"


def test_the_rows_own_country_comes_before_the_home_country(workspace):
    make_austrian(workspace)
    contact = contact_save(workspace=workspace, fields=MUNICH)
    assert (contact.phone, contact.country) == ("+49891234567", "DE")


def test_a_new_contact_form_suggests_the_home_country(alice_client, workspace):
    make_austrian(workspace)
    page = alice_client.get(reverse("relationships:contact-create")).content.decode()
    assert '<option value="AT" selected>Austria</option>' in page


def test_an_import_without_countries_reads_numbers_in_the_home_country(alice):
    # given: an Austrian workspace and a file without a country column
    workspace = workspace_create(name="Wiener Kaffee", time_zone="Europe/Vienna")
    data = "Name;Firma;Telefon\r\nHuber;Café Central;01 5234567\r\n".encode()
    # when
    plan = import_plan(workspace=workspace, data=data, filename="k.csv")
    import_apply(workspace=workspace, plan=plan, by=None)
    # then
    contact = Contact.objects.get(workspace=workspace)
    assert (contact.phone, contact.country, contact.account.country) == (
        "+4315234567", "AT", "AT")  # fmt: skip


def test_a_vienna_number_on_a_german_workspaces_account_page_is_international(
    alice_client, workspace
):
    account = account_save(
        workspace=workspace, fields={"name": "Café Central", "phone": "01 5234567", "country": "AT"}
    )
    response = alice_client.get(reverse("relationships:account-detail", args=[account.pk]))
    assert "<dd>+43 1 5234567</dd>" in response.content.decode()
