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

from touchbase.listening.values import looks_like_date, parse_stars, slashed_order, stars_scale

FIELDS = ("id", "author", "author_email", "author_handle", "date", "stars", "title", "text",
          "reply", "reply_date", "url", "language", "product", "sku")  # fmt: skip

ALIASES: dict[str, tuple[str, ...]] = {
    # ("Reference Id" is left out: Trustpilot's order reference, not the review's.)
    "id": ("id", "review id", "reviewid", "guid", "uuid", "feedback id",
           "comment id", "item id", "post id", "tweet id", "bewertungs id", "bewertungsid",
           "review name", "external id", "product review id"),
    "author": ("author", "author name", "reviewer", "reviewer name", "reviewer displayname",
               "reviewer display name", "consumer name", "review consumer name", "customer name",
               "display name",
               "user", "user name", "username", "nickname", "reviewer nickname", "by", "kunde",
               "kundenname", "verfasser", "autor", "autorin", "bewerter", "rezensent",
               "name des kunden", "vorname nachname", "from", "poster", "creator",
               "properties name", "reviewer profilename", "author title", "buyer", "buyer name",
               "käufer", "influencer", "extra author attributes name", "guest name", "guest",
               "gast", "auteur", "nom", "nombre", "autore", "naam", "name"),
    "author_email": ("email", "e mail", "reviewer email", "consumer email", "customer email",
                     "rater email", "author email", "e mail adresse", "email address",
                     "kunden e mail", "mail"),
    "author_handle": ("handle", "user handle", "screen name", "user screen name", "twitter handle",
                      "twitter screen name", "account", "author handle", "profile", "user id",
                      "author username"),
    "date": ("date", "review date", "created", "created at", "create time", "createtime",
             "review created utc", "review created", "date created", "creation date",
             "published", "published at", "publish date", "publication date", "pubdate",
             "datum", "bewertungsdatum", "erstellt", "erstellt am", "veröffentlicht",
             "veroeffentlicht", "submitted", "submitted at", "review submit date and time",
             "review submit millis since epoch", "time", "timestamp", "date reviewed",
             "review time", "posted", "posted at", "date of review", "review date utc",
             "properties published", "published date", "created date", "created time",
             "update time", "updated", "updated at"),
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
             "properties review comment", "freitext", "anmerkung", "anmerkungen",
             "review text published", "opening text", "hit sentence", "selftext", "avis",
             "commentaire", "comentario", "commento", "recensione", "reseña", "opinion"),
    "reply": ("reply", "response", "reply comment", "reviewreply comment", "owner response",
              "business response", "company reply", "company reply text", "developer reply text",
              "your response", "merchant reply", "antwort", "stellungnahme",
              "antwort des händlers", "reply text", "response text", "seller response",
              "kommentar des anbieters", "antwort des unternehmens", "comment content",
              "properties owner response", "owner answer", "answer", "management response"),
    "reply_date": ("reply date", "reply time", "reply update time", "reviewreply updatetime",
                   "company reply date utc", "company reply date", "developer reply date and time",
                   "response date", "antwortdatum", "antwort datum", "replied at", "reply_date",
                   "answer date"),
    "url": ("url", "link", "review link", "review url", "permalink", "source url", "href",
            "review page", "google maps url"),
    "language": ("language", "lang", "review language", "reviewer language", "sprache",
                 "locale", "language code"),
    "product": ("product", "product name", "product title", "produkt", "produktname", "artikel",
                "artikelname", "item", "item name", "item title", "listing title",
                "product handle", "app name"),
    "sku": ("sku", "product sku", "artikelnummer", "art nr", "item number", "ean", "gtin",
            "asin", "product number", "product id", "mpn"),
}  # fmt: skip
# Columns that mean stars or text depending on what they hold.
# ("Note"/"Gesamtnote" are left out: a German grade, where 1 is best, is no star count.)
EITHER_STARS_OR_TEXT = {"bewertung", "rating", "review", "review rating"}
# Words a column name may start with around a known one: "Review Content", "reviewer.name",
# WordPress's "comment_author" and "meta:rating", JSON:API's "attributes.body".
PREFIXES = ("review ", "reviewer ", "consumer ", "customer ", "kunden ", "mention ", "post ",
            "comment ", "meta ", "attributes ")  # fmt: skip
# A column that is the shop's answer beside a review text, and the review itself without one
# (Yotpo's "comment_content" answers a review, WooCommerce's is the review).
REPLY_OR_TEXT = {"comment content"}

# Names no list can hold them all: "Antwort des Hotels", "Management Response", "Service
# rating", "Ihre Meinung", "Published Date (local)". Read by their words, after every alias.
REPLY_WORDS = {"reply", "response", "answer", "antwort", "stellungnahme", "replied", "responded",
               "réponse", "reponse", "respuesta", "risposta", "antwoord"}  # fmt: skip
DATE_WORDS = {"date", "datum", "time", "zeit", "timestamp", "datetime", "created", "erstellt",
              "published", "veröffentlicht", "epoch", "millis", "fecha"}  # fmt: skip
# Words that make a column with a reply word something else: who replied, a link, a count.
NOT_REPLY_WORDS = {"url", "link", "links", "href", "id", "count", "rate", "type", "status",
                   "by", "von", "name", "email", "author", "required", "needed", "public",
                   "state"}  # fmt: skip
STARS_LAST_WORDS = ("rating", "stars", "star", "sterne", "score", "bewertung", "punkte",
                    "points", "étoiles", "estrellas", "stelle", "sterren")  # fmt: skip
TEXT_LAST_WORDS = ("review", "comment", "comments", "text", "kommentar", "meinung", "feedback",
                   "message", "body", "content", "rezension", "erfahrung")  # fmt: skip
STAR_NAMES = {"stars", "star", "sterne", "sternen", "étoiles", "estrellas", "stelle", "sterren"}
# An id column of the review itself ("Product Review Id"), not of an order or a product.
ID_WORDS = {"review", "bewertung", "bewertungs", "feedback", "rezension", "mention", "comment"}
# A column named like stars whose first values are mostly no ratings (Reddit's "score" of
# votes, a sentiment "score") is left unread rather than refusing every line.
MIN_STARS_SHARE = 0.6
# Longest German compound ending the words match ("Sternebewertung", "Kundenkommentar").
COMPOUND_MIN = 5
WORD_RANK = 200
UTC_WORDS = {"utc", "gmt"}


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
    """Which header each field reads, and the headers nothing reads (shown in the dry run).

    `fallbacks` are the other text columns, read in order when the chosen one is empty
    (Brandwatch fills "Full Text" or "Snippet", Meltwater "Opening Text" or "Hit Sentence").
    `day_first` is how the file writes 03/05/2024, learnt from its first records (None: no
    record told); `stars_scale` is 10 when plain numbers in the stars column go above 5
    (Booking.com's "8,8").
    """

    columns: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    fallbacks: dict[str, list[str]] = field(default_factory=dict)
    day_first: bool | None = None
    stars_scale: int = 5

    def value(self, record: Mapping[str, str], name: str) -> str:
        header = self.columns.get(name)
        if not header:
            return ""
        found = (record.get(header) or "").strip()
        for other in self.fallbacks.get(name, ()):
            if found:
                break
            found = (record.get(other) or "").strip()
        return found

    def is_utc(self, name: str) -> bool:
        """Whether the column of a date field says it is in UTC ("Review Created (UTC)")."""
        header = self.columns.get(name, "")
        return bool(UTC_WORDS & set(normalise_header(header).split()))

    @property
    def is_readable(self) -> bool:
        return "text" in self.columns or "stars" in self.columns or "title" in self.columns


def known_headers(cells: Iterable[str]) -> int:
    """How many cells of a row name a field: tells a header row from a title above it."""
    return sum(1 for cell in cells if _known(normalise_header(cell)))


def _known(key: str) -> bool:
    return any(
        candidate in ALIAS_TO_FIELD or candidate in EITHER_STARS_OR_TEXT
        for candidate, _offset in _candidates(key)
    )


def layout_for(headers: Iterable[str], sample: Sequence[Mapping[str, str]]) -> Layout:
    """The layout of a file from its headers and first records.

    Steps: each header gets a field and a rank (an exact alias, an alias after a prefix, then
    the words of its name, checked against what the first records hold); the best rank wins
    each field; text columns that lost are kept as fallbacks; a column that is a reply beside
    no text is the text; the order of slashed dates is learnt from the sample.
    """
    layout = Layout()
    candidates: dict[str, list[tuple[int, int, str]]] = {}
    for position, header in enumerate(headers):
        found = _field_for(header, sample)
        if found is None:
            if header.strip():
                layout.unmapped.append(header)
            continue
        name, rank = found
        candidates.setdefault(name, []).append((rank, position, header))
    for name, ranked in candidates.items():
        ranked.sort()
        layout.columns[name] = ranked[0][2]
        losers = [header for _rank, _position, header in ranked[1:]]
        # A rating word ("Positive") is no text to fall back on.
        fallbacks = [header for header in losers if name == "text" and not _is_either(header)]
        if fallbacks:
            layout.fallbacks["text"] = fallbacks
        layout.unmapped.extend(header for header in losers if header not in fallbacks)
    _reply_as_text(layout)
    _stars_checked(layout, sample)
    layout.day_first = _day_first(layout, sample)
    return layout


def _stars_checked(layout: Layout, sample: Sequence[Mapping[str, str]]) -> None:
    header = layout.columns.get("stars")
    if header is None:
        return
    if sample and _filled(header, sample) and not _holds_stars(header, sample, MIN_STARS_SHARE):
        layout.unmapped.append(layout.columns.pop("stars"))
        return
    layout.stars_scale = _scale(header, _filled(header, sample))


def _scale(header: str, filled: list[str]) -> int:
    """A column named for stars counts stars; a "score" or "rating" may count to 10."""
    words = set(normalise_header(header).split())
    return 5 if words & STAR_NAMES else stars_scale(filled)


def _reply_as_text(layout: Layout) -> None:
    reply = layout.columns.get("reply", "")
    if "text" not in layout.columns and normalise_header(reply) in REPLY_OR_TEXT:
        layout.columns["text"] = layout.columns.pop("reply")


def _day_first(layout: Layout, sample: Sequence[Mapping[str, str]]) -> bool | None:
    headers = [layout.columns[name] for name in ("date", "reply_date") if name in layout.columns]
    values = [(row.get(header) or "") for row in sample for header in headers]
    return slashed_order(values)


def _is_either(header: str) -> bool:
    key = normalise_header(header)
    return any(candidate in EITHER_STARS_OR_TEXT for candidate, _offset in _candidates(key))


def _candidates(key: str) -> list[tuple[str, int]]:
    """The header itself, then without each prefix it starts with, and the rank they add."""
    found = [(key, 0)]
    for prefix in PREFIXES:
        rest = key.removeprefix(prefix)
        if rest != key:
            found.append((rest, PREFIXED_RANK))
    return found


def _field_for(header: str, sample: Sequence[Mapping[str, str]]) -> tuple[str, int] | None:
    key = normalise_header(header)
    for candidate, offset in _candidates(key):
        if candidate in EITHER_STARS_OR_TEXT:
            stars = _holds_stars(header, sample)
            return ("stars", 50 + offset) if stars else ("text", 50 + offset)
        if candidate in ALIAS_TO_FIELD:
            name, rank = ALIAS_TO_FIELD[candidate]
            return name, rank + offset
    return _field_by_words(header, key, sample)


def _field_by_words(
    header: str, key: str, sample: Sequence[Mapping[str, str]]
) -> tuple[str, int] | None:
    """A field told by the words of a column's name, when no alias names it."""
    words = key.split()
    if not words:
        return None
    dated = bool(DATE_WORDS & set(words))
    if REPLY_WORDS & set(words) and not NOT_REPLY_WORDS & set(words):
        if not dated:
            return "reply", WORD_RANK
        return ("reply_date", WORD_RANK) if _holds_dates(header, sample) else None
    if words[-1] == "id" and ID_WORDS & set(words):
        return "id", WORD_RANK
    if _ends_with(words[-1], STARS_LAST_WORDS) and _holds_stars(header, sample):
        return "stars", WORD_RANK
    if _ends_with(words[-1], TEXT_LAST_WORDS) and not _holds_stars(header, sample):
        return "text", WORD_RANK
    if dated and _holds_dates(header, sample):
        return "date", WORD_RANK
    return None


def _ends_with(word: str, endings: Sequence[str]) -> bool:
    """ "rating" and German compounds ending in a word: "sternebewertung", "kundenkommentar"."""
    return word in endings or any(
        word.endswith(ending) and len(ending) >= COMPOUND_MIN for ending in endings
    )


def _filled(header: str, sample: Sequence[Mapping[str, str]]) -> list[str]:
    values = [(row.get(header) or "").strip() for row in sample[:50]]
    return [value for value in values if value]


def _holds_stars(header: str, sample: Sequence[Mapping[str, str]], share: float = 0.9) -> bool:
    filled = _filled(header, sample)
    if not filled:
        return False
    scale = _scale(header, filled)
    readable = sum(_is_stars(value, scale) for value in filled)
    return readable >= len(filled) * share


def _is_stars(value: str, scale: int) -> bool:
    try:
        return parse_stars(value, scale=scale) is not None
    except ValueError:
        return False


def _holds_dates(header: str, sample: Sequence[Mapping[str, str]]) -> bool:
    filled = _filled(header, sample)
    return bool(filled) and all(looks_like_date(value) for value in filled)
