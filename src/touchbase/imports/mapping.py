"""Column mapping for imports: automatic guesses for German and English headers."""

from __future__ import annotations

import re
import unicodedata

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
                     "organizationname", "organisationname", "firma1"],
    "first_name": ["vorname", "firstname", "givenname", "first", "prenom", "vornamen"],
    "last_name": ["nachname", "lastname", "surname", "familyname", "familienname", "zuname",
                  "last"],
    "full_name": ["name", "vollername", "fullname", "kontakt", "ansprechpartner", "contact",
                  "contactname", "displayname", "anzeigename"],
    "salutation": ["anrede", "salutation", "titel", "title1"],
    "job_title": ["position", "funktion", "jobtitle", "jobbezeichnung", "rolle", "role",
                  "beruf", "organization1title", "organizationtitle"],
    "email": ["email", "emailadresse", "mail", "emailaddress", "email1", "emailadresse1",
              "primaryemail", "email1value", "emailaddress1", "emailgeschaftlich",
              "businessemail", "workemail"],
    "phone": ["telefon", "tel", "telefonnummer", "phone", "phonenumber", "festnetz",
              "telefongeschaftlich", "businessphone", "worknumber", "telefon1", "fon",
              "telefondienstlich", "phone1value", "workphone", "primaryphone",
              "telefonprivat", "homephone"],
    "mobile": ["mobil", "mobiltelefon", "handy", "mobile", "mobilephone", "cell",
               "cellphone", "mobilnummer", "handynummer", "phone2value"],
    "street": ["strasse", "str", "street", "adresse", "address", "anschrift", "streetaddress",
               "strassehausnummer", "strasseundhausnummer", "address1", "adresszeile1",
               "strassegeschaftlich", "businessstreet", "address1street", "homestreet",
               "strasseprivat"],
    "postal_code": ["plz", "postleitzahl", "zip", "zipcode", "postalcode", "postcode",
                    "postleitzahlgeschaftlich", "businesspostalcode", "address1postalcode",
                    "homepostalcode", "postleitzahlprivat"],
    "city": ["ort", "stadt", "city", "town", "wohnort", "gemeinde", "ortgeschaftlich",
             "businesscity", "address1city", "homecity", "ortprivat"],
    "region": ["bundesland", "region", "kanton", "state", "province", "provinz",
               "bundeslandkantongeschaftlich", "businessstate", "address1region", "homestate"],
    "country": ["land", "country", "staat", "countrycode", "landeskennung",
                "landregiongeschaftlich", "businesscountryregion", "businesscountry",
                "address1country", "homecountryregion", "countryregion", "landregion"],
    "language": ["sprache", "language", "korrespondenzsprache"],
    "segment": ["segment", "branche", "industry", "kundengruppe", "kategorie", "category"],
    "tags": ["tags", "schlagworter", "schlagworte", "labels", "stichworte"],
    "value": ["umsatz", "jahresumsatz", "wert", "value", "revenue", "kundenwert",
              "annualvalue", "jahreswert"],
    "notes": ["notiz", "notizen", "notes", "note", "bemerkung", "bemerkungen", "kommentar"],
}  # fmt: skip
_LOOKUP = {alias: target for target, names in ALIASES.items() for alias in names}
_LOOKUP.update({alias: target for target, names in CARE_ALIASES.items() for alias in names})


def normalize_header(header: str) -> str:
    """Lowercase ASCII letters and digits only: "E-Mail-Adresse" → "emailadresse"."""
    text = header.strip().lower().replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text)


def field_for(header: str) -> str:
    """Best target for one header, "" when unknown."""
    return _LOOKUP.get(normalize_header(header), "")


def header_score(cells: list[str]) -> int:
    """How many cells of a row look like known headers; picks the header row."""
    return sum(1 for cell in cells if cell and field_for(str(cell)))


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Header → field. A bare "Name" is the last name when a first-name column exists."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    targets = {header: field_for(header) for header in headers}
    has_first = "first_name" in targets.values()
    has_last = "last_name" in targets.values()
    for header in headers:
        target = targets[header]
        # "Vorname;Name" means Name is the last name; Google's "Name" beside
        # "Family Name" is the full name and stays so.
        if target == "full_name" and normalize_header(header) == "name" and has_first:
            target = "" if has_last else "last_name"
        if target and target not in used:
            mapping[header] = target
            used.add(target)
    return mapping
