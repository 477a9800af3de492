"""vCard 2.1, 3.0 and 4.0 as address books really write them: one row per card.

What exporters do, and what this reader does about it:

==============================  ===========================================================
Quirk (who writes it)           Handling
==============================  ===========================================================
``\\r\\r\\n``, bare ``\\r`` lines    one line break each, so line numbers match an editor's
lowercase names (The Bat!)      names are upper-cased before parsing
folded lines, space or tab      joined (vCard 3/4, Outlook folds with a tab)
QUOTED-PRINTABLE, soft breaks   "=" at a line end joins the next line (vCard 2.1: Android,
                                Outlook 2003, Nokia); bytes decoded in the CHARSET named, or
                                without one in the encoding that reads most plausibly
PHOTO, LOGO, SOUND, KEY, and    left out unread with their folded or bare base64 lines, so
any property not imported       a corrupt photo never costs the card
blank lines, missing END:VCARD  tolerated; a new BEGIN:VCARD or the end of the file ends it
N with several given or middle  joined with blanks; ORG "Company, The" or with several
names                           units: the first unit, its commas kept
company-only cards              empty N and FN equal to ORG, X-ABShowAs:COMPANY (Apple),
                                KIND:org (vCard 4): a row with only the company
item1.TEL + item1.X-ABLabel     Apple's label decides mobile or phone
TEL types                       CELL, mobile, iPhone, "Handy" → mobile; WORK, HOME, VOICE,
                                MAIN and untyped → phone (work first); FAX ignored
TEL;VALUE=uri:tel:+49…          the number without "tel:" and its ";ext=" part
TYPE="work,voice", PREF=1       both vCard 4 spellings of types and preference understood
EMAIL, ADR several              the preferred one, else the work one, else the first;
                                Outlook's X-MS-OL-DEFAULT-POSTAL-ADDRESS picks the address
CATEGORIES (Gmail, Apple)       tags, without the address book's own "myContacts"
==============================  ===========================================================
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from touchbase.core.charsets import decode_bytes, detect
from touchbase.imports.readers.base import (
    MAX_ROWS,
    ImportFileError,
    Table,
    decode,
    too_many_rows,
)

MAX_VCARD_LINE = 1024 * 1024
# The properties read; every other one is left out before parsing, so it cannot break a card.
VCARD_READ_PROPERTIES = frozenset({
    "BEGIN", "END", "VERSION", "N", "FN", "ORG", "TITLE", "ROLE", "EMAIL", "TEL", "ADR", "NOTE",
    "KIND", "X-ABSHOWAS", "X-ABLABEL", "X-MS-OL-DEFAULT-POSTAL-ADDRESS", "CATEGORIES",
})  # fmt: skip
# Properties left out without a word: structure, sync data and things no CRM keeps.
VCARD_QUIET_PROPERTIES = frozenset({
    "PRODID", "REV", "UID", "X-ABUID", "X-ANDROID-CUSTOM", "CLASS", "SORT-STRING", "X-MS-OL-DESIGN",
    "X-MS-CARDPICTURE", "LABEL", "X-PHONETIC-FIRST-NAME", "X-PHONETIC-LAST-NAME", "MAILER",
    "TZ", "GEO", "X-ABADR", "SOURCE", "NAME", "PROFILE", "X-EVOLUTION-FILE-AS",
})  # fmt: skip
VCARD_TEXT_PROPERTIES = ("n", "fn", "org", "title", "email", "tel", "adr", "note")
VCARD_COLUMNS = [
    "first_name", "last_name", "account_name", "job_title", "email", "phone", "mobile",
    "street", "postal_code", "city", "region", "country", "notes", "tags",
]  # fmt: skip
# Groups address books keep for themselves, not the user's tags.
SYSTEM_CATEGORIES = frozenset({"mycontacts", "starred", "friends", "family", "coworkers"})
MOBILE_WORDS = ("cell", "mobil", "handy", "iphone", "cellular", "portable", "cellulare")


@dataclass
class _Card:
    """The logical lines of one card (folds joined) and the line of its BEGIN:VCARD."""

    line: int
    lines: list[str] = field(default_factory=list)


def read_vcard(data: bytes) -> Table:
    """vCard 2.1, 3 and 4: one row per card, with the columns named after our fields."""
    text, encoding = decode(data)
    rows: list[tuple[int, list[str] | dict[str, str]]] = []
    left_out: Counter[str] = Counter()
    for card in _split_cards(text, left_out):
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(too_many_rows())
        rows.append((card.line, _read_card(card)))
    if not rows:
        raise ImportFileError(_("The file has no vCards."))
    table = Table(kind="vcard", headers=list(VCARD_COLUMNS), rows=rows, encoding=encoding)
    if left_out:
        entries = ", ".join(f"{name} ({count})" for name, count in sorted(left_out.items()))
        table.notes.append(
            _("Not imported from the vCards (entry and number of cards): %(entries)s.")
            % {"entries": entries}
        )
    return table


# --- Splitting the file into cards --------------------------------------------------------------

# One line break: CRLF, LF, a lone CR, and CR CR LF (written by Windows tools that add a CR to
# an already CRLF text) all count once.
NEWLINE = re.compile(r"\r*\n|\r")
QP_PARAMETER = re.compile(r"[;:]\s*(ENCODING\s*=\s*)?QUOTED-PRINTABLE\s*[;:]", re.IGNORECASE)
CARD_EDGE = re.compile(r"\s*(BEGIN|END)\s*:\s*VCARD\s*$", re.IGNORECASE)


def _lines(text: str) -> Iterator[str]:
    """The lines of a text one at a time: a folded photo is millions of lines, never a list."""
    start = 0
    for match in NEWLINE.finditer(text):
        yield text[start : match.start()]
        start = match.end()
    if start < len(text):
        yield text[start:]


def _split_cards(text: str, left_out: Counter[str]) -> Iterator[_Card]:
    """Each card with its BEGIN:VCARD line, as logical lines (folds and soft breaks joined).

    Steps: read physical lines; join folded lines (leading blank) and quoted-printable soft
    line breaks ("=" at the end) to the property they continue; keep only the properties we
    read, skipping the others with their continuation and bare base64 lines (vCard 2.1 writes
    base64 on bare lines up to an empty one); refuse any property over 1 MB.
    """
    card: _Card | None = None
    current: list[str] = []  # the parts of the property being read
    property_line, property_size = 0, 0
    keep, soft_break = False, False  # whether the property is read; whether it continues
    card_version = ""
    names: set[str] = set()

    def flush() -> None:
        if card is not None and current and keep:
            card.lines.append("".join(current))
        current.clear()

    for number, line in enumerate(_lines(text.lstrip("\ufeff")), start=1):
        is_edge = CARD_EDGE.match(line) is not None
        if not is_edge and (soft_break or line[:1] in (" ", "\t")):
            if keep:
                # A soft break's "=" goes. A fold's blank goes in vCard 3 and 4 (RFC 6350,
                # 3.2); vCard 2.1 folds only where a blank was, and keeps it.
                part = line if soft_break or card_version == "2.1" else line[1:]
                part = part.replace("\t", " ", 1) if part[:1] == "\t" else part
                if soft_break:
                    current[-1] = current[-1].rstrip(" \t")[:-1]
                property_size += len(line)
                if property_size > MAX_VCARD_LINE:
                    raise ImportFileError(_vcard_too_long(property_line))
                current.append(part)
            soft_break = soft_break and _ends_soft(line)
            continue
        flush()
        soft_break = keep = False
        if ":" not in line:
            continue  # bare base64 of a skipped property, a blank line, or garbage
        property_line, property_size = number, len(line)
        if property_size > MAX_VCARD_LINE:
            raise ImportFileError(_vcard_too_long(property_line))
        name = _property_name(line)
        if name == "BEGIN" and is_edge:
            if card is not None:
                yield _closed(card, left_out, names)
            card, names, card_version = _Card(number), set(), ""
        if card is None:
            continue
        # A cut or nested BEGIN/END ("END:VCA", "BEGIN:VEVENT") would confuse the parser.
        keep = name in VCARD_READ_PROPERTIES and (is_edge or name not in ("BEGIN", "END"))
        if name == "VERSION":
            card_version = line.split(":", 1)[1].strip()
        if not keep and name not in VCARD_QUIET_PROPERTIES and _is_named(name):
            names.add(name)
        soft_break = _ends_soft(line) and _is_quoted_printable(line)
        current.append(line)
        if name == "END" and is_edge:
            flush()
            yield _closed(card, left_out, names, ended=True)
            card = None
    flush()
    if card is not None:
        yield _closed(card, left_out, names)


def _closed(card: _Card, left_out: Counter[str], names: set[str], *, ended: bool = False) -> _Card:
    """The card with an END:VCARD (added when the exporter forgot it), its skipped names counted."""
    if not ended:
        card.lines.append("END:VCARD")
    left_out.update(names)
    return card


def _is_quoted_printable(line: str) -> bool:
    return QP_PARAMETER.search(line.split(":", 1)[0] + ":") is not None


def _ends_soft(text: str) -> bool:
    """A quoted-printable line ending in "=" continues on the next line."""
    return text.rstrip(" \t").endswith("=")


def _is_named(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Z0-9-]{1,40}", name))


def _property_name(line: str) -> str:
    """ "PHOTO" for "item1.PHOTO;ENCODING=b:…": the name without group and parameters."""
    head = line.split(":", 1)[0].split(";", 1)[0]
    return head.rsplit(".", 1)[-1].strip().upper()


def _vcard_too_long(line: int) -> str:
    return _(
        "Line %(line)s of the vCard file holds more than 1 MB in one entry; touchbase does not "
        "read such files. Export the contacts again without photos or attachments."
    ) % {"line": line}


# --- Cleaning the lines for the parser ----------------------------------------------------------

QP_BYTES = re.compile(r"(?:=[0-9A-Fa-f]{2})+")
QP_SOFT_BREAK = re.compile(r"=[ \t]*$")
PARAMETER_SAFE = re.compile(r"[^A-Za-z0-9\-=,;\"._ /]")
PARAMETER_CHARSET = re.compile(r";\s*CHARSET\s*=\s*\"?([^;:\"]*)\"?", re.IGNORECASE)
HEAD = re.compile(r'((?:[^:"]|"[^"]*")*):')
UNESCAPED_COMMA = re.compile(r"(?<!\\),")
# Properties holding one text, where a comma is part of it (N, ADR and ORG have parts).
SINGLE_TEXT_PROPERTIES = frozenset({"FN", "NOTE", "TITLE", "ROLE", "EMAIL", "TEL", "X-ABLABEL"})
PARAMETER_QP = re.compile(r";\s*(ENCODING\s*=\s*)?QUOTED-PRINTABLE", re.IGNORECASE)
# vCard 2.1's ENCODING=8BIT says "plain text"; the parser takes any ENCODING for base64.
PARAMETER_BASE64 = re.compile(r";\s*(ENCODING\s*=\s*)?(B|BASE64)(?=[;:]|$)", re.IGNORECASE)
PARAMETER_PLAIN = re.compile(r";\s*(ENCODING\s*=\s*)?[78]BIT(?=[;:]|$)", re.IGNORECASE)


@dataclass
class _Property:
    """One content line split into its head (group, name, parameters) and value."""

    head: str
    value: str

    @classmethod
    def parse(cls, line: str) -> _Property:
        # The value starts at the first colon outside quotes: LABEL="Weg 1: Hof" is a parameter.
        match = HEAD.match(line)
        head, value = (match.group(1), line[match.end() :]) if match else line.partition(":")[::2]
        group_and_name, _semicolon, params = head.partition(";")
        group, _dot, name = group_and_name.rpartition(".")
        head = (f"{group}." if group else "") + name.strip().upper()
        return cls(head + (";" + params if params else ""), value)

    @property
    def is_quoted_printable(self) -> bool:
        return PARAMETER_QP.search(self.head) is not None

    @property
    def is_base64_text(self) -> bool:
        name = self.head.split(";", 1)[0].rsplit(".", 1)[-1].lower()
        return name in VCARD_TEXT_PROPERTIES and PARAMETER_BASE64.search(self.head) is not None

    @property
    def charset(self) -> str:
        match = PARAMETER_CHARSET.search(self.head)
        return match.group(1).strip() if match else ""

    def text(self) -> str:
        """The line for the parser: parameters it chokes on cleaned, charset already applied.

        A comma in a single text ("NOTE:Kunde seit 2019, mag Kaffee") is escaped: exporters
        rarely do, and the parser would keep only the text before it.
        """
        head = PARAMETER_CHARSET.sub("", PARAMETER_QP.sub("", self.head))
        head = PARAMETER_PLAIN.sub("", head)
        head = PARAMETER_SAFE.sub("", head)
        value = self.value
        if head.split(";", 1)[0].rsplit(".", 1)[-1] in SINGLE_TEXT_PROPERTIES:
            value = UNESCAPED_COMMA.sub("\\,", value)
        return f"{head}:{value}"


def _clean_card(card: _Card) -> str:
    """The card's text for vobject: quoted-printable decoded, heads and parameters cleaned.

    Quoted-printable bytes without a CHARSET are decoded in the encoding that reads most
    plausibly over all such values of the card (one word is too little to judge).
    """
    properties = [_Property.parse(line) for line in card.lines]
    unnamed = b"\n".join(
        bytes.fromhex(match.group().replace("=", ""))
        for prop in properties if prop.is_quoted_printable and not prop.charset
        for match in QP_BYTES.finditer(prop.value)
    )  # fmt: skip
    guessed = detect(unnamed).codec if unnamed else "utf-8"
    for prop in properties:
        if prop.is_quoted_printable:
            prop.value = _decode_quoted_printable(prop.value, prop.charset or guessed)
        elif prop.is_base64_text:
            _decode_base64_text(prop)
    return "\r\n".join(prop.text() for prop in properties) + "\r\n"


def _decode_base64_text(prop: _Property) -> None:
    """A name or note in base64 (KAddressBook, Sony Ericsson): decoded in its charset, else
    as the bytes read best; one that is no base64 stays, and the card is refused for it."""
    try:
        raw = base64.b64decode(prop.value.replace(" ", ""), validate=True)
    except (binascii.Error, ValueError):
        return
    text = decode_bytes(raw, prop.charset or detect(raw).codec)
    prop.value = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    prop.head = PARAMETER_BASE64.sub("", prop.head)


def _decode_quoted_printable(value: str, charset: str) -> str:
    """=XX runs decoded (a last soft break dropped), line breaks escaped as vCard text has them."""
    value = QP_SOFT_BREAK.sub("", value)

    def run(match: re.Match[str]) -> str:
        raw = bytes.fromhex(match.group().replace("=", ""))
        text = decode_bytes(raw, charset)
        return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")

    return QP_BYTES.sub(run, value)


# --- Reading one card ---------------------------------------------------------------------------


def _read_card(card: _Card) -> dict[str, str]:
    """Our columns of one card, or {"__error__": reason} when it cannot be read."""
    import vobject

    text = _clean_card(card)
    try:
        parsed = _parse(vobject, text)
        _refuse_base64_text(parsed, card.line)
        return _card_values(parsed)
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 - vobject raises many kinds on bad cards
        return {"__error__": str(error) or error.__class__.__name__}


def _parse(vobject: Any, text: str) -> Any:
    """The parsed card; a line vobject cannot read is dropped rather than the whole card."""
    logger = logging.getLogger("vobject.base")
    level = logger.level
    # vobject logs every line it skips; the dry run reports what matters instead.
    logger.setLevel(logging.CRITICAL)
    try:
        try:
            return vobject.readOne(text, ignoreUnreadable=True)
        except Exception:  # noqa: BLE001 - retried with the lines it can read
            lines = [line for line in text.split("\r\n") if line and _parses(vobject, line)]
            return vobject.readOne("\r\n".join(lines) + "\r\n", ignoreUnreadable=True)
    finally:
        logger.setLevel(level)


def _parses(vobject: Any, line: str) -> bool:
    try:
        vobject.base.parseLine(line)
    except Exception:  # noqa: BLE001 - any failure means the line is dropped
        return False
    return True


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


def _card_values(card: Any) -> dict[str, str]:
    """Our columns from a parsed card; a company-only card fills only the company."""
    contents = card.contents
    values = dict.fromkeys(VCARD_COLUMNS, "")
    values["account_name"] = _organisation(contents)
    first, last = _person_name(contents)
    full = _first_text(contents, "fn")
    if not _is_company_only(contents, first, last, full, values["account_name"]):
        values["first_name"], values["last_name"] = first, last
    elif not values["account_name"]:
        values["account_name"] = full or " ".join(filter(None, [first, last]))
    values["job_title"] = _first_text(contents, "title") or _first_text(contents, "role")
    emails = [line for line in contents.get("email", []) if _text(line.value)]
    if emails:
        values["email"] = _text(_preferred(emails).value)
    _card_phones(contents.get("tel", []), _labels(contents), values)
    _card_address(contents, values)
    values["notes"] = "\n".join(
        filter(None, (_text(line.value) for line in contents.get("note", [])))
    )
    values["tags"] = _categories(contents)
    return values


def _categories(contents: dict[str, list[Any]]) -> str:
    """CATEGORIES as tags, without Google's and Apple's own groups ("myContacts")."""
    names: list[str] = []
    for line in contents.get("categories", []):
        value = line.value if isinstance(line.value, list) else str(line.value).split(",")
        names += [str(name).strip() for name in value]
    kept = [
        name for name in dict.fromkeys(names) if name and name.casefold() not in SYSTEM_CATEGORIES
    ]
    return ", ".join(kept)


def _text(value: object) -> str:
    """A value as one string: vobject gives lists for values with commas or several parts."""
    if isinstance(value, list | tuple):
        return ", ".join(filter(None, (_text(part) for part in value)))
    return str(value or "").strip()


def _words(value: object) -> str:
    """Several given or middle names: joined with blanks."""
    if isinstance(value, list | tuple):
        return " ".join(filter(None, (_words(part) for part in value)))
    return str(value or "").strip()


def _first_text(contents: dict[str, list[Any]], name: str) -> str:
    for line in contents.get(name, []):
        text = _text(line.value)
        if text:
            return text
    return ""


def _organisation(contents: dict[str, list[Any]]) -> str:
    """The first unit of ORG: "Company, The" stays whole; departments after it are left."""
    for line in contents.get("org", []):
        value = line.value
        units = value if isinstance(value, list) else [value]
        for unit in units:
            text = _text(unit)
            if text:
                return text
    return ""


def _person_name(contents: dict[str, list[Any]]) -> tuple[str, str]:
    """(first, last) from N, else from FN ("Eva Huber" or "Huber, Eva")."""
    for line in contents.get("n", []):
        name = line.value
        if isinstance(name, str):
            family, _sep, given = name.partition(";")
            first, last = given.split(";")[0].strip(), family.strip()
        else:
            first = " ".join(filter(None, [_words(name.given), _words(name.additional)]))
            last = _words(name.family)
        if first or last:
            return first, last
    full = _first_text(contents, "fn")
    if ", " in full and full.count(",") == 1:
        last, _sep, first = full.partition(", ")
        return first.strip(), last.strip()
    first, _sep, last = full.rpartition(" ")
    return first.strip(), last.strip()


def _is_company_only(
    contents: dict[str, list[Any]], first: str, last: str, full: str, company: str
) -> bool:
    """A card for a company, not a person: its flags say so, or its name is the company's."""
    flags = {_text(line.value).lower() for name in ("x-abshowas", "kind")
             for line in contents.get(name, [])}  # fmt: skip
    if flags & {"company", "org", "organization"}:
        return True
    if not company:
        return False
    has_name = any(_text(line.value).replace(",", "").strip() for line in contents.get("n", []))
    if not has_name and full.casefold() in ("", company.casefold()):
        return True
    # Outlook writes a company entry as N:Company;;;; with the company as FN and ORG.
    return not first and last.casefold() == company.casefold()


def _types(line: Any) -> set[str]:
    """TYPE=work,cell (vCard 3/4) and bare ;WORK;CELL parameters (vCard 2.1)."""
    types = {str(value).lower() for value in getattr(line, "singletonparams", [])}
    for value in line.params.get("TYPE", []):
        types.update(part.strip().strip('"').lower() for part in str(value).split(","))
    return types


def _is_preferred(line: Any) -> bool:
    return "pref" in _types(line) or "PREF" in line.params


def _preferred(lines: list[Any]) -> Any:
    """The preferred line, else the work one, else the first."""
    for test in (_is_preferred, lambda line: "work" in _types(line)):
        for line in lines:
            if test(line):
                return line
    return lines[0]


def _labels(contents: dict[str, list[Any]]) -> dict[str, str]:
    """Apple's labels by group: item1.X-ABLabel:_$!<Mobile>!$_ names item1.TEL."""
    return {
        str(line.group).lower(): _text(line.value).lower()
        for line in contents.get("x-ablabel", [])
        if line.group
    }


def _phone_kind(line: Any, labels: dict[str, str]) -> str:
    """ "mobile", "phone", "other" (pager and the like, used only when nothing else) or ""."""
    words = {*_types(line), labels.get(str(line.group or "").lower(), "")}
    text = " ".join(words)
    if "fax" in text:
        return ""
    if any(word in text for word in MOBILE_WORDS):
        return "mobile"
    if "pager" in text:
        return "other"
    return "phone"


def _card_phones(lines: list[Any], labels: dict[str, str], values: dict[str, str]) -> None:
    """Mobile numbers go to mobile, the first other (preferred, then work) to phone."""

    def rank(line: Any) -> tuple[bool, bool, bool]:
        label = labels.get(str(line.group or "").lower(), "")
        words = " ".join([*_types(line), label])
        return (not _is_preferred(line), "work" not in words, "home" in words)

    others = []
    for line in sorted(lines, key=rank):
        number = _phone_number(line.value)
        kind = _phone_kind(line, labels)
        if not number or not kind:
            continue
        if kind == "other":
            others.append(number)
        else:
            values[kind] = values[kind] or number
    if not values["phone"] and others:
        values["phone"] = others[0]


def _phone_number(value: object) -> str:
    """ "tel:+49-89-1234;ext=5" → "+49-89-1234": the URI scheme and its parameters left."""
    number = _text(value)
    if number.lower().startswith("tel:"):
        number = number[4:].split(";", 1)[0]
    return number.strip()


# Outlook's X-MS-OL-DEFAULT-POSTAL-ADDRESS: 1 home, 2 work, 3 other.
OUTLOOK_ADDRESS_TYPES = {"1": "home", "2": "work", "3": "other"}


def _card_address(contents: dict[str, list[Any]], values: dict[str, str]) -> None:
    """The preferred address (Outlook's default one), else the work one, else the first."""
    lines = [line for line in contents.get("adr", []) if _address_text(line.value)]
    if not lines:
        return
    default = OUTLOOK_ADDRESS_TYPES.get(_first_text(contents, "x-ms-ol-default-postal-address"), "")
    chosen = next((line for line in lines if default and default in _types(line)), None)
    address = (chosen or _preferred(lines)).value
    street = [_text(address.street), _text(address.extended)]
    if not any([*street, address.city, address.code, address.country]):
        # "ADR:Hauptstraße 5, 80331 München": the whole address in the first part (PO box).
        street = [_text(address.box)]
    values.update(
        street=", ".join(part.replace("\n", ", ") for part in street if part),
        postal_code=_text(address.code),
        city=_text(address.city),
        region=_text(address.region),
        country=_text(address.country),
    )


def _address_text(address: Any) -> str:
    if isinstance(address, str):
        return address.strip()
    parts = (address.street, address.city, address.code, address.country, address.box)
    return "".join(_text(part) for part in parts)
