"""What a text says: its language, its sentiment and the stars it would give.

The analyser is pluggable: `TOUCHBASE_SENTIMENT_ANALYSER` names a class (dotted path) whose
instances have `read(texts) -> list[Reading]`. The default one works offline from what the
installed packages and this package ship.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Literal, Protocol

Sentiment = Literal["negative", "neutral", "positive"]

DEFAULT_ANALYSER = "touchbase.listening.analysis.default.DefaultAnalyser"


@dataclass(frozen=True, slots=True)
class Reading:
    """One text, understood: language code ("" when unknown), sentiment, score in -1…1, stars."""

    language: str
    sentiment: Sentiment
    score: float
    stars: float


class Analyser(Protocol):
    def read(self, texts: Sequence[str]) -> list[Reading]: ...


@cache
def analyser_named(path: str) -> Analyser:
    module_name, _, class_name = path.rpartition(".")
    analyser: Analyser = getattr(import_module(module_name), class_name)()
    return analyser


def get_analyser() -> Analyser:
    """The configured analyser, built once per process (models load slowly, read fast)."""
    import os

    return analyser_named(os.environ.get("TOUCHBASE_SENTIMENT_ANALYSER", DEFAULT_ANALYSER))
