"""The trained model: its file format and how it turns a text into a Reading.

One gzipped JSON file holds everything: the lexicon lines, the class weights over the hashed
features (sparse, as little-endian float32 and uint32 in base64), the class offsets that set the
neutral band, the evidence gate's margin, and the knots that map the sentiment score to stars.
Reading needs only the standard library.

The evidence gate: a text is read as negative or positive only when something in it judges —
a polar word, emoji or emoticon the lexicon knows — or, failing that, when the learned weights
lean away from neutral by more than `gate_margin` and the text does not ask, link, announce or
report. Real feedback is mostly neutral, and n-grams learned from a few thousand texts find
opinions in news and questions that have none.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from touchbase.listening.analysis import Reading, Sentiment
from touchbase.listening.analysis.features import BUCKETS, Parts, bucket, parts_of, unit_features
from touchbase.listening.analysis.lexicon import Lexicon

CLASSES: tuple[Sentiment, ...] = ("negative", "neutral", "positive")
FORMAT = 2
NEUTRAL = 1
CACHE_LIMIT = 200_000


@dataclass(slots=True)
class Model:
    lexicon: Lexicon
    lexicon_lines: list[str]
    weights: array[float]  # BUCKETS rows of one weight per class, row after row
    offsets: list[float]  # per class, added before the softmax: the calibrated neutral band
    gate_margin: float  # how far the weights must lean from neutral when nothing judges
    star_knots: list[tuple[float, float]]  # (score, stars), score ascending
    notes: dict[str, Any]
    cache: dict[str, tuple[float, float, float]] = field(default_factory=dict, repr=False)

    def read(self, text: str) -> Reading:
        """Language, sentiment, score (positive minus negative probability) and stars of a text."""
        if not text or not text.strip():
            return Reading(language="", sentiment="neutral", score=0.0, stars=3.0)
        parts = parts_of(text, self.lexicon)
        totals = gated(self.totals(parts), parts, self.gate_margin)
        probabilities = softmax(totals)
        best = max(range(len(CLASSES)), key=probabilities.__getitem__)
        score = probabilities[2] - probabilities[0]
        return Reading(
            language=parts.language,
            sentiment=CLASSES[best],
            score=round(score, 4),
            stars=round(self.stars(score), 2),
        )

    def totals(self, parts: Parts) -> list[float]:
        """The class logits of a text: offsets plus the weights of its words, pairs and signals.

        The same sum as the weights times `features.see(text).vector`, but each word's share
        (its unigram and character n-grams) is added up once and remembered.
        """
        negative = neutral = positive = 0.0
        for unit in parts.units:
            share = self.cache.get(unit)
            if share is None:
                share = self.remember(unit, unit_features(unit))
            negative += share[0]
            neutral += share[1]
            positive += share[2]
        for name in parts.bigrams:
            share = self.cache.get(name)
            if share is None:
                share = self.remember(name, (bucket(name),))
            negative += share[0]
            neutral += share[1]
            positive += share[2]
        scale = parts.scale
        totals = [self.offsets[0] + negative * scale, self.offsets[1] + neutral * scale,
                  self.offsets[2] + positive * scale]  # fmt: skip
        weights = self.weights
        for name, value in parts.signals.items():
            index, sign = bucket(name)
            row = index * 3
            for column in range(3):
                totals[column] += sign * value * weights[row + column]
        return totals

    def remember(
        self, name: str, features: tuple[tuple[int, float], ...]
    ) -> tuple[float, float, float]:
        """What one word or pair adds to each class, kept for the next time it turns up."""
        weights = self.weights
        share = (
            sum(value * weights[index * 3] for index, value in features),
            sum(value * weights[index * 3 + 1] for index, value in features),
            sum(value * weights[index * 3 + 2] for index, value in features),
        )
        if len(self.cache) < CACHE_LIMIT:
            self.cache[name] = share
        return share

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


def gated(totals: list[float], parts: Parts, margin: float) -> list[float]:
    """The logits with the evidence gate applied: no judging words, no opinion (see above)."""
    best = max(range(3), key=totals.__getitem__)
    if best == NEUTRAL or parts.evidence:
        return totals
    if parts.informational or totals[best] - totals[NEUTRAL] < margin:
        # lower the winner to just below neutral: the score shrinks with it, stars stay near 3
        totals = list(totals)
        totals[best] = totals[NEUTRAL] - 1e-6
    return totals


def softmax(totals: list[float]) -> list[float]:
    top = max(totals)
    exps = [math.exp(total - top) for total in totals]
    whole = sum(exps)
    return [e / whole for e in exps]


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
    gate_margin: float,
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
        "gate_margin": float(gate_margin),
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
        gate_margin=document["gate_margin"],
        star_knots=[(x, y) for x, y in document["star_knots"]],
        notes=document["notes"],
    )
