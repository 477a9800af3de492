"""The German catalogue keeps the glossary (docs/glossary.md): one word per concept."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "src" / "touchbase" / "locale" / "de" / "LC_MESSAGES" / "django.po"
# "Kontakt" as a noun (Kontakt, Kontakte, Kontakts, Kontakten), not "kontaktiert".
KONTAKT = re.compile(r"\bKontakt(e|s|en)?\b")
# English "contact" meaning the person: not "personal contact", "contact due", "Next contact".
CONTACT_PERSON = re.compile(r"\bcontacts?\b", re.IGNORECASE)
CONTACT_EVENT = re.compile(
    r"personal contact|next contact|contact due|leader contact|last contact", re.IGNORECASE
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
# The workspace role only; the member looking after a customer is "Betreuer/in".
ROLE_STRINGS = {
    ("workspace role", "Owner"),
    (None, "An owner"),
    (None, "The workspace needs at least one owner."),
    (None, "Ask the owner of your company's workspace to add you."),
    (None, "Only owners of the workspace can do this."),
    (None, "Your role in this workspace does not allow this. Ask an owner of the workspace if "
           "you need it."),
    (None, "You may not open this page. Ask an owner of the workspace if you need it."),
}  # fmt: skip
# English term (as it appears in msgids) -> the German word the glossary gives it.
TERMS = [
    (r"\btouchpoints?\b", "Aktivität"),
    (r"\bdue list\b", "Fälligkeitsliste"),
    (r"\bcall sheet\b", "Gesprächsbogen"),
    (r"\bcadence polic", "Rhythmusregel"),
    (r"\bkey accounts?\b", "Schlüsselkunde"),
    (r"\bduplicates?\b", "Dublette"),
    (r"\bconsents?\b", "Einwilligung"),
    (r"\bvouchers?\b", "Gutschein"),
    (r"\btags?\b", "Schlagw"),
    (r"\bworkspace\b", "Arbeitsbereich"),
    (r"\bsnooze", "zurück"),  # zurückstellen, also split: "Stellen Sie … zurück"
    (r"\bdry run\b", "Probelauf"),
    (r"\bdigest\b", "Überblick"),
    (r"\bfollow-up\b", "Wiedervorlage"),
    (r"\battempts?\b", "Versuch"),
    (r"\bmembers?\b", "Mitglied"),
]


def german(entry: polib.POEntry) -> str:
    return entry.msgstr or " ".join(entry.msgstr_plural.values())


@pytest.fixture(scope="module")
def catalogue() -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(CATALOGUE)) if not entry.obsolete]


def test_every_string_is_translated_and_none_is_left_fuzzy(catalogue):
    assert [e.msgid for e in catalogue if not german(e).strip()] == []
    assert [e.msgid for e in catalogue if "fuzzy" in e.flags] == []


def test_a_touchpoint_is_an_aktivitaet_never_a_kontakt(catalogue):
    for entry in catalogue:
        # A placeholder named "touchpoints" is filled with words translated elsewhere.
        if not re.search(r"touchpoint", PLACEHOLDER.sub("", entry.msgid), re.IGNORECASE):
            continue
        assert "Aktivit" in german(entry), entry.msgid
        # Kontakt may stay only for as many persons as the English names ("the contact you keep").
        persons = len(CONTACT_PERSON.findall(CONTACT_EVENT.sub("", entry.msgid)))
        assert len(KONTAKT.findall(german(entry))) <= persons, entry.msgid


def test_kontakt_in_german_always_means_a_person(catalogue):
    for entry in catalogue:
        if not KONTAKT.search(german(entry)):
            continue
        assert CONTACT_PERSON.search(CONTACT_EVENT.sub("", entry.msgid)), (
            f"{entry.msgid!r} says Kontakt in German: {german(entry)!r}"
        )


def test_a_personal_contact_as_an_event_is_a_persoenliche_aktivitaet(catalogue):
    events = [e for e in catalogue if CONTACT_EVENT.search(e.msgid)]
    assert events, "the catalogue has strings about the last and next personal contact"
    for entry in events:
        assert "Aktivität" in german(entry) or "kontaktiert" in german(entry), entry.msgid
        persons = len(CONTACT_PERSON.findall(CONTACT_EVENT.sub("", entry.msgid)))
        assert len(KONTAKT.findall(german(entry))) <= persons, entry.msgid


def test_inhaber_is_only_the_workspace_role_and_a_customers_owner_is_betreuer(catalogue):
    inhaber = {(e.msgctxt, e.msgid) for e in catalogue if "Inhaber" in german(e)}
    assert inhaber == ROLE_STRINGS
    customer_owner = [
        e for e in catalogue
        if re.search(r"\bowners?\b", e.msgid, re.IGNORECASE)
        and (e.msgctxt, e.msgid) not in ROLE_STRINGS
    ]  # fmt: skip
    assert len(customer_owner) >= 5
    for entry in customer_owner:
        assert "Betreu" in german(entry), entry.msgid


@pytest.mark.parametrize(("english", "word"), TERMS)
def test_each_glossary_term_is_translated_with_its_one_german_word(catalogue, english, word):
    entries = [e for e in catalogue if re.search(english, PLACEHOLDER.sub("", e.msgid), re.I)]
    assert entries, f"no string uses {english}"
    for entry in entries:
        assert re.search(word, german(entry), re.IGNORECASE), (entry.msgid, german(entry))


def test_the_glossary_document_names_every_checked_word():
    glossary = (ROOT / "docs" / "glossary.md").read_text()
    words = ["Aktivität", "Betreuer/in", "Inhaber/in", "Fälligkeitsliste", "Gesprächsbogen",
             "Rhythmusregel", "Anruf mit Gesprächsbogen", "Befinden", "[gelöscht]"]  # fmt: skip
    for word in words:
        assert word in glossary


def test_german_strings_quote_the_german_way(catalogue):
    for entry in catalogue:
        text = german(entry)
        assert "”" not in text, entry.msgid  # English closing quote
        assert text.count("„") == text.count("“"), entry.msgid
        if "“" in entry.msgid:
            assert "„" in text, entry.msgid
