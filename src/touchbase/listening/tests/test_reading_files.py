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


# --- real-world layouts (bench/mention_corpus.py found these) -----------------------------------


def drafts(data: bytes):
    from touchbase.listening.ingest import DraftReader

    reading, records = read(data)
    reader = DraftReader(reading.layout, zone=BERLIN, now=NOW, channel="test")
    return reading, [reader.draft(record) for record in records]


@pytest.mark.parametrize(
    ("value", "stars"),
    [
        ("5 von 5 Sternen", 5.0),
        ("4,0 von 5 Sternen", 4.0),
        ("4.0 out of 5 stars", 4.0),
        ("4 star rating", 4.0),
        ("5,00", 5.0),
        ("5,4/6", 4.5),
    ],
)
def test_more_spellings_of_stars_are_read(value, stars):
    assert parse_stars(value) == stars


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("11/28/24", dt.datetime(2024, 11, 28, tzinfo=BERLIN)),
        ("05-Mar-2024 02:30PM", dt.datetime(2024, 3, 5, 14, 30, tzinfo=BERLIN)),
        ("Mar-05-24", dt.datetime(2024, 3, 5, tzinfo=BERLIN)),
        ("Rezension aus Deutschland vom 5. März 2024", dt.datetime(2024, 3, 5, tzinfo=BERLIN)),
        ("Reviewed in the United Kingdom on 2 March 2024", dt.datetime(2024, 3, 2, tzinfo=BERLIN)),
        ("Bearbeitet: vor 2 Tagen", NOW - dt.timedelta(days=2)),
        ("1709633700.0", dt.datetime(2024, 3, 5, 10, 15, tzinfo=dt.UTC)),
        ("2024-03-05T10:15:00+0000", dt.datetime(2024, 3, 5, 10, 15, tzinfo=dt.UTC)),
    ],
)
def test_more_forms_of_dates_are_read(value, expected):
    assert DateReader(BERLIN, NOW).read(value) == expected


def test_an_excel_sep_line_names_the_delimiter_and_is_no_row():
    data = b"sep=;\r\nWer;Was, wie;Wann\r\nAnna;Gut, danke;05.03.2024\r\n"
    reading, records = read(data)
    assert reading.file.headers == ["Wer", "Was, wie", "Wann"]
    assert records == [Record(3, {"Wer": "Anna", "Was, wie": "Gut, danke", "Wann": "05.03.2024"})]


def test_a_title_line_without_delimiters_does_not_hide_a_semicolon_header():
    data = (
        "Export Kundenbewertungen – Stand 31.03.2024\r\n"
        "Name;Sterne;Kommentar;Datum\r\nJan;2;Zu langsam, zu teuer, zu laut;06.03.2024\r\n"
    ).encode("cp1252")
    reading, records = drafts(data)
    assert reading.file.encoding == "Windows-1252"
    assert [(draft.author, draft.stars, draft.text) for draft in records] == [
        ("Jan", 2.0, "Zu langsam, zu teuer, zu laut")
    ]


def test_slashed_dates_take_their_order_from_the_files_first_records():
    data = b"Date\tRating\tComments\n05/03/24\t4\tLate but fine\n28/11/24\t2\tWrong colour\n"
    _reading, records = drafts(data)
    assert [draft.published_at.date() for draft in records] == [
        dt.date(2024, 3, 5),
        dt.date(2024, 11, 28),
    ]


def test_a_date_column_that_says_utc_reads_times_without_a_zone_as_utc():
    data = b"Review Created (UTC),Review Stars,Review Content\n2024-03-05 10:15:00,5,Fast\n"
    _reading, records = drafts(data)
    assert records[0].published_at == dt.datetime(2024, 3, 5, 10, 15, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("header", "values", "field"),
    [
        ("Management Response", ["Thank you!"], "reply"),
        ("Antwort des Hotels", ["Danke!"], "reply"),
        ("Management Response Date", ["March 7, 2024"], "reply_date"),
        ("Service rating", ["5", "1"], "stars"),
        ("Sternebewertung", ["5", "2"], "stars"),
        ("Ihre Meinung", ["Klasse"], "text"),
        ("Published Date", ["2024-03-05"], "date"),
        ("Product Review Id", ["pr-1"], "id"),
    ],
)
def test_a_columns_words_tell_its_field_when_no_alias_names_it(header, values, field):
    sample = [{header: value} for value in values]
    assert layout_for([header], sample).columns == {field: header}


def test_a_date_like_name_without_dates_in_it_is_no_date_column():
    sample = [{"Date of Stay": "February 2024"}]
    assert layout_for(["Date of Stay"], sample).columns == {}


def test_an_empty_text_is_read_from_the_next_text_column():
    data = (
        b"Date,Author,Full Text,Snippet\n"
        b"2024-03-05 10:15,ina_k,Die Aurora klemmt,\n"
        b"2024-03-04 08:00,beanhead,,Best grinder under 100\n"
    )
    reading, records = drafts(data)
    assert reading.layout.columns["text"] == "Full Text"
    assert "Snippet" not in reading.layout.unmapped
    assert [draft.text for draft in records] == ["Die Aurora klemmt", "Best grinder under 100"]


def test_wordpress_comment_columns_are_read_as_the_review():
    data = (
        b"comment_ID,comment_author,comment_author_email,comment_date,comment_content,meta:rating\n"
        b'812,Heike,heike@example.de,2024-03-05 14:22:10,"Sch\xc3\xb6n, gerne wieder.",5\n'
    )
    reading, records = drafts(data)
    assert reading.layout.columns["text"] == "comment_content"
    draft = records[0]
    assert (draft.author, draft.author_email, draft.stars, draft.text) == (
        "Heike", "heike@example.de", 5.0, "Schön, gerne wieder."
    )  # fmt: skip


def test_a_reply_column_beside_a_review_text_stays_the_reply():
    sample = [{"review_content": "Great fit", "comment_content": "Thanks Anna!"}]
    layout = layout_for(["review_content", "comment_content"], sample)
    assert layout.columns == {"text": "review_content", "reply": "comment_content"}


def test_a_score_out_of_ten_is_read_as_stars():
    data = b'Review date,Review score,Positive review\n2024-03-05,"8,8",Tolles Fruehstueck\n'
    data += b"2024-03-02,4.0,Kalt\n"
    reading, records = drafts(data)
    assert reading.layout.stars_scale == 10
    assert [draft.stars for draft in records] == [4.4, 2.0]


def test_one_stray_nine_among_star_counts_is_a_wrong_line_not_a_scale():
    sample = [{"Rating": value} for value in ["5", "4", "9", "3", "5", "4", "2", "5", "4"]]
    assert layout_for(["Rating"], sample).stars_scale == 5


def test_a_column_named_for_stars_without_ratings_in_it_is_left_unread():
    lines = [{"title": "Worth it?", "score": 12}, {"title": "Burrs worn", "score": 3}]
    reading, records = drafts("\n".join(json.dumps(line) for line in lines).encode())
    assert "stars" not in reading.layout.columns
    assert [draft.stars for draft in records] == [None, None]


def test_a_small_utf8_file_with_one_windows_line_stays_utf8():
    head = "Name,Text\r\nJürgen,Schöne Grüße aus München\r\n".encode()
    windows = "Günther,Für später\r\n".encode("cp1252")
    tail = "Zoë,Naja – mittelmäßig\r\n".encode()
    reading, records = read(head + windows + tail)
    assert reading.file.encoding == "UTF-8"
    assert [record.fields["Name"] for record in records] == ["Jürgen", "Günther", "Zoë"]


def test_deciding_the_layout_of_a_big_file_reads_only_its_head():
    lines = "".join(f"Kunde {n};{n % 5 + 1};Text {n};05.03.2024\n" for n in range(200_000))
    raw = io.BytesIO(("Name;Sterne;Kommentar;Datum\n" + lines).encode())
    reading = file_layout(open_mentions(raw))
    assert reading.layout.columns["stars"] == "Sterne"
    assert raw.tell() < 200_000
