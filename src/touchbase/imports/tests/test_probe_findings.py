"""What the probe of real exports (bench/import_corpus.py) found wrong, each as a dry run."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from touchbase.core.choices import Country, country_choices
from touchbase.imports.mapping import guess_mapping
from touchbase.imports.planner import import_plan, split_full_name
from touchbase.imports.writer import import_apply
from touchbase.relationships.forms import CallSheetForm
from touchbase.relationships.models import Contact


def plan_of(workspace, text: str, filename: str = "kunden.csv", encoding: str = "utf-8"):
    return import_plan(workspace=workspace, data=text.encode(encoding), filename=filename)


def people(plan) -> list[dict[str, str]]:
    return [
        {key: value for key, value in row.contact_fields.items() if value}
        for row in plan.rows
        if row.contact_fields
    ]


@pytest.mark.parametrize(
    ("full", "parts"),
    [
        ("Müller, Jürgen", ("", "Jürgen", "Müller")),
        ("Jürgen Müller", ("", "Jürgen", "Müller")),
        ("Hans Peter Maier", ("", "Hans Peter", "Maier")),
        ("Dr. Weiß, Stefan", ("Dr.", "Stefan", "Weiß")),
        ("Prof. Dr. Anna Berg", ("Prof. Dr.", "Anna", "Berg")),
        ("John Smith, Jr.", ("", "John", "Smith, Jr.")),
        ("Madonna", ("", "", "Madonna")),
    ],
)
def test_a_full_name_is_split_by_its_comma_else_at_the_last_space(full, parts):
    assert split_full_name(full) == parts


def test_an_erp_contact_person_written_last_name_first_keeps_first_and_last_apart(workspace):
    plan = plan_of(
        workspace,
        "Debitor;Name 1;Ansprechpartner;Ort;Land\r\n"
        "10001;Müller Maschinenbau GmbH;Müller, Jürgen;München;D\r\n"
        "10004;Weiß & Söhne;Dr. Weiß, Stefan;Dresden;D\r\n",
        encoding="cp1252",
    )
    assert [(p["first_name"], p["last_name"], p.get("salutation")) for p in people(plan)] == [
        ("Jürgen", "Müller", None),
        ("Stefan", "Weiß", "Dr."),
    ]


def test_a_postal_code_with_country_letters_names_the_country_when_no_column_does(workspace):
    plan = plan_of(
        workspace,
        "Firma;Vorname;Nachname;PLZ;Ort;Telefon\r\n"
        "Alpha GmbH;Jürgen;Müller;D-80331;München;089/123456\r\n"
        "Beta GmbH;Anna;Gruber;A-1010;Wien;01 5123456\r\n"
        "Gamma AG;Urs;Meier;CH-8001;Zürich;044 668 18 00\r\n",
    )
    found = [(p["country"], p["postal_code"], p["phone"]) for p in people(plan)]
    assert found == [
        ("DE", "80331", "+4989123456"),
        ("AT", "1010", "+4315123456"),  # not zero-padded as a German code
        ("CH", "8001", "+41446681800"),  # dialled in Switzerland, not Germany
    ]
    assert plan.warning_count == 0


def test_a_country_column_wins_over_the_postal_code_letters(workspace):
    plan = plan_of(workspace, "Nachname;PLZ;Land\r\nMüller;D-80331;Österreich\r\n")
    assert people(plan)[0]["country"] == "AT"


GOOGLE = (
    "Name,Given Name,Family Name,Group Membership,E-mail 1 - Type,E-mail 1 - Value,"
    "Phone 1 - Type,Phone 1 - Value,Organization 1 - Name\r\n"
    "Lea Gruber,Lea,Gruber,* myContacts,* Work,lea@gruber.example,,,Gruber AG\r\n"
    "Hans Peter Maier,,,* myContacts,,hp@maier.example,,,\r\n"
    "Schreinerei Holz,,,* myContacts,,,Work,07531 12345,Schreinerei Holz\r\n"
)


def test_google_s_display_name_names_an_entry_without_given_and_family_name(workspace):
    plan = plan_of(workspace, GOOGLE, "contacts.csv")
    assert [(p["first_name"], p["last_name"]) for p in people(plan)] == [
        ("Lea", "Gruber"),
        ("Hans Peter", "Maier"),
    ]


def test_google_s_display_name_repeating_the_company_makes_a_company_entry(workspace):
    plan = plan_of(workspace, GOOGLE, "contacts.csv")
    company_rows = [row for row in plan.rows if not row.contact_fields]
    assert [row.account_fields["name"] for row in company_rows] == ["Schreinerei Holz"]
    assert plan.error_count == 0


def test_an_e_mail_address_alone_names_its_person_with_a_warning(workspace):
    plan = plan_of(
        workspace,
        "First Name,Last Name,E-mail 1 - Value\r\n,,max.mustermann@web.example\r\n,,n/a\r\n",
        "contacts.csv",
    )
    assert people(plan) == [{"last_name": "max.mustermann@web.example",
                             "email": "max.mustermann@web.example"}]  # fmt: skip
    assert [w.reason for w in plan.warnings] == [
        "No name and no company; the e-mail address “max.mustermann@web.example” is used as "
        "the name."
    ]
    # A placeholder is no address: that row has no name and stays an error.
    assert [(e.line, e.reason) for e in plan.errors] == [(3, "Neither a name nor a company.")]


def test_a_german_macos_street_column_arbeit_strasse_is_the_street():
    mapping = guess_mapping(["Vorname", "Nachname", "Arbeit Straße", "Arbeit PLZ", "Arbeit Ort"])
    assert mapping["Arbeit Straße"] == "street"


def test_datev_s_business_partner_columns_give_companies_and_people(workspace):
    text = (
        '"EXTF";700;16;"Debitoren/Kreditoren";5;20240301120000000;;"RE";"";"";12345;67890\r\n'
        "Konto;Name (Adressattyp Unternehmen);Name (Adressattyp natürl. Person);"
        "Vorname (Adressattyp natürl. Person);Adressattyp;Straße;Postleitzahl;Ort;Land\r\n"
        '10000;"Meier Bau GmbH";"";"";2;"Baustr. 1";"70173";"Stuttgart";"DE"\r\n'
        '10001;"";"Schmidt";"Petra";1;"Gartenweg 2";"01067";"Dresden";"DE"\r\n'
    )
    plan = plan_of(workspace, text, "DTVF_Debitoren.csv", "cp1252")
    assert [row.account_fields["name"] for row in plan.rows if not row.contact_fields] == [
        "Meier Bau GmbH"
    ]
    assert [(p["first_name"], p["last_name"]) for p in people(plan)] == [("Petra", "Schmidt")]


def test_sap_business_one_partners_name_the_company_and_its_contact_person():
    mapping = guess_mapping(["CardCode", "CardName", "CntctPrsn", "Phone1", "E_Mail"])
    assert (mapping["CardName"], mapping["CntctPrsn"]) == ("account_name", "full_name")


def test_a_closing_total_line_is_left_out_with_a_warning(workspace):
    plan = plan_of(
        workspace,
        "Kundenliste Stand 01.03.2024;;\r\n;;\r\nFirma;Vorname;Nachname\r\n"
        "Alpha GmbH;Jürgen;Müller\r\n;;\r\nSumme: 1;;\r\n",
    )
    assert len(plan.rows) == 1
    assert [(w.line, w.reason) for w in plan.warnings] == [
        (6, "“Summe: 1” is a total line, not a customer; left out.")
    ]


def test_outlook_s_exchange_address_gives_way_to_the_smtp_address_beside_it(workspace):
    plan = plan_of(
        workspace,
        '"First Name","Last Name","E-mail Address","E-mail Type","E-mail 2 Address"\r\n'
        '"John","Smith","/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)'
        '/cn=Recipients/cn=abc-jsmith","EX","john.smith@acme.example"\r\n',
    )
    assert people(plan)[0]["email"] == "john.smith@acme.example"
    assert plan.warning_count == 0


def test_a_lone_exchange_address_is_still_kept_in_the_notes(workspace):
    plan = plan_of(
        workspace,
        '"First Name","Last Name","E-mail Address","E-mail 2 Address"\r\n'
        '"John","Smith","/o=ExchangeLabs/cn=jsmith",""\r\n',
    )
    assert "/o=ExchangeLabs/cn=jsmith" in people(plan)[0]["notes"]


# --- A country beyond the app's own eleven ------------------------------------------------------


def test_an_imported_polish_address_shows_poland_in_the_reader_s_language(workspace, alice):
    plan = plan_of(workspace, "Nachname;Ort;Land\r\nŻółkiewski;Kraków;Polen\r\n")
    import_apply(workspace=workspace, plan=plan, by=alice)
    contact = Contact.objects.get()
    assert contact.country == "PL"
    with translation.override("de"):
        assert contact.get_country_display() == "Polen"
        assert contact.address_lines == ["Kraków", "Polen"]
    with translation.override("en"):
        assert contact.get_country_display() == "Poland"


def test_a_contact_in_japan_passes_the_model_s_validation(workspace):
    contact = Contact(workspace=workspace, last_name="山田", country="JP")
    contact.full_clean(exclude=["account", "owner"])
    with pytest.raises(ValidationError):
        Contact(workspace=workspace, last_name="Nobody", country="EU").full_clean(
            exclude=["account", "owner"]
        )


def test_country_choices_list_the_app_s_own_countries_first_then_all_others_by_name():
    with translation.override("de"):
        choices = country_choices()
    codes = [code for code, _name in choices]
    assert codes[:11] == list(Country.values)
    assert ("PL", "Polen") in choices
    assert ("JP", "Japan") in choices
    assert len(codes) == len(set(codes)) > 240
    rest = [name for code, name in choices[11:]]
    assert rest.index("Oman") < rest.index("Pakistan")


def test_the_call_sheet_keeps_a_contact_s_country_beyond_the_app_s_own(workspace):
    contact = Contact.objects.create(workspace=workspace, last_name="Nowak", country="PL")
    shown = str(CallSheetForm(contact=contact)["country"])
    assert '<option value="PL" selected>' in shown
    form = CallSheetForm(data={"country": "PL"}, contact=contact)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["country"] == "PL"


def test_the_new_warnings_speak_german_to_a_german_reader(workspace):
    with translation.override("de"):
        plan = plan_of(workspace, "Vorname;Nachname;E-Mail\r\n;;otto@example.de\r\nSumme: 1;;\r\n")
    assert [w.reason for w in plan.warnings] == [
        "Weder Name noch Firma; die E-Mail-Adresse „otto@example.de“ wird als Name verwendet.",
        "„Summe: 1“ ist eine Summenzeile, kein Kunde; weggelassen.",
    ]


# --- Spreadsheet leftovers -------------------------------------------------------------------


def test_excel_s_error_values_are_no_name_and_no_number(workspace):
    plan = plan_of(
        workspace,
        "Firma;Nachname;Vorname;Umsatz\r\nBeta GmbH;#NAME?;;#WERT!\r\nGamma AG;Keller;#NV;#N/A\r\n",
        encoding="cp1252",
    )
    assert [row.account_fields["name"] for row in plan.rows if not row.contact_fields] == [
        "Beta GmbH"
    ]
    assert [(p.get("first_name"), p["last_name"]) for p in people(plan)] == [(None, "Keller")]
    assert plan.warning_count == 0


def test_an_xlsx_with_a_cover_sheet_is_read_from_the_sheet_with_headers(workspace):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Info"
    book.active.append(["Export vom 01.03.2024"])
    book.active.append(["Erstellt von: Buchhaltung"])
    data = book.create_sheet("Kunden")
    data.append(["Kundennr", "Firma", "Vorname", "Nachname", "E-Mail"])
    data.append([1, "Alpha GmbH", "Jürgen", "Müller", "jm@alpha.example"])
    buffer = io.BytesIO()
    book.save(buffer)
    plan = import_plan(workspace=workspace, data=buffer.getvalue(), filename="kunden.xlsx")
    assert [(p["first_name"], p["last_name"]) for p in people(plan)] == [("Jürgen", "Müller")]
    assert plan.notes == ["Read the sheet “Kunden”, the first with column headers."]


# --- Phone numbers with a direct line or an extension ----------------------------------------


def test_a_german_durchwahl_is_the_direct_line_and_an_extension_is_kept_in_the_notes(workspace):
    plan = plan_of(
        workspace,
        "Nachname;Telefon;Mobil\r\n"
        "Müller;089 123456, Durchwahl: 12;\r\n"
        "Smith;+1 212 555 0100 ext. 7;\r\n",
    )
    found = [(p["phone"], p.get("notes", "")) for p in people(plan)]
    assert found == [
        ("+498912345612", ""),
        ("+12125550100", "Telefon: +1 212 555 0100 ext. 7"),
    ]
    assert [(w.line, w.reason) for w in plan.warnings] == [
        (3, "The extension of “+1 212 555 0100 ext. 7” is kept in the notes.")
    ]


def test_outlook_s_middle_name_joins_the_first_name(workspace):
    plan = plan_of(
        workspace,
        '"Title","First Name","Middle Name","Last Name","Job Title"\r\n'
        '"Mr.","John","P.","Smith","Buyer"\r\n"","Anna","","Berg",""\r\n',
    )
    assert [p["first_name"] for p in people(plan)] == ["John P.", "Anna"]
    assert "Middle Name" not in plan.unmapped
    assert plan.notes == [
        "Middle names were joined to the first names: “First Name / Middle Name”."
    ]


def test_an_empty_middle_name_column_is_joined_without_a_note(workspace):
    plan = plan_of(workspace, "First Name,Middle Name,Last Name\r\nAnna,,Berg\r\n")
    assert people(plan)[0]["first_name"] == "Anna"
    assert plan.notes == []


# --- vCards of less common programs ------------------------------------------------------------


def test_a_base64_encoded_name_and_note_are_decoded_in_their_charset(workspace):
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        "N;ENCODING=b;CHARSET=utf-8:TcO8bGxlcjtKw7xyZ2Vu\r\n"
        "FN;ENCODING=b;CHARSET=utf-8:SsO8cmdlbiBNw7xsbGVy\r\n"
        "NOTE;ENCODING=b:SGFsbG8sIFdlbHQ=\r\nEND:VCARD\r\n"
    )
    plan = plan_of(workspace, card, "alt.vcf")
    assert people(plan) == [
        {"first_name": "Jürgen", "last_name": "Müller", "country": "DE", "notes": "Hallo, Welt"}
    ]


def test_a_vcard_4_phone_as_tel_uri_and_an_e_mail_as_mailto_are_read(workspace):
    card = (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Sophie Keller\r\nN:Keller;Sophie;;;\r\n"
        'TEL;VALUE=uri;TYPE="cell,voice":tel:+49-171-2345678\r\n'
        "EMAIL;TYPE=work:mailto:sophie@keller.example\r\nEND:VCARD\r\n"
    )
    found = people(plan_of(workspace, card, "keller.vcf"))[0]
    assert (found["mobile"], found["email"]) == ("+491712345678", "sophie@keller.example")


def test_a_name_in_broken_base64_is_that_card_s_error_not_the_file_s(workspace):
    cards = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN;ENCODING=b:SGFuc#yBN*w7x\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Keller;Sophie;;;\r\nEND:VCARD\r\n"
    )
    plan = plan_of(workspace, cards, "alt.vcf")
    assert plan.file_errors == []
    assert [(e.line, e.reason) for e in plan.errors] == [(1, "Unreadable vCard: Incorrect padding")]
    assert [p["last_name"] for p in people(plan)] == ["Keller"]


# --- Colleagues who share a number or an address -----------------------------------------------

COLLEAGUES = (
    "Firma;Vorname;Nachname;Telefon;E-Mail\r\n"
    "Alpha GmbH;Jürgen;Müller;089 1234560;\r\n"
    "Alpha GmbH;Anna;Gruber;089 1234560;\r\n"
    "Beta GmbH;Max;Maier;;info@beta.example\r\n"
    "Beta GmbH;Eva;Maier;;info@beta.example\r\n"
    "Gamma GmbH;Eva;Huber;;eva@gamma.example\r\n"
    "Gamma GmbH;Eva;Huber;;eva@gamma.example\r\n"
)


def test_colleagues_sharing_a_switchboard_or_info_address_are_each_a_person(workspace):
    plan = plan_of(workspace, COLLEAGUES)
    assert [(row.line, row.action) for row in plan.rows] == [
        (2, "create"), (3, "create"), (4, "create"), (5, "create"), (6, "create"),
        (7, "merged"),
    ]  # fmt: skip


def test_an_existing_contact_is_not_overwritten_by_a_colleague_with_the_same_number(
    workspace, alice
):
    import_apply(workspace=workspace, plan=plan_of(workspace, COLLEAGUES), by=alice)
    plan = plan_of(
        workspace,
        "Firma;Vorname;Nachname;Telefon;E-Mail\r\n"
        "Alpha GmbH;Ida;Keller;089 1234560;\r\n"  # new at Alpha, on the switchboard
        "Gamma GmbH;Eva;Huber-Lang;;eva@gamma.example\r\n",  # Eva Huber, married
    )
    assert [(row.action, row.contact_fields["last_name"]) for row in plan.rows] == [
        ("create", "Keller"),
        ("update", "Huber-Lang"),
    ]
