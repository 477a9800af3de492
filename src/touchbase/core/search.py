"""Search text: one normalised column per searchable table, found through a text index.

What a user types rarely matches what was stored letter for letter: "Mueller", "Muller" and
"müller" all mean Müller, and a phone number is typed as "0761 123", "+49761123" or
"0761/123". So each searchable row keeps a `search_text` column, written with the row, that
holds every field in the forms a search may use (lower case, without accents, umlauts both
dropped and spelled out; phone numbers as digits), and a query is turned into the same forms.

The column is found through a text index, so a search does not read every row:
- PostgreSQL: a trigram GIN index (pg_trgm) that answers `LIKE '%term%'`;
- SQLite: an FTS5 table with the trigram tokenizer, kept in step by triggers.
Terms shorter than three characters have no trigram; they are tested on each row instead
(by position, which the planner cannot try on the index). A page of matches is loaded by
search_page, which keeps the planner from walking an ordinary index instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Value
from django.db.models.expressions import OrderBy, RawSQL
from django.db.models.functions import Coalesce, StrIndex
from django.db.models.lookups import GreaterThan

# Umlauts as German spells them without the dots; ß already becomes "ss" by casefold().
SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
# Spelled-out umlauts as a search for the plain letter finds them ("Mueller" for "Muller").
SPELLED_IN = re.compile(r"(?<=[a-z])(ae|oe|ue)")
PHONE_QUERY = re.compile(r"^[+(]?[\d\s()/.\-]+$")
MAX_TERMS = 8
MAX_TERM_LENGTH = 100
TRIGRAM = 3


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def text_forms(value: str) -> list[str]:
    """The forms a search may find a text by: plain, umlauts spelled out, spelled-out folded.

    "Müller" → ["muller", "mueller"]; "Mueller" → ["mueller", "muller"]; "Straße" → ["strasse"].
    """
    folded = (value or "").strip().casefold()
    if not folded:
        return []
    plain = _without_accents(folded)
    forms = [plain, _without_accents(folded.translate(SPELLED_OUT)), SPELLED_IN.sub(
        lambda match: match.group(1)[0], plain)]  # fmt: skip
    return list(dict.fromkeys(forms))


def phone_digits(value: str) -> str:
    """A stored number as digits: E.164 without the plus, or what was written, digits only."""
    return re.sub(r"\D", "", value or "")


def search_text(*, texts: Iterable[str], phones: Iterable[str] = ()) -> str:
    """The value of a row's search_text column."""
    parts = [form for text in texts for form in text_forms(text)]
    parts += [digits for digits in map(phone_digits, phones) if digits]
    return " ".join(dict.fromkeys(parts))


# --- queries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One word of a query: a row matches if its search text contains any of the forms."""

    forms: tuple[str, ...]

    @property
    def is_indexable(self) -> bool:
        return all(len(form) >= TRIGRAM for form in self.forms)


def _phone_forms(query: str, home_country: str) -> tuple[str, ...]:
    """A typed phone number as the digits stored numbers may contain.

    "+49 761 123" and "0049 761 123" are international: "49761123". A number starting with the
    home country's national prefix ("0761 123" in Germany) is that country's: the stored
    E.164 digits contain "49761123"; numbers kept as written contain "0761123", so both count.
    """
    text = query.replace("(0)", "")
    digits = phone_digits(text)
    if text.lstrip().startswith("+"):
        return (digits,)
    if digits.startswith("00"):
        return (digits[2:],) if len(digits) > 2 else (digits,)
    region = (home_country or "DE").upper()
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    code = phonenumbers.country_code_for_region(region)
    if metadata is None or not code:
        return (digits,)
    prefix = metadata.national_prefix or ""
    if prefix and digits.startswith(prefix):
        return (f"{code}{digits[len(prefix) :]}", digits)
    if not prefix and digits.startswith("0"):
        return (f"{code}{digits}", digits)  # Italy: the leading zero is part of the number
    return (digits,)


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def _is_phone(text: str) -> bool:
    return bool(PHONE_QUERY.match(text)) and len(phone_digits(text)) >= TRIGRAM


def query_terms(query: str, *, home_country: str = "DE") -> list[Term]:
    """What a typed query searches for: every term must match (AND), any of its forms (OR).

    A query that is a phone number as a whole ("0761 123 45") is one term; otherwise each word
    is a term, a word of digits a phone fragment.
    """
    # Control characters are never typed; a NUL would end FTS5's string early (a 500).
    query = CONTROL_CHARACTERS.sub(" ", query or "").strip()[: MAX_TERMS * MAX_TERM_LENGTH]
    if not query:
        return []
    if _is_phone(query):
        return [Term(_phone_forms(query, home_country))]
    terms: list[Term] = []
    for word in query.split()[:MAX_TERMS]:
        word = word[:MAX_TERM_LENGTH]
        if _is_phone(word):
            terms.append(Term(_phone_forms(word, home_country)))
        elif re.fullmatch(r"[\d()/.\-+]+", word):
            terms.append(Term((phone_digits(word) or word,)))
        else:
            forms = text_forms(word)
            if forms:
                # The query's own plain form; the stored text has the other forms already.
                terms.append(Term((forms[0],)))
    return terms


# --- the index --------------------------------------------------------------------------------


def fts_table(table: str) -> str:
    return f"{table}_search"


def search_filter[M: models.Model](
    queryset: models.QuerySet[M], query: str, *, home_country: str
) -> models.QuerySet[M]:
    """Rows whose search_text contains every term of the query, through the text index."""
    terms = query_terms(query, home_country=home_country)
    indexed = [term for term in terms if term.is_indexable]
    for term in terms:
        if term in indexed and _vendor(queryset) == "sqlite":
            continue  # all of them in one FTS query below
        condition = models.Q()
        for form in term.forms:
            if term.is_indexable:
                condition |= models.Q(search_text__contains=form)
            else:
                # No trigram to look up: a position test the planner keeps out of the index
                # (a LIKE it would try on the trigram index, reading all of it).
                condition |= models.Q(GreaterThan(StrIndex("search_text", Value(form)), 0))
        queryset = queryset.filter(condition)
    if indexed and _vendor(queryset) == "sqlite":
        table = fts_table(queryset.model._meta.db_table)
        match = " AND ".join(_fts_term(term) for term in indexed)
        # The table name is ours; what the user typed goes in as a parameter.
        rowids = RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [match])
        queryset = queryset.filter(pk__in=rowids)
    return queryset


def uses_index(query: str, *, home_country: str) -> bool:
    """Whether the text index finds this query's rows (some term has three characters)."""
    return any(term.is_indexable for term in query_terms(query, home_country=home_country))


def search_page[M: models.Model](
    matches: models.QuerySet[M], *, rows: models.QuerySet[M], offset: int, limit: int
) -> models.QuerySet[M]:
    """One page of search matches in their order: sort the matches' ids, then load those rows.

    `matches` is `rows` filtered by search_filter and ordered. Sorting ids rather than whole
    rows with their account joined made a term found a few thousand times 1.5–2x faster at
    100,000 contacts on both databases. On PostgreSQL the first sort key is also wrapped so no
    index can deliver the order: given ORDER BY last_name LIMIT 51 the planner walked the
    name index testing each row, and as the rows a name search finds sit together in that
    index ("Schulze" near the end), it read most of the table (200 ms; 1.4 ms this way).
    """
    ordering = [str(key) for key in matches.query.order_by]
    keys: list[str | OrderBy] = list(ordering)
    if _vendor(matches) == "postgresql" and keys:
        first = ordering[0]
        field = F(first.removeprefix("-"))
        wrapped = Coalesce(field, field)  # the same value, but not a column an index has
        keys[0] = wrapped.desc() if first.startswith("-") else wrapped.asc()
    ids = matches.order_by(*keys).values("pk")[offset : offset + limit]
    return rows.filter(pk__in=ids).order_by(*ordering)


def _fts_term(term: Term) -> str:
    """FTS5 strings in double quotes: with the trigram tokenizer each matches as a substring."""
    quoted = ['"' + form.replace('"', '""') + '"' for form in term.forms]
    return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"


def _vendor(queryset: models.QuerySet[models.Model]) -> str:
    from django.db import connections

    return connections[queryset.db].vendor


SQLITE_FTS = """
CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(
    search_text, content='{table}', content_rowid='id', tokenize='trigram'
)"""
SQLITE_TRIGGERS = {
    "ai": """AFTER INSERT ON {table} BEGIN
        INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END""",
    "ad": """AFTER DELETE ON {table} BEGIN
        INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        END""",
    "au": """AFTER UPDATE OF search_text ON {table} BEGIN
        INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END""",
}


def search_index_install(connection: BaseDatabaseWrapper, table: str) -> bool:
    """Create the text index of a table's search_text if it is missing; True if it was.

    Safe to run again: on SQLite a migration that rebuilds the table (Django does for most
    column changes) drops its triggers, so this runs after every migrate and rebuilds the
    FTS table when a trigger had gone.
    """
    fts = fts_table(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_search_trgm ON {table} "
                "USING gin (search_text gin_trgm_ops)"
            )
            return False
        if connection.vendor != "sqlite":
            return False
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
        )
        present = {row[0] for row in cursor.fetchall()}
        missing = {
            key: sql for key, sql in SQLITE_TRIGGERS.items() if f"{fts}_{key}" not in present
        }
        if not missing:
            return False
        cursor.execute(SQLITE_FTS.format(fts=fts, table=table))
        for key, sql in missing.items():
            cursor.execute(f"CREATE TRIGGER {fts}_{key} " + sql.format(fts=fts, table=table))
        cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    return True


def search_index_drop(connection: BaseDatabaseWrapper, table: str) -> None:
    """Remove the text index (migrating backwards)."""
    fts = fts_table(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {table}_search_trgm")
        elif connection.vendor == "sqlite":
            for key in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {fts}_{key}")
            cursor.execute(f"DROP TABLE IF EXISTS {fts}")
