"""What the model sees of a text: hashed word and character n-grams plus lexicon signals.

Training and reading call the same function, so the model never sees a text differently from
how it was trained. N-grams catch phrasing ("kommt nie an", "waste of money") and German compounds
through their character pieces ("verspaet" in Zugverspätung); the lexicon signals carry what the
n-grams cannot know from a few thousand training texts: the polarity of words never seen in
training, negation and intensity.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

from touchbase.listening.analysis.language import language_of
from touchbase.listening.analysis.lexicon import Lexicon, Polarity, soft
from touchbase.listening.analysis.text import PUNCTUATION, clipped, shouted_words, tokens

BUCKETS = 1 << 20
QUESTION_WORDS = frozenset(
    (
        "wie",
        "wann",
        "wo",
        "warum",
        "wieso",
        "weshalb",
        "was",
        "welche",
        "welcher",
        "welches",
        "wer",
        "gibt",
        "kann",
        "koennt",
        "koennte",
        "darf",
        "muss",
        "wird",
        "ist",
        "sind",
        "habt",
        "hat",
        "how",
        "when",
        "where",
        "why",
        "what",
        "which",
        "who",
        "is",
        "are",
        "can",
        "could",
        "does",
        "do",
        "will",
        "would",
    )
)
LENGTHS = ((4, "tiny"), (12, "short"), (30, "medium"), (80, "long"))


# Words that mark a text as reporting or informing rather than judging: news ("laut", "meldet"),
# announcements ("ab" a date, "um" a time) and their English counterparts.
REPORTING = frozenset(
    (
        "laut", "meldet", "melden", "berichtet", "berichten", "bericht", "mitteilte",
        "mitgeteilt", "teilt", "pressemitteilung", "zufolge", "heisst", "hiess", "erklaerte",
        "sagte", "kuendigt", "kuendigte", "angekuendigt", "plant", "geplant", "soll", "sollen",
        "info", "infos", "hinweis", "aktuell", "ab", "uhr", "according", "reports", "reported",
        "announced", "announces", "update", "news",
    )
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Parts:
    """A text taken apart for the model: what the linear weights add up, and what gates them.

    `units` are the word keys (each stands for its unigram and character n-grams), `bigrams`
    the word pairs within a clause; both are scaled by `scale`. `signals` are dense values.
    `evidence` counts the polar lexicon hits (words, emoji, emoticons); `informational` says
    the text asks, links, announces or reports.
    """

    language: str
    units: list[str]
    bigrams: list[str]
    scale: float
    signals: dict[str, float]
    evidence: int
    informational: bool


@dataclass(frozen=True, slots=True)
class Seen:
    """One text as training sees it: its parts and its hashed feature vector."""

    parts: Parts
    vector: dict[int, float]


def bucket(name: str) -> tuple[int, float]:
    """The hashed column of a feature and its sign (signs keep collisions from adding up)."""
    code = zlib.crc32(name.encode("utf-8"))
    return code & (BUCKETS - 1), 1.0 if code & 0x80000000 else -1.0


def parts_of(text: str, lexicon: Lexicon) -> Parts:
    """Take a text apart: language, word units, bigrams, dense signals and the gate's evidence."""
    text = clipped(text)
    language = language_of(text)
    words = tokens(text)
    marks = lexicon.negated(words)
    units: list[str] = []
    bigrams: list[str] = []
    previous = ""
    for word, is_negated in zip(words, marks, strict=True):
        if word in PUNCTUATION:
            previous = ""
            continue
        units.append(("w~" if is_negated else "w:") + word)
        if previous:
            bigrams.append(f"b:{previous} {word}")
        previous = word
    polarity = lexicon.walk(words, marks)
    informational = is_informational(text, words)
    found = signals(text, words, polarity, language, informational)
    # A fixed scale by length (not the vector's norm) keeps reading a sum of cached word weights.
    return Parts(language, units, bigrams, 1.0 / math.sqrt(len(units) + 1), found,
                 polarity.hits, informational)  # fmt: skip


def is_informational(text: str, words: list[str]) -> bool:
    """Does the text ask, link, announce or report (rather than say how someone feels)?"""
    if "?" in text or "xurl" in words:
        return True
    if words and words[0] in QUESTION_WORDS and len(words) > 2:
        return True
    return any(word in REPORTING for word in words)


def see(text: str, lexicon: Lexicon) -> Seen:
    """The parts and the hashed feature vector of a text (what training fits)."""
    parts = parts_of(text, lexicon)
    vector: dict[int, float] = {}
    for unit in parts.units:
        for index, value in unit_features(unit):
            vector[index] = vector.get(index, 0.0) + value * parts.scale
    for name in parts.bigrams:
        index, sign = bucket(name)
        vector[index] = vector.get(index, 0.0) + sign * parts.scale
    for name, value in parts.signals.items():
        index, sign = bucket(name)
        vector[index] = vector.get(index, 0.0) + sign * value
    return Seen(parts=parts, vector=vector)


WORD_CACHE: dict[str, tuple[tuple[int, float], ...]] = {}


def unit_features(unit: str) -> tuple[tuple[int, float], ...]:
    """The hashed unigram and character 3- and 5-grams of a word unit, remembered: words recur."""
    found = WORD_CACHE.get(unit)
    if found is not None:
        return found
    word = unit[2:]
    names = [unit]
    if len(word) > 3 and word.isalpha():
        padded = f"<{word}>"
        names += ["c:" + padded[start : start + size] for size in (3, 5)
                  for start in range(len(padded) - size + 1)]  # fmt: skip
    hashed: dict[int, float] = {}
    for position, name in enumerate(names):
        index, sign = bucket(name)
        hashed[index] = hashed.get(index, 0.0) + sign * (1.0 if position == 0 else 0.5)
    found = tuple(hashed.items())
    if len(WORD_CACHE) < 200_000:
        WORD_CACHE[unit] = found
    return found


def signals(
    text: str, words: list[str], polarity: Polarity, language: str, informational: bool
) -> dict[str, float]:
    """Dense signals: lexicon polarity, negation, punctuation, questions, links, length."""
    word_count = sum(1 for word in words if word not in PUNCTUATION and word[0] not in "!?")
    exclaimed = sum(word.count("!") for word in words if word[0] == "!")
    found: dict[str, float] = {
        "s:pos": soft(polarity.positive),
        "s:neg": soft(polarity.negative),
        "s:balance": soft(polarity.positive - polarity.negative),
        "s:density": (polarity.positive + polarity.negative) / math.sqrt(word_count + 1),
        "s:none": 1.0 if polarity.hits == 0 else 0.0,
        "s:negated": min(polarity.negated_hits, 2) / 2,
        "s:bias": 1.0,
        f"s:lang:{language or '?'}": 1.0,
    }
    if exclaimed:
        found["s:!"] = min(exclaimed, 3) / 3
        found["s:!pos"] = soft(polarity.positive)
        found["s:!neg"] = soft(polarity.negative)
    if "?" in text:
        found["s:?"] = 1.0
    if words and words[0] in QUESTION_WORDS:
        found["s:asks"] = 1.0
    if "xurl" in words:
        found["s:url"] = 1.0
    if informational:
        found["s:info"] = 1.0
        if polarity.hits == 0:
            found["s:info:plain"] = 1.0
    if "xuser" in words:
        found["s:user"] = 1.0
    shouted = shouted_words(text)
    if shouted:
        found["s:caps"] = min(shouted, 3) / 3
    found["s:len:" + next((name for limit, name in LENGTHS if word_count <= limit), "huge")] = 1.0
    return found
