"""Forms of a product (issue 7, item 7): pickers instead of long selects and free text."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from touchbase.core.timeutil import local_today
from touchbase.relationships.choices import Channel, PolicyScope
from touchbase.relationships.models import Account, CadencePolicy, Contact, Tag, Touchpoint
from touchbase.relationships.selectors import spellings
from touchbase.relationships.services import account_save, contact_save, touchpoint_log
from touchbase.testing import bearer, days_ago

pytestmark = pytest.mark.django_db

SUGGEST = reverse("relationships:account-autocomplete")


def suggested(response) -> list[str]:
    """The account names offered as options, in order."""
    return re.findall(r'data-label="([^"]*)"', response.content.decode())


def selected_option(html: str, name: str) -> str | None:
    """The value of the selected option of a <select name=…> in the page."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0))
    return chosen.group(1) if chosen else None


# --- the account picker ---------------------------------------------------------------------


def test_the_picker_suggests_only_accounts_of_the_own_workspace(
    alice_client, workspace, account, carol_account
):
    account_save(workspace=workspace, fields={"name": "Kunde Alpha"})
    response = alice_client.get(SUGGEST, {"account_query": "Kunde"})
    assert response.status_code == 200
    assert suggested(response) == ["Kunde Alpha"]


def test_another_workspace_gets_none_of_alices_accounts(carol_client, account, carol_account):
    response = carol_client.get(SUGGEST, {"account_query": "Bäckerei"})
    assert response.status_code == 200
    assert suggested(response) == []
    assert "Sonnenschein" not in response.content.decode()
    assert suggested(carol_client.get(SUGGEST, {"account_query": "Castor"})) == ["Castor Kunde"]


def test_an_anonymous_visitor_is_sent_to_sign_in(client, account):
    response = client.get(SUGGEST, {"account_query": "Bäckerei"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_suggestions_are_bounded_and_say_that_more_match(alice_client, workspace):
    for number in range(1, 16):
        account_save(workspace=workspace, fields={"name": f"Hotel {number:02d}"})
    response = alice_client.get(SUGGEST, {"account_query": "hotel"})
    assert suggested(response) == [f"Hotel {number:02d}" for number in range(1, 11)]
    assert "More accounts match: keep typing." in response.content.decode()


def test_one_letter_suggests_nothing(alice_client, account):
    response = alice_client.get(SUGGEST, {"account_query": "B"})
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_names_starting_with_the_query_come_first(alice_client, workspace):
    for name in ("Hotel Post", "Postamt Ried", "Alte Post"):
        account_save(workspace=workspace, fields={"name": name})
    response = alice_client.get(SUGGEST, {"account_query": "post"})
    assert suggested(response) == ["Postamt Ried", "Alte Post", "Hotel Post"]


@pytest.mark.parametrize("typed", ["Baeckerei", "bäckerei", "BAECKEREI SONN"])
def test_umlauts_typed_out_find_the_account(alice_client, account, typed):
    assert suggested(alice_client.get(SUGGEST, {"account_query": typed})) == [
        "Bäckerei Sonnenschein"
    ]


def test_written_out_names_are_found_from_umlauts_too(alice_client, workspace):
    account_save(workspace=workspace, fields={"name": "Mueller Maschinenbau"})
    response = alice_client.get(SUGGEST, {"account_query": "Müller"})
    assert suggested(response) == ["Mueller Maschinenbau"]


def test_each_umlaut_is_swapped_on_its_own():
    assert "düsseldorf" in spellings("Duesseldorf")
    assert "straße" in spellings("Strasse")
    assert "mueller" in spellings("Müller")
    assert len(spellings("aeoeuess")) <= 32


def test_nothing_found_says_so(alice_client, account):
    response = alice_client.get(SUGGEST, {"account_query": "Zebra"})
    assert suggested(response) == []
    assert "No account matches “Zebra”." in response.content.decode()


def test_the_contact_form_has_a_combobox_instead_of_a_select_of_every_account(
    alice_client, account
):
    html = alice_client.get(reverse("relationships:contact-create")).content.decode()
    assert '<select name="account"' not in html
    assert 'role="combobox"' in html
    assert 'name="account_query"' in html
    assert f'hx-get="{SUGGEST}"' in html
    assert 'hx-trigger="input changed delay:200ms"' in html
    assert '<input type="hidden" name="account" value=""' in html
    assert '<label for="id_account">Account</label>' in html


def test_the_edit_form_shows_the_current_account_by_name(alice_client, contact, account):
    html = alice_client.get(
        reverse("relationships:contact-edit", args=[contact.pk])
    ).content.decode()
    assert 'value="Bäckerei Sonnenschein"' in html
    assert f'<input type="hidden" name="account" value="{account.pk}"' in html


def new_contact(**fields: object) -> dict[str, object]:
    return {"first_name": "Eva", "last_name": "Huber", "country": "DE", "language": "de", **fields}


def test_the_picked_account_is_saved(alice_client, account):
    response = alice_client.post(
        reverse("relationships:contact-create"),
        new_contact(account=account.pk, account_query="Bäckerei Sonnenschein"),
    )
    assert response.status_code == 302
    assert Contact.objects.get(last_name="Huber").account == account


def test_without_script_the_typed_name_finds_the_account(alice_client, account):
    response = alice_client.post(
        reverse("relationships:contact-create"),
        new_contact(account="", account_query="  bäckerei sonnenschein "),
    )
    assert response.status_code == 302
    assert Contact.objects.get(last_name="Huber").account == account


def test_a_name_no_account_has_is_a_field_error_and_saves_nothing(alice_client, account):
    response = alice_client.post(
        reverse("relationships:contact-create"), new_contact(account="", account_query="Bäckerei")
    )
    assert response.status_code == 200
    assert "No account is called “Bäckerei”. Choose one from the suggestions." in (
        response.content.decode()
    )
    assert 'value="Bäckerei"' in response.content.decode()
    assert Contact.objects.count() == 0


def test_a_name_two_accounts_share_asks_to_choose(alice_client, workspace, account):
    account_save(workspace=workspace, fields={"name": "Bäckerei Sonnenschein", "city": "Graz"})
    response = alice_client.post(
        reverse("relationships:contact-create"),
        new_contact(account="", account_query="Bäckerei Sonnenschein"),
    )
    assert "Several accounts are called “Bäckerei Sonnenschein”." in response.content.decode()
    assert Contact.objects.count() == 0


def test_an_account_of_another_workspace_is_refused(alice_client, account, carol_account):
    response = alice_client.post(
        reverse("relationships:contact-create"),
        new_contact(account=carol_account.pk, account_query="Castor Kunde"),
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert Contact.objects.filter(workspace=carol_account.workspace).count() == 0
    assert not Contact.objects.filter(last_name="Huber").exists()


def test_typing_over_a_picked_account_takes_the_typed_one(alice_client, workspace, account):
    other = account_save(workspace=workspace, fields={"name": "Hotel Post"})
    alice_client.post(
        reverse("relationships:contact-create"),
        new_contact(account=account.pk, account_query="Hotel Post"),
    )
    assert Contact.objects.get(last_name="Huber").account == other


def test_emptying_the_text_box_removes_the_account(alice_client, contact, account):
    response = alice_client.post(
        reverse("relationships:contact-edit", args=[contact.pk]),
        {"first_name": "Jürgen", "last_name": "Müller", "country": "DE", "language": "de",
         "account": account.pk, "account_query": ""},
    )  # fmt: skip
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.account is None


# --- participants and the person spoken with ------------------------------------------------


def touchpoint_data(**fields: object) -> dict[str, object]:
    occurred = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    return {"channel": Channel.PHONE, "direction": "out", "is_personal": "on",
            "occurred_at": occurred, **fields}  # fmt: skip


def test_colleagues_are_boxes_to_tick(alice_client, contact, alice, bob):
    html = alice_client.get(
        reverse("relationships:contact-detail", args=[contact.pk])
    ).content.decode()
    assert '<select name="participants"' not in html
    assert re.search(rf'<input type="checkbox" name="participants" value="{bob.pk}"', html)
    assert f'name="participants" value="{alice.pk}"' not in html
    assert "<legend>Colleagues who took part</legend>" in html


def test_without_colleagues_there_are_no_boxes(alice_client, contact):
    html = alice_client.get(
        reverse("relationships:contact-detail", args=[contact.pk])
    ).content.decode()
    assert 'name="participants"' not in html


def test_ticked_colleagues_are_saved_as_participants(alice_client, contact, alice, bob):
    response = alice_client.post(
        reverse("relationships:contact-touchpoint", args=[contact.pk]),
        touchpoint_data(participants=[bob.pk]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    touchpoint = Touchpoint.objects.get()
    assert set(touchpoint.participants.values_list("username", flat=True)) == {"alice", "bob"}


def test_logging_on_an_account_offers_its_people(alice_client, account, contact, workspace):
    contact_save(workspace=workspace, fields={"last_name": "Anderswo"})
    html = alice_client.get(
        reverse("relationships:account-detail", args=[account.pk])
    ).content.decode()
    assert "<legend>Spoken with</legend>" in html
    assert f'type="radio" name="contact" value="{contact.pk}"' in html
    assert "Nobody in particular" in html
    assert "Anderswo" not in html


def test_the_person_spoken_with_gets_the_touchpoint_and_a_new_due_date(
    alice_client, workspace, account, contact
):
    response = alice_client.post(
        reverse("relationships:account-touchpoint", args=[account.pk]),
        touchpoint_data(contact=contact.pk),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    touchpoint = Touchpoint.objects.get()
    assert (touchpoint.account, touchpoint.contact) == (account, contact)
    contact.refresh_from_db()
    assert contact.last_personal_at == touchpoint.occurred_at


def test_after_talking_to_an_overdue_person_the_account_page_stops_flagging_them(
    alice_client, workspace, account, contact, alice
):
    touchpoint_log(workspace=workspace, contact=contact, channel=Channel.PHONE,
                   occurred_at=days_ago(400), logged_by=alice)  # fmt: skip
    response = alice_client.post(
        reverse("relationships:account-touchpoint", args=[account.pk]),
        touchpoint_data(contact=contact.pk),
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert '<section class="card" id="account-contacts" hx-swap-oob="true">' in html
    assert '<p class="head-note" id="overdue-note" hx-swap-oob="true"></p>' in html
    assert "overdue since" not in html


def test_without_a_person_the_touchpoint_is_the_accounts_alone(alice_client, account, contact):
    alice_client.post(
        reverse("relationships:account-touchpoint", args=[account.pk]),
        touchpoint_data(contact=""),
        headers={"HX-Request": "true"},
    )
    touchpoint = Touchpoint.objects.get()
    assert (touchpoint.account, touchpoint.contact) == (account, None)


def test_a_person_of_another_account_cannot_be_named(alice_client, workspace, account):
    elsewhere = contact_save(workspace=workspace, fields={"last_name": "Anderswo"})
    response = alice_client.post(
        reverse("relationships:account-touchpoint", args=[account.pk]),
        touchpoint_data(contact=elsewhere.pk),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert Touchpoint.objects.count() == 0


# --- language and time zone -----------------------------------------------------------------


def test_languages_are_named_in_the_users_language(alice_client, alice):
    alice.language = "de"
    alice.save()
    html = alice_client.get(reverse("relationships:contact-create")).content.decode()
    assert '<option value="fr">Französisch</option>' in html
    assert '<optgroup label="Häufig verwendet">' in html
    assert selected_option(html, "language") == "de"


def test_a_language_that_is_no_choice_is_refused(alice_client):
    response = alice_client.post(
        reverse("relationships:contact-create"), new_contact(language="Deutsch")
    )
    assert response.status_code == 200
    assert "Select a valid choice. Deutsch is not one of the available choices." in (
        response.content.decode()
    )
    assert Contact.objects.count() == 0


def test_a_chosen_language_is_stored_as_its_code(alice_client, account):
    alice_client.post(reverse("relationships:account-create"), {
        "name": "Chez Paul", "country": "FR", "language": "fr", "value": "0"})  # fmt: skip
    assert Account.objects.get(name="Chez Paul").language == "fr"


def test_an_unusual_stored_language_survives_an_edit(alice_client, contact):
    contact.language = "de-AT"
    contact.save()
    html = alice_client.get(
        reverse("relationships:contact-edit", args=[contact.pk])
    ).content.decode()
    assert selected_option(html, "language") == "de-AT"
    response = alice_client.post(
        reverse("relationships:contact-edit", args=[contact.pk]),
        new_contact(last_name="Müller", language="de-AT"),
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.first_name, contact.language) == ("Eva", "de-AT")


def test_a_new_customer_speaks_the_home_countrys_language(alice_client, workspace):
    workspace.home_country = "FR"
    workspace.save()
    html = alice_client.get(reverse("relationships:account-create")).content.decode()
    assert selected_option(html, "language") == "fr"


def test_the_time_zone_is_chosen_by_city_grouped_by_area(alice_client, alice, workspace):
    alice.language = "de"
    alice.save()
    html = alice_client.get(reverse("core:settings")).content.decode()
    assert '<select name="time_zone"' in html
    assert '<optgroup label="Europa">' in html
    assert '<option value="Europe/Vienna">Wien</option>' in html
    assert selected_option(html, "time_zone") == "Europe/Berlin"
    assert "US/Eastern" not in html


def test_a_chosen_time_zone_is_saved(alice_client, workspace):
    response = alice_client.post(reverse("core:workspace-settings"), {
        "name": "Pollux GmbH", "time_zone": "America/New_York", "home_country": "DE",
        "default_cadence_days": "365"})  # fmt: skip
    assert response.status_code == 302
    workspace.refresh_from_db()
    assert workspace.time_zone == "America/New_York"


def test_a_time_zone_that_is_no_choice_is_refused(alice_client, workspace):
    response = alice_client.post(reverse("core:workspace-settings"), {
        "name": "Pollux GmbH", "time_zone": "Europe/Berlinn", "home_country": "DE",
        "default_cadence_days": "365"})  # fmt: skip
    assert response.status_code == 400
    assert "Unknown time zone: Europe/Berlinn" in response.content.decode()
    workspace.refresh_from_db()
    assert workspace.time_zone == "Europe/Berlin"


def test_a_legacy_time_zone_stays_choosable(alice_client, workspace):
    workspace.time_zone = "US/Eastern"
    workspace.save()
    html = alice_client.get(reverse("core:settings")).content.decode()
    assert selected_option(html, "time_zone") == "US/Eastern"


# --- the owner preset -----------------------------------------------------------------------


def test_a_new_account_is_looked_after_by_whoever_creates_it(client, bob):
    client.force_login(bob)
    html = client.get(reverse("relationships:account-create")).content.decode()
    assert selected_option(html, "owner") == str(bob.pk)


def test_a_new_contact_is_looked_after_by_whoever_creates_it(client, bob):
    client.force_login(bob)
    html = client.get(reverse("relationships:contact-create")).content.decode()
    assert selected_option(html, "owner") == str(bob.pk)


def test_a_new_contact_at_an_account_gets_the_accounts_owner(client, bob, alice, account):
    client.force_login(bob)
    url = reverse("relationships:contact-create") + f"?account={account.pk}"
    html = client.get(url).content.decode()
    assert selected_option(html, "owner") == str(alice.pk)
    assert 'value="Bäckerei Sonnenschein"' in html


def test_a_new_contact_at_an_account_speaks_its_language(alice_client, workspace):
    account = account_save(workspace=workspace, fields={"name": "Trattoria", "language": "it"})
    url = reverse("relationships:contact-create") + f"?account={account.pk}"
    html = alice_client.get(url).content.decode()
    assert selected_option(html, "language") == "it"


def test_editing_keeps_an_empty_owner_empty(alice_client, workspace):
    account = account_save(workspace=workspace, fields={"name": "Ohne Betreuung"})
    html = alice_client.get(
        reverse("relationships:account-edit", args=[account.pk])
    ).content.decode()
    assert selected_option(html, "owner") in (None, "")


# --- cadence policies -----------------------------------------------------------------------


def test_the_policy_form_marks_each_target_field_with_its_scope(alice_client):
    html = alice_client.get(reverse("relationships:policy-create")).content.decode()
    assert "data-scope-switch" in html
    for scope, name in (("owner", "owner"), ("segment", "segment"), ("tag", "tag")):
        assert re.search(rf'<div data-scope="{scope}">.*?name="{name}"', html, re.S), scope


def test_fields_of_another_scope_are_ignored(alice_client, workspace, alice):
    response = alice_client.post(reverse("relationships:policy-create"), {
        "name": "Alle", "scope": PolicyScope.ALL, "interval_days": "180", "segment": "Hotel",
        "owner": alice.pk, "tag": "999999"})  # fmt: skip
    assert response.status_code == 302
    policy = CadencePolicy.objects.get()
    assert (policy.scope, policy.segment, policy.owner, policy.tag) == ("all", "", None, None)


def test_an_exact_duplicate_rule_is_refused_with_a_field_error(alice_client, workspace):
    CadencePolicy.objects.create(
        workspace=workspace, name="Hotels", scope="segment", segment="Hotel", interval_days=180
    )
    response = alice_client.post(reverse("relationships:policy-create"), {
        "name": "Noch einmal Hotels", "scope": "segment", "segment": "hotel",
        "interval_days": "180"})  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(
        r'<label for="id_segment">.*?The rule “Hotels” \(every 180 days\) already applies to '
        r"these customers: change that rule instead\.",
        html,
        re.S,
    )
    assert CadencePolicy.objects.count() == 1


def test_saving_a_rule_unchanged_is_no_duplicate_of_itself(alice_client, workspace):
    policy = CadencePolicy.objects.create(
        workspace=workspace, name="Alle", scope="all", interval_days=365
    )
    response = alice_client.post(reverse("relationships:policy-edit", args=[policy.pk]), {
        "name": "Alle Kunden", "scope": "all", "interval_days": "365"})  # fmt: skip
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.name == "Alle Kunden"


def test_the_database_refuses_an_exact_copy_even_without_owner_or_tag(workspace):
    CadencePolicy.objects.create(workspace=workspace, name="A", scope="all", interval_days=365)
    with pytest.raises(IntegrityError), transaction.atomic():
        CadencePolicy.objects.create(workspace=workspace, name="B", scope="all", interval_days=365)
    assert CadencePolicy.objects.count() == 1


def test_another_workspace_may_have_the_same_rule(workspace, other_workspace):
    CadencePolicy.objects.create(workspace=workspace, name="A", scope="all", interval_days=365)
    CadencePolicy.objects.create(
        workspace=other_workspace, name="A", scope="all", interval_days=365
    )
    assert CadencePolicy.objects.count() == 2


def test_the_api_refuses_a_duplicate_rule_naming_the_field(client, alice_token, workspace):
    tag = Tag.objects.create(workspace=workspace, name="VIP")
    CadencePolicy.objects.create(
        workspace=workspace, name="VIP", scope="tag", tag=tag, interval_days=30
    )
    response = client.post(
        "/api/v1/cadence-policies", headers=bearer(alice_token), content_type="application/json",
        data={"name": "VIP again", "scope": "tag", "tag": "vip", "interval_days": 30},
    )  # fmt: skip
    assert response.status_code == 422
    assert "tag" in response.json()["errors"]
    assert CadencePolicy.objects.count() == 1


# --- overdue contacts on the account page ---------------------------------------------------


def test_the_account_page_flags_its_overdue_contacts(
    alice_client, workspace, account, contact, alice
):
    touchpoint_log(workspace=workspace, contact=contact, channel=Channel.PHONE,
                   occurred_at=days_ago(400), logged_by=alice)  # fmt: skip
    recent = contact_save(workspace=workspace, fields={"last_name": "Neu", "account": account})
    touchpoint_log(workspace=workspace, contact=recent, channel=Channel.PHONE,
                   occurred_at=days_ago(3), logged_by=alice)  # fmt: skip
    contact.refresh_from_db()
    assert contact.next_due_on < local_today(workspace.zone)
    html = alice_client.get(
        reverse("relationships:account-detail", args=[account.pk])
    ).content.decode()
    since = contact.next_due_on.strftime("%m/%d/%Y")
    assert html.count("overdue since") == 1
    row = re.search(rf'id="account-contact-{contact.pk}".*?</div></div>', html, re.S)
    assert row
    assert f"overdue since {since}" in row.group(0)
    assert "1 contact overdue" in html


def test_the_account_page_says_überfällig_in_german(alice_client, alice, workspace, account):
    alice.language = "de"
    alice.save()
    person = contact_save(workspace=workspace, fields={"last_name": "Alt", "account": account})
    touchpoint_log(workspace=workspace, contact=person, channel=Channel.PHONE,
                   occurred_at=days_ago(500), logged_by=alice)  # fmt: skip
    html = alice_client.get(
        reverse("relationships:account-detail", args=[account.pk])
    ).content.decode()
    assert "überfällig seit" in html
    assert "1 Kontakt überfällig" in html


def test_an_account_without_overdue_contacts_shows_no_count(alice_client, account, contact):
    html = alice_client.get(
        reverse("relationships:account-detail", args=[account.pk])
    ).content.decode()
    assert "overdue since" not in html
    assert 'id="overdue-contacts"' not in html


@pytest.mark.django_db(transaction=True)
def test_the_migration_tidies_old_rules_and_keeps_one_of_each_copy(workspace, alice):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    # given policies from before the constraint: a leftover segment and two exact copies
    before = [("relationships", "0007_deletion_record")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("relationships", "CadencePolicy")
    first = old.objects.create(workspace_id=workspace.pk, name="Alle", scope="all",
                               interval_days=365, segment="Hotel")  # fmt: skip
    old.objects.create(workspace_id=workspace.pk, name="Alle (Kopie)", scope="all",
                       interval_days=365, owner_id=alice.pk)  # fmt: skip
    kept = old.objects.create(workspace_id=workspace.pk, name="Alle öfter", scope="all",
                              interval_days=180)  # fmt: skip
    # when the migration runs
    executor = MigrationExecutor(connection)
    executor.migrate([("relationships", "0008_policy_unique_rule")])
    # then the first of the copies stays, tidied, and the other rule is untouched
    rows = CadencePolicy.objects.order_by("id").values_list("id", "segment", "owner_id")
    assert list(rows) == [(first.pk, "", None), (kept.pk, "", None)]
    # (and with those after it, so the next test finds the whole schema)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
