"""vCard 2.1, 3 and 4: one row per card, photos and other binary entries skipped unread."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from touchbase.imports.readers.base import (
    MAX_ROWS,
    ImportFileError,
    Table,
    decode,
    too_many_rows,
)

MAX_VCARD_LINE = 1024 * 1024
# Photos, logos, sounds and keys are large and never imported: skipped unread.
VCARD_BINARY_PROPERTIES = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
VCARD_TEXT_PROPERTIES = ("n", "fn", "org", "title", "email", "tel", "adr", "note")
VCARD_COLUMNS = [
    "first_name", "last_name", "account_name", "job_title", "email", "phone", "mobile",
    "street", "postal_code", "city", "region", "country", "notes",
]  # fmt: skip


def read_vcard(data: bytes) -> Table:
    """vCard 2.1, 3 and 4: one row per card, with the columns named after our fields."""
    text, encoding = decode(data)
    rows: list[tuple[int, list[str] | dict[str, str]]] = []
    for line, card_text in _split_cards(text):
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(too_many_rows())
        rows.append((line, _read_card(card_text, line)))
    if not rows:
        raise ImportFileError(_("The file has no vCards."))
    return Table(kind="vcard", headers=list(VCARD_COLUMNS), rows=rows, encoding=encoding)


def _read_card(card_text: str, line: int) -> dict[str, str]:
    """Our columns of one card, or {"__error__": reason} when it cannot be read."""
    import vobject

    try:
        card = vobject.readOne(card_text, ignoreUnreadable=True)
        _refuse_base64_text(card, line)
        return _card_values(card)
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 - vobject raises many kinds on bad cards
        return {"__error__": str(error) or error.__class__.__name__}


def _refuse_base64_text(card: Any, line: int) -> None:
    """A base64-encoded name, number or address: vobject gives bytes or the raw code for it."""
    for name in VCARD_TEXT_PROPERTIES:
        for content in card.contents.get(name, []):
            encodings = [*content.params.get("ENCODING", []), *content.singletonparams]
            if {"b", "base64"} & {str(encoding).lower() for encoding in encodings}:
                raise ImportFileError(
                    _("The vCard on line %(line)s has its “%(property)s” base64-encoded, which "
                      "touchbase cannot read. Export the contacts again as vCard 3.0 or 4.0.")
                    % {"line": line, "property": name.upper()}
                )  # fmt: skip


def _split_cards(text: str) -> Iterator[tuple[int, str]]:
    """(line of BEGIN:VCARD, text) of each card; binary properties are left out unread.

    A property is one line plus the folded lines after it (starting with a blank); vCard 2.1
    writes base64 on bare lines up to an empty one, which are skipped with their property.
    """
    start, lines = 0, list[str]()
    property_line, property_size, skipping = 0, 0, False
    for number, line in enumerate(_lines(text.lstrip("\ufeff")), start=1):
        is_folded = line[:1] in (" ", "\t")
        if skipping and (is_folded or ":" not in line):
            continue
        if is_folded:
            property_size += len(line)
        else:
            property_line, property_size = number, len(line)
        if property_size > MAX_VCARD_LINE:
            raise ImportFileError(_vcard_too_long(property_line))
        skipping = not is_folded and _property_name(line) in VCARD_BINARY_PROPERTIES
        if skipping:
            continue
        if line.strip().upper() == "BEGIN:VCARD":
            start, lines = number, []
        lines.append(line)
        if line.strip().upper() == "END:VCARD" and start:
            yield start, "\r\n".join(lines) + "\r\n"
            start = 0


NEWLINE = re.compile(r"\r\n|\r|\n")


def _lines(text: str) -> Iterator[str]:
    """The lines of a text one at a time: a folded photo is millions of lines, never a list."""
    start = 0
    for match in NEWLINE.finditer(text):
        yield text[start : match.start()]
        start = match.end()
    if start < len(text):
        yield text[start:]


def _property_name(line: str) -> str:
    """ "PHOTO" for "item1.PHOTO;ENCODING=b:…": the name without group and parameters."""
    head = line.split(":", 1)[0].split(";", 1)[0]
    return head.rsplit(".", 1)[-1].strip().upper()


def _vcard_too_long(line: int) -> str:
    return _(
        "Line %(line)s of the vCard file holds more than 1 MB in one entry; touchbase does not "
        "read such files. Export the contacts again without photos or attachments."
    ) % {"line": line}


def _card_values(card) -> dict[str, str]:  # type: ignore[no-untyped-def]
    values = dict.fromkeys(VCARD_COLUMNS, "")
    contents = card.contents
    if "n" in contents:
        name = contents["n"][0].value
        values["first_name"] = " ".join(filter(None, [name.given, name.additional])).strip()
        values["last_name"] = str(name.family or "").strip()
    if not values["last_name"] and "fn" in contents:
        full = contents["fn"][0].value.strip()
        values["first_name"], _sep, values["last_name"] = full.rpartition(" ")
    if "org" in contents:
        org = contents["org"][0].value
        values["account_name"] = (org[0] if isinstance(org, list) and org else str(org)).strip()
    if "title" in contents:
        values["job_title"] = contents["title"][0].value.strip()
    if "email" in contents:
        values["email"] = _preferred(contents["email"]).value.strip()
    _card_phones(contents.get("tel", []), values)
    if "adr" in contents:
        address = _preferred(contents["adr"]).value
        values.update(
            street=" ".join(filter(None, [address.street, address.extended])).strip(),
            postal_code=str(address.code or "").strip(),
            city=str(address.city or "").strip(),
            region=str(address.region or "").strip(),
            country=str(address.country or "").strip(),
        )
    if "note" in contents:
        values["notes"] = contents["note"][0].value.strip()
    return {key: _flatten(value) for key, value in values.items()}


def _flatten(value: object) -> str:
    if isinstance(value, list):
        return " ".join(str(part) for part in value if part).strip()
    return str(value or "").strip()


def _types(line) -> set[str]:  # type: ignore[no-untyped-def]
    """TYPE=work,cell (vCard 3/4) and bare ;WORK;CELL parameters (vCard 2.1)."""
    types = {str(value).lower() for value in getattr(line, "singletonparams", [])}
    for value in line.params.get("TYPE", []):
        types.update(part.strip().lower() for part in str(value).split(","))
    return types


def _preferred(lines: list[Any]) -> Any:
    for line in lines:
        if "pref" in _types(line) or "PREF" in line.params:
            return line
    return lines[0]


def _card_phones(lines, values: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """Mobile numbers go to mobile, the first other (work first) to phone."""
    ordered = sorted(lines, key=lambda line: "work" not in _types(line))
    for line in ordered:
        number = str(line.value).strip()
        if number.lower().startswith("tel:"):
            number = number[4:]
        if {"cell", "mobile"} & _types(line):
            values["mobile"] = values["mobile"] or number
        elif "fax" not in _types(line):
            values["phone"] = values["phone"] or number
