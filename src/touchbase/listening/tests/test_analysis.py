"""The shipped sentiment analyser: clear German and English cases, negation, umlauts, languages."""

from __future__ import annotations

import pytest

from touchbase.listening.analysis import Reading, get_analyser
from touchbase.listening.analysis.default import DefaultAnalyser
from touchbase.listening.analysis.features import see
from touchbase.listening.analysis.language import language_of
from touchbase.listening.analysis.lexicon import Lexicon
from touchbase.listening.analysis.text import clipped, tokens


@pytest.fixture(scope="module")
def analyser():
    return DefaultAnalyser()


def sentiment(analyser, text):
    return analyser.read([text])[0].sentiment


@pytest.mark.parametrize(
    "text",
    [
        "Der Kundenservice war super freundlich und hat mein Problem sofort gelöst. Danke!",
        "Lieferung kam pünktlich, alles bestens, sehr zufrieden.",
        "Tolles Produkt, absolut empfehlenswert 👍",
        "Great product, fast delivery, I love it!",
        "The staff were friendly and the food was excellent.",
    ],
)
def test_clear_praise_reads_positive(analyser, text):
    assert sentiment(analyser, text) == "positive"


@pytest.mark.parametrize(
    "text",
    [
        "Schon wieder 50 Minuten Verspätung, eine Katastrophe!",
        "Das Gerät war nach zwei Tagen kaputt, totaler Schrott.",
        "Der Zugausfall heute war eine Frechheit, keine Info, nichts. 😡",
        "Terrible service, the package arrived broken and nobody answers.",
        "Worst app ever, it crashes all the time.",
    ],
)
def test_clear_complaints_read_negative(analyser, text):
    assert sentiment(analyser, text) == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "Wann fährt morgen der erste Zug nach Köln?",
        "Ab dem 1. März gelten neue Öffnungszeiten.",
        "Can I change my delivery address?",
    ],
)
def test_questions_and_announcements_read_neutral(analyser, text):
    assert sentiment(analyser, text) == "neutral"


def test_negation_turns_praise_into_complaint(analyser):
    praise, negated = analyser.read(["Das Essen war gut.", "Das Essen war nicht gut."])
    assert praise.sentiment == "positive"
    assert negated.sentiment == "negative"


def test_negated_problem_is_no_complaint(analyser):
    reading = analyser.read(["Kein Problem, alles hat geklappt."])[0]
    assert reading.sentiment == "positive"


def test_negation_after_the_verb_counts(analyser):
    assert sentiment(analyser, "Das Gerät funktioniert leider nicht.") == "negative"


def test_umlauts_written_out_read_the_same(analyser):
    with_umlauts, written_out = analyser.read(
        ["Ich bin sehr enttäuscht, die Verspätung war ärgerlich.",
         "ich bin sehr enttaeuscht, die verspaetung war aergerlich."]
    )  # fmt: skip
    assert with_umlauts.sentiment == written_out.sentiment == "negative"
    assert with_umlauts.score == pytest.approx(written_out.score, abs=0.15)


def test_shouting_case_does_not_change_the_verdict(analyser):
    assert sentiment(analyser, "DAS IST EINE FRECHHEIT, NIE WIEDER!") == "negative"


def test_stars_follow_the_sentiment_within_one_to_five(analyser):
    texts = ["Absolut top, perfekt, klare Kaufempfehlung!", "Ganz okay, nichts Besonderes.",
             "Totaler Schrott, sofort kaputt, Geld zurück!"]  # fmt: skip
    good, middling, bad = analyser.read(texts)
    for reading in (good, middling, bad):
        assert 1.0 <= reading.stars <= 5.0
        assert -1.0 <= reading.score <= 1.0
    assert good.stars > middling.stars > bad.stars
    assert good.stars >= 4.0
    assert bad.stars <= 2.0


def test_empty_and_blank_texts_are_neutral_without_language(analyser):
    assert analyser.read(["", "   "]) == [
        Reading(language="", sentiment="neutral", score=0.0, stars=3.0),
        Reading(language="", sentiment="neutral", score=0.0, stars=3.0),
    ]


def test_one_reading_per_text_in_order(analyser):
    texts = ["Super!", "Schlecht.", "Hallo", "Great", "Terrible"] * 20
    readings = analyser.read(texts)
    assert len(readings) == 100
    assert [r.sentiment for r in readings[:5]] == [r.sentiment for r in readings[5:10]]


def test_links_handles_and_hashtags_do_not_break_reading(analyser):
    reading = analyser.read(["@DB_Bahn wieder #Verspätung, so ein Mist 😡 https://t.co/abc"])[0]
    assert reading.sentiment == "negative"


def test_the_configured_analyser_is_the_default_one(monkeypatch):
    monkeypatch.delenv("TOUCHBASE_SENTIMENT_ANALYSER", raising=False)
    assert isinstance(get_analyser(), DefaultAnalyser)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Der Zug nach München ist heute leider ausgefallen.", "de"),
        ("Die Lieferung war schnell und die Qualität ist gut.", "de"),
        ("ich bin mit dem service nicht zufrieden", "de"),
        ("The train to London was late again this morning.", "en"),
        ("I am very happy with the product and the service.", "en"),
        ("Le train est en retard et je ne suis pas content.", "fr"),
        ("El servicio es muy bueno y el personal es amable.", "es"),
        ("Super!", ""),
        ("ok", ""),
        ("12345 678", ""),
    ],
)
def test_language_is_told_apart_or_left_unknown(text, language):
    assert language_of(text) == language


def test_reading_carries_the_language(analyser):
    german, english, short = analyser.read(
        ["Das ist wirklich ein sehr gutes Produkt.", "This is a really good product.", "Top"]
    )
    assert (german.language, english.language, short.language) == ("de", "en", "")


def test_tokens_fold_umlauts_and_replace_links_and_handles():
    assert tokens("Grüße an @Bahn: VERSPÄTUNG! https://x.y/z :)") == [
        "gruesse", "an", "xuser", ":", "verspaetung", "!", "xurl", "emopos",
    ]  # fmt: skip


def test_lexicon_knows_compounds_inflections_and_stems():
    lexicon = Lexicon.from_lines(
        [
            "ausfall*\t-2",
            "gut\t2",
            "enttäusch*\t-2.5",
            "zuverlässig\t2",
            "nicht\tNEG",
            "sehr\tINT:1.5",
        ]
    )
    assert lexicon.polarity("zugausfall") == -2
    assert lexicon.polarity("gutes") == 2
    assert lexicon.polarity("enttaeuschend") == -2.5
    assert lexicon.polarity("unzuverlaessig") == -2
    assert lexicon.polarity("bahnhof") is None
    walked = lexicon.walk(tokens("nicht sehr gut"))
    assert walked.negative == pytest.approx(2 * 1.5 * 0.7)
    assert walked.positive == 0


@pytest.mark.parametrize(
    "text",
    [
        "Ab 14. Dezember gilt der neue Fahrplan, alle Änderungen hier: https://example.org/fahrplan",
        "Laut Verkehrsverbund fahren zwischen Kassel und Fulda heute ab 21 Uhr Busse statt Zügen.",
        "Die Stadtwerke melden: Am Mittwoch ist das Kundencenter von 9 bis 12 Uhr geschlossen.",
    ],
)
def test_announcements_and_reports_without_judging_words_stay_neutral(analyser, text):
    assert sentiment(analyser, text) == "neutral"


@pytest.mark.parametrize(
    "text",
    [
        "Ist das Bordbistro im ICE 598 heute geöffnet?",
        "@DB_Bahn kann ich mit meinem Sparpreis auch einen früheren Zug nehmen?",
        "Wie lange dauert die Rücksendung bei euch?",
    ],
)
def test_questions_without_judging_words_stay_neutral(analyser, text):
    assert sentiment(analyser, text) == "neutral"


def test_sarcastic_praise_of_a_cancelled_train_is_a_complaint(analyser):
    assert sentiment(analyser, "Zug fällt schon wieder aus, super") == "negative"


def test_judging_words_still_open_the_gate_in_questions_and_links(analyser):
    complaint, praise = analyser.read(
        ["Warum ist die Toilette im Zug eigentlich immer defekt? Eine Zumutung!",
         "Danke für die schnelle Hilfe, klasse Service 👍 https://example.org/ticket/1"]
    )  # fmt: skip
    assert (complaint.sentiment, praise.sentiment) == ("negative", "positive")


def test_a_gated_text_reads_neutral_with_a_score_near_zero(analyser):
    reading = analyser.read(["Der Aufsichtsrat tagt am Mittwoch in Berlin, Details folgen."])[0]
    assert reading.sentiment == "neutral"
    assert abs(reading.score) < 0.5
    assert 2.0 <= reading.stars <= 4.0


def test_long_posts_are_read_by_their_opening_and_ending(analyser):
    filler = "Der Zug fuhr weiter durch die Landschaft und die Stunden vergingen. " * 60
    verdict = "Nie wieder, eine Katastrophe, absolut enttäuschend!"
    assert len(clipped(filler + verdict)) < 900
    assert clipped(filler + verdict).endswith(verdict)
    assert clipped("kurz und gut") == "kurz und gut"
    assert sentiment(analyser, filler + verdict) == "negative"


def test_reading_adds_up_the_same_weights_as_training_sees(analyser):
    model = analyser.model
    for text in ["Zug fällt schon wieder aus, super", "Kein Problem, alles hat geklappt 😊",
                 "Wann fährt morgen der erste Zug nach Köln? https://example.org"]:  # fmt: skip
        seen = see(text, model.lexicon)
        expected = list(model.offsets)
        for index, value in seen.vector.items():
            for column in range(3):
                expected[column] += value * model.weights[index * 3 + column]
        assert model.totals(seen.parts) == pytest.approx(expected, abs=1e-4)
