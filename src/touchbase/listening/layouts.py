"""Which column of a review export holds what.

The names below are those of the exports companies actually have: Google Business Profile
(CSV tools and Takeout JSON), Google Play Console, Trustpilot, Trusted Shops, ProvenExpert,
Amazon seller feedback, Etsy, Yelp, Shopify review apps (Judge.me, Yotpo, Stamped, Okendo),
WooCommerce, social-listening tools and hand-made spreadsheets in German and English.
Headers are compared normalised ("Review Created (UTC)" → "review created utc").

"Bewertung", "Rating" and "Review" mean the stars in one export and the text in another:
such a column is decided by what its first rows hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from touchbase.listening.values import parse_stars

FIELDS = ("id", "author", "author_email", "author_handle", "date", "stars", "title", "text",
          "reply", "reply_date", "url", "language", "product", "sku")  # fmt: skip

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "review id", "reviewid", "reference id", "guid", "uuid", "feedback id",
           "comment id", "item id", "post id", "tweet id", "bewertungs id", "bewertungsid",
           "review name", "external id"),
    "author": ("author", "author name", "reviewer", "reviewer name", "reviewer displayname",
               "reviewer display name", "consumer name", "review consumer name", "customer name",
               "display name",
               "user", "user name", "username", "nickname", "reviewer nickname", "by", "kunde",
               "kundenname", "verfasser", "autor", "autorin", "bewerter", "rezensent",
               "name des kunden", "vorname nachname", "from", "poster", "creator",
               "properties name", "reviewer profilename", "name"),
    "author_email": ("email", "e mail", "reviewer email", "consumer email", "customer email",
                     "rater email", "author email", "e mail adresse", "email address",
                     "kunden e mail", "mail"),
    "author_handle": ("handle", "user handle", "screen name", "user screen name", "twitter handle",
                      "account", "author handle", "profile", "user id", "author username"),
    "date": ("date", "review date", "created", "created at", "create time", "createtime",
             "review created utc", "review created", "date created", "creation date",
             "published", "published at", "publish date", "publication date", "pubdate",
             "datum", "bewertungsdatum", "erstellt", "erstellt am", "veröffentlicht",
             "veroeffentlicht", "submitted", "submitted at", "review submit date and time",
             "review submit millis since epoch", "time", "timestamp", "date reviewed",
             "review time", "posted", "posted at", "date of review", "review date utc",
             "properties published", "update time", "updated", "updated at"),
    "stars": ("stars", "star rating", "starrating", "review stars", "review rating", "score",
              "review score", "overall rating", "rating value", "ratingvalue", "sterne",
              "anzahl sterne", "punkte", "gesamtbewertung",
              "five star rating published", "properties five star rating published",
              "reviewrating ratingvalue", "rating"),
    "title": ("title", "review title", "headline", "subject", "titel", "überschrift",
              "ueberschrift", "betreff", "review headline", "summary"),
    "text": ("text", "review text", "review content", "content", "comment", "comments", "body",
             "message", "feedback", "description", "review comment", "review body",
             "reviewbody", "kommentar", "bewertungstext", "rezension", "text der bewertung",
             "meinung", "erfahrungsbericht", "nachricht", "beschreibung", "opinion",
             "full text", "snippet", "post", "tweet", "caption", "comment text", "review",
             "properties review comment", "freitext", "anmerkung", "anmerkungen"),
    "reply": ("reply", "response", "reply comment", "reviewreply comment", "owner response",
              "business response", "company reply", "company reply text", "developer reply text",
              "your response", "merchant reply", "antwort", "stellungnahme",
              "antwort des händlers", "reply text", "response text", "seller response",
              "kommentar des anbieters", "antwort des unternehmens", "comment content",
              "properties owner response"),
    "reply_date": ("reply date", "reply time", "reply update time", "reviewreply updatetime",
                   "company reply date utc", "company reply date", "developer reply date and time",
                   "response date", "antwortdatum", "antwort datum", "replied at", "reply_date"),
    "url": ("url", "link", "review link", "review url", "permalink", "source url", "href",
            "review page"),
    "language": ("language", "lang", "review language", "reviewer language", "sprache",
                 "locale", "language code"),
    "product": ("product", "product name", "product title", "produkt", "produktname", "artikel",
                "artikelname", "item", "item name", "product handle", "app name"),
    "sku": ("sku", "product sku", "artikelnummer", "art nr", "item number", "ean", "gtin",
            "asin", "product id", "mpn"),
}  # fmt: skip
# Columns that mean stars or text depending on what they hold.
# ("Note"/"Gesamtnote" are left out: a German grade, where 1 is best, is no star count.)
EITHER_STARS_OR_TEXT = {"bewertung", "rating", "review", "review rating"}
PREFIXES = ("review ", "reviewer ", "consumer ", "customer ", "kunden ", "mention ", "post ")


def normalise_header(header: str) -> str:
    """ "Review Created (UTC)" → "review created utc", "reviewer.displayName" → "reviewer display
    name"."""
    spaced = re.sub(r"(?<=[a-zäöü])(?=[A-ZÄÖÜ])", " ", header.strip().lstrip("\ufeff"))
    return " ".join(re.findall(r"[^\W_]+", spaced.casefold()))


# Field and rank of each alias: of two columns for one field the earlier alias wins
# (Google's JSON has both "name", an id path, and "reviewer.displayName").
ALIAS_TO_FIELD = {
    alias: (name, rank) for name, aliases in ALIASES.items() for rank, alias in enumerate(aliases)
}
PREFIXED_RANK = 100


@dataclass
class Layout:
    """Which header each field reads, and the headers nothing reads (shown in the dry run)."""

    columns: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)

    def value(self, record: Mapping[str, str], name: str) -> str:
        header = self.columns.get(name)
        return (record.get(header) or "").strip() if header else ""

    @property
    def is_readable(self) -> bool:
        return "text" in self.columns or "stars" in self.columns or "title" in self.columns


def known_headers(cells: Iterable[str]) -> int:
    """How many cells of a row name a field: tells a header row from a title above it."""
    return sum(normalise_header(cell) in ALIAS_TO_FIELD or normalise_header(cell)
               in EITHER_STARS_OR_TEXT for cell in cells)  # fmt: skip


def layout_for(headers: Iterable[str], sample: Sequence[Mapping[str, str]]) -> Layout:
    """The layout of a file from its headers and first records."""
    layout = Layout()
    ranks: dict[str, int] = {}
    for header in headers:
        found = _field_for(header, sample)
        if found is None:
            if header.strip():
                layout.unmapped.append(header)
            continue
        name, rank = found
        if name in layout.columns and ranks[name] <= rank:
            layout.unmapped.append(header)
            continue
        if name in layout.columns:
            layout.unmapped.append(layout.columns[name])
        layout.columns[name], ranks[name] = header, rank
    return layout


def _field_for(header: str, sample: Sequence[Mapping[str, str]]) -> tuple[str, int] | None:
    key = normalise_header(header)
    if key in EITHER_STARS_OR_TEXT:
        return ("stars", 50) if _holds_stars(header, sample) else ("text", 50)
    if key in ALIAS_TO_FIELD:
        return ALIAS_TO_FIELD[key]
    for prefix in PREFIXES:
        rest = key.removeprefix(prefix)
        if rest != key and rest in ALIAS_TO_FIELD:
            name, rank = ALIAS_TO_FIELD[rest]
            return name, rank + PREFIXED_RANK
    return None


def _holds_stars(header: str, sample: Sequence[Mapping[str, str]]) -> bool:
    values = [(row.get(header) or "").strip() for row in sample[:50]]
    filled = [value for value in values if value]
    if not filled:
        return False
    readable = sum(_is_stars(value) for value in filled)
    return readable * 10 >= len(filled) * 9


def _is_stars(value: str) -> bool:
    try:
        return parse_stars(value) is not None
    except ValueError:
        return False
