"""Cell values from real-world files: placeholders, yes/no flags, dates and postal codes.

Each function takes the text of one cell and returns the clean value, or None when the text
cannot be read; the planner turns None into a warning and keeps or drops the value.
"""

from __future__ import annotations

import datetime as dt
import re

# What people type where they have nothing to say: never an address, a number or a name.
# What Excel writes into a cell whose formula failed, in English and German: no value.
EXCEL_ERRORS = frozenset({
    "#n/a", "#nv", "#name?", "#value!", "#wert!", "#ref!", "#bezug!", "#div/0!", "#num!",
    "#zahl!", "#null!", "#spill!", "#überlauf!", "#calc!", "#getting_data",
})  # fmt: skip
PLACEHOLDERS = frozenset({
    "-", "--", "---", "—", "–", ".", "..", "...", "?", "??", "???", "/", "x", "xx", "xxx",
    "0", "00", "000", "na", "n/a", "n.a.", "n.a", "nv", "n.v.", "k.a.", "k.a", "ka", "k/a",
    "none", "null", "nil", "nan", "keine", "kein", "keiner", "nein", "no", "unbekannt",
    "unknown", "tbd", "todo", "test", "dummy", "leer", "empty", "fehlt", "missing", "ohne",
    "nicht vorhanden", "not available", "siehe oben", "s.o.", "dito", *EXCEL_ERRORS,
})  # fmt: skip
# Of those, what stands in a name column where there is no name ("Test" or "X" may be one).
NAME_PLACEHOLDERS = frozenset({
    "-", "--", "---", "—", "–", ".", "..", "...", "?", "??", "???", "/", "n/a", "n.a.", "k.a.",
    "none", "null", "nil", "nan", "unbekannt", "unknown", *EXCEL_ERRORS,
})  # fmt: skip
# Local parts of addresses that reach nobody: "noreply@…", "x@x", "keine@…".
PLACEHOLDER_MAILBOXES = frozenset({
    "noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply",
    "nomail", "no-mail", "nobody", "none", "keine", "kein", "x", "xx", "xxx", "test", "dummy",
    "unknown", "unbekannt", "null", "na", "n/a", "nix", "mail", "email", "e-mail",
})  # fmt: skip

TRUE_WORDS = frozenset({"yes", "y", "ja", "j", "x", "1", "true", "wahr", "oui", "si", "sì", "✓",
                        "✔", "on"})  # fmt: skip
FALSE_WORDS = frozenset({"no", "n", "nein", "0", "false", "falsch", "non", "off", "-", ""})

LANGUAGES = {
    "deutsch": "de", "german": "de", "allemand": "de", "tedesco": "de",
    "englisch": "en", "english": "en", "anglais": "en", "inglese": "en",
    "italienisch": "it", "italian": "it", "italiano": "it", "italien": "it",
    "franzosisch": "fr", "franzoesisch": "fr", "french": "fr", "francais": "fr",
    "francese": "fr", "spanisch": "es", "spanish": "es", "espanol": "es",
    "niederlandisch": "nl", "dutch": "nl", "nederlands": "nl",
}  # fmt: skip

# Postal codes by country; others are taken as written.
POSTAL_CODES = {
    "DE": r"\d{5}", "AT": r"\d{4}", "CH": r"\d{4}", "LI": r"\d{4}", "IT": r"\d{5}",
    "FR": r"\d{5}", "LU": r"(L-?)?\d{4}", "BE": r"\d{4}", "NL": r"\d{4} ?[A-Za-z]{2}",
    "GB": r"[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}", "US": r"\d{5}(-\d{4})?",
}  # fmt: skip

EXCEL_EPOCH = dt.date(1899, 12, 30)
# Excel serials of 1 January 1950 and 31 December 2099: anything else is not a date.
EXCEL_SERIALS = range(18264, 73051)
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-][\d:]+)?)?")
DOTTED_DATE = re.compile(r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{2}|\d{4})(?: [\d:]+)?")
SLASHED_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?: [\d:]+(?: ?[AaPp][Mm])?)?")


def is_placeholder(text: str) -> bool:
    return text.strip().casefold() in PLACEHOLDERS


def is_placeholder_name(text: str) -> bool:
    return text.strip().casefold() in NAME_PLACEHOLDERS


def is_placeholder_email(address: str) -> bool:
    """ "n/a", "-", "keine", "noreply@firma.de", "x@x": there to fill a field, not to write to."""
    if is_placeholder(address):
        return True
    mailbox, _at, domain = address.strip().casefold().rpartition("@")
    return mailbox in PLACEHOLDER_MAILBOXES or (bool(mailbox) and domain in PLACEHOLDER_MAILBOXES)


def yes_no(text: str) -> bool | None:
    """True, False, or None when the cell says neither."""
    word = text.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS or word in PLACEHOLDERS:
        return False
    return None


def language_code(text: str) -> str | None:
    """ "de", "de-AT", "Deutsch", "English" → two letters; None when not a language."""
    from touchbase.imports.mapping import normalize_header

    word = normalize_header(text)
    if word in LANGUAGES:
        return LANGUAGES[word]
    if re.fullmatch(r"[a-z]{2}(?:[-_][a-z]{2})?", text.strip().lower()):
        return text.strip().lower()[:2]
    return None


def postal_code_ok(code: str, country: str) -> bool:
    pattern = POSTAL_CODES.get(country)
    return pattern is None or re.fullmatch(pattern, code) is not None


def excel_serial_date(text: str) -> dt.date | None:
    """A day number as XLSX stores dates in unformatted cells: 45356 is 2024-03-05."""
    try:
        number = float(text.strip())
    except ValueError:
        return None
    if int(number) not in EXCEL_SERIALS:
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def unambiguous_date(text: str) -> dt.date | None:
    """ISO (2024-03-05, also with a time) and German (05.03.2024, 5.3.24) dates."""
    text = text.strip()
    if match := ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        return _date(year, month, day)
    if match := DOTTED_DATE.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
        return _date(_full_year(year), month, day)
    return None


def slashed_date_parts(text: str) -> tuple[int, int, int] | None:
    """(first, second, year) of "3/5/2024": which is the day the caller decides."""
    match = SLASHED_DATE.fullmatch(text.strip())
    if match is None:
        return None
    first, second, year = (int(part) for part in match.groups())
    return first, second, _full_year(year)


def slashed_date(parts: tuple[int, int, int], *, month_first: bool) -> dt.date | None:
    first, second, year = parts
    month, day = (first, second) if month_first else (second, first)
    return _date(year, month, day)


def _full_year(year: int) -> int:
    """Two-digit years: 24 is 2024, 87 is 1987 (a contact date is never far ahead)."""
    if year >= 100:
        return year
    this_year = dt.datetime.now(tz=dt.UTC).year % 100
    return 2000 + year if year <= this_year else 1900 + year


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
