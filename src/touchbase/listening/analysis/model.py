"""The trained model: its file format and how it turns a text into a Reading.

One gzipped JSON file holds everything: the lexicon lines, the class weights over the hashed
features (sparse, as little-endian float32 and uint32 in base64), the class offsets that set the
neutral band, and the knots that map the sentiment score to stars. Reading needs only the
standard library.
"""

from __future__ import annotations

import base64
import gzip
import json
import math
import sys
from array import array
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from touchbase.listening.analysis import Reading, Sentiment
from touchbase.listening.analysis.features import BUCKETS, Seen, see
from touchbase.listening.analysis.lexicon import Lexicon

CLASSES: tuple[Sentiment, ...] = ("negative", "neutral", "positive")
FORMAT = 1


@dataclass(slots=True)
class Model:
    lexicon: Lexicon
    lexicon_lines: list[str]
    weights: array[float]  # BUCKETS rows of one weight per class, row after row
    offsets: list[float]  # per class, added before the softmax: the calibrated neutral band
    star_knots: list[tuple[float, float]]  # (score, stars), score ascending
    notes: dict[str, Any]

    def read(self, text: str) -> Reading:
        """Language, sentiment, score (positive minus negative probability) and stars of a text."""
        if not text or not text.strip():
            return Reading(language="", sentiment="neutral", score=0.0, stars=3.0)
        seen = see(text, self.lexicon)
        probabilities = self.probabilities(seen)
        best = max(range(len(CLASSES)), key=probabilities.__getitem__)
        score = probabilities[2] - probabilities[0]
        return Reading(
            language=seen.language,
            sentiment=CLASSES[best],
            score=round(score, 4),
            stars=round(self.stars(score), 2),
        )

    def probabilities(self, seen: Seen) -> list[float]:
        """Probability of each class (negative, neutral, positive) for a text as seen."""
        weights = self.weights
        totals = list(self.offsets)
        for index, value in seen.vector.items():
            row = index * 3
            totals[0] += value * weights[row]
            totals[1] += value * weights[row + 1]
            totals[2] += value * weights[row + 2]
        top = max(totals)
        exps = [math.exp(total - top) for total in totals]
        whole = sum(exps)
        return [e / whole for e in exps]

    def stars(self, score: float) -> float:
        """Stars 1–5 for a score, linear between the knots fitted on star-rated reviews."""
        knots = self.star_knots
        scores = [knot[0] for knot in knots]
        at = bisect_right(scores, score)
        if at == 0:
            return knots[0][1]
        if at == len(knots):
            return knots[-1][1]
        (x0, y0), (x1, y1) = knots[at - 1], knots[at]
        stars = y0 + (y1 - y0) * (score - x0) / (x1 - x0) if x1 > x0 else y1
        return min(5.0, max(1.0, stars))


def _packed(values: array[Any]) -> str:
    if sys.byteorder == "big":
        values = array(values.typecode, values)
        values.byteswap()
    return base64.b64encode(values.tobytes()).decode("ascii")


def _unpacked(typecode: str, text: str) -> array[Any]:
    values = array(typecode)
    values.frombytes(base64.b64decode(text))
    if sys.byteorder == "big":
        values.byteswap()
    return values


def model_save(
    path: Path,
    *,
    lexicon_lines: list[str],
    weights: Sequence[Sequence[float]],
    offsets: Sequence[float],
    star_knots: Sequence[tuple[float, float]],
    notes: dict[str, Any],
    threshold: float = 1e-4,
) -> None:
    """Write a model: `weights` has one row per bucket and one weight per class."""
    indices, values = array("I"), array("f")
    for index, row in enumerate(weights):
        if max(abs(w) for w in row) >= threshold:
            indices.append(index)
            values.extend(float(w) for w in row)
    document = {
        "format": FORMAT,
        "buckets": BUCKETS,
        "classes": list(CLASSES),
        "lexicon": lexicon_lines,
        "offsets": [float(v) for v in offsets],
        "star_knots": [[float(x), float(y)] for x, y in star_knots],
        "indices": _packed(indices),
        "values": _packed(values),
        "notes": notes,
    }
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as file:
        json.dump(document, file, ensure_ascii=False)


def model_load(path: Path) -> Model:
    """Read a model written by `model_save`."""
    with gzip.open(path, "rt", encoding="utf-8") as file:
        document = json.load(file)
    if document["format"] != FORMAT or document["buckets"] != BUCKETS:
        raise ValueError(f"{path} was written for another version of the analyser; retrain it.")
    weights = array("f", bytes(4 * 3 * BUCKETS))
    indices = _unpacked("I", document["indices"])
    values = _unpacked("f", document["values"])
    for position, index in enumerate(indices):
        weights[index * 3 : index * 3 + 3] = values[position * 3 : position * 3 + 3]
    return Model(
        lexicon=Lexicon.from_lines(document["lexicon"]),
        lexicon_lines=document["lexicon"],
        weights=weights,
        offsets=document["offsets"],
        star_knots=[(x, y) for x, y in document["star_knots"]],
        notes=document["notes"],
    )
