"""Finding likely duplicates among many customers quickly: normalised names, blocks, rapidfuzz.

Pure computation over plain tuples, no database: the scan service loads the rows, this module
finds the pairs, the service stores them. Comparing every customer with every other is
quadratic (100,000 contacts are five billion pairs), so names are only compared inside blocks
that a duplicate would share: the same account, or the same phonetic key of a name word.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from rapidfuzz import fuzz, process

# token_sort_ratio at or above this: Meier/Maier (90), a typo in a long name, swapped words.
NAME_CUTOFF = 85
# More rows than this sharing one e-mail, phone or domain are a switchboard or info@ address
# that colleagues share, not one customer entered twice: such groups say nothing.
MAX_EXACT_GROUP = 12
# A name block this large is a very common word ("Bäckerei", "Thomas"); its members share
# rarer words too, whose blocks still compare them.
MAX_NAME_BLOCK = 3000
# Each word of one name must be at least this close to a word of the other: Josef/Joseph (73).
WORD_CUTOFF = 70
# Below this many names, pairwise calls cost less than setting up a bulk comparison.
SMALL_BLOCK = 8

UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe"})
LEGAL_FORMS = [
    "gmbh & co. kg", "gmbh & co kg", "gmbh co kg", "ug (haftungsbeschraenkt)",
    "ug haftungsbeschraenkt", "gmbh", "mbh", "ag", "kg", "ohg", "gbr", "ug", "e.k.", "e.kfr.",
    "ek", "e.v.", "ev", "eg", "se", "kgaa", "ltd", "ltd.", "limited", "inc", "inc.", "llc",
    "corp", "corp.", "co", "co.", "plc", "s.r.l.", "srl", "s.p.a.", "spa", "sa", "s.a.",
    "sarl", "s.a.r.l.", "bv", "b.v.", "nv", "n.v.", "ab", "as", "oy", "gesmbh", "ges.m.b.h.",
    "& co", "und co", "& co.",
]  # fmt: skip
# Mail providers whose domain many unrelated customers share.
FREE_MAIL = {
    "gmail.com", "googlemail.com", "gmx.de", "gmx.net", "gmx.at", "gmx.ch", "web.de",
    "t-online.de", "yahoo.com", "yahoo.de", "outlook.com", "outlook.de", "hotmail.com",
    "hotmail.de", "live.com", "live.de", "icloud.com", "me.com", "mac.com", "aol.com",
    "freenet.de", "posteo.de", "mailbox.org", "mail.de", "arcor.de", "bluewin.ch", "aon.at",
    "libero.it", "protonmail.com", "proton.me", "online.de", "msn.com",
}  # fmt: skip
_WORD_RE = re.compile(r"\w+")
_LEGAL_FORM_RE = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(form) for form in sorted(LEGAL_FORMS, key=len, reverse=True))
    + r")(?!\w)"
)  # fmt: skip


# First names, last names and their words repeat across 100,000 customers: each is worked
# out once.
@functools.lru_cache(maxsize=2**16)
def name_normalize(text: str) -> str:
    """Casefold, umlauts written out (Müller = Mueller), accents stripped, words only."""
    text = text.casefold().translate(UMLAUTS)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(_WORD_RE.findall(text))


def company_normalize(name: str) -> str:
    """A company name without its legal form: "Sonnenschein GmbH & Co. KG" = "Sonnenschein"."""
    stripped = _LEGAL_FORM_RE.sub(" ", name.casefold().translate(UMLAUTS))
    return name_normalize(stripped) or name_normalize(name)


def sorted_words(normalized: str) -> str:
    """The words in order, so that a plain ratio equals token_sort_ratio (swapped names)."""
    return " ".join(sorted(normalized.split()))


def domain_of(value: str) -> str:
    """The domain of a website or e-mail address, without www.; "" for free-mail providers."""
    value = value.strip().casefold()
    if "@" in value:
        domain = value.rsplit("@", 1)[1]
    else:
        domain = urlsplit(value if "//" in value else "//" + value).hostname or ""
    domain = domain.removeprefix("www.").strip(".")
    return "" if domain in FREE_MAIL or "." not in domain else domain


def street_normalize(street: str) -> str:
    """Straße = Str. = Strasse, spaces and dots ignored."""
    text = name_normalize(street).replace(" ", "")
    return re.sub(r"(strasse|str)(?=\d|$)", "str", text)


# --- Kölner Phonetik: one key for Meier, Maier, Mayer; for Schmidt and Schmitt ---------------

_SIMPLE = {
    **dict.fromkeys("aeijouy", "0"), "b": "1", **dict.fromkeys("fvw", "3"),
    **dict.fromkeys("gkq", "4"), "l": "5", **dict.fromkeys("mn", "6"), "r": "7",
    **dict.fromkeys("sz", "8"),
}  # fmt: skip


@functools.lru_cache(maxsize=2**16)
def phonetic_key(word: str) -> str:
    """The Kölner Phonetik code of one normalised word (letters a-z; others are skipped)."""
    letters = [char for char in word if "a" <= char <= "z"]
    codes = []
    for index, char in enumerate(letters):
        before = letters[index - 1] if index else ""
        after = letters[index + 1] if index + 1 < len(letters) else ""
        codes.append(_code(char, before, after, index == 0))
    collapsed: list[str] = []
    for code in "".join(codes):
        if not collapsed or collapsed[-1] != code:
            collapsed.append(code)
    if not collapsed:
        return ""
    return collapsed[0] + "".join(code for code in collapsed[1:] if code != "0")


def _code(char: str, before: str, after: str, first: bool) -> str:
    if char == "h":
        return ""
    if char == "p":
        return "3" if after == "h" else "1"
    if char in "dt":
        return "8" if after in ("c", "s", "z") and after else "2"
    if char == "c":
        if first:
            return "4" if after and after in "ahkloqrux" else "8"
        if before in ("s", "z"):
            return "8"
        return "4" if after and after in "ahkoqux" else "8"
    if char == "x":
        return "8" if before in ("c", "k", "q") and before else "48"
    return _SIMPLE.get(char, "")


# --- pairs ---------------------------------------------------------------------------------


@dataclass
class Found:
    """The pairs found so far: (smaller id, larger id) → {reason: score}."""

    pairs: dict[tuple[int, int], dict[str, int]] = field(default_factory=dict)

    def add(self, first: int, second: int, reason: str, score: int) -> None:
        if first == second:
            return
        key = (first, second) if first < second else (second, first)
        reasons = self.pairs.setdefault(key, {})
        reasons[reason] = max(score, reasons.get(reason, 0))


def exact_groups(found: Found, keyed: Iterable[tuple[int, str]], reason: str, score: int) -> None:
    """Rows sharing a non-empty key are pairs (groups too large to mean anything skipped)."""
    groups: dict[str, dict[int, None]] = defaultdict(dict)
    for row_id, key in keyed:
        if key:
            groups[key][row_id] = None
    for group in groups.values():
        members = list(group)
        if 1 < len(members) <= MAX_EXACT_GROUP:
            for index, first in enumerate(members):
                for second in members[index + 1 :]:
                    found.add(first, second, reason, score)


def similar_in_blocks(
    found: Found, blocks: Iterable[list[tuple[int, str]]], reason: str, cutoff: int = NAME_CUTOFF
) -> int:
    """Compare the names within each block with rapidfuzz; returns how many were compared.

    Each pair is compared as written and with its words sorted (token_sort_ratio), and the
    better score counts: sorted, swapped first and last names score 100; as written, a typo
    in a first letter ("Davids"/"Daeids") cannot move a word to the other end. The score
    kept is the similarity itself.
    """
    compared = 0
    for block in blocks:
        if len(block) < 2 or len(block) > MAX_NAME_BLOCK:
            continue
        compared += len(block) * (len(block) - 1) // 2
        best: dict[tuple[int, int], int] = {}
        for words in (str, sorted_words):
            for first, second, score in _block_pairs(block, words, cutoff):
                best[(first, second)] = max(score, best.get((first, second), 0))
        for (first, second), score in best.items():
            found.add(first, second, reason, score)
    return compared


def _block_pairs(
    block: list[tuple[int, str]], words: Callable[[str], str], cutoff: int
) -> Iterator[tuple[int, int, int]]:
    ids = [row_id for row_id, _name in block]
    names = [words(name) for _id, name in block]
    if len(block) <= SMALL_BLOCK:
        for index, name in enumerate(names):
            for other in range(index + 1, len(names)):
                score = fuzz.ratio(name, names[other], score_cutoff=cutoff)
                if score and words_agree(name, names[other]):
                    yield ids[index], ids[other], round(score)
        return
    for index, name in enumerate(names[:-1]):
        rest = names[index + 1 :]
        for choice, score, position in process.extract(
            name, rest, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        ):
            if words_agree(name, choice):
                yield ids[index], ids[index + 1 + position], round(score)


def words_agree(first: str, second: str) -> bool:
    """Every word of the shorter name has a close word in the other (an initial counts).

    The whole-name ratio alone lets a long shared word carry two different ones: "Arnd
    Rörricht" and "Marian Rörricht" score 87, "Schreinerei Nerger" and "Schreinerei Rogge" 77.
    """
    shorter, longer = sorted((first.split(), second.split()), key=len)
    return all(any(_word_close(word, other) for other in longer) for word in shorter)


def _word_close(word: str, other: str) -> bool:
    if len(word) == 1 or len(other) == 1:
        return word[0] == other[0]
    return fuzz.ratio(word, other) >= WORD_CUTOFF


def word_blocks(
    rows: Iterable[tuple[int, str]], places: dict[int, str] | None = None
) -> list[list[tuple[int, str]]]:
    """Rows (id, normalised name) in one block per phonetic key of each of their words.

    A name lands in the block of every word, so "Hans Meier" meets "Meier Hans" (swapped)
    and "Hans Maier" (one key for Meier and Maier). With places (id → postal code), a block
    is split by place when every row in it has one: rows of different places are not
    compared at all.
    """
    blocks: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row_id, name in rows:
        for key in {phonetic_key(word) for word in name.split() if len(word) > 1}:
            if key:
                blocks[key].append((row_id, name))
    if places is None:
        return list(blocks.values())
    result = []
    for block in blocks.values():
        if not all(places.get(row_id) for row_id, _name in block):
            result.append(block)
            continue
        by_place: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for row in block:
            by_place[places[row[0]]].append(row)
        result.extend(by_place.values())
    return result


# --- what links two contacts, two accounts ---------------------------------------------------

# The strength of each signal alone; a name's is its similarity scaled by NAME_WEIGHT.
EMAIL_SCORE, PHONE_SCORE, DOMAIN_SCORE, ADDRESS_SCORE = 100, 90, 85, 70
NAME_WEIGHT = 0.9
# Two private customers with the same name may be two people: their name counts less.
PRIVATE_NAME_WEIGHT = 0.85
# A private customer's name match elsewhere (another postal code) counts this much less.
ELSEWHERE_PENALTY = 10
# Each further signal adds this much to the strongest.
EXTRA_SIGNAL = 5

ContactRow = tuple[int, str, str, str, str, str, "int | None", str, str]
AccountRow = tuple[int, str, str, str, str, str, str]


def score_of(reasons: dict[str, int]) -> int:
    """One score for a pair: its strongest signal, plus a little for every other one."""
    return min(100, max(reasons.values()) + EXTRA_SIGNAL * (len(reasons) - 1))


def phone_key(number: str) -> str:
    """Digits and a leading plus: numbers stored as written still meet their twins."""
    return re.sub(r"[^\d+]", "", number)


def contact_pairs(rows: Sequence[ContactRow]) -> Found:
    """Pairs of contacts: same e-mail, a phone equal to the other's phone or mobile, and
    similar names at the same account or, for private customers, in a name block.

    rows: (id, first_name, last_name, email, phone, mobile, account_id, street, postal_code).
    """
    found = Found()
    exact_groups(found, ((r[0], r[3].strip().casefold()) for r in rows), "email", EMAIL_SCORE)
    phones = [(r[0], phone_key(number)) for r in rows for number in (r[4], r[5])]
    exact_groups(found, phones, "phone", PHONE_SCORE)
    names = {r[0]: f"{name_normalize(r[1])} {name_normalize(r[2])}".strip() for r in rows}
    by_account: dict[int, list[tuple[int, str]]] = defaultdict(list)
    private = []
    for row in rows:
        if row[6] is not None:
            by_account[row[6]].append((row[0], names[row[0]]))
        else:
            private.append((row[0], names[row[0]]))
    _weighted_names(found, by_account.values(), NAME_WEIGHT)
    _weighted_names(found, word_blocks(private), PRIVATE_NAME_WEIGHT)
    private_rows = [r for r in rows if r[6] is None]
    addresses = {r[0]: _address_key(r[7], r[8]) for r in private_rows}
    postal_codes = {r[0]: _postal(r[8]) for r in private_rows}
    for (first, second), reasons in found.pairs.items():
        address = addresses.get(first)
        if address and address == addresses.get(second):
            reasons["address"] = ADDRESS_SCORE
        elif set(reasons) == {"name"} and _apart(postal_codes, first, second):
            # Two private customers of one name in different places are more often two
            # people than one who moved: still offered, below those who live in one place.
            reasons["name"] -= ELSEWHERE_PENALTY
    return found


def account_pairs(rows: Sequence[AccountRow]) -> Found:
    """Pairs of accounts: similar names without legal forms, the same website or e-mail
    domain, the same phone, the same postal code and street.

    rows: (id, name, email, website, phone, street, postal_code).
    """
    found = Found()
    domains = [(r[0], domain_of(value)) for r in rows for value in (r[2], r[3]) if value]
    exact_groups(found, domains, "domain", DOMAIN_SCORE)
    exact_groups(found, ((r[0], phone_key(r[4])) for r in rows), "phone", PHONE_SCORE)
    exact_groups(found, ((r[0], _address_key(r[5], r[6])) for r in rows), "address",
                 ADDRESS_SCORE)  # fmt: skip
    names = [(r[0], company_normalize(r[1])) for r in rows]
    postal_codes = {r[0]: _postal(r[6]) for r in rows}
    by_name = Found()
    _weighted_names(by_name, word_blocks(names, places=postal_codes), NAME_WEIGHT)
    for (first, second), reasons in by_name.pairs.items():
        # A company of the same name at another postal code is another company or a branch
        # (Autohaus Schmidt in Munich and in Hamburg), unless something else links them.
        if (first, second) in found.pairs or not _apart(postal_codes, first, second):
            found.add(first, second, "name", reasons["name"])
    return found


def _postal(postal_code: str) -> str:
    return postal_code.strip().replace(" ", "").casefold()


def _apart(postal_codes: dict[int, str], first: int, second: int) -> bool:
    """Both postal codes known and different."""
    one, other = postal_codes.get(first, ""), postal_codes.get(second, "")
    return bool(one and other and one != other)


def _weighted_names(found: Found, blocks: Iterable[list[tuple[int, str]]], weight: float) -> None:
    similar = Found()
    similar_in_blocks(similar, blocks, "name")
    for (first, second), reasons in similar.pairs.items():
        found.add(first, second, "name", round(reasons["name"] * weight))


def _address_key(street: str, postal_code: str) -> str:
    street, postal_code = street_normalize(street), postal_code.strip().replace(" ", "")
    return f"{postal_code}|{street}" if street and postal_code else ""
