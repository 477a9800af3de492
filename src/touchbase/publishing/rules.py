"""The reviewer rule: the longer a message lasts and the less we control it, the more readers.

required = max(permanence − control) over the draft's channels (never below 0), plus one when
its title or text touches a sensitive topic. Topics are found in inflected forms in German and
English: both sides are cut to their Snowball stems, and a German compound counts when it
starts or ends with the topic ("Massenentlassungen" touches "Entlassung"). A topic found once
too often costs one more reader; a topic missed costs a mistake in public, so the matching
leans towards finding.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from django.utils.translation import gettext as _

_WORD = re.compile(r"\w+", re.UNICODE)
# A stem this short inside a compound matches too much ("art" in "Kunstart", "Start").
MIN_COMPOUND_STEM = 5
_STEMMERS = (snowballstemmer.stemmer("german"), snowballstemmer.stemmer("english"))


@dataclass(frozen=True)
class ChannelScore:
    name: str
    permanence: int
    control: int

    @property
    def risk(self) -> int:
        return max(0, self.permanence - self.control)


@dataclass(frozen=True)
class Requirement:
    """How many reviewers a draft needs, and the reasons in words."""

    required: int
    channel: ChannelScore | None = None
    topics: tuple[str, ...] = ()
    reasons: list[str] = field(default_factory=list)


def _variants(word: str) -> set[str]:
    # "Preiserhöhung", "Preiserhoehung" and "PREISERHÖHUNG" are one word to a reader; but
    # "sued" is English and no "süd", so the word is kept as written beside its folded form.
    word = unicodedata.normalize("NFC", word.casefold().replace("ß", "ss"))
    folded = word.replace("ae", "ä").replace("oe", "ö").replace("ue", "ü")
    return {word, unicodedata.normalize("NFC", folded)}


@lru_cache(maxsize=20_000)
def _stems(word: str) -> frozenset[str]:
    variants = _variants(word)
    return frozenset(s.stemWord(v) for s in _STEMMERS for v in variants) | variants


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _word_matches(topic_word: str, text_word: str) -> bool:
    topic, text = _stems(topic_word), _stems(text_word)
    if topic & text:
        return True
    return any(
        len(t) >= MIN_COMPOUND_STEM and (w.startswith(t) or w.endswith(t))
        for t in topic
        for w in text
    )


def topics_found(text: str, topics: Iterable[str]) -> list[str]:
    """The topics (as written in the list) that the text touches, in the list's order."""
    words = _words(text)
    found = []
    for topic in topics:
        parts = _words(topic)
        if parts and _phrase_in(parts, words):
            found.append(topic)
    return found


def _phrase_in(parts: Sequence[str], words: Sequence[str]) -> bool:
    size = len(parts)
    for start in range(len(words) - size + 1):
        if all(_word_matches(part, words[start + i]) for i, part in enumerate(parts)):
            return True
    return False


def requirement(
    *, channels: Iterable[ChannelScore], text: str, topics: Iterable[str]
) -> Requirement:
    """The reviewers a draft with this text going to these channels needs, and why."""
    scored = sorted(channels, key=lambda c: (-c.risk, c.name))
    worst = scored[0] if scored else None
    found = tuple(topics_found(text, topics))
    required = (worst.risk if worst else 0) + (1 if found else 0)
    return Requirement(required=required, channel=worst, topics=found,
                       reasons=_reasons(worst, found))  # fmt: skip


def _reasons(worst: ChannelScore | None, found: tuple[str, ...]) -> list[str]:
    reasons = []
    if worst is None:
        reasons.append(_("No channel chosen yet: nothing goes out, so no reviewer is needed."))
    elif worst.risk == 0:
        reasons.append(
            _("%(channel)s: control %(control)s is not below permanence %(permanence)s, so the "
              "channel asks for no reviewer.")
            % {"channel": worst.name, "control": worst.control, "permanence": worst.permanence}
        )  # fmt: skip
    else:
        reasons.append(
            _("%(channel)s: permanence %(permanence)s − control %(control)s = %(risk)s.")
            % {"channel": worst.name, "permanence": worst.permanence, "control": worst.control,
               "risk": worst.risk}
        )  # fmt: skip
    if found:
        reasons.append(_("+1 for a sensitive topic: %(topics)s.") % {"topics": ", ".join(found)})
    return reasons
