"""`touchbase evaluate-sentiment FILE`: how well the sentiment analyser reads a labelled CSV.

Prints accuracy, macro-F1, the mean star error, a confusion matrix and the speed; `--json`
prints one JSON object instead (accuracy, macro_f1, star_mae, n, texts_per_s).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from touchbase.listening.analysis import DEFAULT_ANALYSER, Analyser, analyser_named
from touchbase.listening.analysis.evaluation import (
    CLASSES,
    EvaluationError,
    LabelledFile,
    Scores,
    evaluate,
    read_labelled,
)


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # it reads a file, never the database
    help = "Score the sentiment analyser on a CSV with a 'text' column and 'label' or 'stars'."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="CSV with a header row: text, and label or stars")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--analyser", metavar="DOTTED.PATH",
            help="analyser class to score (default: the configured one)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            labelled = read_labelled(path.read_bytes())
        except EvaluationError as error:
            raise CommandError(str(error)) from error
        for skipped in labelled.skipped:
            self.stderr.write(_("Line %(line)s skipped: %(reason)s")
                              % {"line": skipped.line, "reason": skipped.reason})  # fmt: skip
        if not labelled.rows:
            raise CommandError(_("No row could be scored."))
        scores = evaluate(self._analyser(options["analyser"]), labelled.rows)
        if options["json"]:
            self.stdout.write(json.dumps({
                "accuracy": round(scores.accuracy, 4),
                "macro_f1": round(scores.macro_f1, 4),
                "star_mae": None if scores.star_mae is None else round(scores.star_mae, 4),
                "n": scores.n,
                "texts_per_s": round(scores.texts_per_s, 1),
            }))  # fmt: skip
            return
        self._report(labelled, scores)

    @staticmethod
    def _analyser(path: str | None) -> Analyser:
        import os

        name = path or os.environ.get("TOUCHBASE_SENTIMENT_ANALYSER", DEFAULT_ANALYSER)
        try:
            return analyser_named(name)
        except (ImportError, AttributeError, ValueError) as error:
            raise CommandError(
                _("Cannot load the analyser %(name)s: %(error)s") % {"name": name, "error": error}
            ) from error

    def _report(self, labelled: LabelledFile, scores: Scores) -> None:
        write = self.stdout.write
        write(_("Read %(n)s texts (%(encoding)s, delimiter %(delimiter)r), skipped %(skipped)s.")
              % {"n": scores.n, "encoding": labelled.encoding, "delimiter": labelled.delimiter,
                 "skipped": len(labelled.skipped)})  # fmt: skip
        write(_("Accuracy: %(value).3f") % {"value": scores.accuracy})
        write(_("Macro-F1: %(value).3f") % {"value": scores.macro_f1})
        if scores.star_mae is None:
            write(_("Mean absolute star error: – (the file has no stars)"))
        else:
            write(_("Mean absolute star error: %(value).2f") % {"value": scores.star_mae})
        write(_("Speed: %(value).0f texts/s") % {"value": scores.texts_per_s})
        names = {"negative": _("negative"), "neutral": _("neutral"), "positive": _("positive")}
        width = max(len(name) for name in names.values()) + 2
        write("")
        write(_("Confusion matrix (rows: label, columns: analyser)"))
        write(" " * width + "".join(names[label].rjust(width) for label in CLASSES))
        for truth in CLASSES:
            counts = "".join(str(scores.confusion[truth][label]).rjust(width) for label in CLASSES)
            write(names[truth].ljust(width) + counts)
