"""`touchbase evaluate-sentiment FILE`: scores the analyser on labelled CSV files."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from touchbase.listening.analysis import Reading
from touchbase.listening.analysis.evaluation import parse_stars, read_labelled


class StubAnalyser:
    """Reads every text as its first word says: the command is scored, not the model."""

    def read(self, texts):
        readings = []
        for text in texts:
            word = text.split()[0].lower()
            sentiment = word if word in ("negative", "neutral", "positive") else "neutral"
            stars = {"negative": 1.0, "neutral": 3.0, "positive": 5.0}[sentiment]
            readings.append(Reading(language="en", sentiment=sentiment, score=0.0, stars=stars))
        return readings


STUB = f"{__name__}.StubAnalyser"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("evaluate_sentiment", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, content, encoding="utf-8", name="labelled.csv"):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding))
    return str(path)


def test_json_output_has_exactly_the_promised_keys(tmp_path):
    path = write(tmp_path, "text,label\npositive one,positive\nnegative two,negative\n"
                           "neutral three,neutral\npositive four,negative\n")  # fmt: skip
    out, _err = run(path, "--json", "--analyser", STUB)
    result = json.loads(out)
    assert set(result) == {"accuracy", "macro_f1", "star_mae", "n", "texts_per_s"}
    assert result["n"] == 4
    assert result["accuracy"] == 0.75
    # negative F1 = 2/3, neutral 1, positive 2/3
    assert result["macro_f1"] == pytest.approx((2 / 3 + 1 + 2 / 3) / 3, abs=1e-4)
    assert result["star_mae"] is None
    assert result["texts_per_s"] > 0


def test_stars_alone_give_labels_and_the_star_error(tmp_path):
    path = write(tmp_path, "Text;Stars\npositive a;5\npositive b;4,0\nneutral c;3.0\n"
                           "negative d;2\nnegative e;1\n")  # fmt: skip
    result = json.loads(run(path, "--json", "--analyser", STUB)[0])
    assert result["n"] == 5
    assert result["accuracy"] == 1.0
    assert result["macro_f1"] == 1.0
    # stub stars 5,5,3,1,1 against 5,4,3,2,1
    assert result["star_mae"] == pytest.approx(2 / 5)


def test_human_report_shows_metrics_and_confusion_matrix(tmp_path):
    path = write(tmp_path, "text,label\npositive one,positive\nnegative two,positive\n")
    out, _err = run(path, "--analyser", STUB)
    assert "Accuracy: 0.500" in out
    assert "Macro-F1:" in out
    assert "Mean absolute star error: – (the file has no stars)" in out
    assert "texts/s" in out
    matrix = out.split("Confusion matrix (rows: label, columns: analyser)")[1].splitlines()
    assert matrix[1].split() == ["negative", "neutral", "positive"]
    assert matrix[4].split() == ["positive", "1", "0", "1"]


def test_bom_cp1252_quoted_multiline_and_bad_rows(tmp_path):
    content = (
        '\ufeff text ; LABEL \n"positive, mit Komma\nund zweiter Zeile";positive\n'
        ";neutral\nnegative Ärger;negative\nneutral x;vielleicht\n\nneutral y;neutral\n"
    )
    path = write(tmp_path, content.replace("\ufeff", ""), encoding="cp1252")
    out, err = run(path, "--json", "--analyser", STUB)
    assert json.loads(out)["n"] == 3
    assert "Line 4 skipped: no text" in err
    assert "Line 6 skipped: label 'vielleicht' is not negative, neutral or positive" in err
    labelled = read_labelled(content.encode("utf-8-sig"))
    assert [row.line for row in labelled.rows] == [2, 5, 8]
    assert labelled.rows[0].text == "positive, mit Komma\nund zweiter Zeile"
    assert labelled.rows[1].text == "negative Ärger"


def test_rows_with_wrong_field_counts_or_stars_are_skipped_and_reported(tmp_path):
    path = write(tmp_path, "text,stars\npositive a,5\npositive b,5,extra\nneutral c,7\n")
    out, err = run(path, "--json", "--analyser", STUB)
    assert json.loads(out)["n"] == 1
    assert "Line 3 skipped: 3 fields instead of 2" in err
    assert "Line 4 skipped: stars '7' are not 1–5" in err


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "nothing.csv"))


def test_missing_columns_are_a_clear_error(tmp_path):
    path = write(tmp_path, "message,mood\nhallo,positive\n")
    with pytest.raises(CommandError, match="needs a 'text' column and a 'label' or 'stars'"):
        run(path, "--analyser", STUB)


def test_unknown_analyser_is_a_clear_error(tmp_path):
    path = write(tmp_path, "text,label\nhallo,neutral\n")
    with pytest.raises(CommandError, match="Cannot load the analyser"):
        run(path, "--analyser", "touchbase.nowhere.Analyser")


def test_the_shipped_analyser_scores_a_small_german_file(tmp_path):
    path = write(tmp_path, "text,label,stars\n"
                           "Super Service und schnelle Lieferung!,positive,5\n"
                           "Das Paket kam kaputt an. Sehr enttäuschend.,negative,1\n"
                           "Wann öffnet die Filiale?,neutral,\n")  # fmt: skip
    result = json.loads(run(path, "--json")[0])
    assert result["n"] == 3
    assert result["accuracy"] == 1.0
    assert result["star_mae"] < 1.0


def test_the_cli_alias_runs_the_command(tmp_path, capsys):
    from touchbase.cli import main

    path = write(tmp_path, "text,label\npositive a,positive\n")
    main(["evaluate-sentiment", path, "--json", "--analyser", STUB])
    assert json.loads(capsys.readouterr().out)["n"] == 1


SPELLINGS = [("4", 4.0), ("4.0", 4.0), ("4,0", 4.0), (" 2,5 ", 2.5), ("0", None), ("gut", None)]


@pytest.mark.parametrize(("value", "stars"), SPELLINGS)
def test_stars_are_read_in_every_usual_spelling(value, stars):
    assert parse_stars(value) == stars
