"""The analyser touchbase ships: a linear model over n-grams and a German/English lexicon.

Trained by `python -m touchbase.listening.analysis.train` on the UCI sentences (CC BY 4.0) and
the texts this project wrote itself (see data/README.md); it reads about as fast as texts can be
handed to it and needs nothing but the standard library.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from touchbase.listening.analysis import Reading
from touchbase.listening.analysis.model import Model, model_load

MODEL_FILE = Path(__file__).with_name("data") / "model.json.gz"


class DefaultAnalyser:
    """Reads German and English (and tells a few more languages apart) from the shipped model."""

    def __init__(self, path: Path = MODEL_FILE) -> None:
        self.model: Model = model_load(path)

    def read(self, texts: Sequence[str]) -> list[Reading]:
        return [self.model.read(text) for text in texts]
