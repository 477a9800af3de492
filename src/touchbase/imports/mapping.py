"""Column mapping for imports: automatic guesses for the headers address books and ERPs write.

A header is lowercased to letters and digits without accents ("E-Mail-Adresse" →
"emailadresse", "電話番号" stays) and looked up in ALIASES and MORE_LANGUAGES. Headers the
lists do not name are read by their parts: a work or private qualifier before or after the
field ("Arbeit E-Mail", "Telefon privat", "Work ZipCode", "Privat: Ort"), a line number
("Straße geschäftlich 2", "Home Address 2"), an address word before an address part
("Arbeitsadresse Straße"), and a contact-person prefix ("AP E-Mail", "Ansprechpartner
Telefon", "Contact Email"). Where a file has work and private columns of one field, the
readers combine them per row, work first (readers.layout).

Headers of the exports this was built for (the full lists are longer; what is not here is
not imported, and the dry run lists it):

=======================  =====================================================================
Source                   Headers
=======================  =====================================================================
Outlook, German          Anrede, Vorname, Weitere Vornamen, Nachname, Firma, Abteilung,
                         Position, Straße/Ort/Region/Postleitzahl/Land/Region geschäftlich (and
                         privat, Weitere …), Telefon geschäftlich, Telefon privat, Mobiltelefon,
                         Haupttelefon, E-Mail-Adresse, E-Mail 2: Adresse, Notizen, Kategorien
Outlook, English         Title (a salutation beside Job Title), First Name, Last Name, Company,
                         Job Title, Business Street/City/State/Postal Code/Country/Region, Home
                         …, Business Phone, Home Phone, Mobile Phone, E-mail Address, E-mail 2
                         Address, Notes, Categories
Outlook, French/Italian  Prénom, Nom, Société, Rue (bureau), Code postal (bureau), Ville
                         (bureau), Pays/Région (bureau), Téléphone (bureau), Tél. mobile;
                         Nome, Cognome, Società, Via (uff.), CAP (uff.), Città (uff.), Telefono
                         ufficio, Cellulare, Indirizzo posta elettronica
Outlook, Japanese        敬称, 名, 姓, 会社名, 役職, 番地 (会社), 市町村 (会社), 郵便番号 (会社),
                         国/地域 (会社), 会社電話, 自宅電話, 携帯電話, 電子メール アドレス, メモ
Outlook, Polish, Czech,  Imię, Nazwisko, Ulica (służbowy), Telefon komórkowy, Adres e-mail;
Hungarian, Russian       Jméno, Příjmení, Telefon do práce, Mobilní telefon; Vezetéknév,
                         Utónév, Munkahelyi telefon; Фамилия, Имя, Телефон, Эл. почта
Outlook.com, Yahoo       Company Main Phone, Other Phone, Work ZIP, Comments and the like
Thunderbird, English     First Name, Last Name, Display Name, Primary Email, Secondary Email,
                         Work Phone, Home Phone, Mobile Number, Home Address, Home Address 2,
                         Home City, Home State, Home ZipCode, Home Country, Work Address, Work
                         City, Work ZipCode, Work Country, Job Title, Organization, Notes
Thunderbird, Japanese    名, 姓, 表示名, 電子メールアドレス, 勤務先電話番号, 携帯電話番号,
                         勤務先住所, 勤務先 市区町村, 勤務先 郵便番号, 勤務先, メモ
Thunderbird, German      Vorname, Nachname, Anzeigename, Primäre E-Mail-Adresse, Sekundäre
                         E-Mail-Adresse, Tel. dienstlich, Tel. privat, Mobil-Tel.-Nr.,
                         Privat: Adresse/Ort/PLZ/Land, Dienstlich: Adresse/Ort/PLZ/Land,
                         Arbeitstitel, Organisation, Notizen
Google, since 2023       First Name, Middle Name, Last Name, Organization Name, Organization
                         Title, E-mail 1 - Label/Value, Phone 1 - Label/Value, Address 1 -
                         Street/City/Postal Code/Country, Labels, Notes
Google, before 2023      Name, Given Name, Family Name, Organization 1 - Name, Organization 1 -
                         Title, E-mail 1 - Type/Value, Phone 1 - Type/Value, Group Membership
macOS Contacts, German   Vorname, Nachname, Firma, Arbeit E-Mail, Privat E-Mail, Arbeit Telefon,
                         Mobil, iPhone, Arbeitsadresse Straße (or Arbeit Straße), Arbeit PLZ,
                         Arbeit Ort, Arbeit Land, Notiz; also "E-Mail (Arbeit)" and the like
CRMs                     HubSpot (Phone Number, Mobile Phone Number, State/Region), Salesforce
                         and Zoho (Mailing Street/City/State/Zip, Description), Pipedrive
                         (Person - Email - Work, Person - Phone - Mobile, Organization - Name)
ERP, German              Kundennummer or Debitor (not imported), Name or Name 1 or Kundenname
                         (the company, when contact-person columns exist), Straße, PLZ, Ort,
                         Ansprechpartner, AP Vorname, AP Nachname, AP E-Mail, AP Telefon,
                         Ansprechpartner Telefon; Straße beside Hausnummer (joined)
=======================  =====================================================================

Google's "Phone N - Type/Value" pairs are resolved per row by the readers (readers.layout).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache

from django.utils.translation import gettext_lazy as _

# Target fields a column can be mapped to, with their labels for the mapping form.
FIELDS = {
    "account_name": _("Company"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "full_name": _("Full name"),
    "salutation": _("Salutation"),
    "job_title": _("Job title"),
    "email": _("E-mail"),
    "phone": _("Phone"),
    "mobile": _("Mobile"),
    "street": _("Street"),
    "postal_code": _("Postal code"),
    "city": _("City"),
    "region": _("Region"),
    "country": _("Country"),
    "language": _("Language"),
    "segment": _("Segment"),
    "tags": _("Tags"),
    "value": _("Annual value"),
    "notes": _("Notes"),
    "owner": _("Owner (member)"),
    "key_account": _("Key account (yes/no)"),
    "last_contact": _("Last contact (date)"),
}

# Who looks after the customer, whether a key account, when last contacted: kept apart from
# ALIASES below (the columns of address books), which the readers extend.
CARE_ALIASES = {
    "owner": ["betreuer", "betreuerin", "kundenbetreuer", "kundenbetreuerin", "owner",
              "accountowner", "contactowner", "zustandig", "zustaendig", "verantwortlich",
              "verantwortlicher", "besitzer", "vertriebsmitarbeiter", "aussendienst",
              "salesrep", "accountmanager", "betreuung"],
    "key_account": ["keyaccount", "schlusselkunde", "schluesselkunde", "akunde", "keyaccountja",
                    "iskeyaccount", "topkunde", "wichtigerkunde"],
    "last_contact": ["letzterkontakt", "lastcontact", "lastcontacted", "lastactivity",
                     "letzteaktivitat", "letzteaktivitaet", "zuletztkontaktiert",
                     "letzterbesuch", "letztesgesprach", "lastcontactdate",
                     "datumletzterkontakt", "lastactivitydate", "lastinteraction"],
}  # fmt: skip

ALIASES = {
    "account_name": ["firma", "firmenname", "company", "companyname", "organisation",
                     "organization", "org", "unternehmen", "account", "accountname", "kunde",
                     "kundenname", "betrieb", "arbeitgeber", "organization1name",
                     "organizationname", "organisationname", "firma1", "name1", "firmierung",
                     "azienda", "societa", "ditta", "ragionesociale", "entreprise", "societe",
                     "bedrijf", "bedrijfsnaam", "organisatie", "empresa",
                     # DATEV's and SAP Business One's
                     "nameadressattypunternehmen", "cardname", "bpname",
                     "geschaftspartnername"],
    "first_name": ["vorname", "firstname", "givenname", "first", "prenom", "vornamen",
                   "nome", "voornaam", "nombre", "vornameadressattypnaturlperson"],
    "last_name": ["nachname", "lastname", "surname", "familyname", "familienname", "zuname",
                  "last", "nom", "cognome", "achternaam", "nomdefamille", "apellido",
                  "apellidos", "nameadressattypnaturlperson"],
    "full_name": ["name", "vollername", "fullname", "kontakt", "ansprechpartner", "contact",
                  "contactname", "displayname", "anzeigename", "ansprechpartnerin",
                  "kontaktperson", "contactperson", "nameadressattypkeineangabe",
                  "cntctprsn"],
    "salutation": ["anrede", "salutation", "titel", "title1", "nameprefix", "briefanrede"],
    "job_title": ["position", "funktion", "jobtitle", "jobbezeichnung", "rolle", "role",
                  "beruf", "organization1title", "organizationtitle", "arbeitstitel",
                  "berufsbezeichnung", "title", "stellung"],
    "email": ["email", "emailadresse", "mail", "emailaddress", "email1", "emailadresse1",
              "primaryemail", "email1value", "emailaddress1", "businessemail", "workemail",
              "primareemailadresse", "mailadresse", "courriel", "emailadres",
              "adressedemessagerie", "indirizzopostaelettronica", "postaelettronica",
              "correoelectronico", "correo"],
    "phone": ["telefon", "tel", "telefonnummer", "phone", "phonenumber", "festnetz",
              "businessphone", "worknumber", "telefon1", "fon", "phone1value",
              "primaryphone", "haupttelefon", "telephone", "rufnummer", "telefono",
              "telefoon", "telefonnr", "telnr", "telefonfestnetz", "telefonoufficio"],
    "mobile": ["mobil", "mobiltelefon", "handy", "mobile", "mobilephone", "cell",
               "cellphone", "mobilnummer", "handynummer", "phone2value", "mobilenumber",
               "mobiltelnr", "mobiltel", "iphone", "mobilfunk", "mobilfunknummer",
               "cellular", "natel", "telefonmobil", "telefonhandy", "telefoniphone",
               "phonemobile", "phonecell", "phoneiphone", "mobiltelefonnummer", "mobilnr",
               "handynr", "cellphonenumber", "mobilephonenumber", "mobiletelephone",
               "portable", "cellulare", "mobiel", "mobielnummer", "telefonomobile",
               "telmobile", "telephonemobile", "movil", "telefonomovil"],
    "street": ["strasse", "str", "street", "adresse", "address", "anschrift", "streetaddress",
               "strassehausnummer", "strasseundhausnummer", "address1", "adresszeile1",
               "address1street", "strassenr", "strassenummer", "indirizzo", "straat",
               "adresszeile", "addressline1", "addressline", "rue", "via", "direccion"],
    "postal_code": ["plz", "postleitzahl", "zip", "zipcode", "postalcode", "postcode",
                    "address1postalcode", "cap", "codepostal", "zippostalcode", "npa",
                    "codigopostal"],
    "city": ["ort", "stadt", "city", "town", "wohnort", "gemeinde", "address1city",
             "citta", "ville", "plaats", "localita", "comune", "ciudad"],
    "region": ["bundesland", "region", "kanton", "state", "province", "provinz",
               "address1region", "bundeslandkanton", "provincia", "stateprovince",
               "stateregion"],
    "country": ["land", "country", "staat", "countrycode", "landeskennung", "address1country",
                "countryregion", "landregion", "pays", "paese", "nation", "nazione",
                "paysregion", "paeseregione", "pais"],
    "language": ["sprache", "language", "korrespondenzsprache"],
    "segment": ["segment", "branche", "industry", "kundengruppe", "kategorie", "category"],
    "tags": ["tags", "schlagworter", "schlagworte", "labels", "stichworte", "kategorien",
             "categories", "groupmembership", "gruppen", "groups"],
    "value": ["umsatz", "jahresumsatz", "wert", "value", "revenue", "kundenwert",
              "annualvalue", "jahreswert"],
    "notes": ["notiz", "notizen", "notes", "note", "bemerkung", "bemerkungen", "kommentar",
              "anmerkung", "anmerkungen", "hinweis", "hinweise", "description",
              "beschreibung", "opmerkingen", "comments", "kommentare", "remarques",
              "commenti"],
}  # fmt: skip
_LOOKUP = {alias: target for target, names in ALIASES.items() for alias in names}
_LOOKUP.update({alias: target for target, names in CARE_ALIASES.items() for alias in names})


def normalize_header(header: str) -> str:
    """Lowercase letters and digits without accents: "E-Mail-Adresse" → "emailadresse".

    Letters of other scripts stay: "電話番号" and "Телефон" are headers too.
    """
    text = unicodedata.normalize("NFKD", header.strip().lower().replace("ß", "ss"))
    return "".join(char for char in text if char.isalnum() and not unicodedata.combining(char))


# Headers in further languages, as exporters in Japan, China, Russia, Poland, Czechia and
# Hungary write them (Outlook, Thunderbird and address books in those languages).
MORE_LANGUAGES = {
    "account_name": ["会社名", "会社", "勤務先", "企業名", "組織", "法人名", "取引先", "取引先名",
                     "公司", "公司名称", "公司名稱", "单位", "компания", "организация",
                     "Spółka", "Společnost", "Cég", "Cégnév"],
    "first_name": ["名", "下の名前", "имя", "Imię", "Jméno", "Křestní jméno", "Utónév",
                   "Keresztnév"],
    "last_name": ["姓", "苗字", "名字", "фамилия", "Nazwisko", "Příjmení", "Vezetéknév"],
    "full_name": ["氏名", "名前", "表示名", "フルネーム", "姓名", "フリガナ氏名", "фио",
                  "Imię i nazwisko", "Név"],
    "salutation": ["敬称", "обращение", "Zwrot grzecznościowy", "Oslovení", "Megszólítás"],
    "job_title": ["役職", "肩書き", "肩書", "职位", "職位", "职务", "должность", "Stanowisko",
                  "Pozice", "Funkce", "Beosztás"],
    "email": ["メールアドレス", "メール", "電子メールアドレス", "電子メール", "eメール",
              "邮箱", "电子邮件", "電子郵件", "电子邮箱", "электроннаяпочта", "эл почта",
              "почта", "Adres e-mail", "E-mailová adresa", "E-mail cím"],
    "phone": ["電話番号", "電話", "固定電話", "代表電話", "电话", "电话号码", "電話號碼",
              "телефон", "рабочийтелефон", "Telefon do práce", "Telefon służbowy",
              "Munkahelyi telefon"],
    "mobile": ["携帯電話", "携帯", "携帯電話番号", "携帯番号", "手机", "手機", "手机号码",
               "мобильный", "мобильныйтелефон", "сотовый", "Telefon komórkowy", "Komórka",
               "Mobilní telefon", "Mobiltelefon"],
    "street": ["住所", "番地", "所在地", "町名番地", "地址", "адрес", "улица", "Ulica", "Ulice",
               "Utca", "Cím"],
    "postal_code": ["郵便番号", "邮编", "邮政编码", "郵遞區號", "индекс", "почтовыйиндекс",
                    "Kod pocztowy", "PSČ", "Irányítószám"],
    "city": ["市区町村", "市町村", "城市", "город", "Miasto", "Miejscowość", "Město", "Obec",
             "Város", "Település"],
    "region": ["都道府県", "省", "省份", "регион", "область", "Województwo",
               "Megye"],
    "country": ["国", "国名", "国地域", "国家", "國家", "страна", "Kraj", "Kraj/region", "Země",
                "Země/oblast", "Ország"],
    "notes": ["メモ", "備考", "ノート", "备注", "備註", "примечание", "примечания", "заметки",
              "Uwagi", "Notatki", "Poznámky", "Poznámka", "Megjegyzés", "Megjegyzések"],
    "tags": ["カテゴリ", "分類", "категории", "Kategorie", "Kategóriák"],
}  # fmt: skip


def _add_aliases(aliases: dict[str, list[str]]) -> None:
    for target, names in aliases.items():
        for name in names:
            if normalize_header(name):
                _LOOKUP.setdefault(normalize_header(name), target)


_add_aliases(MORE_LANGUAGES)


# Qualifiers before or after a field: (normalised word, rank). Rank 0 is work (preferred),
# 1 private, 2 anything else; longer words first, so "arbeitsadresse" wins over "arbeit".
QUALIFIERS = sorted(
    [(word, 0) for word in ("arbeitsadresse", "geschaftsadresse", "dienstlich",
                            "geschaftlich", "geschaeftlich", "arbeit", "arbeits", "work",
                            "business", "office", "buro", "firmen", "primary", "primare",
                            "haupt", "main", "company", "mailing", "billing",
                            "rechnungs", "postal", "firma", "bureau", "ufficio", "uff",
                            "trabajo", "会社", "勤務先", "仕事", "służbowy", "praca", "práce",
                            "zaměstnání", "munkahelyi", "рабочий")]
    + [(word, 1) for word in ("privatadresse", "privat", "private", "home", "personal",
                              "personlich", "zuhause", "secondary", "sekundare", "domicile",
                              "abitazione", "casa", "自宅", "第2", "prywatny", "domowy",
                              "domů", "domácí", "otthoni", "домашний", "личный")]
    + [(word, 2) for word in ("weitere", "weiteres", "weiterer", "andere", "anderes",
                              "sonstige", "other", "shipping", "liefer",
                              "lieferadresse", "autre", "altro", "その他", "inny", "jiné",
                              "egyéb", "другой")],
    key=lambda item: -len(item[0]),
)  # fmt: skip
# Written as people write them, compared as normalised headers.
QUALIFIERS = sorted(
    ((normalize_header(word), rank) for word, rank in QUALIFIERS), key=lambda item: -len(item[0])
)
ADDRESS_WORDS = ("adresse", "address", "anschrift")
# A house number in its own column belongs after the street (German ERPs split them).
HOUSE_NUMBERS = frozenset({"hausnummer", "hausnr", "nr", "housenumber", "streetnumber",
                           "numero", "numerocivico", "huisnummer"})  # fmt: skip
ADDRESS_FIELDS = frozenset({"street", "postal_code", "city", "region", "country"})
# Prefixes of an ERP's contact-person columns ("AP E-Mail", "Ansprechpartner Telefon").
PERSON_PREFIXES = ("ansprechpartnerin", "ansprechpartner", "kontaktperson", "contactperson",
                   "kontakt", "contact", "person", "ap")  # fmt: skip
PERSON_NAMES = frozenset({"ansprechpartner", "ansprechpartnerin", "kontaktperson",
                          "contactperson", "contactname", "kontakt", "contact",
                          "cntctprsn"})  # fmt: skip
# What the person columns beside a company's own are about; the company's own are left.
PERSON_FIELDS = frozenset({"first_name", "last_name", "full_name", "salutation", "job_title",
                           "email", "phone", "mobile"})  # fmt: skip
# A "Name" beside contact-person columns is the company's name.
COMPANY_NAMES = frozenset({"name", "name1", "kundenname", "firmenname", "kunde"})
COMBINED = " / "


@dataclass(frozen=True)
class Column:
    """What a header is about: the field, work (0) or private (1) or other (2), its number."""

    field: str
    rank: int = 0
    number: int = 1
    is_person: bool = False


def classify(header: str) -> Column | None:
    """The field a header names, with its qualifiers; None when unknown.

    A column the readers combined ("Work Phone / Home Phone") is read by its first part.
    """
    return _classify_key(normalize_header(header.split(COMBINED, 1)[0]))


@cache
def _classify_key(key: str) -> Column | None:
    if key in PERSON_NAMES:
        return Column(_LOOKUP[key], is_person=True)
    if key in _LOOKUP:
        return Column(_LOOKUP[key])
    for prefix in PERSON_PREFIXES:
        inner = key.removeprefix(prefix)
        if inner != key and (column := _classify_parts(inner)):
            return replace(column, is_person=True)
    return _classify_parts(key)


def _classify_parts(key: str) -> Column | None:
    """A header of known parts: "telefonprivat", "arbeitemail", "workaddress2", "email2adresse"."""
    if key in _LOOKUP:
        return Column(_LOOKUP[key])
    numbered = re.fullmatch(
        r"(e?mail|email|電子メール|メール)([2-9])(adresse|address|value|アドレス)?", key
    )
    if numbered:
        return Column("email", number=int(numbered.group(2)))
    key, number = _without_number(key)
    ranks = []
    # Up to two qualifiers: "Company Main Phone", "Telefon geschäftlich privat" is no header.
    for _round in range(2):
        key, rank = _without_qualifier(key)
        if rank is None:
            break
        ranks.append(rank)
    rank = ranks[0] if ranks else 0
    key, inner_number = _without_number(key)
    number = max(number, inner_number)
    for word in ADDRESS_WORDS:
        part = key.removeprefix(word)
        if part != key and _LOOKUP.get(part) in ADDRESS_FIELDS:
            key = part
    field = _LOOKUP.get(key)
    return Column(field, rank, number) if field else None


def _without_qualifier(key: str) -> tuple[str, int | None]:
    """ "telefonprivat" → ("telefon", 1); a key that is only a qualifier stays.

    A qualifier that leaves a known field wins over a longer one that does not:
    "arbeitstrasse" is "arbeit" + "strasse", not "arbeits" + "trasse".
    """
    if key in _LOOKUP:
        return key, None
    found: tuple[str, int | None] = (key, None)
    for word, rank in QUALIFIERS:
        if key == word:
            continue
        for rest in (key.removeprefix(word), key.removesuffix(word)):
            if rest == key:
                continue
            if rest in _LOOKUP:
                return rest, rank
            if found[1] is None:
                found = (rest, rank)
    return found


def _without_number(key: str) -> tuple[str, int]:
    """ "strassegeschaftlich2" → ("strassegeschaftlich", 2); a bare number is not stripped."""
    match = re.fullmatch(r"(.*\D)([1-9])", key)
    return (match.group(1), int(match.group(2))) if match else (key, 1)


def field_for(header: str) -> str:
    """Best target for one header, "" when unknown."""
    column = classify(header)
    return column.field if column else ""


def header_score(cells: list[str]) -> int:
    """How many cells of a row look like known headers; picks the header row."""
    return sum(1 for cell in cells if cell and field_for(str(cell)))


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Header → field, one column per field: the best by person, rank and number, then order.

    Rules beyond the aliases: beside contact-person columns ("AP E-Mail") a "Name" is the
    company and the person's columns win over the company's own; else a bare "Name" is the
    last name when a first-name column exists (Google's "Name" beside "Family Name" is the
    full name, used where a row has neither); "Title" is the salutation when "Job Title"
    exists too (Outlook).
    """
    columns = {header: classify(header) for header in headers}
    known = {header: column for header, column in columns.items() if column}
    fields = {column.field for column in known.values()}
    has_person = any(column.is_person for column in known.values())
    candidates: dict[str, list[tuple[tuple[int, ...], str]]] = {}
    for index, (header, column) in enumerate(known.items()):
        target, key = column.field, normalize_header(header)
        guessed = 0
        if has_person and not column.is_person and key in COMPANY_NAMES:
            target, guessed = "account_name", 1
        elif target == "full_name" and key == "name" and "first_name" in fields:
            # Google's display name: the name of an entry without given and family name.
            target = "full_name" if "last_name" in fields else "last_name"
        elif key == "title" and "jobtitle" in {normalize_header(h) for h in headers}:
            target = "salutation"
        if not target:
            continue
        is_company_own = has_person and not column.is_person and target in PERSON_FIELDS
        order = (int(is_company_own), guessed, column.rank, column.number, index)
        candidates.setdefault(target, []).append((order, header))
    chosen = {min(options)[1]: target for target, options in candidates.items()}
    return {header: chosen[header] for header in headers if header in chosen}
