"""Search: umlauts however written, company, e-mail, city and phone numbers in any notation,
through the text index (trigram GIN on PostgreSQL, FTS5 on SQLite) that follows every write."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from touchbase.core.search import query_terms, search_index_install, text_forms
from touchbase.relationships import selectors
from touchbase.relationships.models import Account, Contact
from touchbase.relationships.services import account_save, contact_save, search_text_refresh
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(workspace, contact):
    """Jürgen Müller (fixture) beside a few who must not turn up for his searches."""
    kunz = account_save(workspace=workspace, fields={"name": "Kunz Maschinenbau", "city": "Ulm"})
    others = [
        {"first_name": "Anna", "last_name": "Mueller", "email": "anna@kunz.example",
         "account": kunz, "city": "Ulm", "mobile": "+49 170 9876543"},
        {"first_name": "Peter", "last_name": "Muller", "city": "Weißenburg in Bayern",
         "phone": "+43 1 5234567"},
        {"first_name": "Sabine", "last_name": "Schmidt", "email": "s.schmidt@example.com",
         "city": "Freiburg im Breisgau", "phone": "0761 1234567"},
    ]  # fmt: skip
    saved = [contact_save(workspace=workspace, fields=fields) for fields in others]
    return {"mueller": contact, "anna": saved[0], "peter": saved[1], "sabine": saved[2]}


def found(workspace, query: str) -> list[str]:
    rows = selectors.contact_list(workspace=workspace, search=query)
    return [c.full_name for c in rows]


# --- umlauts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["Müller", "müller", "MÜLLER", "Mueller", "mueller", "Muller"])
def test_every_spelling_of_mueller_finds_juergen_mueller(people, workspace, query):
    assert "Jürgen Müller" in found(workspace, query)


def test_the_umlaut_spelled_out_finds_it_written_with_dots_and_the_other_way_round(
    people, workspace
):
    # "Mueller" is how Anna writes herself; a search for "Müller" still finds her
    assert found(workspace, "Müller") == ["Anna Mueller", "Peter Muller", "Jürgen Müller"]
    # "Muller" and "Mueller" find the dotted name, but a plain u is not an umlaut
    assert found(workspace, "Mueller") == ["Anna Mueller", "Jürgen Müller"]
    assert found(workspace, "Jürgen") == found(workspace, "Juergen") == ["Jürgen Müller"]


def test_sharp_s_and_ss_are_the_same_letter(people, workspace):
    assert found(workspace, "Weissenburg") == ["Peter Muller"]
    assert found(workspace, "weißenburg") == ["Peter Muller"]


# --- fields -----------------------------------------------------------------------------------


def test_company_email_and_city_find_the_contact(people, workspace):
    assert found(workspace, "Sonnenschein") == ["Jürgen Müller"]  # the account's name
    assert found(workspace, "kunz maschinen") == ["Anna Mueller"]
    assert found(workspace, "schmidt@example") == ["Sabine Schmidt"]
    assert found(workspace, "juergen@sonnen") == ["Jürgen Müller"]
    assert found(workspace, "Freiburg") == ["Sabine Schmidt"]
    assert found(workspace, "münchen") == ["Jürgen Müller"]


def test_every_word_of_the_query_must_match(people, workspace):
    assert found(workspace, "Jürgen Müller") == ["Jürgen Müller"]
    assert found(workspace, "Müller Ulm") == ["Anna Mueller"]
    assert found(workspace, "Müller Hamburg") == []


@pytest.mark.parametrize(
    "query",
    ["0761 123", "07611234", "0761/123", "0761-1234567", "+49761123", "+49 761 1234567",
     "0049 761 123", "+49 (0)761 1234", "761 12345"],
)  # fmt: skip
def test_a_phone_number_is_found_in_any_notation(people, workspace, query):
    assert found(workspace, query) == ["Sabine Schmidt"]


def test_mobile_numbers_and_numbers_abroad_are_found(people, workspace):
    assert found(workspace, "0170 98765") == ["Anna Mueller"]
    assert found(workspace, "+43 1 523") == ["Peter Muller"]
    assert found(workspace, "0043 1 5234567") == ["Peter Muller"]


def test_a_phone_kept_as_written_is_found_as_written(workspace):
    # an import keeps a number that is valid nowhere as it stood in the file
    kept = contact_save(workspace=workspace, fields={"last_name": "Alt"})
    Contact.objects.filter(pk=kept.pk).update(phone="0761-999 ext 12")
    search_text_refresh(contacts=Contact.objects.filter(pk=kept.pk))
    assert found(workspace, "0761 999") == ["Alt"]


def test_short_terms_still_search(people, workspace):
    # one or two letters have no trigram; they are looked up without the index
    assert found(workspace, "Pe") == ["Peter Muller"]
    assert found(workspace, "ü") == found(workspace, "u")
    assert set(found(workspace, "u")) >= {"Jürgen Müller", "Peter Muller"}


def test_quotes_and_wildcards_in_the_query_are_plain_text(people, workspace):
    for query in ['"', 'Mül"ler', "%", "_", "a%b", "OR", "NEAR(", "*", "Müller*"]:
        assert isinstance(found(workspace, query), list)
    assert found(workspace, "%") == []
    assert found(workspace, '"Müller"') == []  # the quotes are part of the word


def test_a_control_character_in_the_query_is_a_space_not_an_error(
    client, alice_client, alice_token, people
):
    # a NUL ended the SQLite FTS5 string early: every search page answered 500
    pages = ["/contacts/?q=M%C3%BCl%00ler", "/accounts/?q=ab%00cd", "/contacts/?q=%00%00"]
    for url in pages:
        assert alice_client.get(url).status_code == 200, url
    for url in ["/api/v1/contacts?q=M%C3%BCller%00", "/api/v1/accounts?q=%00x"]:
        assert client.get(url, headers=bearer(alice_token)).status_code == 200, url
    names = alice_client.get("/contacts/?q=M%C3%BCller%00").content.decode()
    assert "Müller" in names


# --- scope, order and pages -------------------------------------------------------------------


def test_another_workspace_is_never_searched(people, workspace, carol_contact, other_workspace):
    contact_save(workspace=other_workspace, fields={"last_name": "Müller", "city": "Ulm"})
    assert found(workspace, "Geheim") == []
    assert found(workspace, "Castor") == []
    assert "Müller" not in [
        c.last_name for c in selectors.contact_list(workspace=other_workspace, search="Ulm")[1:]
    ]
    assert found(other_workspace, "Müller") == ["Müller"]


def test_api_search_keeps_order_pages_and_workspace(client, alice_token, carol_token, people):
    headers = bearer(alice_token)
    first = client.get("/api/v1/contacts?q=Müller&limit=2", headers=headers).json()
    assert [c["last_name"] for c in first["items"]] == ["Mueller", "Muller"]
    assert first["next_offset"] == 2
    rest = client.get("/api/v1/contacts?q=Müller&limit=2&offset=2", headers=headers).json()
    assert ([c["last_name"] for c in rest["items"]], rest["next_offset"]) == (["Müller"], None)
    backwards = client.get("/api/v1/contacts?q=mueller&sort=-name", headers=headers).json()
    assert [c["first_name"] for c in backwards["items"]] == ["Jürgen", "Anna"]
    phone = client.get("/api/v1/contacts", {"q": "0761/123"}, headers=headers).json()
    assert [c["last_name"] for c in phone["items"]] == ["Schmidt"]
    theirs = client.get("/api/v1/contacts?q=Müller", headers=bearer(carol_token)).json()
    assert theirs["items"] == []


def test_api_account_search(client, alice_token, carol_token, people, carol_account):
    headers = bearer(alice_token)
    assert [a["name"] for a in client.get("/api/v1/accounts?q=backerei",
                                          headers=headers).json()["items"]] == [
        "Bäckerei Sonnenschein"]  # fmt: skip
    assert [a["name"] for a in client.get("/api/v1/accounts?q=ulm",
                                          headers=headers).json()["items"]] == [
        "Kunz Maschinenbau"]  # fmt: skip
    assert client.get("/api/v1/accounts?q=Castor", headers=headers).json()["items"] == []
    carols = client.get("/api/v1/accounts?q=Castor", headers=bearer(carol_token)).json()
    assert [a["name"] for a in carols["items"]] == ["Castor Kunde"]


def test_accounts_are_found_by_name_city_email_and_phone(workspace, account):
    account_save(workspace=workspace, account=account,
                 fields={"city": "Nürnberg", "email": "info@sonnenschein.example",
                         "phone": "0911 7654321"})  # fmt: skip
    account_save(workspace=workspace, fields={"name": "Hotel Post", "city": "Lindau"})
    for query in ["Baeckerei", "bäckerei", "Nuernberg", "info@sonnen", "0911 765", "+49911765"]:
        names = [a.name for a in selectors.account_list(workspace=workspace, search=query)]
        assert names == ["Bäckerei Sonnenschein"], query


def test_the_lists_search_in_the_browser_pages(alice_client, people, carol_contact):
    page = alice_client.get(reverse("relationships:contact-list"), {"q": "Mueller"})
    assert page.status_code == 200
    names = [c.last_name for c in page.context["page_obj"].object_list]
    assert names == ["Mueller", "Müller"]
    accounts = alice_client.get(reverse("relationships:account-list"), {"q": "maschinenbau"})
    assert [a.name for a in accounts.context["page_obj"].object_list] == ["Kunz Maschinenbau"]
    theirs = alice_client.get(reverse("relationships:contact-list"), {"q": "Geheim"})
    assert list(theirs.context["page_obj"].object_list) == []


# --- the index follows every write ------------------------------------------------------------


def test_a_contact_renamed_by_the_service_is_found_by_the_new_name(people, workspace):
    contact_save(workspace=workspace, contact=people["sabine"],
                 fields={"last_name": "Schäfer", "phone": "089 7777777",
                         "email": "sabine@schaefer.example"})  # fmt: skip
    assert found(workspace, "Schaefer") == ["Sabine Schäfer"]
    assert found(workspace, "Schmidt") == []
    assert found(workspace, "089 7777") == ["Sabine Schäfer"]
    assert found(workspace, "0761 123") == []


def test_a_contact_changed_through_the_api_is_found_by_the_new_name(
    client, alice_token, people, workspace
):
    response = client.patch(
        f"/api/v1/contacts/{people['peter'].pk}", {"last_name": "Größer", "city": "Köln"},
        content_type="application/json", headers=bearer(alice_token),
    )  # fmt: skip
    assert response.status_code == 200
    listed = client.get("/api/v1/contacts?q=groesser koeln", headers=bearer(alice_token)).json()
    assert [c["last_name"] for c in listed["items"]] == ["Größer"]
    assert found(workspace, "Weißenburg") == []


def test_a_renamed_account_moves_its_contacts_in_the_search(people, workspace, account):
    account_save(workspace=workspace, account=account, fields={"name": "Café Österreich"})
    assert found(workspace, "Oesterreich") == ["Jürgen Müller"]
    assert found(workspace, "cafe") == ["Jürgen Müller"]
    assert found(workspace, "Bäckerei") == []


def test_a_contact_moved_to_another_account_is_found_by_the_new_company(people, workspace):
    kunz = Account.objects.get(name="Kunz Maschinenbau")
    contact_save(workspace=workspace, contact=people["mueller"], fields={"account": kunz})
    assert found(workspace, "kunz maschinenbau") == ["Anna Mueller", "Jürgen Müller"]
    assert found(workspace, "Bäckerei") == []


def test_a_deleted_contact_leaves_the_index(people, workspace):
    people["sabine"].delete()
    assert found(workspace, "Schmidt") == []
    assert found(workspace, "0761") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 triggers exist on SQLite only")
def test_sqlite_triggers_a_table_rebuild_dropped_come_back_with_the_index_refilled(
    people, workspace
):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER relationships_contact_search_au")
    # a write while the trigger is gone: the index misses it
    Contact.objects.filter(pk=people["sabine"].pk).update(search_text="sabine neumann")
    assert found(workspace, "Neumann") == []
    # when: what runs after every migrate
    assert search_index_install(connection, "relationships_contact") is True
    # then
    assert found(workspace, "Neumann") == ["Sabine Schmidt"]
    assert search_index_install(connection, "relationships_contact") is False


# --- the query and the stored forms -----------------------------------------------------------


def test_stored_forms_cover_umlauts_spelled_both_ways():
    assert text_forms("Müller") == ["muller", "mueller"]
    assert text_forms("Mueller") == ["mueller", "muller"]
    assert text_forms("Straße") == ["strasse"]
    assert text_forms("  José  ") == ["jose"]
    assert text_forms("") == []


def test_phone_queries_become_the_digits_a_stored_number_contains():
    def forms(query: str, country: str = "DE") -> list[tuple[str, ...]]:
        return [term.forms for term in query_terms(query, home_country=country)]

    assert forms("0761 123") == [("49761123", "0761123")]
    assert forms("+49 (0)761 123") == [("49761123",)]
    assert forms("0043 1 523") == [("431523",)]
    assert forms("0471 123", "IT") == [("390471123", "0471123")]
    assert forms("Müller 0761") == [("muller",), ("49761", "0761")]
    assert forms("  ") == []


@pytest.mark.parametrize("sort", ["name", "-name", "due", "-due", "value", "-value", "last"])
def test_a_search_keeps_every_order_of_the_list(client, alice_token, people, workspace, sort):
    everyone = [c.pk for c in selectors.contact_list(workspace=workspace, sort=sort)]
    wanted = [pk for pk in everyone if pk != people["sabine"].pk]  # she is no Müller
    headers = bearer(alice_token)
    pages = [client.get("/api/v1/contacts", {"q": "Müller", "sort": sort, "limit": 2,
                                             "offset": offset}, headers=headers).json()
             for offset in (0, 2)]  # fmt: skip
    assert [c["id"] for page in pages for c in page["items"]] == wanted


def test_the_browser_list_pages_through_a_search(alice_client, workspace):
    for index in range(60):  # a page holds 50
        contact_save(workspace=workspace, fields={"last_name": f"Schäfer {index:02d}"})
    contact_save(workspace=workspace, fields={"last_name": "Bauer"})
    url = reverse("relationships:contact-list")
    first = alice_client.get(url, {"q": "Schaefer"}).context["page_obj"]
    second = alice_client.get(url, {"q": "Schaefer", "page": 2}).context["page_obj"]
    names = [c.last_name for c in [*first.object_list, *second.object_list]]
    assert names == [f"Schäfer {index:02d}" for index in range(60)]
    assert (first.paginator.count, first.has_next(), second.has_next()) == (60, True, False)


def test_refresh_search_rewrites_rows_changed_outside_touchbase(people, workspace):
    Contact.objects.filter(pk=people["sabine"].pk).update(last_name="Wendt")
    assert found(workspace, "Wendt") == []
    call_command("refresh_search", stdout=io.StringIO())
    assert found(workspace, "Wendt") == ["Sabine Wendt"]


def test_a_save_of_other_fields_keeps_the_search_text_and_one_of_a_name_writes_it(
    people, workspace
):
    sabine = Contact.objects.get(pk=people["sabine"].pk)
    sabine.snooze_reason, sabine.last_name = "Urlaub", "Vogt"
    sabine.save(update_fields=["snooze_reason"])  # the name change is not saved
    assert found(workspace, "Schmidt") == ["Sabine Schmidt"]
    sabine.save(update_fields=["last_name"])
    assert found(workspace, "Vogt") == ["Sabine Vogt"]
    assert Contact.objects.get(pk=sabine.pk).snooze_reason == "Urlaub"
