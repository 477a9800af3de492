"""What is wrong with an e-mail signature (or the workspace's template), as findings to act on.

Pure Python over the signature's HTML and plain text: no database, no models. The checks:

1. Disclaimer boilerplate ("This email is confidential…", "Diese E-Mail enthält vertrauliche…"):
   it binds no recipient and makes every mail longer. Sentences are scored by the ideas they
   contain (confidential, intended recipient, received in error, notify, delete, copying
   prohibited, viruses, no liability, not legally binding) in German and English, so reworded
   versions are recognised too; rapidfuzz catches close copies of the classic wordings.
   "Please consider the environment before printing" is noise as well, but no legal claim:
   it is not reported.
2. Company details the law requires on business letters, which includes e-mail, chosen by
   country and legal form (see `required_details`):
   - Germany: § 37a HGB (e.K.), § 125a/§ 177a HGB (OHG, KG, GmbH & Co. KG with the details of
     the personally liable partner), § 35a GmbHG (GmbH, UG: legal form, seat, register court
     and number, all managing directors; the supervisory board's chair only if there is one,
     which master data does not say, so it is not asked for), § 80 AktG (AG: also the
     management board and the chair of the supervisory board).
   - Austria: § 14 UGB for everyone in the Firmenbuch: name, legal form, seat, Firmenbuch
     number and court.
   - Switzerland: Art. 954a OR: the registered company name, complete and unchanged; the UID
     is recommended, not required, so its absence is reported as "legal_recommended".
   - A sole trader or a GbR without a register: the name (a GbR: its partners' names, which
     `CompanyFacts.managing_directors` holds for a GbR). The postal address is required too
     but is not part of the facts checked here.
   A detail counts when the visible text shows it as such: the seat after "Sitz"/"registered
   office" (the city in the address is not the seat), the court after a court word, each
   managing director after "Geschäftsführer"/"Managing Director" (the sender's own name is
   not a statement about the management). Where master data lacks a value (no directors'
   names, no chair of the supervisory board, no liable partner's data) the label followed by
   a name is enough. Each version (HTML, plain text) must show every detail: a recipient sees
   only one of them.
3. Phone numbers and e-mail addresses that are not in the master data, and phone numbers not
   written internationally ("+49 89 1234567", which dials from anywhere).
4. Images: missing alternative text, no fixed size or wider than 600 px, over 100 kB.

Input beyond MAX_INPUT_CHARS is cut off: a signature is a few kilobytes, and cutting keeps
the work bounded (200 kB of HTML or text lints in about 0.2-0.3 s here, both 0.4 s).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import phonenumbers
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

__all__ = [
    "LEGAL_FORMS",
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_WIDTH",
    "MAX_INPUT_CHARS",
    "CompanyFacts",
    "Finding",
    "PersonFacts",
    "disclaimers_found",
    "recommended_details",
    "required_details",
    "signature_lint",
]

MAX_INPUT_CHARS = 200_000
MAX_IMAGE_BYTES = 100_000
MAX_IMAGE_WIDTH = 600
DETAIL_CHARS = 200


@dataclass(frozen=True)
class CompanyFacts:
    """The company's master data the signature is checked against."""

    country: str
    legal_form: str
    legal_name: str
    seat: str
    register_court: str
    register_number: str
    # an AG's management board (Vorstand), a GbR's partners
    managing_directors: tuple[str, ...]
    phones: tuple[str, ...]
    emails: tuple[str, ...]


@dataclass(frozen=True)
class PersonFacts:
    """The employee's own master data: the phones and addresses a signature may show."""

    phones: tuple[str, ...]
    emails: tuple[str, ...]


@dataclass(frozen=True)
class Finding:
    """One problem: a stable code, a sentence for people, and what it is about."""

    code: str
    message: str
    detail: str = ""


# key -> (country, label); the labels are the legal forms' own names, not translated.
LEGAL_FORMS: dict[str, tuple[str, str]] = {
    "de_gmbh": ("DE", "GmbH"),
    "de_ug": ("DE", "UG (haftungsbeschränkt)"),
    "de_ag": ("DE", "AG"),
    "de_gmbh_co_kg": ("DE", "GmbH & Co. KG"),
    "de_kg": ("DE", "KG"),
    "de_ohg": ("DE", "OHG"),
    "de_ek": ("DE", "e.K."),
    "de_gbr": ("DE", "GbR"),
    "de_sole": ("DE", "Einzelunternehmen"),
    "at_gmbh": ("AT", "GmbH"),
    "at_ag": ("AT", "AG"),
    "at_kg": ("AT", "KG"),
    "at_og": ("AT", "OG"),
    "at_eu": ("AT", "e.U."),
    "at_sole": ("AT", "Einzelunternehmen"),
    "ch_gmbh": ("CH", "GmbH"),
    "ch_ag": ("CH", "AG"),
    "ch_sole": ("CH", "Einzelunternehmen"),
    "ch_kollektiv": ("CH", "Kollektivgesellschaft"),
    "other": ("", "Other"),
}

_REGISTERED = ("legal_name", "legal_form", "seat", "register_court", "register_number")
_REQUIRED: dict[str, tuple[str, ...]] = {
    "de_gmbh": (*_REGISTERED, "managing_directors"),
    "de_ug": (*_REGISTERED, "managing_directors"),
    "de_ag": (*_REGISTERED, "managing_directors", "supervisory_chair"),
    "de_gmbh_co_kg": (*_REGISTERED, "general_partner", "managing_directors"),
    "de_kg": _REGISTERED,
    "de_ohg": _REGISTERED,
    "de_ek": _REGISTERED,
    "de_gbr": ("legal_name", "partners"),
    "de_sole": ("legal_name",),
    "at_gmbh": _REGISTERED,
    "at_ag": _REGISTERED,
    "at_kg": _REGISTERED,
    "at_og": _REGISTERED,
    "at_eu": _REGISTERED,
    "at_sole": ("legal_name",),
    "ch_gmbh": ("legal_name",),
    "ch_ag": ("legal_name",),
    "ch_kollektiv": ("legal_name",),
    "ch_sole": ("legal_name",),
}


def _legal_form_key(company: CompanyFacts) -> str:
    """The legal form's key when it belongs to the company's country, else ""."""
    country, _label = LEGAL_FORMS.get(company.legal_form, ("", ""))
    return company.legal_form if country and country == company.country.upper() else ""


def required_details(company: CompanyFacts) -> list[str]:
    """The details the law asks for on this company's business mail, by country and legal form.

    Codes: legal_name, legal_form, seat, register_court, register_number, managing_directors
    (an AG's management board), supervisory_chair, general_partner (the liable partner of a
    GmbH & Co. KG), partners (of a GbR). An unknown form or country asks for nothing: the lint
    does not claim duties it does not know.
    """
    return list(_REQUIRED.get(_legal_form_key(company), ()))


def recommended_details(company: CompanyFacts) -> list[str]:
    """Details worth showing though not required: the Swiss UID of a registered company."""
    key = _legal_form_key(company)
    if key.startswith("ch_") and (key != "ch_sole" or company.register_number):
        return ["uid"]
    return []


# ---------------------------------------------------------------------------------------------
# Text handling


_UMLAUTS = (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"))
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_COMBINING = re.compile(r"[\u0300-\u036f]")


def _fold(text: str) -> str:
    """Lower case, umlauts spelt out, accents dropped, dashes and spaces plain: for comparing."""
    text = unicodedata.normalize("NFKC", text).lower()
    if not text.isascii():
        for umlaut, spelt in _UMLAUTS:  # str.replace is far faster than a translate table
            text = text.replace(umlaut, spelt)
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _DASHES.sub("-", text.replace("\u00ad", ""))


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class _Image:
    src: str
    alt: str | None
    width: str | None
    height: str | None


@dataclass
class _Parsed:
    text: str = ""
    images: list[_Image] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


_BLOCK_TAGS = frozenset(
    {"p", "div", "table", "tr", "td", "th", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5",
     "h6", "hr", "blockquote", "section", "article", "header", "footer", "address", "pre",
     "center", "dl", "dt", "dd", "caption", "tbody", "thead", "tfoot"}
)  # fmt: skip
_HIDDEN_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript"})


class _SignatureParser(HTMLParser):
    """Visible text (block elements end a paragraph, <br> a line), images and link targets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images: list[_Image] = []
        self.links: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden_depth += 1
            return
        values = {name: (value or "") for name, value in attrs}
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        elif tag == "img":
            self._image(values, {name for name, _value in attrs})
        elif tag == "a" and values.get("href"):
            self.links.append(values["href"].strip())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HIDDEN_TAGS:  # <script/> opens nothing
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self.parts.append(re.sub(r"\s+", " ", data))

    def _image(self, values: dict[str, str], present: set[str]) -> None:
        style = _style_sizes(values.get("style", ""))
        self.images.append(
            _Image(
                src=values.get("src", "").strip(),
                alt=values.get("alt") if "alt" in present else None,
                width=values.get("width") or style.get("width"),
                height=values.get("height") or style.get("height"),
            )
        )


def _style_sizes(style: str) -> dict[str, str]:
    sizes = {}
    for declaration in style.split(";"):
        name, _colon, value = declaration.partition(":")
        if name.strip().lower() in ("width", "height"):
            sizes[name.strip().lower()] = value.strip()
    return sizes


def _parse_html(html: str) -> _Parsed:
    parser = _SignatureParser()
    parser.feed(html[:MAX_INPUT_CHARS])
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return _Parsed(text=text, images=parser.images, links=parser.links)


# ---------------------------------------------------------------------------------------------
# Disclaimers

_DISCLOSE = (
    r"(?:weitergabe|weiterleit|weiterzuleiten|vervielfaeltig|kopier|kopie|verbreit|"
    r"veroeffentlich|offenleg|nutzung|verwendung|copying|copy|disclos|distribut|dissemin|"
    r"forward|use of|reliance|review)"
)
_FORBID = (
    r"(?:untersagt|verboten|nicht gestattet|nicht erlaubt|nicht zulaessig|unzulaessig|unbefugt|"
    r"unerlaubt|"
    r"prohibited|forbidden|not permitted|not allowed|unauthori[sz]ed|strictly)"
)
_MESSAGE = r"(?:e-?mail|nachricht|message|mail|communication|transmission)"
# (concept, weight, pattern on folded text); a sentence weighing 2 or more is a disclaimer, a
# sentence weighing 1 joins a disclaimer next to it. A concept counts once, at its top weight.
_CONCEPTS: tuple[tuple[str, int, re.Pattern[str]], ...] = tuple(
    (concept, weight, re.compile(pattern))
    for concept, weight, pattern in (
        ("confidential", 2, rf"{_MESSAGE}\w*\b(?:\W+\w+){{0,8}}?\W+(?:vertraulich|confidential)"),
        ("confidential", 1, r"vertraulich|confidential|privileged|\bprivate\b|rechtlich geschuetzt"
                            r"|legally protected|proprietary information|geheimhaltung"),
        ("recipient", 2, r"intended recipient|beabsichtigte[nrm]? empfaenger"
                         r"|richtige[nrm]? (?:adressat|empfaenger)"
                         r"|bestimmte[nrm]? (?:adressat|empfaenger)"),
        ("recipient", 1, r"adressat|addressee|intended (?:solely |only |exclusively )?for"
                         r"|(?:ausschliesslich|nur) fuer (?:den|die)|bestimmt fuer"
                         r"|to whom (?:it is|they are) addressed|empfaenger"),
        ("error", 2, r"(?:irrtuemlich|versehentlich|faelschlich\w*|irrtum) (?:\w+ )?"
                     r"(?:erhalten|zugegangen|zugestellt|bekommen|erreicht)"
                     r"|in error|by mistake|not the intended"),
        ("error", 1, r"irrtuemlich|irrtum|versehentlich|faelschlich|mistaken|erroneous"),
        ("notify", 1, r"benachrichtig|informieren sie|unterrichten sie|teilen sie|notify"
                      r"|inform (?:the sender|us)|let us know|contact the sender|absender"
                      r"|\bsender"),
        ("delete", 1, r"loesch|vernicht|delete|destroy|erase|\bentfernen"),
        ("prohibited", 2, rf"{_DISCLOSE}.{{0,80}}{_FORBID}|{_FORBID}.{{0,80}}{_DISCLOSE}"),
        ("virus", 1, r"virus|viren|malware|schadsoftware|schadprogramm"),
        ("scanned", 1, r"geprueft|gescannt|scanned|checked"),
        ("liability", 1, r"keine haftung|haftung (?:\w+ ){0,3}(?:ausgeschlossen|uebernehmen)"
                         r"|uebernehmen (?:\w+ ){0,2}keine|keine gewaehr|no liability"
                         r"|not (?:be )?liable|accepts? no (?:responsibility|liability)"
                         r"|(?:liability|responsibility) for any|disclaim"),
        ("binding", 2, r"rechtsverbindlich|legally binding|not binding|nicht verbindlich"),
    )
)  # fmt: skip

# One pass tells most sentences apart from a disclaimer before thirteen searches do.
_ANY_CONCEPT = re.compile("|".join(f"(?:{pattern.pattern})" for _c, _w, pattern in _CONCEPTS))

# The classic wordings, folded; a sentence close to one of them is boilerplate however scored.
_CANONICAL = (
    "diese e-mail enthaelt vertrauliche und/oder rechtlich geschuetzte informationen.",
    "wenn sie nicht der richtige adressat sind oder diese e-mail irrtuemlich erhalten haben,"
    " informieren sie bitte sofort den absender und vernichten sie diese mail.",
    "das unerlaubte kopieren sowie die unbefugte weitergabe dieser mail ist nicht gestattet.",
    "this email and any files transmitted with it are confidential and intended solely for the"
    " use of the individual or entity to whom they are addressed.",
    "if you have received this email in error please notify the sender immediately and delete"
    " it from your system.",
    "any unauthorised review, use, disclosure or distribution is prohibited.",
)
_FUZZY_MIN_CHARS = 40
_FUZZY_MAX_CHARS = 1_000  # a longer "sentence" is no copied disclaimer; comparing it is slow
_FUZZY_SCORE = 85


def _sentence_weight(sentence: str) -> int:
    folded = _fold(sentence)
    weights: dict[str, int] = {}
    has_concept = _ANY_CONCEPT.search(folded)
    for concept, weight, pattern in _CONCEPTS if has_concept else ():
        if weight > weights.get(concept, 0) and pattern.search(folded):
            weights[concept] = weight
    total = sum(weights.values())
    is_comparable = _FUZZY_MIN_CHARS <= len(folded) <= _FUZZY_MAX_CHARS
    if total < 2 and is_comparable and _is_close_to_canonical(folded):
        return 2
    return total


def _is_close_to_canonical(folded: str) -> bool:
    # partial_ratio finds a short string inside a long one; a sentence much shorter than the
    # wording would match any fragment of it ("bitte informieren sie den absender").
    return any(
        len(folded) >= 0.75 * len(canonical)
        and fuzz.partial_ratio(folded, canonical) >= _FUZZY_SCORE
        for canonical in _CANONICAL
    )


_SEPARATOR_LINE = re.compile(r"^\s*(?:[-_=*~]{2,}|--)\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ\"„“'(])")
_WRAPPED_LINE_CHARS = 55


def _paragraphs(text: str) -> Iterator[list[str]]:
    """Each paragraph as its lines, wrapped lines joined again ("…geschützte\\nInformationen")."""
    units: list[str] = []
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or _SEPARATOR_LINE.match(line):
            if units:
                yield units
            units = []
            continue
        previous = units[-1] if units else ""
        is_wrapped = len(previous) >= _WRAPPED_LINE_CHARS and previous[-1] not in ".!?:"
        if previous and (is_wrapped or line[0].islower()):
            units[-1] = f"{previous} {line}"
        else:
            units.append(line)
    if units:
        yield units


def disclaimers_found(text: str) -> list[str]:
    """The disclaimer passages in a plain text, each as written (whitespace collapsed).

    Steps: split into paragraphs and those into sentences; weigh each sentence by the ideas
    it contains; a run of sentences in one paragraph that holds a sentence weighing 2 or more,
    together with its neighbours weighing at least 1, is one passage.
    """
    passages: list[str] = []
    for units in _paragraphs(text[:MAX_INPUT_CHARS]):
        sentences = [s for unit in units for s in _SENTENCE_END.split(unit) if s.strip()]
        weights = [_sentence_weight(sentence) for sentence in sentences]
        run: list[str] = []
        has_seed = False
        for sentence, weight in zip(sentences, weights, strict=True):
            if weight >= 1:
                run.append(sentence)
                has_seed = has_seed or weight >= 2
                continue
            if has_seed:
                passages.append(_squash(" ".join(run)))
            run, has_seed = [], False
        if has_seed:
            passages.append(_squash(" ".join(run)))
    return passages


# ---------------------------------------------------------------------------------------------
# Legal details

_SEAT_LABEL = (
    r"(?:\bsitz\b|firmensitz|gesellschaftssitz|satzungssitz|unternehmenssitz|registered (?:office"
    r"|seat)|\bseat\b|\bdomicile\b|head office|ort der (?:handels)?niederlassung"
    r"|\bniederlassung\b)"
)
_COURT_LABEL = (
    r"(?:amtsgericht|registergericht|handelsgericht|landesgericht|firmenbuchgericht"
    r"|bezirksgericht|handelsregister|firmenbuch|\bag\b|\blg\b|\bhg\b|register court"
    r"|registry court|court of registration|local court|district court|commercial court"
    r"|registered at|registered in)"
)
_COURT_WORDS = re.compile(
    r"\b(?:amtsgericht|registergericht|handelsgericht|landesgericht|firmenbuchgericht"
    r"|bezirksgericht|ag|lg|hg|fuer|zrs|zivilrechtssachen|local|district|court|of)\b"
)
_DIRECTORS_LABEL = (
    r"(?:geschaeftsfuehr\w*|geschaeftsleitung|managing directors?|general manager|\bceo\b"
    r"|vorstand\w*|board of (?:management|directors)|executive board|management board"
    r"|\bdirectors?\b)"
)
_SUPERVISORY_LABEL = r"(?:aufsichtsrat\w*|supervisory board|chair\w* of the (?:supervisory )?board)"
_GENERAL_PARTNER_LABEL = (
    r"(?:komplementaer\w*|persoenlich haftende\w* gesellschafter\w*|\bphg\b|general partner"
    r"|personally liable partner)"
)
_PARTNERS_LABEL = r"(?:gesellschafter\w*|inhaber\w*|partners?\b)"
_LABELS = {
    "managing_directors": _DIRECTORS_LABEL,
    "partners": _PARTNERS_LABEL,
    "supervisory_chair": _SUPERVISORY_LABEL,
    "general_partner": _GENERAL_PARTNER_LABEL,
}
_REGISTER_NUMBER = r"\b(?:hr ?[ab]|gnr|pr|vr|fn|che)\W{0,3}(?:nr\.?|no\.?)?\W{0,3}\d"
_FORM_PATTERNS = {
    "de_gmbh": r"\bgmbh\b|gesellschaft mit beschraenkter haftung",
    "de_ug": r"\b(?:ug|unternehmergesellschaft)\s*\(haftungsbeschraenkt\)",
    "de_ag": r"\bag\b|aktiengesellschaft",
    "de_gmbh_co_kg": r"gmbh\s*(?:&|und)\s*co\.?\s*kg",
    "de_kg": r"\bkg\b|kommanditgesellschaft",
    "de_ohg": r"\bohg\b|offene handelsgesellschaft",
    "de_ek": r"\be\.\s?(?:k|kfm|kfr)\.|eingetragene[rn]? kauf(?:mann|frau)",
    "at_gmbh": r"\bgmbh\b|\bges\.?\s?m\.?\s?b\.?\s?h\b|gesellschaft mit beschraenkter haftung",
    "at_ag": r"\bag\b|aktiengesellschaft",
    "at_kg": r"\bkg\b|kommanditgesellschaft",
    "at_og": r"\bog\b|offene gesellschaft",
    "at_eu": r"\be\.\s?u\.|eingetragene[rn]? unternehmer",
}
# Signatures written in English name the city in English.
_CITY_ALIASES = {
    "muenchen": "munich", "koeln": "cologne", "nuernberg": "nuremberg", "wien": "vienna",
    "zuerich": "zurich", "genf": "geneva", "luzern": "lucerne", "braunschweig": "brunswick",
    "hannover": "hanover",
}  # fmt: skip
_TITLES = re.compile(r"\b(?:dr|prof|dipl|ing|mag|dkfm|mba|msc|bsc|ll\.?m)\b\.?(?:-\w+\.?)?")
# Between a label and its value: punctuation, line breaks (table cells) and a few linking
# words ("Sitz der Gesellschaft: München", "Sitz und Registergericht: München"), or for a seat
# a street address ending in the postcode ("Registered office: Leopoldstr. 12, 80331 Munich").
_SEAT_GAP = (
    r"(?:[\s:,\-]*(?:der gesellschaft|des unternehmens|und registergericht|and register court"
    r"|in|at|of)\b)*[\s:,\-]*(?:[^\n]{0,40}?\b\d{4,5}\s+)?"
)
_COURT_GAP = rf"(?:[\s:,\-]*(?:{_COURT_LABEL}|of|the|fuer|zrs|zivilrechtssachen)\b)*[\s:,\-]*"


def _city_pattern(city: str) -> str:
    names = [city, _CITY_ALIASES.get(city, "")]
    return r"\b(?:" + "|".join(re.escape(name) for name in names if name) + r")\b"


def _words_pattern(value: str) -> str:
    """A name with any spacing between its words ("Co.KG" for "Co. KG") and clear edges."""
    words = _fold(value).split()
    return r"(?<![a-z0-9])" + r"\s*".join(re.escape(w) for w in words) + r"(?![a-z0-9])"


def _court_city(court: str) -> str:
    words = re.findall(r"[a-z][a-z-]+", _COURT_WORDS.sub(" ", _fold(court)))
    return words[0] if words else ""


def _number_pattern(number: str) -> str:
    """'HRB 123456' as HRB123456, hrb 123 456, HRB-Nr. 123456; 'FN 123456 a' as FN 123456a."""
    compact = re.sub(r"[^a-z0-9]", "", _fold(number))
    prefix = re.match(r"[a-z]*", compact)
    letters = prefix.group(0) if prefix else ""
    rest = compact[len(letters) :]
    separator = r"[\s.\-/:]*"
    head = separator.join(re.escape(c) for c in letters)
    tail = separator.join(re.escape(c) for c in rest)
    label = r"(?:(?:nr|no|nummer)\.?[\s:]*)?" if letters else ""
    return rf"(?<![a-z0-9]){head}{separator}{label}{tail}(?![0-9])"


def _labelled(folded: str, label: str) -> str:
    """What follows each label up to the paragraph's end, or the next paragraph when the label
    stands alone ("Geschäftsführung:" in one table cell, the names in the next)."""
    segments = []
    for match in re.finditer(rf"{label}(?P<rest>[^\n]*(?:\n(?!\n)[^\n]*)*)", folded):
        rest = match.group("rest")
        if not re.search(r"[a-z]", rest):
            following = re.match(r"\s*([^\n]*(?:\n(?!\n)[^\n]*)*)", folded[match.end() :])
            rest = following.group(1) if following else ""
        segments.append(rest)
    return "\n".join(segments)


def _has_person(folded: str, name: str, label: str) -> bool:
    """The person is named after the label: family name and a first name, titles aside."""
    words = _TITLES.sub(" ", _fold(name)).replace(",", " ").split()
    if not words:
        return True
    named = _labelled(folded, label)
    if len(words) == 1:
        return bool(re.search(_words_pattern(words[0]), named))
    first, last = re.escape(words[0]), re.escape(words[-1])
    return bool(re.search(rf"\b{first}\b[^\n,;|]{{0,40}}?\b{last}\b", named))


def _has_label(folded: str, label: str) -> bool:
    return bool(re.search(rf"{label}\W{{0,3}}[a-z]", folded))


def _detail_present(detail: str, folded: str, company: CompanyFacts) -> bool:
    if detail == "legal_name":
        return not company.legal_name or bool(re.search(_words_pattern(company.legal_name), folded))
    if detail == "legal_form":
        return _has_legal_form(folded, company)
    if detail == "seat":
        seat = _fold(company.seat).strip()
        if not seat:
            return _has_label(folded, _SEAT_LABEL)
        return bool(re.search(rf"{_SEAT_LABEL}{_SEAT_GAP}{_city_pattern(seat)}", folded))
    if detail == "register_court":
        city = _court_city(company.register_court)
        if not city:
            return _has_label(folded, _COURT_LABEL)
        place = _city_pattern(city)
        return bool(
            re.search(rf"{_COURT_LABEL}{_COURT_GAP}{place}", folded)
            or re.search(rf"{place}\W{{0,3}}(?:local|district|commercial|register) court", folded)
        )
    if detail == "register_number":
        if not re.sub(r"\W", "", company.register_number):
            return bool(re.search(_REGISTER_NUMBER, folded))
        return bool(re.search(_number_pattern(company.register_number), folded))
    if detail == "uid":
        return bool(re.search(_number_pattern(company.register_number or "CHE"), folded))
    return _has_label(folded, _LABELS[detail])


def _has_legal_form(folded: str, company: CompanyFacts) -> bool:
    pattern = _FORM_PATTERNS.get(_legal_form_key(company))
    if not pattern:
        return True
    city = _court_city(company.register_court)
    if city:  # "AG München" is the Amtsgericht, not an Aktiengesellschaft
        folded = re.sub(rf"\bag\W{{0,3}}{_city_pattern(city)}", " ", folded)
    return bool(re.search(pattern, folded))


def _missing_message(detail: str, company: CompanyFacts) -> str:
    label = LEGAL_FORMS.get(company.legal_form, ("", ""))[1]
    messages = {
        "legal_name": _("The company name “%(value)s” is missing."),
        "legal_form": _("The legal form (%(value)s) is missing."),
        "seat": _("The registered seat (“Sitz: %(value)s”) is missing."),
        "register_court": _("The register court (%(value)s) is missing."),
        "register_number": _("The register number (%(value)s) is missing."),
        "managing_directors": _("The managing directors are not named."),
        "partners": _("The partners are not named."),
        "supervisory_chair": _("The chair of the supervisory board is not named."),
        "general_partner": _(
            "The personally liable partner is not named with its own legal form, seat, "
            "register court and number."
        ),
        "uid": _("The business identification number (UID %(value)s) is recommended."),
    }
    values = {
        "legal_name": company.legal_name,
        "legal_form": label,
        "seat": company.seat,
        "register_court": company.register_court,
        "register_number": company.register_number,
        "uid": company.register_number,
    }
    value = values.get(detail, "")
    if detail in values and not value:
        # Nothing to quote: master data lacks it too.
        unknown = {
            "legal_name": _("The company name is missing."),
            "legal_form": _("The legal form is missing."),
            "seat": _("The registered seat is missing; enter it in the company data."),
            "register_court": _("The register court is missing; enter it in the company data."),
            "register_number": _("The register number is missing; enter it in the company data."),
            "uid": _("The business identification number (UID) is recommended."),
        }
        return str(unknown[detail])
    return messages[detail] % {"value": value}


def _person_message(detail: str, name: str, company: CompanyFacts) -> str:
    if detail == "partners":
        return _("The partner %(name)s is not named.") % {"name": name}
    if _legal_form_key(company) in ("de_ag", "at_ag"):
        return _("The management board member %(name)s is not named.") % {"name": name}
    return _("The managing director %(name)s is not named.") % {"name": name}


def _where(missing_in: list[str], versions: dict[str, str]) -> str:
    if len(versions) < 2 or len(missing_in) == len(versions):
        return ""
    if missing_in == ["html"]:
        return " " + _("It is missing from the HTML version only.")
    return " " + _("It is missing from the plain-text version only.")


def _legal_findings(versions: dict[str, str], company: CompanyFacts) -> list[Finding]:
    """One finding per required detail (or named person) that a version of the signature lacks."""
    folded = {name: _fold(text) for name, text in versions.items()}
    findings: list[Finding] = []
    checks = [(d, "legal_missing") for d in required_details(company)]
    checks += [(d, "legal_recommended") for d in recommended_details(company)]
    for detail, code in checks:
        people = company.managing_directors if detail in ("managing_directors", "partners") else ()
        if people:
            for name in people:
                missing = [
                    v for v, text in folded.items() if not _has_person(text, name, _LABELS[detail])
                ]
                if missing:
                    message = _person_message(detail, name, company) + _where(missing, versions)
                    findings.append(Finding(code, message, name))
            continue
        missing = [v for v, text in folded.items() if not _detail_present(detail, text, company)]
        if missing:
            message = _missing_message(detail, company) + _where(missing, versions)
            findings.append(Finding(code, message, detail))
    return findings


# ---------------------------------------------------------------------------------------------
# Phones and e-mail addresses

# Starting only where a local part can start keeps a long run of letters from being tried at
# every position (quadratic).
_EMAIL = re.compile(
    r"(?<![a-z0-9._%+-])[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})*\.[a-z]{2,24}\b",
    re.IGNORECASE,
)
_TRUNK_ZERO = re.compile(r"(\+\d{1,3}|\b00\d{1,3})\s*\(\s*0\s*\)\s*")
# Register numbers, tax and bank ids hold digit runs the phone matcher could take for numbers.
_NOT_PHONES = re.compile(
    r"\b(?:HR ?[AB]|GnR|PR|VR|FN)\W{0,3}(?:Nr\.?\W{0,2})?\d[\d ]*[a-z]?\b"
    r"|\bCHE\W?\d{3}\W?\d{3}\W?\d{3}\b"
    r"|\b(?:DE|ATU)\d{8,9}\b"
    r"|\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b",
    re.IGNORECASE,
)
# A signature holds a handful of numbers; a cap on tries keeps a hostile input bounded.
_PHONE_MAX_TRIES = 500


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _master_phones(phones: Iterable[str], region: str) -> set[str]:
    known = set()
    for raw in phones:
        try:
            number = phonenumbers.parse(_TRUNK_ZERO.sub(r"\1 ", raw), region)
        except phonenumbers.NumberParseException:
            continue
        known.add(_e164(number))
    return known


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def _phones_in(text: str, region: str) -> Iterator[tuple[str, phonenumbers.PhoneNumber]]:
    """(as written, parsed) for each phone number in the text; "+49 (0)89" read as "+49 89".

    What is not a phone is blanked out rather than removed, so positions stay those of the
    text and each number is reported as written.
    """
    searched = _NOT_PHONES.sub(_blank, text)
    searched = _TRUNK_ZERO.sub(
        lambda match: match.group(1) + " " * (len(match.group(0)) - len(match.group(1))),
        searched,
    )
    matcher = phonenumbers.PhoneNumberMatcher(searched, region, max_tries=_PHONE_MAX_TRIES)
    for match in matcher:
        yield _squash(text[match.start : match.end]), match.number


def _tel_links(links: Iterable[str], region: str) -> Iterator[tuple[str, phonenumbers.PhoneNumber]]:
    for link in links:
        if link.lower().startswith("tel:"):
            raw = link[4:].strip()
            try:
                yield raw, phonenumbers.parse(_TRUNK_ZERO.sub(r"\1 ", raw), region)
            except phonenumbers.NumberParseException:
                continue


def _contact_findings(
    versions: dict[str, str], links: list[str], company: CompanyFacts,
    person: PersonFacts | None, region: str,
) -> list[Finding]:  # fmt: skip
    """Phones and addresses not in master data; phones not written internationally."""
    person_phones = person.phones if person else ()
    person_emails = person.emails if person else ()
    known_phones = _master_phones((*company.phones, *person_phones), region)
    known_emails = {e.strip().lower() for e in (*company.emails, *person_emails) if e.strip()}
    unknown: list[Finding] = []
    formats: list[Finding] = []
    seen: set[tuple[str, str]] = set()

    def add(findings: list[Finding], code: str, message: str, detail: str) -> None:
        if (code, detail) not in seen:
            seen.add((code, detail))
            findings.append(Finding(code, message, detail))

    written = [found for text in versions.values() for found in _phones_in(text, region)]
    reported: set[str] = set()
    for raw, number in [*written, *_tel_links(links, region)]:
        e164 = _e164(number)
        if e164 not in known_phones and e164 not in reported:  # written and linked: once
            reported.add(e164)
            message = _("The phone number “%(value)s” is not in the master data.")
            add(unknown, "phone_unknown", message % {"value": raw}, raw)
    for raw, number in written:
        if not raw.startswith(("+", "00")):
            international = phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
            )
            message = _("Write the phone number “%(value)s” internationally: “%(suggestion)s”.")
            add(formats, "phone_format", message % {"value": raw, "suggestion": international},
                raw)  # fmt: skip
    mailto = [link[7:].split("?")[0] for link in links if link.lower().startswith("mailto:")]
    addresses = [
        m.group(0) for text in (*versions.values(), *mailto) for m in _EMAIL.finditer(text)
    ]
    for address in addresses:
        if address.lower() not in known_emails:
            message = _("The e-mail address “%(value)s” is not in the master data.")
            add(unknown, "email_unknown", message % {"value": address}, address.lower())
    return unknown + formats


# ---------------------------------------------------------------------------------------------
# Images

_SHOWN_SRC_CHARS = 80


def _pixels(value: str | None) -> int | None:
    match = re.fullmatch(r"\s*(\d+)(?:\.\d+)?\s*(?:px)?\s*", value or "")
    return int(match.group(1)) if match else None


def _data_uri_bytes(src: str) -> int | None:
    header, comma, payload = src.partition(",")
    if not src.lower().startswith("data:") or not comma:
        return None
    if header.lower().endswith(";base64"):
        return len(re.sub(r"[\s=]", "", payload)) * 3 // 4
    return len(payload)


def _image_findings(images: list[_Image], sizes: dict[str, int]) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for image in images:
        src = image.src[:DETAIL_CHARS]
        shown = image.src if len(image.src) <= _SHOWN_SRC_CHARS else image.src[:77] + "…"
        problems: list[tuple[str, str]] = []
        if not (image.alt or "").strip():
            problems.append(("image_alt", _("The image “%(src)s” has no alternative text.")))
        size = sizes.get(image.src, _data_uri_bytes(image.src))
        if size is not None and size > MAX_IMAGE_BYTES:
            message = _("The image “%(src)s” has %(size)s kB; keep it under %(limit)s kB.")
            problems.append(("image_size", message))
        width, height = _pixels(image.width), _pixels(image.height)
        if width is None or height is None:
            message = _("The image “%(src)s” has no fixed width and height in pixels.")
            problems.append(("image_dimensions", message))
        elif width > MAX_IMAGE_WIDTH:
            message = _("The image “%(src)s” is %(width)s px wide; at most %(limit)s px fit.")
            problems.append(("image_dimensions", message))
        for code, message in problems:
            if (code, src) in seen:
                continue
            seen.add((code, src))
            limit = MAX_IMAGE_WIDTH if code == "image_dimensions" else MAX_IMAGE_BYTES // 1000
            values = {"src": shown, "size": (size or 0) // 1000, "width": width, "limit": limit}
            findings.append(Finding(code, message % values, src))
    return findings


# ---------------------------------------------------------------------------------------------


def signature_lint(
    *, html: str, text: str, company: CompanyFacts, person: PersonFacts | None,
    max_image_bytes: dict[str, int] | None = None, region: str = "DE",
) -> list[Finding]:  # fmt: skip
    """Every problem of one signature (HTML and/or plain text), in a stable order.

    Steps: read the HTML's visible text, images and links; then report disclaimers, missing
    legal details (per version: a recipient sees only one of them), phones and e-mail
    addresses against master data, phone formats, and images.
    """
    parsed = _parse_html(html) if html.strip() else _Parsed()
    versions = {
        name: content
        for name, content in (("html", parsed.text), ("text", text[:MAX_INPUT_CHARS].strip()))
        if content
    }
    findings: list[Finding] = []
    seen_passages: set[str] = set()
    for content in versions.values():
        for passage in disclaimers_found(content):
            key = _fold(passage)
            if key not in seen_passages:
                seen_passages.add(key)
                message = _("Disclaimer boilerplate binds no recipient; leave it out.")
                findings.append(Finding("disclaimer", message, passage[:DETAIL_CHARS]))
    if versions:
        findings += _legal_findings(versions, company)
    phone_region = (region or company.country or "DE").upper()
    contact_texts = dict(versions)
    if contact_texts.get("html") == contact_texts.get("text"):
        contact_texts.pop("text", None)  # the same words need matching once
    findings += _contact_findings(contact_texts, parsed.links, company, person, phone_region)
    findings += _image_findings(parsed.images, max_image_bytes or {})
    return findings
