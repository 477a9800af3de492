from __future__ import annotations

from touchbase.publishing.rules import ChannelScore, requirement, topics_found

PRINT = ChannelScore("Print", permanence=9, control=1)
WEBSITE = ChannelScore("Website", permanence=4, control=9)
SOCIAL = ChannelScore("Social", permanence=6, control=3)


def test_no_channel_needs_no_reviewer_and_says_why():
    need = requirement(channels=[], text="Hello", topics=[])
    assert need.required == 0
    assert "No channel" in need.reasons[0]


def test_control_above_permanence_never_goes_below_zero():
    need = requirement(channels=[WEBSITE], text="Hello", topics=[])
    assert need.required == 0
    assert need.channel == WEBSITE


def test_the_riskiest_of_several_channels_counts():
    need = requirement(channels=[WEBSITE, SOCIAL, PRINT], text="Hello", topics=[])
    assert need.required == 8
    assert need.channel == PRINT
    assert "Print" in need.reasons[0]
    assert "9" in need.reasons[0]


def test_a_sensitive_topic_adds_one():
    need = requirement(channels=[SOCIAL], text="Wir erhöhen die Preise", topics=["Preis"])
    assert need.required == 4
    assert need.topics == ("Preis",)
    assert "Preis" in need.reasons[-1]


def test_a_sensitive_topic_adds_one_even_without_a_channel():
    assert requirement(channels=[], text="Entlassung", topics=["Entlassung"]).required == 1


def test_topics_are_found_in_inflected_and_compound_forms():
    topics = ["Entlassung", "Preiserhöhung", "layoff", "data breach", "Datenschutz"]
    assert topics_found("Die Entlassungen im Werk", topics) == ["Entlassung"]
    assert topics_found("Massenentlassungen drohen", topics) == ["Entlassung"]
    assert topics_found("Die PREISERHOEHUNGEN kommen", topics) == ["Preiserhöhung"]
    assert topics_found("We announce layoffs today", topics) == ["layoff"]
    assert topics_found("After the data breaches of last year", topics) == ["data breach"]
    assert topics_found("Unsere Datenschutzerklärung", topics) == ["Datenschutz"]


def test_a_phrase_needs_its_words_together():
    assert topics_found("the data of the breach", ["data breach"]) == []


def test_unrelated_text_touches_no_topic():
    topics = ["Entlassung", "Preis", "recall"]
    assert topics_found("Neue Öffnungszeiten ab Montag, wir freuen uns auf Sie", topics) == []
    assert topics_found("We open earlier from Monday", topics) == []


def test_short_topics_match_whole_words_only():
    # "art" must not be found in "Start" or "Kunstart" — a short stem inside a compound is noise
    assert topics_found("Der Start der Saison", ["Art"]) == []
    assert topics_found("Diese Art von Fehler", ["Art"]) == ["Art"]


def test_english_words_with_ue_are_not_folded_into_german():
    assert topics_found("The customer sued us last year", ["sue"]) == ["sue"]
    assert topics_found("Long queues at the counter", ["queue"]) == ["queue"]
    assert topics_found("A known issue with billing", ["issues"]) == ["issues"]
