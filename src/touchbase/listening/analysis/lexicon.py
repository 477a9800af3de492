"""A sentiment lexicon for German and English, and the walk that scores a text with it.

Lexicon lines (TSV, `#` starts a comment) are `entry<TAB>value`:
- `entry` is a word, or a stem ending in `*` that matches every word starting with it;
  umlauts may be written either way (they are folded).
- `value` is a polarity from -3 to 3; a leading `=` keeps it from being flipped by a negation
  ("leider nicht" stays regretful), or one of the roles `NEG` (negation), `INT:1.5` / `INT:0.6`
  (intensifier or dampener, multiplies the next polar word) and `BUT` (contrast: what follows
  weighs more than what came before).

A word not in the lexicon is tried without its inflection (gut-e, schlecht-esten), as the tail
of a compound (Zug-ausfall, Kunden-frust), with a stem entry (enttäusch*), and with "un" before a
positive word (unzuverlässig) — so the lexicon stays short and still covers what people write.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from touchbase.listening.analysis.text import PUNCTUATION, fold

SUFFIXES = ("esten", "ester", "estes", "este", "sten", "ster", "stes", "ste", "eren", "erer",
            "eres", "ere", "em", "en", "er", "es", "e", "n", "s", "ed", "ly", "d")  # fmt: skip
# Verb prefixes: a word that starts with one is a derivation, not a compound with a polar tail.
PREFIXES = frozenset(("ver", "be", "ge", "ent", "zer", "er", "emp", "miss", "ab", "an", "auf",
                      "aus", "bei", "ein", "mit", "nach", "vor", "zu", "um", "ueber", "unter",
                      "durch", "wider", "wieder"))  # fmt: skip
NEGATION_FLIP = -0.7  # "nicht gut" is bad, but less bad than "schlecht" is
NEGATED_NEGATIVE_FLIP = -0.5  # "nicht schlecht", "kein Problem": mildly good
REPEATED = re.compile(r"(.)\1{2,}")
SCOPE = 3  # a negation reaches this many words forward
BEFORE_CONTRAST = 0.5
AFTER_CONTRAST = 1.5


@dataclass(frozen=True, slots=True)
class Polarity:
    """What the lexicon found in one text."""

    positive: float
    negative: float
    hits: int
    negated_hits: int


@dataclass(slots=True)
class Lexicon:
    words: dict[str, float] = field(default_factory=dict)
    stems: dict[str, float] = field(default_factory=dict)
    fixed: set[str] = field(default_factory=set)
    negations: set[str] = field(default_factory=set)
    intensifiers: dict[str, float] = field(default_factory=dict)
    contrasts: set[str] = field(default_factory=set)
    cache: dict[str, float | None] = field(default_factory=dict, repr=False)

    @classmethod
    def from_lines(cls, lines: list[str]) -> Lexicon:
        """Read lexicon lines (see the module docstring); later lines win."""
        lexicon = cls()
        for line in lines:
            line = line.split("#", 1)[0].strip() if not line.startswith("#") else ""
            if "\t" not in line:
                continue
            entry, value = (part.strip() for part in line.split("\t", 1))
            lexicon.add(fold(entry), value)
        return lexicon

    def add(self, entry: str, value: str) -> None:
        if value == "NEG":
            self.negations.add(entry)
        elif value == "BUT":
            self.contrasts.add(entry)
        elif value.startswith("INT:"):
            self.intensifiers[entry] = float(value[4:])
        else:
            if value.startswith("="):
                self.fixed.add(entry.rstrip("*"))
                value = value[1:]
            target = self.stems if entry.endswith("*") else self.words
            target[entry.rstrip("*")] = float(value)

    def polarity(self, token: str) -> float | None:
        """The polarity of a token, or None when the lexicon does not know it."""
        if token in self.cache:
            return self.cache[token]
        value = self._find(token)
        if value is None and REPEATED.search(token):
            once, twice = squeezed(token)
            value = self._find(once)
            value = self._find(twice) if value is None else value
        if len(self.cache) < 200_000:
            self.cache[token] = value
        return value

    def _find(self, token: str) -> float | None:
        value = self._word(token)
        if value is not None:
            return value
        if token.startswith("un") and len(token) > 6:
            value = self._word(token[2:])
            if value is not None and value > 0:
                return -value
        for start in range(2, len(token) - 3):  # Zug|ausfall, Kunden|frust, Liefer|verzug
            if token[:start] in PREFIXES:
                continue  # ver|träge is no compound of "träge", be|ruhigt none of "ruhig"
            value = self._word(token[start:])
            if value is not None and len(token) - start >= 4:
                return value
        return None

    def _word(self, token: str) -> float | None:
        if token in self.words:
            return self.words[token]
        for suffix in SUFFIXES:
            if token.endswith(suffix) and len(token) - len(suffix) >= 3:
                stem = token[: -len(suffix)]
                if stem in self.words:
                    return self.words[stem]
        for end in range(len(token), 3, -1):
            if token[:end] in self.stems:
                return self.stems[token[:end]]
        return None

    def is_fixed(self, token: str) -> bool:
        return token in self.fixed or any(token.startswith(stem) for stem in self.fixed)

    def walk(self, tokens: list[str], marks: list[bool] | None = None) -> Polarity:
        """Sum what the words say, turned by negations, sharpened by intensifiers.

        1. Mark the words a negation reaches: up to three forward within the clause, or, when
           none of those is polar ("funktioniert leider nicht."), the two words before it.
        2. Each polar word counts its polarity, times the intensifier before it, flipped and
           softened when negated.
        3. A contrast ("aber", "but") halves what came before and strengthens what follows.
        """
        negated = self.negated(tokens) if marks is None else marks
        values: list[float] = []
        contrast_at = -1
        for index, token in enumerate(tokens):
            if token in self.contrasts:
                contrast_at = len(values)
            value = self.polarity(token) if token not in self.negations else None
            if not value:
                continue
            value *= self._intensity(tokens, index)
            if negated[index] and not self.is_fixed(token):
                value *= NEGATED_NEGATIVE_FLIP if value < 0 else NEGATION_FLIP
            values.append(value)
        if contrast_at >= 0:
            values = [v * (BEFORE_CONTRAST if i < contrast_at else AFTER_CONTRAST)
                      for i, v in enumerate(values)]  # fmt: skip
        negated_hits = sum(1 for i, t in enumerate(tokens) if negated[i] and self.polarity(t))
        return Polarity(
            positive=sum(v for v in values if v > 0),
            negative=-sum(v for v in values if v < 0),
            hits=len(values),
            negated_hits=negated_hits,
        )

    def negated(self, tokens: list[str]) -> list[bool]:
        """Which tokens a negation reaches (see `walk`)."""
        negated = [False] * len(tokens)
        for index, token in enumerate(tokens):
            if token not in self.negations:
                continue
            ahead = self._clause(tokens, range(index + 1, min(len(tokens), index + 1 + SCOPE)))
            behind = self._clause(tokens, range(index - 1, max(-1, index - 3), -1))
            polar_ahead = any(self.polarity(tokens[i]) for i in ahead)
            for i in ahead if polar_ahead or not behind else behind:
                negated[i] = True
        return negated

    @staticmethod
    def _clause(tokens: list[str], span: range) -> list[int]:
        inside = []
        for i in span:
            if tokens[i] in PUNCTUATION or tokens[i][0] in "!?":
                break
            inside.append(i)
        return inside

    def _intensity(self, tokens: list[str], index: int) -> float:
        factor = 1.0
        for back in (1, 2):
            if index - back >= 0 and tokens[index - back] in self.intensifiers:
                factor *= self.intensifiers[tokens[index - back]]
        return factor


def squeezed(token: str) -> tuple[str, str]:
    """A word's letters repeated three or more times written once and twice ("suuuper", "tolll")."""
    return re.sub(r"(.)\1{2,}", r"\1", token), re.sub(r"(.)\1{2,}", r"\1\1", token)


def soft(value: float) -> float:
    return math.tanh(value / 2)
