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
from touchbase.listening.analysis.lexicon import Lexicon, soft
from touchbase.listening.analysis.text import PUNCTUATION, shouted_words, tokens

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


@dataclass(frozen=True, slots=True)
class Seen:
    """One text as the model sees it: its language and its hashed feature vector."""

    language: str
    vector: dict[int, float]


def bucket(name: str) -> tuple[int, float]:
    """The hashed column of a feature and its sign (signs keep collisions from adding up)."""
    code = zlib.crc32(name.encode("utf-8"))
    return code & (BUCKETS - 1), 1.0 if code & 0x80000000 else -1.0


def see(text: str, lexicon: Lexicon) -> Seen:
    """The language and feature vector of a text."""
    language = language_of(text)
    words = tokens(text)
    marks = lexicon.negated(words)
    vector = ngrams(words, marks)
    norm = math.sqrt(sum(value * value for value in vector.values())) or 1.0
    for index in vector:
        vector[index] /= norm
    for name, value in signals(text, words, marks, language, lexicon).items():
        index, sign = bucket(name)
        vector[index] = vector.get(index, 0.0) + sign * value
    return Seen(language=language, vector=vector)


def ngrams(words: list[str], negated: list[bool]) -> dict[int, float]:
    """Hashed word unigrams (marked when negated), bigrams within a clause, character n-grams."""
    vector: dict[int, float] = {}
    previous = ""
    for word, is_negated in zip(words, negated, strict=True):
        if word in PUNCTUATION:
            previous = ""
            continue
        for index, value in word_features(word, is_negated):
            vector[index] = vector.get(index, 0.0) + value
        if previous:
            index, sign = bucket(f"b:{previous} {word}")
            vector[index] = vector.get(index, 0.0) + sign
        previous = word
    return vector


WORD_CACHE: dict[str, tuple[tuple[int, float], ...]] = {}


def word_features(word: str, is_negated: bool) -> tuple[tuple[int, float], ...]:
    """The hashed unigram and character 3- and 5-grams of a word, remembered: words recur."""
    unigram = ("w~" if is_negated else "w:") + word
    found = WORD_CACHE.get(unigram)
    if found is not None:
        return found
    names = [unigram]
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
        WORD_CACHE[unigram] = found
    return found


def signals(
    text: str, words: list[str], marks: list[bool], language: str, lexicon: Lexicon
) -> dict[str, float]:
    """Dense signals: lexicon polarity, negation, punctuation, questions, links, length."""
    polarity = lexicon.walk(words, marks)
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
    if "xuser" in words:
        found["s:user"] = 1.0
    shouted = shouted_words(text)
    if shouted:
        found["s:caps"] = min(shouted, 3) / 3
    found["s:len:" + next((name for limit, name in LENGTHS if word_count <= limit), "huge")] = 1.0
    return found
