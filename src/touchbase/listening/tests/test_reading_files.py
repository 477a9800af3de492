"""Reading mention files as they come: encodings, delimiters, layouts, stars, dates, bad lines."""

from __future__ import annotations

import datetime as dt
import io
import json
import zoneinfo

import pytest

from touchbase.listening.ingest import file_layout
from touchbase.listening.layouts import layout_for, normalise_header
from touchbase.listening.readers import BadLine, MentionFileError, Record, open_mentions
from touchbase.listening.values import DateReader, parse_stars

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def read(data: bytes):
    reading = file_layout(open_mentions(io.BytesIO(data)))
    return reading, list(reading.records)


@pytest.mark.parametrize(
    ("value", "stars"),
    [
        ("5", 5.0),
        ("4,5", 4.5),
        ("4.0", 4.0),
        ("FIVE", 5.0),
        ("two", 2.0),
        ("STAR_RATING_THREE", 3.0),
        ("★★★★☆", 4.0),
        ("⭐⭐", 2.0),
        ("8/10", 4.0),
        ("4 von 5", 4.0),
        ("3 out of 5", 3.0),
        ("80%", 4.0),
        ("4 Sterne", 4.0),
        ("", None),
        ("  ", None),
    ],
)
def test_stars_are_read_in_the_spellings_platforms_use(value, stars):
    assert parse_stars(value) == stars


@pytest.mark.parametrize("value", ["0", "6", "11/10", "sehr gut", "7 of 7", "-1"])
def test_a_value_that_is_no_rating_is_refused_with_a_reason(value):
    with pytest.raises(ValueError, match="1 to 5|no star rating|scale"):
        parse_stars(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05T10:15:00Z", dt.datetime(2024, 3, 5, 10, 15, tzinfo=dt.UTC)),
        ("2024-03-05 10:15:00 UTC", dt.datetime(2024, 3, 5, 10, 15, tzinfo=dt.UTC)),
        ("2024-03-05T10:15:00+01:00", dt.datetime(2024, 3, 5, 9, 15, tzinfo=dt.UTC)),
        ("05.03.2024 10:15", dt.datetime(2024, 3, 5, 10, 15, tzinfo=BERLIN)),
        ("5.3.24", dt.datetime(2024, 3, 5, tzinfo=BERLIN)),
        ("2024/03/05", dt.datetime(2024, 3, 5, tzinfo=BERLIN)),
        ("5. März 2024", dt.datetime(2024, 3, 5, tzinfo=BERLIN)),
        ("March 5, 2024 2:30 PM", dt.datetime(2024, 3, 5, 14, 30, tzinfo=BERLIN)),
        ("Tue, 05 Mar 2024 10:15:00 GMT", dt.datetime(2024, 3, 5, 10, 15, tzinfo=dt.UTC)),
        ("1709633700000", dt.datetime(2024, 3, 5, 10, 15, tzinfo=dt.UTC)),
        ("vor 2 Wochen", NOW - dt.timedelta(days=14)),
        ("a day ago", NOW - dt.timedelta(days=1)),
    ],
)
def test_dates_are_read_in_the_forms_exports_write(value, expected):
    assert DateReader(BERLIN, NOW).read(value) == expected


def test_slashed_dates_learn_the_files_order_from_a_day_over_twelve():
    dates = DateReader(BERLIN, NOW)
    assert dates.read("25/03/2024").date() == dt.date(2024, 3, 25)
    # once a day came first, 03/05 is the 3rd of May, not March 5th
    assert dates.read("03/05/2024").date() == dt.date(2024, 5, 3)


@pytest.mark.parametrize("value", ["gestern irgendwann", "31.02.2024", "2031-01-01", "1970-01-01"])
def test_an_unreadable_or_implausible_date_is_refused(value):
    with pytest.raises(ValueError, match="date"):
        DateReader(BERLIN, NOW).read(value)


@pytest.mark.parametrize(
    ("header", "normal"),
    [
        ("Review Created (UTC)", "review created utc"),
        ("reviewer.displayName", "reviewer display name"),
        ("starRating", "star rating"),
        ("\ufeffE-Mail", "e mail"),
        ("Text der Bewertung", "text der bewertung"),
    ],
)
def test_headers_are_compared_in_one_normal_form(header, normal):
    assert normalise_header(header) == normal


def test_google_play_console_export_is_recognised():
    headers = [
        "Package Name",
        "App Version Code",
        "Reviewer Language",
        "Device",
        "Review Submit Date and Time",
        "Review Submit Millis Since Epoch",
        "Star Rating",
        "Review Title",
        "Review Text",
        "Developer Reply Date and Time",
        "Developer Reply Text",
        "Review Link",
    ]
    layout = layout_for(headers, [])
    assert layout.columns == {
        "language": "Reviewer Language",
        "date": "Review Submit Date and Time",
        "stars": "Star Rating",
        "title": "Review Title",
        "text": "Review Text",
        "reply_date": "Developer Reply Date and Time",
        "reply": "Developer Reply Text",
        "url": "Review Link",
    }
    assert "Review Submit Millis Since Epoch" in layout.unmapped


def test_trustpilot_export_is_recognised():
    headers = [
        "Review Id",
        "Review Created (UTC)",
        "Review Consumer User Id",
        "Review Title",
        "Review Content",
        "Review Stars",
        "Source Of Review",
        "Review Language",
        "Consumer Name",
        "Consumer Email",
        "Reference Id",
        "Company Reply Date (UTC)",
    ]
    layout = layout_for(headers, [])
    assert layout.columns["id"] == "Review Id"
    assert layout.columns["author"] == "Consumer Name"
    assert layout.columns["author_email"] == "Consumer Email"
    assert layout.columns["stars"] == "Review Stars"
    assert layout.columns["text"] == "Review Content"
    assert layout.columns["reply_date"] == "Company Reply Date (UTC)"


def test_a_bewertung_column_is_stars_or_text_by_what_it_holds():
    numbers = [{"Bewertung": "4"}, {"Bewertung": "5"}, {"Bewertung": "2"}]
    words = [{"Bewertung": "Alles gut"}, {"Bewertung": "Leider kaputt"}]
    assert layout_for(["Bewertung"], numbers).columns == {"stars": "Bewertung"}
    assert layout_for(["Bewertung"], words).columns == {"text": "Bewertung"}


def test_a_windows_1252_semicolon_file_with_a_multiline_cell_is_read():
    data = (
        'Name;Sterne;Kommentar;Datum\nJörg;5;"Schöne Grüße\nund danke";05.03.2024\n'
        "Anne;2;Zu laut;06.03.2024\n"
    ).encode("cp1252")
    reading, records = read(data)
    assert reading.file.encoding == "Windows-1252"
    assert reading.layout.columns["author"] == "Name"
    assert [record.line for record in records] == [2, 4]
    assert records[0].fields["Kommentar"] == "Schöne Grüße\nund danke"


def test_utf16_tab_separated_export_is_read():
    data = "Reviewer\tRating\tReview Text\nAyşe\t4\tÇok iyi\n".encode("utf-16")
    reading, records = read(data)
    assert reading.file.encoding.startswith("UTF-16")
    assert records == [Record(2, {"Reviewer": "Ayşe", "Rating": "4", "Review Text": "Çok iyi"})]


def test_a_line_with_too_many_cells_is_reported_by_number_and_the_rest_kept():
    data = b"text,stars\nGood,5\nBad,1,extra,cells\nFine,4\n"
    _reading, records = read(data)
    assert [type(item) for item in records] == [Record, BadLine, Record]
    assert records[1].line == 3


def test_json_lines_with_a_broken_line_keep_the_others():
    lines = [
        json.dumps({"text": "eins", "stars": 5}),
        "{kaputt",
        "[1, 2]",
        json.dumps({"text": "zwei"}),
    ]
    _reading, records = read("\n".join(lines).encode())
    assert [(type(item).__name__, item.line) for item in records] == [
        ("Record", 1),
        ("BadLine", 2),
        ("BadLine", 3),
        ("Record", 4),
    ]


def test_google_takeout_json_with_nested_reviewer_is_read():
    document = {
        "reviews": [
            {
                "name": "accounts/1/locations/2/reviews/3",
                "reviewId": "r3",
                "reviewer": {"displayName": "Maria K."},
                "starRating": "FOUR",
                "comment": "Freundlich und schnell",
                "createTime": "2024-02-01T09:00:00Z",
                "reviewReply": {"comment": "Danke, Maria!", "updateTime": "2024-02-02T09:00:00Z"},
            }
        ]
    }
    reading, records = read(json.dumps(document).encode())
    assert reading.file.kind == "json"
    columns = reading.layout.columns
    assert (columns["author"], columns["stars"], columns["reply"]) == (
        "reviewer.displayName",
        "starRating",
        "reviewReply.comment",
    )
    assert columns["id"] == "reviewId"
    assert records[0].fields["reviewer.displayName"] == "Maria K."


def test_deep_or_wide_json_is_bounded():
    deep: dict = {"text": "x"}
    node = deep
    for _level in range(50):
        node["inner"] = {}
        node = node["inner"]
    wide = {f"key{n}": n for n in range(5000)}
    _reading, records = read((json.dumps(deep) + "\n" + json.dumps(wide)).encode())
    assert max(len(key.split(".")) for key in records[0].fields) <= 4
    assert len(records[1].fields) <= 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x00\x01\x02\x00binary", "no text"),
        (b"[1, 2", "no valid JSON"),
    ],
)
def test_a_file_that_cannot_be_read_at_all_says_why(data, message):
    with pytest.raises(MentionFileError, match=message):
        open_mentions(io.BytesIO(data))


def test_title_lines_above_the_header_of_a_listening_export_are_skipped():
    data = (
        b"Mentions report\nPollux GmbH,1 Jan 2026 - 31 Jan 2026\n\n"
        b"Date,Title,Full Text,Url,Author,Sentiment\n"
        b"2026-01-05 10:00,Aurora,Die Aurora klemmt,https://x.example/1,@ina,negative\n"
    )
    reading, records = read(data)
    assert reading.layout.columns["text"] == "Full Text"
    assert reading.layout.columns["author"] == "Author"
    assert [(record.line, record.fields["Author"]) for record in records] == [(5, "@ina")]


def test_a_file_with_no_known_header_keeps_every_row_after_its_first():
    data = "a;b\n" + "".join(f"{n};x\n" for n in range(15))
    _reading, records = read(data.encode())
    assert len(records) == 15
    assert records[0] == Record(2, {"a": "0", "b": "x"})
