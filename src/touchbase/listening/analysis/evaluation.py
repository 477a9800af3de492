"""Scoring an analyser on a labelled CSV file: the rows, the metrics, the speed.

The file has a header row, a `text` column and `label` (negative / neutral / positive) or
`stars` (1–5, also written "4.0" or "4,0"), or both. It may be UTF-8 (with or without BOM) or
Windows-1252, separated by commas, semicolons or tabs, with quoted multi-line texts. Rows without
text or with an unreadable label are skipped and reported, never guessed.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from touchbase.listening.analysis import Analyser, Sentiment

CLASSES: tuple[Sentiment, ...] = ("negative", "neutral", "positive")
LABEL_NAMES: dict[str, Sentiment] = {
    "negative": "negative", "neg": "negative", "negativ": "negative", "-1": "negative",
    "neutral": "neutral", "neu": "neutral", "0": "neutral",
    "positive": "positive", "pos": "positive", "positiv": "positive", "1": "positive",
}  # fmt: skip


class EvaluationError(ValueError):
    """The file cannot be scored at all (unreadable, or without the needed columns)."""


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    text: str
    label: Sentiment
    stars: float | None


@dataclass(frozen=True, slots=True)
class Skipped:
    line: int
    reason: str


@dataclass(slots=True)
class LabelledFile:
    rows: list[Row] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","


@dataclass(frozen=True, slots=True)
class Scores:
    n: int
    accuracy: float
    macro_f1: float
    star_mae: float | None
    texts_per_s: float
    confusion: dict[Sentiment, dict[Sentiment, int]]  # truth → predicted → count


def stars_label(stars: float) -> Sentiment:
    """1–2 stars negative, 3 neutral, 4–5 positive."""
    return "negative" if stars < 2.5 else "neutral" if stars < 3.5 else "positive"


def decode(data: bytes) -> tuple[str, str]:
    """The text of a file and its encoding: UTF-8 (BOM or not), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the most frequent of ; , and tab outside quotes."""
    line = text.split("\n", 1)[0]
    counts = {delimiter: _unquoted(line).count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=lambda delimiter: counts[delimiter]) if any(counts.values()) else ","


def _unquoted(line: str) -> str:
    return "".join(part for index, part in enumerate(line.split('"')) if index % 2 == 0)


def parse_stars(value: str) -> float | None:
    """Stars 1–5 from "4", "4.0" or "4,0"; None when it is not that."""
    try:
        stars = float(value.strip().replace(",", "."))
    except ValueError:
        return None
    return stars if 1 <= stars <= 5 else None


def read_labelled(data: bytes) -> LabelledFile:
    """The scorable rows of a labelled CSV file, and the ones skipped with their reasons."""
    text, encoding = decode(data)
    if not text.strip():
        raise EvaluationError("The file is empty.")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip("\ufeff \t").lower() for name in next(reader)]
    if "text" not in header or not {"label", "stars"} & set(header):
        raise EvaluationError(
            "The file needs a 'text' column and a 'label' or 'stars' column; "
            f"its columns are: {', '.join(header) or '(none)'}."
        )
    columns: dict[str, int] = {
        name: header.index(name) for name in ("text", "label", "stars") if name in header
    }
    result = LabelledFile(encoding=encoding, delimiter=delimiter)
    line = reader.line_num
    for fields in reader:
        line, start = reader.line_num, line + 1
        if not any(value.strip() for value in fields):
            continue  # blank lines are no rows
        row = _row(fields, columns, len(header), start)
        if isinstance(row, Skipped):
            result.skipped.append(row)
        else:
            result.rows.append(row)
    return result


def _row(fields: list[str], columns: dict[str, int], width: int, line: int) -> Row | Skipped:
    if len(fields) != width:
        return Skipped(line, f"{len(fields)} fields instead of {width}")
    text = fields[columns["text"]].strip()
    if not text:
        return Skipped(line, "no text")
    stars = None
    if "stars" in columns and fields[columns["stars"]].strip():
        stars = parse_stars(fields[columns["stars"]])
        if stars is None:
            return Skipped(line, f"stars {fields[columns['stars']].strip()!r} are not 1–5")
    raw_label = fields[columns["label"]].strip().lower() if "label" in columns else ""
    if raw_label:
        label = LABEL_NAMES.get(raw_label)
        if label is None:
            return Skipped(line, f"label {raw_label!r} is not negative, neutral or positive")
        return Row(line, text, label, stars)
    if stars is None:
        return Skipped(line, "no label and no stars")
    return Row(line, text, stars_label(stars), stars)


def evaluate(analyser: Analyser, rows: Sequence[Row]) -> Scores:
    """Read every text in one batch and compare with the labels (and stars, where given)."""
    texts = [row.text for row in rows]
    started = time.perf_counter()
    readings = analyser.read(texts)
    elapsed = time.perf_counter() - started
    confusion: dict[Sentiment, dict[Sentiment, int]] = {
        truth: dict.fromkeys(CLASSES, 0) for truth in CLASSES
    }
    for row, reading in zip(rows, readings, strict=True):
        confusion[row.label][reading.sentiment] += 1
    errors = [abs(reading.stars - row.stars) for row, reading in zip(rows, readings, strict=True)
              if row.stars is not None]  # fmt: skip
    n = len(rows)
    correct = sum(confusion[label][label] for label in CLASSES)
    return Scores(
        n=n,
        accuracy=correct / n if n else 0.0,
        macro_f1=macro_f1(confusion),
        star_mae=sum(errors) / len(errors) if errors else None,
        texts_per_s=n / elapsed if elapsed > 0 else float(n),
        confusion=confusion,
    )


def macro_f1(confusion: dict[Sentiment, dict[Sentiment, int]]) -> float:
    """Mean F1 over the classes that occur in the labels or the predictions."""
    scores = []
    for label in CLASSES:
        true_positive = confusion[label][label]
        actual = sum(confusion[label].values())
        predicted = sum(confusion[truth][label] for truth in CLASSES)
        if actual == 0 and predicted == 0:
            continue
        scores.append(2 * true_positive / (actual + predicted))
    return sum(scores) / len(scores) if scores else 0.0
