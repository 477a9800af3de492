"""Columns that can only be read row by row, turned into one column per field.

Address books spread one field over several columns, and which one holds it differs per row:

- Google writes typed pairs ("Phone 1 - Type" = Mobile, "Phone 1 - Value" = +49 171 …), and
  several values of one type in one cell, separated by " ::: ". Each row's phones become a
  "Mobile" and a "Phone" column by their type (work first), its e-mails an "E-mail" column
  (work first, then the primary one marked "*"), its addresses one address (work first).
- Outlook, Thunderbird and macOS Contacts write work and private columns side by side
  ("Telefon geschäftlich", "Telefon privat"). They become one column that holds the work value
  where there is one, else the private one, else any other; an address is taken whole from
  one of them, with its second and third street lines joined.
- A house number in its own column ("Straße", "Hausnummer") is put after the street.
- A display name that only repeats the company (Thunderbird's company entries) is cleared,
  so the row is the company's, not a person called "Müller GmbH".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Set
from dataclasses import dataclass

from django.utils.translation import gettext as _

from touchbase.imports.mapping import (
    ADDRESS_FIELDS,
    COMBINED,
    COMPANY_NAMES,
    HOUSE_NUMBERS,
    Column,
    classify,
    field_for,
    normalize_header,
)

Rows = list[tuple[int, list[str]]]
GOOGLE_GROUP = re.compile(r"^(?P<kind>[^\W\d][\w-]*) (?P<number>\d+) - (?P<part>.+)$")
# Google writes its headers in English; exports seen in German are read too.
GOOGLE_KINDS = {
    "phone": "phone", "telefon": "phone", "telefonnummer": "phone", "email": "email",
    "emailadresse": "email", "address": "address", "adresse": "address",
}  # fmt: skip
GOOGLE_PARTS = {
    "wert": "value", "typ": "type", "art": "type", "bezeichnung": "label", "strasse": "street",
    "ort": "city", "stadt": "city", "postleitzahl": "postalcode", "plz": "postalcode",
    "bundesland": "region", "land": "country", "adresszusatz": "extendedaddress",
    "formatiert": "formatted", "postfach": "pobox",
}  # fmt: skip
GOOGLE_SEPARATOR = " ::: "
MOBILE_WORDS = ("mobil", "cell", "handy", "iphone", "natel", "portable")
ALTERNATIVE_FIELDS = ("email", "phone", "mobile")
ADDRESS_ORDER = ("street", "postal_code", "city", "region", "country")


@dataclass
class _Derived:
    """A column computed from others: its header, where it goes, and how a row fills it."""

    header: str
    sources: list[int]
    value: Callable[[list[str]], str]


def normalize_layout(headers: list[str], rows: Rows) -> tuple[list[str], list[str]]:
    """Headers after combining, and notes for the dry run; the rows are rewritten in place."""
    notes: list[str] = []
    derived = _google_columns(headers)
    if derived:
        notes.append(_("Google's phone, e-mail and address columns were read by the type "
                       "in each row."))  # fmt: skip
    house_number = _street_with_number(headers)
    derived += house_number
    middle_name = _given_with_middle_name(headers)
    if middle_name and any(_get(cells, middle_name[0].sources[1]) for _line, cells in rows):
        notes.append(_("Middle names were joined to the first names: “%(column)s”.") % {
            "column": middle_name[0].header})  # fmt: skip
    derived += middle_name
    used = {index for column in derived for index in column.sources}
    alternatives = _alternative_columns(headers, used)
    if alternatives:
        notes.append(
            _("Columns combined, the work value first where a row has several: %(columns)s.")
            % {"columns": "; ".join(f"“{column.header}”" for column in alternatives)}
        )
    derived += alternatives
    company_echo = _company_echo(headers)
    if not derived and not company_echo:
        return headers, notes
    removed = {index for column in derived for index in column.sources}
    first_source = {min(column.sources): column for column in derived}
    layout: list[tuple[str, Callable[[list[str]], str]]] = []
    for index, header in enumerate(headers):
        if index in first_source:
            layout.extend((c.header, c.value) for c in derived if min(c.sources) == index)
        if index not in removed:
            layout.append((header, _cell(index, is_tags=field_for(header) == "tags")))
    for number, (line, cells) in enumerate(rows):
        if company_echo:
            _clear_company_echo(cells, *company_echo)
        rows[number] = (line, [value(cells) for _header, value in layout])
    return _unique([header for header, _value in layout]), notes


def _cell(index: int, *, is_tags: bool) -> Callable[[list[str]], str]:
    def value(cells: list[str]) -> str:
        text = _get(cells, index)
        if is_tags and (GOOGLE_SEPARATOR in text or text.startswith("* ")):
            # Google's "* myContacts ::: Kunden": its own groups start with "* " and are left.
            labels = [label.strip() for label in text.split(GOOGLE_SEPARATOR)]
            return ", ".join(label for label in labels if label and not label.startswith("* "))
        return _first_value(text)

    return value


def _get(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _first_value(text: str) -> str:
    """Google's "a ::: b": the first value."""
    return text.split(GOOGLE_SEPARATOR, 1)[0].strip() if GOOGLE_SEPARATOR in text else text


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for header in headers:
        seen[header] = seen.get(header, 0) + 1
        result.append(header if seen[header] == 1 else f"{header} ({seen[header]})")
    return result


# --- Google's typed groups ----------------------------------------------------------------------


def _google_columns(headers: list[str]) -> list[_Derived]:
    groups: dict[str, dict[int, dict[str, int]]] = {}
    for index, header in enumerate(headers):
        match = GOOGLE_GROUP.match(header.strip())
        kind = GOOGLE_KINDS.get(normalize_header(match["kind"])) if match else None
        if match and kind:
            parts = groups.setdefault(kind, {}).setdefault(int(match["number"]), {})
            part = normalize_header(match["part"])
            parts[GOOGLE_PARTS.get(part, part)] = index
    derived = []
    if "phone" in groups:
        derived += _google_phones(list(groups["phone"].values()))
    if "email" in groups:
        derived.append(_google_emails(list(groups["email"].values())))
    if "address" in groups:
        derived += _google_addresses(list(groups["address"].values()))
    return derived


def _google_type(cells: list[str], parts: dict[str, int]) -> str:
    """The type of one group in a row: "Label" (since 2023) or "Type" (before), lowercased."""
    return _first_value(_get(cells, parts.get("label", parts.get("type")))).lower()


def _sources(groups: list[dict[str, int]]) -> list[int]:
    return sorted(index for parts in groups for index in parts.values())


def _google_phones(groups: list[dict[str, int]]) -> list[_Derived]:
    def numbers(cells: list[str], wanted: str) -> str:
        found = []
        for order, parts in enumerate(groups):
            value = _first_value(_get(cells, parts.get("value")))
            kind, rank = _phone_kind(_google_type(cells, parts))
            if value and kind == wanted:
                found.append((rank, order, value))
        if not found and wanted == "phone":
            found = [(9, order, value) for order, parts in enumerate(groups)
                     if (value := _first_value(_get(cells, parts.get("value"))))
                     and _phone_kind(_google_type(cells, parts))[0] == "other"]  # fmt: skip
        return min(found)[2] if found else ""

    sources = _sources(groups)
    return [
        _Derived("Mobile", sources, lambda cells: numbers(cells, "mobile")),
        _Derived("Phone", sources, lambda cells: numbers(cells, "phone")),
    ]


def _phone_kind(label: str) -> tuple[str, int]:
    """("mobile" | "phone" | "other" | "", rank): work numbers rank before main and home."""
    if "fax" in label:
        return "", 0
    if any(word in label for word in MOBILE_WORDS):
        return "mobile", 0
    if "pager" in label:
        return "other", 0
    if _is_work(label):
        return "phone", 0
    for rank, words in enumerate((("main", "haupt"), ("home", "privat")), start=1):
        if any(word in label for word in words):
            return "phone", rank
    return "phone", 3


def _is_work(label: str) -> bool:
    return any(word in label for word in ("work", "arbeit", "büro", "geschäft", "dienst"))


def _google_emails(groups: list[dict[str, int]]) -> _Derived:
    def email(cells: list[str]) -> str:
        found = []
        for order, parts in enumerate(groups):
            value = _first_value(_get(cells, parts.get("value")))
            label = _google_type(cells, parts)
            rank = 0 if _is_work(label) else 1 if label.startswith("*") else 2
            if value:
                found.append((rank, order, value))
        return min(found)[2] if found else ""

    return _Derived("E-mail", _sources(groups), email)


GOOGLE_ADDRESS_PARTS = {
    "street": ("street", "extendedaddress"),
    "postal_code": ("postalcode",),
    "city": ("city",),
    "region": ("region",),
    "country": ("country",),
}
GOOGLE_ADDRESS_HEADERS = {
    "street": "Street", "postal_code": "Postal Code", "city": "City", "region": "Region",
    "country": "Country",
}  # fmt: skip


def _google_addresses(groups: list[dict[str, int]]) -> list[_Derived]:
    def chosen(cells: list[str]) -> dict[str, int]:
        filled = [
            (not _is_work(_google_type(cells, parts)), order, parts)
            for order, parts in enumerate(groups)
            if any(_get(cells, index) for name, index in parts.items()
                   if name not in ("type", "label"))
        ]  # fmt: skip
        return min(filled, key=lambda item: item[:2])[2] if filled else {}

    def part(field: str) -> Callable[[list[str]], str]:
        def value(cells: list[str]) -> str:
            parts = chosen(cells)
            text = ", ".join(
                filter(None, (_get(cells, parts.get(name)) for name in GOOGLE_ADDRESS_PARTS[field]))
            )
            if field == "street" and not text:
                # Only the formatted address: kept whole rather than lost.
                text = ", ".join(_get(cells, parts.get("formatted")).splitlines())
            return _first_value(text.replace("\n", ", "))

        return value

    sources = _sources(groups)
    return [
        _Derived(GOOGLE_ADDRESS_HEADERS[field], sources, part(field)) for field in ADDRESS_ORDER
    ]


# --- A house number in its own column -----------------------------------------------------------


def _street_with_number(headers: list[str]) -> list[_Derived]:
    """ "Straße" and "Hausnummer" as one street column, when a file has one of each."""
    numbers = [i for i, header in enumerate(headers) if normalize_header(header) in HOUSE_NUMBERS]
    streets = [i for i, header in enumerate(headers) if field_for(header) == "street"]
    if len(numbers) != 1 or len(streets) != 1:
        return []
    street, number = streets[0], numbers[0]

    def value(cells: list[str]) -> str:
        return f"{_get(cells, street)} {_get(cells, number)}".strip()

    return [_Derived(f"{headers[street]} + {headers[number]}", [street, number], value)]


# --- A middle name in its own column ------------------------------------------------------------

# Outlook's "Middle Name" / "Weitere Vornamen", Google's "Middle Name" / "Additional Name".
MIDDLE_NAMES = frozenset(normalize_header(name) for name in (
    "Middle Name", "Middle Names", "Weitere Vornamen", "Weiterer Vorname", "Zweiter Vorname",
    "Additional Name", "Mittelname", "Deuxième prénom", "Secondo nome", "ミドル ネーム",
))  # fmt: skip


def _given_with_middle_name(headers: list[str]) -> list[_Derived]:
    """ "First Name" and "Middle Name" as one first-name column: "John" + "P." → "John P."."""
    middles = [i for i, header in enumerate(headers) if normalize_header(header) in MIDDLE_NAMES]
    firsts = [i for i, header in enumerate(headers) if field_for(header) == "first_name"]
    if len(middles) != 1 or len(firsts) != 1:
        return []
    first, middle = firsts[0], middles[0]

    def value(cells: list[str]) -> str:
        return f"{_get(cells, first)} {_get(cells, middle)}".strip()

    return [_Derived(f"{headers[first]}{COMBINED}{headers[middle]}", [first, middle], value)]


# --- Work and private alternatives --------------------------------------------------------------


def _alternative_columns(headers: list[str], used: set[int]) -> list[_Derived]:
    columns = {
        index: column
        for index, header in enumerate(headers)
        if index not in used and (column := classify(header))
    }
    derived = []
    for field in ALTERNATIVE_FIELDS:
        for is_person in (False, True):
            family = _ordered(columns, {field}, is_person=is_person)
            if len(family) > 1:
                derived.append(_first_filled(headers, family))
    for is_person in (False, True):
        family = _ordered(columns, ADDRESS_FIELDS, is_person=is_person)
        ranks = {columns[index].rank for index in family}
        numbered = any(columns[index].number > 1 for index in family)
        if len(ranks) > 1 or numbered:
            derived += _address(headers, columns, family)
    return derived


def _ordered(columns: dict[int, Column], fields: Set[str], *, is_person: bool) -> list[int]:
    """The indexes of the columns of these fields, work before private, first line first."""
    family = [index for index, column in columns.items()
              if column.field in fields and column.is_person == is_person]  # fmt: skip
    return sorted(family, key=lambda index: (columns[index].rank, columns[index].number, index))


def _first_filled(headers: list[str], family: list[int]) -> _Derived:
    def value(cells: list[str]) -> str:
        filled = [text for index in family if (text := _first_value(_get(cells, index)))]
        # Outlook writes an Exchange user's internal address ("/o=ExchangeLabs/…") first
        # and the SMTP address second: the second is the one to write to.
        usable = [text for text in filled if not text.casefold().startswith("/o=")]
        return (usable or filled or [""])[0]

    return _Derived(COMBINED.join(headers[index] for index in family), family, value)


def _address(headers: list[str], columns: dict[int, Column], family: list[int]) -> list[_Derived]:
    """One column per address field, each row's values taken from one address (work first)."""
    ranks = sorted({columns[index].rank for index in family})

    def chosen_rank(cells: list[str]) -> int:
        for rank in ranks:
            if any(_get(cells, index) for index in family if columns[index].rank == rank):
                return rank
        return ranks[0]

    def part(field: str) -> Callable[[list[str]], str]:
        indexes = [index for index in family if columns[index].field == field]

        def value(cells: list[str]) -> str:
            rank = chosen_rank(cells)
            values = [_get(cells, index) for index in indexes if columns[index].rank == rank]
            filled = [text for text in values if text]
            if field == "street":
                return ", ".join(filled)
            return filled[0] if filled else ""

        return value

    derived = []
    for field in ADDRESS_ORDER:
        indexes = [index for index in family if columns[index].field == field]
        if indexes:
            header = COMBINED.join(headers[index] for index in indexes)
            derived.append(_Derived(header, indexes, part(field)))
    return derived


# --- A display name that only repeats the company -----------------------------------------------


def _company_echo(headers: list[str]) -> tuple[list[int], int] | None:
    """(full-name columns, company column) when a file has both."""
    classified = [(index, classify(header), normalize_header(header))
                  for index, header in enumerate(headers)]  # fmt: skip
    company = next((i for i, c, _key in classified if c and c.field == "account_name"), None)
    names = [i for i, c, key in classified
             if c and c.field == "full_name" and key not in COMPANY_NAMES]  # fmt: skip
    return (names, company) if company is not None and names else None


def _clear_company_echo(cells: list[str], names: list[int], company: int) -> None:
    name = _get(cells, company).casefold()
    for index in names:
        if name and _get(cells, index).casefold() == name:
            cells[index] = ""
