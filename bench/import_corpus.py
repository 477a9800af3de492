"""Probe: contact files as real programs write them, run through the import's dry run.

    python bench/import_corpus.py            # table of all files
    python bench/import_corpus.py -v NAME    # one file's mapping, errors and warnings

Builds a corpus of exports (their real header rows, encodings and quirks) in a temp dir,
plans each with `import_plan` against a scratch SQLite database, writes the plan with
`import_apply` into a workspace of its own, and prints per file: the format, encoding, rows
expected, people and company-only accounts planned, errors, warnings, columns left
unmapped, and a verdict: OK when people and accounts are as a careful person
would count them, some values as a careful person would read them, the errors as expected,
and the write creates what the plan says. Not a test: it measures, it does not assert.
"""

from __future__ import annotations

import argparse
import codecs
import io
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Sample:
    name: str
    data: bytes
    people: int
    accounts: int  # company-only entries
    errors: int = 0
    # Values some person of the file must have, as a careful person would read them.
    want: tuple[tuple[str, str], ...] = ()


def csv(*lines: str, sep: str = "\r\n") -> str:
    return sep.join(lines) + sep


# --- Outlook ----------------------------------------------------------------------------

OUTLOOK_EN = (
    '"Title","First Name","Middle Name","Last Name","Suffix","Company","Department",'
    '"Job Title","Business Street","Business Street 2","Business Street 3","Business City",'
    '"Business State","Business Postal Code","Business Country/Region","Home Street",'
    '"Home Street 2","Home Street 3","Home City","Home State","Home Postal Code",'
    '"Home Country/Region","Other Street","Other Street 2","Other Street 3","Other City",'
    '"Other State","Other Postal Code","Other Country/Region","Assistant\'s Phone",'
    '"Business Fax","Business Phone","Business Phone 2","Callback","Car Phone",'
    '"Company Main Phone","Home Fax","Home Phone","Home Phone 2","ISDN","Mobile Phone",'
    '"Other Fax","Other Phone","Pager","Primary Phone","Radio Phone","TTY/TDD Phone","Telex",'
    '"Account","Anniversary","Assistant\'s Name","Billing Information","Birthday",'
    '"Business Address PO Box","Categories","Children","Directory Server","E-mail Address",'
    '"E-mail Type","E-mail Display Name","E-mail 2 Address","E-mail 2 Type",'
    '"E-mail 2 Display Name","E-mail 3 Address","E-mail 3 Type","E-mail 3 Display Name",'
    '"Gender","Government ID Number","Hobby","Home Address PO Box","Initials",'
    '"Internet Free Busy","Keywords","Language","Location","Manager\'s Name","Mileage","Notes",'
    '"Office Location","Organizational ID Number","Other Address PO Box","Priority","Private",'
    '"Profession","Referred By","Sensitivity","Spouse","User 1","User 2","User 3","User 4",'
    '"Web Page"'
)
OUTLOOK_EN_COLS = OUTLOOK_EN.count(",") + 1


def outlook_row(values: dict[str, str], header: str = OUTLOOK_EN) -> str:
    names = [name.strip('"') for name in header.split('","')]
    cells = [values.get(name, "") for name in names]
    cells = [c if c not in ("", "0/0/00") else c for c in cells]
    defaults = {"Gender": "Unspecified", "Priority": "Normal", "Private": "False",
                "Sensitivity": "Normal", "Birthday": "0/0/00", "Anniversary": "0/0/00"}  # fmt: skip
    cells = [values.get(n, defaults.get(n, "")) for n in names]
    return ",".join(f'"{c}"' if c else "" for c in cells)


def outlook_en() -> bytes:
    rows = [
        {"First Name": "Jürgen", "Last Name": "Müller", "Company": "Bäckerei Groß GmbH",
         "Job Title": "Geschäftsführer", "Business Street": "Marienplatz 1",
         "Business City": "München", "Business Postal Code": "80331",
         "Business Country/Region": "Germany", "Business Phone": "+49 (89) 1234567",
         "Mobile Phone": "+49 (171) 2345678", "E-mail Address": "j.mueller@gross.example",
         "E-mail Type": "SMTP", "E-mail Display Name": "Jürgen Müller (j.mueller@gross.example)",
         "Categories": "Kunden;VIP", "Notes": "Met at trade fair\r\nfollow up in May"},
        {"Title": "Mr.", "First Name": "John", "Middle Name": "P.", "Last Name": "Smith",
         "Suffix": "Jr.", "Company": "Acme Ltd", "Job Title": "Buyer",
         "Business Phone": "+44 20 7946 0958", "E-mail Address": "/o=ExchangeLabs/ou=Exchange "
         "Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=abc123-jsmith",
         "E-mail Type": "EX", "E-mail 2 Address": "john.smith@acme.example",
         "E-mail 2 Type": "SMTP"},
        {"Company": "Stadtwerke Musterstadt", "Business Phone": "0800 123456",
         "Business Street": "Am Werk 3", "Business City": "Musterstadt",
         "Business Postal Code": "12345"},
        {"First Name": "Anna", "E-mail Address": "anna@example.org", "E-mail Type": "SMTP"},
    ]  # fmt: skip
    text = csv(OUTLOOK_EN, *(outlook_row(r) for r in rows))
    return text.encode("cp1252", errors="replace")


OUTLOOK_DE = (
    '"Anrede","Vorname","Weitere Vornamen","Nachname","Suffix","Firma","Abteilung","Position",'
    '"Straße geschäftlich","Straße geschäftlich 2","Straße geschäftlich 3","Ort geschäftlich",'
    '"Region geschäftlich","Postleitzahl geschäftlich","Land/Region geschäftlich",'
    '"Straße privat","Straße privat 2","Straße privat 3","Ort privat","Bundesland/Kanton privat",'
    '"Postleitzahl privat","Land/Region privat","Weitere Straße","Weitere Straße 2",'
    '"Weitere Straße 3","Weiterer Ort","Weiteres/r Bundesland/Kanton","Weitere Postleitzahl",'
    '"Weiteres/e Land/Region","Telefon Assistent","Fax geschäftlich","Telefon geschäftlich",'
    '"Telefon geschäftlich 2","Rückmeldung","Autotelefon","Telefon Firma","Fax privat",'
    '"Telefon privat","Telefon privat 2","ISDN","Mobiltelefon","Weiteres Fax",'
    '"Weiteres Telefon","Pager","Haupttelefon","Mobiltelefon 2","Telefon für Hörbehinderte",'
    '"Telex","Abrechnungsinformation","Benutzer 1","Benutzer 2","Benutzer 3","Benutzer 4",'
    '"Beruf","Büro","E-Mail-Adresse","E-Mail-Typ","E-Mail: Angezeigter Name","E-Mail 2: Adresse",'
    '"E-Mail 2: Typ","E-Mail 2: Angezeigter Name","E-Mail 3: Adresse","E-Mail 3: Typ",'
    '"E-Mail 3: Angezeigter Name","Empfohlen von","Geburtstag","Geschlecht","Hobby","Initialen",'
    '"Internet-Frei/Gebucht","Jahrestag","Kategorien","Kinder","Konto","Name des Assistenten",'
    '"Name des/der Vorgesetzten","Notizen","Organisations-Nr.","Ort","Partner","Postfach",'
    '"Priorität","Privat","Regierungs-Nr.","Reisekilometer","Sprache","Stichwörter",'
    '"Vertraulichkeit","Verzeichnisserver","Webseite"'
)


def outlook_de() -> bytes:
    rows = [
        {"Anrede": "Herr", "Vorname": "Jürgen", "Nachname": "Müller", "Firma": "Groß & Söhne KG",
         "Position": "Einkauf", "Straße geschäftlich": "Hauptstraße 5",
         "Ort geschäftlich": "Köln", "Postleitzahl geschäftlich": "50667",
         "Land/Region geschäftlich": "Deutschland", "Telefon geschäftlich": "0221 123456",
         "Mobiltelefon": "0171/2345678", "E-Mail-Adresse": "jm@gross-soehne.example",
         "E-Mail-Typ": "SMTP", "Kategorien": "Kunde"},
        {"Anrede": "Frau", "Vorname": "Änne", "Nachname": "Schön", "Firma": "Café Crème",
         "Ort privat": "Wien", "Postleitzahl privat": "1010", "Land/Region privat": "Österreich",
         "Telefon privat": "+43 1 5123456", "E-Mail-Adresse": "aenne@creme.example",
         "Notizen": "Kundin seit 2019"},
        {"Firma": "Ingenieurbüro Weiß", "Telefon Firma": "(089) 123456",
         "Ort geschäftlich": "München"},
    ]  # fmt: skip
    header = OUTLOOK_DE
    names = [n.strip('"') for n in header.split('","')]
    defaults = {"Geschlecht": "Unbestimmt", "Priorität": "Normal", "Privat": "Aus",
                "Vertraulichkeit": "Normal", "Geburtstag": "0.0.00", "Jahrestag": "0.0.00"}  # fmt: skip
    lines = [header] + [
        ",".join(
            f'"{r.get(n, defaults.get(n, ""))}"' if r.get(n, defaults.get(n, "")) else ""
            for n in names
        )
        for r in rows
    ]
    return csv(*lines).encode("cp1252")


def outlook_unicode_tab() -> bytes:
    """Outlook/Excel "Unicode text": UTF-16LE with BOM, tab-separated."""
    lines = ["Vorname\tNachname\tFirma\tE-Mail-Adresse\tTelefon geschäftlich",
             "Zoë\tŁukasiewicz\tPolski Handel Sp. z o.o.\tzoe@handel.example\t+48 22 123 45 67",
             "Björn\tØstergaard\tNordisk A/S\tbjorn@nordisk.example\t+45 33 12 34 56"]  # fmt: skip
    return codecs.BOM_UTF16_LE + csv(*lines).encode("utf-16-le")


def outlook_japanese() -> bytes:
    header = (
        '"敬称","名","ミドル ネーム","姓","敬称 (英語)","会社名","部署","役職","番地 (会社)",'
        '"市町村 (会社)","都道府県 (会社)","郵便番号 (会社)","国/地域 (会社)","会社電話",'
        '"携帯電話","電子メール アドレス","メモ"'
    )
    rows = ['"","太郎","","山田","","株式会社山田商事","営業部","部長","丸の内1-1","千代田区",'
            '"東京都","100-0005","日本","03-1234-5678","090-1234-5678","taro@yamada.example",""',
            '"","花子","","鈴木","","","","","","","","","","","","hanako@example.jp","メモ"']  # fmt: skip
    return csv(header, *rows).encode("shift_jis")


# --- Google, Thunderbird, Apple, Yahoo, LinkedIn ----------------------------------------

GOOGLE_NEW = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,"
    "Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,"
    "Organization Title,Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,"
    "E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,"
    "Phone 2 - Label,Phone 2 - Value,Address 1 - Label,Address 1 - Formatted,"
    "Address 1 - Street,Address 1 - City,Address 1 - PO Box,Address 1 - Region,"
    "Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address,"
    "Website 1 - Label,Website 1 - Value"
)


def google_new() -> bytes:
    rows = [
        "Lea,,Gruber,,,,Dr.,,,,Gruber AG,CEO,,1980-04-02,,https://lh3.googleusercontent.com/x,"
        "* myContacts ::: Kunden,Work,lea@gruber.example,Home,lea@privat.example,Mobile,"
        '+41 79 123 45 67,Work,+41 44 668 18 00,Work,"Bahnhofstrasse 1\n8001 Zürich\nSchweiz",'
        "Bahnhofstrasse 1,Zürich,,,8001,Schweiz,,,",
        "Paul,,,,,,,,,,,,,,,,* myContacts ::: Friends,,,,,Mobile,0151 23456789,,,,,,,,,,,,,,",
        ",,,,,,,,,,Muster GmbH,,,,Lieferant,,* myContacts,Work,info@muster.example,,,Work,"
        "030 1234567,,,,,,,,,,,,,,",
        ",,,,,,,,,,,,,,,,* other ::: * starred,,someone@mail.example,,,,,,,,,,,,,,,,,,",
    ]
    return csv(GOOGLE_NEW, *rows).encode("utf-8")


GOOGLE_OLD = (
    "Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,"
    "Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,"
    "Short Name,Maiden Name,Birthday,Gender,Location,Billing Information,Directory Server,"
    "Mileage,Occupation,Hobby,Sensitivity,Priority,Subject,Notes,Language,Photo,"
    "Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,"
    "Phone 2 - Type,Phone 2 - Value,Organization 1 - Type,Organization 1 - Name,"
    "Organization 1 - Yomi Name,Organization 1 - Title,Organization 1 - Department"
)


def google_old(encoding: str = "utf-16") -> bytes:
    """Google's CSV before 2023: UTF-16 with BOM for "Outlook CSV", UTF-8 for "Google CSV"."""
    names = GOOGLE_OLD.split(",")
    rows = [
        {"Name": "Lea Gruber", "Given Name": "Lea", "Family Name": "Gruber",
         "Group Membership": "* myContacts", "E-mail 1 - Type": "* Work",
         "E-mail 1 - Value": "lea@gruber.example", "Phone 1 - Type": "Work",
         "Phone 1 - Value": "+41 44 668 18 00", "Phone 2 - Type": "Mobile",
         "Phone 2 - Value": "+41 79 123 45 67", "Organization 1 - Name": "Gruber AG",
         "Organization 1 - Title": "CEO"},
        {"Name": "Hans Peter Maier", "Group Membership": "* myContacts",
         "E-mail 1 - Value": "hp@maier.example"},
        {"Group Membership": "* Other Contacts", "E-mail 1 - Type": "* ",
         "E-mail 1 - Value": "info@newsletter-shop.example"},
        {"Name": "Schreinerei Holz", "Group Membership": "* myContacts",
         "Phone 1 - Type": "Work", "Phone 1 - Value": "07531 12345",
         "Organization 1 - Name": "Schreinerei Holz"},
    ]  # fmt: skip
    lines = [",".join(row.get(name, "") for name in names) for row in rows]
    return csv(GOOGLE_OLD, *lines).encode(encoding)


def gmail_other_contacts() -> bytes:
    rows = [",,,,,,,,,,,,,,,,* other,,max.mustermann@web.example,,,,,,,,,,,,,,,,,"]
    rows += [",,,,,,,,,,,,,,,,* other,,erika.m@gmx.example,,,,,,,,,,,,,,,,,"]
    return csv(GOOGLE_NEW, *rows).encode("utf-8")


THUNDERBIRD = (
    "First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Screen Name,"
    "Work Phone,Home Phone,Fax Number,Pager Number,Mobile Number,Home Address,Home Address 2,"
    "Home City,Home State,Home ZipCode,Home Country,Work Address,Work Address 2,Work City,"
    "Work State,Work ZipCode,Work Country,Job Title,Department,Organization,Web Page 1,"
    "Web Page 2,Birth Year,Birth Month,Birth Day,Custom 1,Custom 2,Custom 3,Custom 4,Notes,"
)


def thunderbird() -> bytes:
    rows = [
        "Jürgen,Müller,Jürgen Müller,,jm@example.de,,,089 1234567,,,,0171 2345678,,,,,,,"
        "Marienplatz 1,,München,Bayern,80331,Germany,Chef,,Müller GmbH,,,,,,,,,,,",
        ",,Vertrieb Hofmann,,vertrieb@hofmann.example,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
        ",,,,info@kein-name.example,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
        '"Meier, Hans",,"Meier, Hans",,hans@meier.example,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,',
    ]
    return csv(THUNDERBIRD, *rows, sep="\n").encode("utf-8")


THUNDERBIRD_DE = (
    "Vorname,Nachname,Anzeigename,Spitzname,Primäre E-Mail-Adresse,Sekundäre E-Mail-Adresse,"
    "Messenger-Name,Tel. dienstlich,Tel. privat,Fax-Nummer,Pager-Nummer,Mobil-Tel.-Nr.,"
    "Privat: Adresse,Privat: Adresse 2,Privat: Ort,Privat: Bundesland,Privat: PLZ,Privat: Land,"
    "Dienstlich: Adresse,Dienstlich: Adresse 2,Dienstlich: Ort,Dienstlich: Bundesland,"
    "Dienstlich: PLZ,Dienstlich: Land,Arbeitstitel,Abteilung,Organisation,Webseite 1,"
    "Webseite 2,Geburtsjahr,Geburtsmonat,Geburtstag,Benutzerdef. 1,Benutzerdef. 2,"
    "Benutzerdef. 3,Benutzerdef. 4,Notizen,"
)


def thunderbird_de() -> bytes:
    rows = [
        "Änne,Schön,Änne Schön,,aenne@schoen.example,,,,0511 987654,,,,Lindenweg 2,,Hannover,,"
        "30159,Deutschland,,,,,,,,,,,,,,,,,,,,",
        "Karl,Huber,Karl Huber,,karl@huber.example,,,+43 512 123456,,,,,,,,,,,Maria-Theresien-"
        "Straße 1,,Innsbruck,Tirol,6020,Österreich,,,Huber & Co,,,,,,,,,,,",
    ]
    return csv(THUNDERBIRD_DE, *rows, sep="\n").encode("utf-8")


def macos_de() -> bytes:
    header = ("Vorname;Nachname;Firma;Arbeit E-Mail;Privat E-Mail;Arbeit Telefon;Mobil;iPhone;"
              "Arbeit Straße;Arbeit PLZ;Arbeit Ort;Arbeit Land;Notiz")  # fmt: skip
    rows = ["Jürgen;Müller;Müller GmbH;jm@mueller.example;;089 123456;;0171 2345678;"
            "Marienplatz 1;80331;München;Deutschland;",
            ";;Bäckerei Groß;info@baeckerei.example;;089 654321;;;Sendlinger Str. 3;80331;"
            "München;Deutschland;Lieferant"]  # fmt: skip
    return csv(header, *rows).encode("utf-8-sig")


YAHOO = (
    "First,Middle,Last,Nickname,Email,Category,Distribution Lists,Messenger ID,Home,Work,Pager,"
    "Fax,Mobile,Other,Yahoo Phone,Primary,Alternate Email 1,Alternate Email 2,Personal Website,"
    "Business Website,Title,Company,Work Address,Work City,Work State,Work ZIP,Work Country,"
    "Home Address,Home City,Home State,Home ZIP,Home Country,Birthday,Anniversary,Custom 1,"
    "Custom 2,Custom 3,Custom 4,Comments,Messenger ID1,Messenger ID2,Messenger ID3,"
    "Messenger ID4,Messenger ID5,Messenger ID6,Messenger ID7,Messenger ID8,Messenger ID9,"
    "Skype ID,IRC ID,ICQ ID,Google ID,MSN ID,AIM ID,QQ ID"
)


def yahoo() -> bytes:
    tail = "," * 16
    rows = [
        '"Mary","","Jones","","mary@jones.example","","","","","+1 212 555 0100","","",'
        '"+1 917 555 0199","","","","","","","","Manager","Jones & Partners","1 Main St",'
        '"New York","NY","10001","United States","","","","","","","","","","","",""' + tail,
        '"","","","","bob@yahoo.example","","","","","","","","","","","","","","","","","","",'
        '"","","","","","","","","","","","","","","",""' + tail,
    ]
    return csv(YAHOO, *rows).encode("utf-8")


def linkedin() -> bytes:
    lines = [
        "Notes:",
        '"When exporting your connection data, you may notice that some of the email addresses '
        "are missing. You will only see email addresses for connections who have allowed their "
        "connections to see or download their email address using this setting "
        "https://www.linkedin.com/psettings/privacy/email. You can learn more about this at "
        'https://www.linkedin.com/help/linkedin/answer/261"',
        "",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
        "Jürgen,Müller,https://www.linkedin.com/in/juergen-mueller,,Siemens AG,Head of Sales,"
        "12 Mar 2024",
        "Sophie,Keller,https://www.linkedin.com/in/sophie-keller-123,sophie@keller.example,"
        '"Keller, Weiß & Partner",Partner,03 Jan 2023',
        "Luca,,https://www.linkedin.com/in/luca,,,,28 Feb 2021",
    ]
    return csv(*lines, sep="\n").encode("utf-8")


# --- CRMs --------------------------------------------------------------------------------


def hubspot() -> bytes:
    header = ("Record ID,First Name,Last Name,Email,Phone Number,Mobile Phone Number,"
              "Company Name,Job Title,Street Address,City,State/Region,Postal Code,"
              "Country/Region,Contact owner,Lifecycle Stage,Create Date,Last Activity Date")  # fmt: skip
    rows = ["51,Jane,Doe,jane@doe.example,+1 617 555 0134,,Doe Inc,CTO,25 First St,Cambridge,"
            "MA,02141,United States,,customer,2023-05-04 10:22,2024-02-01 08:00",
            "52,Klaus,Wagner,klaus@wagner.example,+49 30 1234567,+49 160 1234567,Wagner AG,,"
            ",Berlin,,10115,Germany,,lead,2024-01-02 09:00,",
            "53,,,,,,,,,,,,,,subscriber,2024-01-03 09:00,"]  # fmt: skip
    return csv(header, *rows, sep="\n").encode("utf-8")


def salesforce() -> bytes:
    header = ('"Contact ID","Salutation","First Name","Last Name","Title","Account Name",'
              '"Mailing Street","Mailing City","Mailing State/Province",'
              '"Mailing Zip/Postal Code","Mailing Country","Phone","Mobile","Email",'
              '"Contact Owner","Lead Source","Description"')  # fmt: skip
    rows = ['"0035g00000AbCdE","Mr.","Tom","Baker","VP Sales","Baker Industries",'
            '"1 Market St\nSuite 300","San Francisco","CA","94105","USA","(415) 555-0100",'
            '"","tom@baker.example","Alice Admin","Web","Key contact"',
            '"0035g00000AbCdF","Ms.","Eva","Nowak","","Nowak Sp. z o.o.","ul. Długa 5",'
            '"Kraków","","31-147","Poland","+48 12 345 67 89","","eva@nowak.example",'
            '"Alice Admin","",""']  # fmt: skip
    return csv(header, *rows).encode("utf-8")


def pipedrive_people() -> bytes:
    header = ("Person - Name,Person - First name,Person - Last name,Person - Organization,"
              "Person - Email - Work,Person - Email - Home,Person - Phone - Work,"
              "Person - Phone - Mobile,Person - Owner,Person - Labels,Person - Notes")  # fmt: skip
    rows = ["Max Mustermann,Max,Mustermann,Muster AG,max@muster.example,,089 12345,"
            "0170 1234567,Alice,Kunde,",
            "Erika Musterfrau,Erika,Musterfrau,,erika@example.de,,,,Alice,,"]  # fmt: skip
    return csv(header, *rows).encode("utf-8")


def pipedrive_orgs() -> bytes:
    header = ("Organization - Name,Organization - Address,Organization - Owner,"
              "Organization - People,Organization - Label")  # fmt: skip
    rows = ['Muster AG,"Leopoldstraße 1, 80802 München, Deutschland",Alice,1,Customer',
            'Beta GmbH,"Hauptplatz 1, 8010 Graz, Österreich",Alice,0,Lead']  # fmt: skip
    return csv(header, *rows).encode("utf-8")


def zoho() -> bytes:
    header = ("Record Id,Contact Owner,Lead Source,First Name,Last Name,Account Name,Email,"
              "Title,Department,Phone,Other Phone,Mobile,Mailing Street,Mailing City,"
              "Mailing State,Mailing Zip,Mailing Country,Description,Salutation,Created Time")  # fmt: skip
    rows = ["zcrm_1,Alice,Trade Show,Priya,Sharma,Sharma Exports,priya@sharma.example,"
            "Director,,+91 22 1234 5678,,,12 MG Road,Mumbai,Maharashtra,400001,India,,Mrs.,"
            "2024-03-01 10:00:00",
            "zcrm_2,Alice,,Chen,Wei,,wei@example.cn,,,,,+86 138 0013 8000,,Shanghai,,,China,"
            ",,2024-03-02 10:00:00"]  # fmt: skip
    return csv(header, *rows).encode("utf-8")


def superoffice() -> bytes:
    header = ("Firma;Firmennummer;Abteilung;Anrede;Vorname;Nachname;Titel;Position;E-Mail;"
              "Telefon;Mobil;Straße;PLZ;Ort;Land;Kategorie")  # fmt: skip
    rows = ["Weiß Logistik GmbH;10023;;Herr;Stefan;Weiß;Dr.;Geschäftsführer;sw@weiss.example;"
            "+49 (0)89 1234-56 Durchwahl 7;;Industriestr. 4;85716;Unterschleißheim;Deutschland;"
            "Kunde",
            "Weiß Logistik GmbH;10023;;Frau;Ida;Mayr;;Disposition;im@weiss.example;"
            "0049 89 123456-20;;Industriestr. 4;85716;Unterschleißheim;Deutschland;Kunde",
            "Huber Transporte;10024;;;;;;;;(0512) 123456;;Hauptstr. 1;6020;Innsbruck;"
            "Österreich;Interessent"]  # fmt: skip
    return csv(*([header] + rows)).encode("cp1252")


def lexware() -> bytes:
    header = ("Kundennummer;Anrede;Firma;Vorname;Name;Straße;PLZ;Ort;Land;Telefon;Telefax;"
              "E-Mail;Internet;Umsatz")  # fmt: skip
    rows = ["10001;Firma;Schreinerei Holz GmbH;;;Waldweg 3;78462;Konstanz;Deutschland;"
            "07531/12345;07531/12346;info@holz.example;www.holz.example;12.500,00",
            "10002;Herr;;Jürgen;Müller;Hauptstr. 1;80331;München;Deutschland;089/123456;;"
            "jm@example.de;;1.200,50",
            "10003;Frau;Kanzlei Berg;Sabine;Berg;Berggasse 19;1090;Wien;Österreich;"
            "+43 1 3191596;;;;0,00"]  # fmt: skip
    return csv(header, *rows).encode("cp1252")


def datev() -> bytes:
    meta = ('"EXTF";700;16;"Debitoren/Kreditoren";5;20240301120000000;;"RE";"";"";12345;'
            "67890;20240101;4;;;;;;")  # fmt: skip
    header = ("Konto;Name (Adressattyp Unternehmen);Unternehmensgegenstand;"
              "Name (Adressattyp natürl. Person);Vorname (Adressattyp natürl. Person);"
              "Name (Adressattyp keine Angabe);Adressattyp;Kurzbezeichnung;EU-Land;EU-UStID;"
              "Anrede;Titel/Akad. Grad;Adelstitel;Namensvorsatz;Adressart;Straße;Postfach;"
              "Postleitzahl;Ort;Land;Versandzusatz;Adresszusatz;Abweichende Anrede;"
              "Abw. Zustellbezeichnung 1;Abw. Zustellbezeichnung 2;Kennz. Korrespondenzadresse;"
              "Adresse Gültig von;Adresse Gültig bis;Telefon;Bemerkung (Telefon);"
              "Telefon GL;Bemerkung (Telefon GL);E-Mail")  # fmt: skip
    rows = ['10000;"Meier Bau GmbH";"Bauunternehmen";"";"";"";2;"Meier Bau";"";"";"";"";"";"";'
            '"STR";"Baustr. 1";"";"70173";"Stuttgart";"DE";"";"";"";"";"";"";"";"";'
            '"0711 123456";"";"";"";"info@meierbau.example"',
            '10001;"";"";"Schmidt";"Petra";"";1;"Schmidt P.";"";"";"Frau";"";"";"";"STR";'
            '"Gartenweg 2";"";"01067";"Dresden";"DE";"";"";"";"";"";"";"";"";"0351 654321";'
            '"";"";"";"petra@schmidt.example"']  # fmt: skip
    return csv(meta, header, *rows).encode("cp1252")


def sap_b1() -> bytes:
    header = (
        "CardCode\tCardName\tCardType\tCntctPrsn\tPhone1\tE_Mail\tAddress\tZipCode\tCity\tCountry"
    )
    rows = ["C20000\tNorm Industries\tC\tPeter Jansen\t+31 20 123 4567\tinfo@norm.example\t"
            "Damrak 1\t1012 LG\tAmsterdam\tNL",
            "C20001\tMaxi-Teq\tC\t\t+1 555 0100\t\tMain St 5\t10001\tNew York\tUS"]  # fmt: skip
    return csv(header, *rows).encode("utf-8")


def sevdesk() -> bytes:
    header = ("Kunden-Nr.;Anrede;Titel;Vorname;Nachname;Organisation;Namenszusatz;Position;"
              "Straße;PLZ;Ort;Land;Telefon;Mobil;E-Mail;Webseite;Kategorie;Beschreibung;"
              "Geburtstag;Tags")  # fmt: skip
    rows = ["1000;;;;;Pföstl Bau GmbH;;;Bahnhofstr. 9;39100;Bozen;Italien;+39 0471 123456;;"
            "info@pfoestl.example;;Kunde;;;Bau",
            "1001;Herr;Prof. Dr.;Björn;Öztürk;;;;Ringstr. 8;8001;Zürich;Schweiz;044 123 45 67;"
            "079 123 45 67;bjoern@oeztuerk.example;;Kunde;;15.03.1975;",
            "1002;Frau;;Ida;Gruber;Pföstl Bau GmbH;;Buchhaltung;;;;;;;ida@pfoestl.example;;"
            "Ansprechpartner;;;"]  # fmt: skip
    return csv(header, *rows).encode("utf-8")


# --- German ERP quirks -------------------------------------------------------------------


def erp_debitor() -> bytes:
    header = "Debitor;Name 1;Name 2;Ansprechpartner;Straße;PLZ;Ort;Land;Telefon;E-Mail"
    rows = [
        "10001;Müller Maschinenbau GmbH;Werk Süd;Müller, Jürgen;Werkstr. 1;80331;München;D;"
        "+49 (0)89 1234-56 Durchwahl 7;j.mueller@mm.example",
        "10002;Alpen Handel GmbH;;Gruber, Anna;Ring 1;1010;Wien;A;0043 1 234567;n/a",
        "10003;Zürcher Präzision AG;;;Seestr. 5;8001;Zürich;CH;044 123 45 67;",
        "10004;Weiß & Söhne;;Dr. Weiß, Stefan;Hauptstr. 9;01067;Dresden;D;(0351) 123456;"
        "sw@weiss.example",
    ]
    return csv(header, *rows).encode("cp1252")


def erp_postal_prefix() -> bytes:
    header = "Kundennr;Firma;Vorname;Nachname;Straße;PLZ;Ort;Telefon"
    rows = ["1;Alpha GmbH;Jürgen;Müller;Marienplatz 1;D-80331;München;089/123456",
            "2;Beta GmbH;Anna;Gruber;Graben 1;A-1010;Wien;01 5123456",
            "3;Gamma AG;Urs;Meier;Bahnhofstrasse 1;CH-8001;Zürich;044 668 18 00"]  # fmt: skip
    return csv(header, *rows).encode("cp1252")


def erp_full_name_comma() -> bytes:
    header = "Kundennummer;Name;Firma;E-Mail;Telefon;Geburtsdatum;Letzter Kontakt"
    rows = ["1;Müller, Jürgen;Müller GmbH;jm@example.de;0049 89 123456;01.02.1970;03.04.2024",
            "2;Schön, Änne;;aenne@example.de;(089) 123456;1970-02-01;2024-04-03",
            "3;Hans Peter Maier;Maier KG;hp@maier.example;089/123456;;4/3/2024"]  # fmt: skip
    return csv(header, *rows).encode("cp1252")


def excel_sep() -> bytes:
    lines = ["sep=;", "Vorname;Nachname;Firma;E-Mail;Telefon",
             "Jürgen;Müller;Müller GmbH;jm@example.de;089 123456",
             "Änne;Schön;;aenne@example.de;"]  # fmt: skip
    return csv(*lines).encode("cp1252")


def excel_trailing() -> bytes:
    lines = ["Vorname;Nachname;Firma;E-Mail;;;;;", "Jürgen;Müller;Müller GmbH;jm@example.de;;;;;",
             "Änne;Schön;;aenne@example.de;;;;;", ";;;;;;;;", ";;;;;;;;"]  # fmt: skip
    return csv(*lines).encode("cp1252")


def quoted_newlines() -> bytes:
    lines = ["First Name,Last Name,Company,Notes",
             'Jane,Doe,Doe Inc,"Line one\r\nLine two, with comma\r\n""quoted"" word"',
             'John,Roe,,"Single line"']  # fmt: skip
    return csv(*lines).encode("utf-8")


def title_row() -> bytes:
    lines = ["Kundenliste Stand 01.03.2024;;;;", ";;;;", "Firma;Vorname;Nachname;Ort;Telefon",
             "Alpha GmbH;Jürgen;Müller;München;089 123456", ";;;;",
             "Beta GmbH;Anna;Gruber;Wien;+43 1 5123456", "", "Summe: 2;;;;"]  # fmt: skip
    return csv(*lines).encode("cp1252")


def iso_8859_2() -> bytes:
    lines = ["Imię;Nazwisko;Spółka;Adres e-mail;Telefon komórkowy",
             "Łukasz;Żółkiewski;Hurtownia Świętokrzyska;lukasz@example.pl;+48 601 234 567",
             "Jiří;Dvořák;Česká Obchodní s.r.o.;jiri@example.cz;+420 601 234 567"]  # fmt: skip
    return csv(*lines).encode("iso-8859-2")


def latin1_fr() -> bytes:
    lines = ["Prénom;Nom;Société;Ville;Code postal;Pays/Région;Téléphone (bureau)",
             "François;Lefèvre;Société Générale de Café;Genève;1201;Suisse;+41 22 123 45 67",
             "Hélène;Dupré;;Paris;75001;France;01 23 45 67 89"]  # fmt: skip
    return csv(*lines).encode("iso-8859-1")


def xlsx(rows: list[list[object]], title: str = "") -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.append([])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_crm() -> bytes:
    import datetime as dt

    return xlsx([
        ["Firma", "Anrede", "Vorname", "Nachname", "E-Mail", "Telefon", "PLZ", "Ort", "Land",
         "Letzter Kontakt", "Umsatz"],
        ["Alpha GmbH", "Herr", "Jürgen", "Müller", "jm@alpha.example", 4989123456, 1067,
         "Dresden", "DE", dt.datetime(2024, 3, 1), 12500.5],
        ["Beta AG", None, None, None, "info@beta.example", "+41 44 123 45 67", 8001, "Zürich",
         "CH", None, 3000],
        [None, "Frau", "Anna", "Gruber", "anna@example.at", "0043 512 123456", 6020,
         "Innsbruck", "AT", "05.02.2024", None],
    ], title="Export aus Kundenverwaltung")  # fmt: skip


def xlsx_linkedin_sales() -> bytes:
    return xlsx([
        ["Name", "Company", "Title", "Email", "Phone", "Country"],
        ["Müller, Jürgen", "Siemens AG", "CFO", "jm@siemens.example", "", "Germany"],
        ["Jane Doe", "Doe Inc", "CTO", "", "+1 617 555 0134", "United States"],
        ["", "Orphan Ltd", "", "", "", "United Kingdom"],
    ])  # fmt: skip


# --- vCards ------------------------------------------------------------------------------


def vcf(*cards: str, newline: str = "\r\n") -> str:
    return "".join(newline.join(card.strip("\n").split("\n")) + newline for card in cards)


PHOTO_B64 = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4n"


def icloud() -> bytes:
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + PHOTO_B64 + "\n " + PHOTO_B64 + "\n " + PHOTO_B64
    cards = [
        f"""BEGIN:VCARD
VERSION:3.0
PRODID:-//Apple Inc.//iPhone OS 17.2//EN
N:Müller;Jürgen;;;
FN:Jürgen Müller
ORG:Müller GmbH;Vertrieb
TITLE:Leiter Vertrieb
EMAIL;type=INTERNET;type=WORK;type=pref:jm@mueller.example
TEL;type=CELL;type=VOICE;type=pref:+49 171 2345678
TEL;type=WORK;type=VOICE:089 1234567
item1.ADR;type=WORK;type=pref:;;Marienplatz 1;München;;80331;Deutschland
item1.X-ABADR:de
item2.URL;type=pref:https://mueller.example
item2.X-ABLabel:_$!<HomePage>!$_
{photo}
BDAY:1970-02-01
END:VCARD""",
        """BEGIN:VCARD
VERSION:3.0
PRODID:-//Apple Inc.//Mac OS X 10.15.7//EN
N:;;;;
FN:Bäckerei Groß
ORG:Bäckerei Groß;
X-ABShowAs:COMPANY
TEL;type=WORK;type=VOICE;type=pref:089 654321
item1.ADR;type=WORK;type=pref:;;Sendlinger Str. 3;München;;80331;Deutschland
item1.X-ABADR:de
END:VCARD""",
        """BEGIN:VCARD
VERSION:3.0
N:Gruber;Anna;;;
FN:Anna Gruber
EMAIL;type=INTERNET;type=HOME;type=pref:anna@gruber.example
item1.TEL:+43 512 123456
item1.X-ABLabel:Büro
NOTE:Zeile eins\\nZeile zwei\\, mit Komma
END:VCARD""",
    ]
    return vcf(*cards).encode("utf-8")


def outlook_vcard_21() -> bytes:
    card = """BEGIN:VCARD
VERSION:2.1
N;LANGUAGE=de;CHARSET=Windows-1252:Müller;Jürgen
FN;CHARSET=Windows-1252:Jürgen Müller
ORG;CHARSET=Windows-1252:Bäckerei Groß GmbH
TITLE;CHARSET=Windows-1252:Geschäftsführer
TEL;WORK;VOICE:+49 (89) 1234567
TEL;CELL;VOICE:+49 (171) 2345678
ADR;WORK;PREF;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:;;Hauptstra=DFe 1;M=FCnchen;;80331;=
Deutschland
LABEL;WORK;PREF;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:Hauptstra=DFe 1=0D=0A=
M=FCnchen 80331=0D=0ADeutschland
EMAIL;PREF;INTERNET:jm@gross.example
NOTE;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:Erste Zeile=0D=0AZweite Zeile mit =
Umlaut =E4
X-MS-OL-DEFAULT-POSTAL-ADDRESS:2
REV:20240301T120000Z
END:VCARD"""
    return vcf(card).encode("cp1252")


def android_vcard() -> bytes:
    cards = [
        """BEGIN:VCARD
VERSION:2.1
N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=4D=C3=BC=6C=6C=65=72;=4A=C3=BC=72=67=65=6E;;;
FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=4A=C3=BC=72=67=65=6E=20=4D=C3=BC=6C=6C=65=72
TEL;CELL:+491712345678
TEL;WORK:089123456
EMAIL;HOME:jm@example.de
X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Jü;1;;;;;;;;;;;;;
PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsL
 DBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgN

END:VCARD""",
        """BEGIN:VCARD
VERSION:2.1
N:;Mama;;;
FN:Mama
TEL;CELL:0171 9876543
END:VCARD""",
        """BEGIN:VCARD
VERSION:2.1
TEL;CELL:+4915112345678
END:VCARD""",
    ]
    return vcf(*cards).encode("utf-8")


def thunderbird_vcard4() -> bytes:
    cards = [
        """BEGIN:VCARD
VERSION:4.0
PRODID:-//Thunderbird//115.6.0//EN
FN:Jürgen Müller
N:Müller;Jürgen;;;
EMAIL;PREF=1:jm@example.de
TEL;TYPE=work;VALUE=TEXT:089 1234567
TEL;TYPE=cell;VALUE=TEXT:0171 2345678
ADR;TYPE=work:;;Marienplatz 1;München;Bayern;80331;Deutschland
ORG:Müller GmbH
TITLE:Chef
NOTE:Wichtig
UID:8a1c6b0e-7d4e-4f4f-9c3e-1a2b3c4d5e6f
END:VCARD""",
        """BEGIN:VCARD
VERSION:4.0
FN:Vertrieb Hofmann
EMAIL:vertrieb@hofmann.example
UID:1b2c
END:VCARD""",
    ]
    return vcf(*cards).encode("utf-8")


def samsung_bulk(count: int = 300) -> bytes:
    firsts = ["Jürgen", "Änne", "Luca", "Maria", "Stefan", "Sophie", "Björn", "Zoë"]
    lasts = ["Müller", "Schön", "Pföstl", "Gruber", "Weiß", "Keller", "Huber", "Öztürk"]
    cards = []
    for n in range(count):
        first, last = firsts[n % 8], f"{lasts[n // 8 % 8]}{n}"
        cards.append(
            f"BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=UTF-8:{last};{first};;;\n"
            f"FN;CHARSET=UTF-8:{first} {last}\nTEL;CELL;PREF:+49171{n:07d}\nEND:VCARD"
        )
    return vcf(*cards).encode("utf-8")


def nokia_bulk() -> bytes:
    cards = [
        f"BEGIN:VCARD\nVERSION:2.1\nN:Kunde{n};Max\nTEL;CELL:+49160{n:07d}\n"
        f"TEL;WORK:+4989{n:07d}\nX-IRMC-LUID:{n:04X}\nEND:VCARD"
        for n in range(250)
    ]
    return vcf(*cards, newline="\r\n").encode("cp1252")


def lowercase_vcard() -> bytes:
    cards = [
        """begin:vcard
version:3.0
n:Schön;Änne
fn:Änne Schön
email;type=internet:aenne@example.de
tel;type=work:0511 987654
end:vcard""",
        """Begin:VCard
Version:3.0
N:Keller;Sophie
FN:Sophie Keller
End:VCard""",
    ]
    return vcf(*cards, newline="\n").encode("utf-8")


def gmail_vcard() -> bytes:
    cards = [
        """BEGIN:VCARD
VERSION:3.0
FN:Lea Gruber
N:Gruber;Lea;;;
EMAIL;TYPE=INTERNET;TYPE=WORK:lea@gruber.example
TEL;TYPE=CELL:+41 79 123 45 67
ADR;TYPE=WORK:;;Bahnhofstrasse 1;Zürich;;8001;Schweiz
ORG:Gruber AG
TITLE:CEO
CATEGORIES:myContacts,Kunden
END:VCARD""",
        """BEGIN:VCARD
VERSION:3.0
FN:
N:;;;;
EMAIL;TYPE=INTERNET:noname@example.com
CATEGORIES:myContacts
END:VCARD""",
    ]
    return vcf(*cards).encode("utf-8")


def emclient_vcard() -> bytes:
    card = """BEGIN:VCARD
VERSION:3.0
PRODID:-//eM Client/9.2.2093.0
UID:3f0e2b1c
N:Weiß;Stefan;;Dr.;
FN:Dr. Stefan Weiß
ORG:Weiß Logistik GmbH;
TITLE:Geschäftsführer
EMAIL;TYPE=WORK:stefan@weiss-logistik.example
TEL;TYPE=WORK:+49 89 123456 7
ADR;TYPE=WORK:;;Industriestraße 4;Unterschleißheim;;85716;Deutschland
NOTE:Sehr langer Text der über die Zeilenlänge hinausgeht und daher gefaltet werden m
 uss\\, wie es eM Client tut.
REV:2024-03-01T12:00:00Z
END:VCARD"""
    return vcf(card).encode("utf-8")


def thebat_vcard() -> bytes:
    card = """BEGIN:VCARD
VERSION:2.1
N;CHARSET=WINDOWS-1251:Иванов;Иван
FN;CHARSET=WINDOWS-1251:Иван Иванов
ORG;CHARSET=WINDOWS-1251:ООО Ромашка
EMAIL;PREF;INTERNET:ivan@romashka.example
TEL;WORK:+7 495 123-45-67
END:VCARD"""
    return vcf(card).encode("cp1251")


def japanese_vcard() -> bytes:
    card = """BEGIN:VCARD
VERSION:2.1
N;CHARSET=SHIFT_JIS:山田;太郎;;;
SOUND;X-IRMC-N;CHARSET=SHIFT_JIS:ﾔﾏﾀﾞ;ﾀﾛｳ;;;
TEL;CELL:090-1234-5678
EMAIL;INTERNET:taro@docomo.example
END:VCARD"""
    return vcf(card).encode("shift_jis")


def outlook_vcard_utf16() -> bytes:
    card = """BEGIN:VCARD
VERSION:3.0
N:Øster;Åse
FN:Åse Øster
ORG:Nordisk A/S
EMAIL;TYPE=INTERNET,PREF:ase@nordisk.example
TEL;TYPE=WORK,VOICE:+45 33 12 34 56
END:VCARD"""
    return codecs.BOM_UTF16_LE + vcf(card).encode("utf-16-le")


def vcard_only_org_and_email() -> bytes:
    cards = [
        """BEGIN:VCARD
VERSION:3.0
FN:Muster GmbH
ORG:Muster GmbH
EMAIL:info@muster.example
END:VCARD""",
        """BEGIN:VCARD
VERSION:3.0
FN:Müller, Jürgen
EMAIL:jm@example.de
END:VCARD""",
    ]
    return vcf(*cards).encode("utf-8")


# --- Company exports and oddities --------------------------------------------------------


def hubspot_companies() -> bytes:
    header = ("Record ID,Company name,Company Domain Name,Phone Number,Street Address,City,"
              "State/Region,Postal Code,Country/Region,Industry,Annual Revenue,Company owner")  # fmt: skip
    rows = ["9001,Doe Inc,doe.example,+1 617 555 0134,25 First St,Cambridge,MA,02141,"
            "United States,COMPUTER_SOFTWARE,1000000,",
            "9002,Wagner AG,wagner.example,+49 30 1234567,,Berlin,,10115,Germany,,,"]  # fmt: skip
    return csv(header, *rows, sep="\n").encode("utf-8")


def salesforce_accounts() -> bytes:
    header = ('"Account ID","Account Name","Type","Billing Street","Billing City",'
              '"Billing State/Province","Billing Zip/Postal Code","Billing Country","Phone",'
              '"Website","Industry","Annual Revenue","Account Owner"')  # fmt: skip
    rows = ['"0015g00000XyZ1","Baker Industries","Customer","1 Market St","San Francisco",'
            '"CA","94105","USA","(415) 555-0100","baker.example","Manufacturing","5000000",'
            '"Alice Admin"',
            '"0015g00000XyZ2","Nowak Sp. z o.o.","Prospect","ul. Długa 5","Kraków","",'
            '"31-147","Poland","+48 12 345 67 89","","","",""']  # fmt: skip
    return csv(header, *rows).encode("utf-8")


def excel_bom_sep_comma() -> bytes:
    lines = ["sep=,", "Name,Company,Email,Phone", '"Müller, Jürgen",Müller GmbH,jm@example.de,'
             "089 123456", "Anna Gruber,,anna@example.at,+43 1 5123456", ",,,", ",,,"]  # fmt: skip
    return csv(*lines).encode("utf-8-sig")


def duplicate_headers() -> bytes:
    lines = ["Vorname;Nachname;E-Mail;E-Mail;Telefon;Telefon",
             "Jürgen;Müller;jm@example.de;j.privat@example.de;089 123456;0171 2345678"]  # fmt: skip
    return csv(*lines).encode("cp1252")


def excel_errors() -> bytes:
    lines = ["Firma;Nachname;Vorname;Telefon;Umsatz",
             "Alpha GmbH;Müller;Jürgen;4,98912E+11;#WERT!",
             "Beta GmbH;#NAME?;;089 123456;1.000,00"]  # fmt: skip
    return csv(*lines).encode("cp1252")


def vcard_truncated() -> bytes:
    cards = [
        """BEGIN:VCARD
VERSION:3.0
N:Müller;Jürgen;;;
FN:Jürgen Müller
END:VCARD""",
        """BEGIN:VCARD
VERSION:3.0
N:Schön;Änne;;;
FN:Änne Schön
TEL;TYPE=CELL:0171 2345678""",
    ]
    return vcf(*cards).encode("utf-8")


def android_vcard_30_groups() -> bytes:
    card = """BEGIN:VCARD
VERSION:3.0
N:Keller;Sophie;;;
FN:Sophie Keller
item1.EMAIL;TYPE=INTERNET:sophie@keller.example
item1.X-ABLabel:Büro
item2.TEL:+49 89 1234567
item2.X-ABLabel:Zentrale
X-ANDROID-CUSTOM:vnd.android.cursor.item/relation;Max;1;;;;;;;;;;;;;
CATEGORIES:Kunden,VIP
END:VCARD"""
    return vcf(card).encode("utf-8")


def xlsx_two_sheets() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Info"
    cover.append(["Export vom 01.03.2024"])
    cover.append(["Erstellt von: Buchhaltung"])
    data = book.create_sheet("Kunden")
    data.append(["Kundennr", "Firma", "Vorname", "Nachname", "E-Mail"])
    data.append([1, "Alpha GmbH", "Jürgen", "Müller", "jm@alpha.example"])
    data.append([2, "Beta AG", None, None, "info@beta.example"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cas_genesis() -> bytes:
    header = ("Firma1;Firma2;Anrede;Titel;Vorname;Name;Abteilung;Funktion;Straße;PLZ;Ort;Land;"
              "Telefon;Telefax;Mobiltelefon;E-Mail;Internet;Kundennummer")  # fmt: skip
    rows = ["Müller Maschinenbau GmbH;Werk Süd;Herr;Dr.;Jürgen;Müller;Vertrieb;Leiter;"
            "Werkstr. 1;80331;München;Deutschland;089 1234560;089 1234569;0171 2345678;"
            "jm@mm.example;www.mm.example;K-1001",
            "Alpen Handel GmbH;;;;;;;;Ring 1;1010;Wien;Österreich;+43 1 234567;;;"
            "office@alpen.example;;K-1002"]  # fmt: skip
    return csv(header, *rows).encode("cp1252")


def vcard_oddities() -> bytes:
    """Cards as less common programs write them: base64 text, tel: URIs, an XML block."""
    cards = [
        """BEGIN:VCARD
VERSION:3.0
N;ENCODING=b;CHARSET=utf-8:TcO8bGxlcjtKw7xyZ2Vu
FN;ENCODING=b;CHARSET=utf-8:SsO8cmdlbiBNw7xsbGVy
NOTE;ENCODING=b:SGFsbG8gV2VsdA==
END:VCARD""",
        """BEGIN:VCARD
VERSION:4.0
FN:Sophie Keller
N:Keller;Sophie;;;
TEL;VALUE=uri;TYPE="cell,voice":tel:+49-171-2345678
EMAIL;TYPE=work:mailto:sophie@keller.example
END:VCARD""",
        """BEGIN:VCARD
VERSION:2.1
N;LANGUAGE=de:Huber;Karl;;Herr
FN:Karl Huber
X-MS-OL-DESIGN;CHARSET=utf-8:<card xmlns="http://schemas.microsoft.com/office/outlook/12/ele
 ctronicbusinesscards" ver="1.0" layout="left" bgcolor="ffffff"><img xmlns="" align="fit" a
 rea="16" use="cardpicture"/><fld xmlns="" prop="name" align="left" dir="ltr" style="b" siz
 e="10"/></card>
X-MS-CARDPICTURE;TYPE=JPEG;ENCODING=BASE64:
 /9j/4AAQSkZJRgABAQEAYABgAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0a

TEL;WORK;VOICE:+43 512 123456
END:VCARD""",
    ]
    return vcf(*cards).encode("utf-8")


def vcard_latin1_no_charset() -> bytes:
    cards = [
        """BEGIN:VCARD
VERSION:2.1
N:Müller;Jürgen
TEL;CELL:+491712345678
END:VCARD""",
        """BEGIN:VCARD
VERSION:2.1
N;ENCODING=QUOTED-PRINTABLE:Sch=F6n;=C4nne
TEL;HOME:0511987654
END:VCARD""",
    ]
    return vcf(*cards).encode("iso-8859-1")


def vcard_utf16_be_no_bom() -> bytes:
    card = """BEGIN:VCARD
VERSION:3.0
N:Øster;Åse
FN:Åse Øster
EMAIL:ase@nordisk.example
END:VCARD"""
    return vcf(card).encode("utf-16-be")


def erp_shared_switchboard() -> bytes:
    """Contact persons of one customer on its switchboard and its info@ address."""
    header = "Kunde;Ansprechpartner;AP Telefon;AP E-Mail;Ort"
    rows = ["Alpha GmbH;Müller, Jürgen;089 1234560;info@alpha.example;München",
            "Alpha GmbH;Gruber, Anna;089 1234560;info@alpha.example;München",
            "Alpha GmbH;Keller, Ida;089 1234560;;München",
            "Alpha GmbH;Müller, Jürgen;089 1234560;info@alpha.example;München"]  # fmt: skip
    return csv(header, *rows).encode("cp1252")


def corpus() -> list[Sample]:
    return [
        Sample(
            "outlook_2013_en.csv", outlook_en(), 3, 1, want=(("email", "john.smith@acme.example"),)
        ),
        Sample("outlook_2010_de.csv", outlook_de(), 2, 1),
        Sample("outlook_unicode_tab.txt", outlook_unicode_tab(), 2, 0),
        Sample("outlook_japanese_sjis.csv", outlook_japanese(), 2, 0),
        Sample("google_2023.csv", google_new(), 3, 1),
        Sample("google_old_utf16.csv", google_old(), 3, 1),
        Sample("google_old_utf8.csv", google_old("utf-8"), 3, 1, want=(("last_name", "Maier"),)),
        Sample("gmail_other_contacts.csv", gmail_other_contacts(), 2, 0),
        Sample("thunderbird_en.csv", thunderbird(), 4, 0, want=(("first_name", "Hans"),)),
        Sample("thunderbird_de.csv", thunderbird_de(), 2, 0),
        Sample("macos_contacts_de.csv", macos_de(), 1, 1, want=(("street", "Marienplatz 1"),)),
        Sample("yahoo.csv", yahoo(), 2, 0),
        Sample("linkedin_connections.csv", linkedin(), 3, 0),
        Sample("hubspot_contacts.csv", hubspot(), 2, 0, errors=1),
        Sample("salesforce_contacts.csv", salesforce(), 2, 0),
        Sample("pipedrive_people.csv", pipedrive_people(), 2, 0),
        Sample("pipedrive_organizations.csv", pipedrive_orgs(), 0, 2),
        Sample("zoho_contacts.csv", zoho(), 2, 0),
        Sample("superoffice_de.csv", superoffice(), 2, 1),
        Sample("lexware_kunden.csv", lexware(), 2, 1),
        Sample("datev_debitoren.csv", datev(), 1, 1),
        Sample("sap_b1_partners.txt", sap_b1(), 1, 1),
        Sample("sevdesk_kontakte.csv", sevdesk(), 2, 1),
        Sample(
            "erp_debitor_name1.csv",
            erp_debitor(),
            3,
            1,
            want=(("first_name", "Jürgen"), ("last_name", "Weiß")),
        ),
        Sample(
            "erp_postal_prefix.csv",
            erp_postal_prefix(),
            3,
            0,
            want=(("country", "AT"), ("country", "CH")),
        ),
        Sample(
            "erp_full_name_comma.csv", erp_full_name_comma(), 3, 0, want=(("last_name", "Schön"),)
        ),
        Sample("excel_sep_line.csv", excel_sep(), 2, 0),
        Sample("excel_trailing_columns.csv", excel_trailing(), 2, 0),
        Sample("quoted_newlines.csv", quoted_newlines(), 2, 0),
        Sample("title_row_blank_lines.csv", title_row(), 2, 0),
        Sample("iso_8859_2_pl_cz.csv", iso_8859_2(), 2, 0),
        Sample("latin1_outlook_fr.csv", latin1_fr(), 2, 0),
        Sample("crm_export.xlsx", xlsx_crm(), 2, 1),
        Sample("sales_list.xlsx", xlsx_linkedin_sales(), 2, 1, want=(("last_name", "Müller"),)),
        Sample("icloud_3_0.vcf", icloud(), 2, 1),
        Sample(
            "outlook_2_1_cp1252.vcf", outlook_vcard_21(), 1, 0, want=(("first_name", "Jürgen"),)
        ),
        Sample(
            "android_2_1_qp.vcf", android_vcard(), 2, 0, errors=1, want=(("last_name", "Müller"),)
        ),
        Sample("thunderbird_115_4_0.vcf", thunderbird_vcard4(), 2, 0),
        Sample("samsung_300_cards.vcf", samsung_bulk(), 300, 0),
        Sample("nokia_250_cards.vcf", nokia_bulk(), 250, 0),
        Sample("lowercase_begin.vcf", lowercase_vcard(), 2, 0),
        Sample("gmail_3_0.vcf", gmail_vcard(), 2, 0),
        Sample("emclient_3_0.vcf", emclient_vcard(), 1, 0),
        Sample("thebat_cp1251.vcf", thebat_vcard(), 1, 0, want=(("last_name", "Иванов"),)),
        Sample("docomo_sjis.vcf", japanese_vcard(), 1, 0, want=(("last_name", "山田"),)),
        Sample("windows_contacts_utf16.vcf", outlook_vcard_utf16(), 1, 0),
        Sample(
            "org_and_comma_name.vcf",
            vcard_only_org_and_email(),
            1,
            1,
            want=(("first_name", "Jürgen"),),
        ),
        Sample("hubspot_companies.csv", hubspot_companies(), 0, 2),
        Sample("salesforce_accounts.csv", salesforce_accounts(), 0, 2),
        Sample(
            "excel_bom_sep_comma.csv", excel_bom_sep_comma(), 2, 0, want=(("first_name", "Jürgen"),)
        ),
        Sample("duplicate_headers.csv", duplicate_headers(), 1, 0),
        Sample("excel_errors.csv", excel_errors(), 1, 1),
        Sample("vcard_truncated.vcf", vcard_truncated(), 2, 0),
        Sample(
            "android_3_0_groups.vcf",
            android_vcard_30_groups(),
            1,
            0,
            want=(("email", "sophie@keller.example"),),
        ),
        Sample("xlsx_two_sheets.xlsx", xlsx_two_sheets(), 1, 1),
        Sample("cas_genesis.csv", cas_genesis(), 1, 1, want=(("salutation", "Herr"),)),
        Sample(
            "vcard_oddities.vcf",
            vcard_oddities(),
            3,
            0,
            want=(
                ("last_name", "Müller"),
                ("mobile", "+491712345678"),
                ("email", "sophie@keller.example"),
                ("phone", "+43512123456"),
            ),
        ),
        Sample(
            "vcard_latin1_no_charset.vcf",
            vcard_latin1_no_charset(),
            2,
            0,
            want=(("first_name", "Jürgen"), ("last_name", "Schön")),
        ),
        Sample(
            "vcard_utf16_be_no_bom.vcf",
            vcard_utf16_be_no_bom(),
            1,
            0,
            want=(("last_name", "Øster"),),
        ),
        Sample(
            "erp_shared_switchboard.csv",
            erp_shared_switchboard(),
            3,
            0,
            want=(("last_name", "Gruber"), ("last_name", "Keller")),
        ),
    ]


def setup_django(data_dir: str) -> object:
    os.environ["DJANGO_SETTINGS_MODULE"] = "touchbase.settings"
    os.environ["TOUCHBASE_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from touchbase.core.services import workspace_create

    call_command("migrate", verbosity=0)
    return workspace_create(name="Probe GmbH", home_country="DE")


def plan_one(workspace: object, sample: Sample, folder: Path) -> dict[str, object]:
    from touchbase.core.tenancy import workspace_scope
    from touchbase.imports.planner import import_plan

    path = folder / sample.name
    path.write_bytes(sample.data)
    result: dict[str, object] = {"file": sample.name, "expected": (sample.people,
                                                                    sample.accounts)}  # fmt: skip
    try:
        with workspace_scope(workspace.pk):
            plan = import_plan(workspace=workspace, data=path.read_bytes(), filename=path.name)
    except Exception as error:  # noqa: BLE001 - a crash is what the probe looks for
        result.update(verdict=f"CRASH {type(error).__name__}: {error}", plan=None)
        return result
    people = sum(1 for row in plan.rows if row.contact_fields and row.action != "merged")
    accounts = sum(1 for row in plan.rows if not row.contact_fields)
    ok = (people, accounts, plan.error_count) == (sample.people, sample.accounts, sample.errors)
    written = apply_one(sample, plan)
    if written != (people, plan.accounts_to_create):
        planned = (people, plan.accounts_to_create)
        result.update(verdict=f"WRITTEN {written} != PLANNED {planned}", plan=plan,
                      kind=plan.kind, encoding=plan.encoding, people=people, accounts=accounts)  # fmt: skip
        return result
    persons = [row.contact_fields for row in plan.rows if row.contact_fields]
    missing = [f"{k}={v}" for k, v in sample.want if not any(p.get(k) == v for p in persons)]
    ok = ok and not missing
    verdict = "OK" if ok and not plan.file_errors else "WRONG " + " ".join(missing)
    if plan.file_errors:
        verdict = "FILE ERROR"
    result.update(plan=plan, kind=plan.kind, encoding=plan.encoding, people=people,
                  accounts=accounts, verdict=verdict)  # fmt: skip
    return result


def apply_one(sample: Sample, plan: object) -> tuple[int, int] | str:
    """Write the plan into a workspace of its own: (contacts, accounts) written."""
    from touchbase.core.services import member_add, workspace_create
    from touchbase.core.tenancy import workspace_scope
    from touchbase.imports.writer import import_apply
    from touchbase.relationships.models import Account, Contact

    workspace = workspace_create(name=f"Apply {sample.name}", home_country="DE")
    owner = member_add(workspace=workspace, username=f"u{workspace.pk}", password=None).user
    try:
        with workspace_scope(workspace.pk):
            import_apply(workspace=workspace, plan=plan, by=owner, skip_errors=True)
            contacts = Contact.objects.filter(workspace=workspace).count()
            accounts = Account.objects.filter(workspace=workspace).count()
    except Exception as error:  # noqa: BLE001 - a crash is what the probe looks for
        return f"CRASH {type(error).__name__}: {error}"
    return contacts, accounts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-v", "--verbose", nargs="*", default=None, help="file names to detail")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        workspace = setup_django(temp)
        folder = Path(temp) / "corpus"
        folder.mkdir()
        samples = corpus()
        results = [plan_one(workspace, sample, folder) for sample in samples]
    print(f"{'file':32} {'fmt':5} {'encoding':12} {'exp':>7} {'people':>6} {'acc':>4} "
          f"{'err':>4} {'warn':>4}  unmapped  verdict")  # fmt: skip
    for sample, result in zip(samples, results, strict=True):
        plan = result["plan"]
        if plan is None:
            print(f"{sample.name:32} {result['verdict']}")
            continue
        unmapped = ", ".join(plan.unmapped)
        expected = f"{sample.people}+{sample.accounts}"
        print(f"{sample.name:32} {plan.kind:5} {plan.encoding[:12]:12} {expected:>7} "
              f"{result['people']:>6} {result['accounts']:>4} {plan.error_count:>4} "
              f"{plan.warning_count:>4}  [{unmapped[:60]}]  {result['verdict']}")  # fmt: skip
        if args.verbose is not None and (not args.verbose or sample.name in args.verbose):
            print("   mapping:", plan.mapping)
            print("   file errors:", plan.file_errors, "notes:", plan.notes)
            for issue in plan.errors[:5]:
                print("   error:", issue.as_dict())
            for issue in plan.warnings[:8]:
                print("   warning:", issue.as_dict())
            for row in plan.rows[:6]:
                print("   row:", row.line, row.action, row.account_key,
                      {k: v for k, v in row.contact_fields.items() if v},
                      {k: v for k, v in row.account_fields.items() if v})  # fmt: skip
    right = sum(1 for result in results if result["verdict"] == "OK")
    print(f"\n{right} of {len(results)} files planned as expected.")


if __name__ == "__main__":
    main()
