"""Storing mentions: once per item by any path, files with bad lines, the command line."""

from __future__ import annotations

import datetime as dt
import io
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from touchbase.listening.ingest import Draft, file_ingest, file_layout, mention_key
from touchbase.listening.models import IngestJob, Mention
from touchbase.listening.readers import open_mentions
from touchbase.listening.services import mention_enter
from touchbase.listening.tests.factories import source_make
from touchbase.listening.webhook import webhook_store

pytestmark = pytest.mark.django_db

REVIEW = "Die Kaffeemühle Aurora mahlt gleichmäßig, aber der Deckel klemmt seit der ersten Woche."


@pytest.fixture
def source(workspace):
    return source_make(workspace, "Google", channel="Google")


def ingest_bytes(source, data: bytes):
    reading = file_layout(open_mentions(io.BytesIO(data)))
    return file_ingest(source=source, reading=reading, batch_size=2)


def test_the_same_review_by_file_webhook_and_hand_is_stored_once(workspace, source):
    other_path = source_make(workspace, "Shop webhook", kind="webhook")
    csv_file = f"Reviewer Name;Star Rating;Comment;Create Time\nMaria K.;2;{REVIEW};05.03.2024\n"
    first = ingest_bytes(source, csv_file.encode("cp1252"))
    # the platform sends it with another time zone, and later someone types it in again
    receipt = webhook_store(
        source=other_path,
        items=[
            {"author": "maria k.", "text": REVIEW + " ", "stars": 2, "date": "2024-03-04T23:30:00Z"}
        ],
    )
    with pytest.raises(ValidationError, match="stored already"):
        mention_enter(source=source, text=REVIEW, author="Maria K.")
    assert (first.stored, receipt.stored, receipt.duplicates) == (1, 0, 1)
    assert Mention.objects.filter(workspace=workspace).count() == 1


def test_short_texts_by_the_same_author_on_other_days_are_other_mentions():
    day = dt.datetime(2024, 3, 5, 10, tzinfo=dt.UTC)
    first = Draft(published_at=day, text="Super!", author="Anonym")
    again_same_day = Draft(
        published_at=day + dt.timedelta(hours=2), text="super! ", author="anonym"
    )
    next_week = Draft(published_at=day + dt.timedelta(days=7), text="Super!", author="Anonym")
    assert mention_key(first) == mention_key(again_same_day)
    assert mention_key(first) != mention_key(next_week)


def test_ratings_without_text_are_told_apart_by_url_or_id_or_moment():
    day = dt.datetime(2024, 3, 5, 10, tzinfo=dt.UTC)
    by_url = [Draft(published_at=day, stars=5, url=f"https://g.co/r/{n}") for n in (1, 2)]
    by_moment = [Draft(published_at=day + dt.timedelta(minutes=n), stars=5) for n in (1, 2)]
    assert len({mention_key(draft) for draft in by_url + by_moment}) == 4


def test_a_file_keeps_its_good_lines_reports_bad_ones_by_number_and_a_rerun_adds_nothing(source):
    lines = [
        json.dumps({"text": "Sehr zufrieden mit der Lieferung", "stars": 5, "date": "2024-05-01"}),
        "{not json",
        json.dumps({"author": "Kai", "date": "2024-05-02"}),  # neither text nor stars
        json.dumps({"text": "Kaputt angekommen", "stars": "9"}),  # stars out of range
        json.dumps({"title": "Top", "stars": 4}),
        json.dumps({"text": "Ohne Datum, aber gut"}),
    ]
    data = "\n".join(lines).encode()
    first = ingest_bytes(source, data)
    again = ingest_bytes(source, data)
    assert (first.read, first.stored, first.error_count) == (5, 3, 3)
    assert [error["line"] for error in first.errors] == [2, 3, 4]
    assert "neither text nor stars" in first.errors[1]["message"]
    assert first.undated == 2
    assert (again.stored, again.duplicates) == (0, 3)
    assert Mention.objects.filter(source=source).count() == 3


def test_a_files_reply_column_marks_the_mention_answered(source):
    data = (
        "Author,Rating,Review,Date,Reply,Reply Date\n"
        f'Ben,1,"{REVIEW}",2024-03-05 10:00,"Sorry, Ben — we sent a new lid.",2024-03-06 09:00\n'
    ).encode()
    ingest_bytes(source, data)
    mention = Mention.objects.get(source=source)
    assert mention.reply_text.startswith("Sorry, Ben")
    assert mention.answered_at == dt.datetime(2024, 3, 6, 8, 0, tzinfo=dt.UTC)  # Berlin time
    assert mention.stars == 1.0


def test_the_command_stores_a_file_and_a_second_run_finds_everything_there(
    workspace, source, tmp_path
):
    path = tmp_path / "reviews.jsonl"
    rows = [
        {"id": n, "text": f"Bewertung Nummer {n}: der Service war freundlich und schnell."}
        for n in range(2500)
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n{broken\n")
    out = StringIO()
    call_command("ingest_mentions", str(path), "--source", "google", "--quiet", stdout=out)
    assert "Stored 2500 new mentions; 0 were there already; 1 lines have errors." in out.getvalue()
    assert "line 2501:" in out.getvalue()
    again = StringIO()
    call_command("ingest_mentions", str(path), "--source", "Google", "--quiet", stdout=again)
    assert "Stored 0 new mentions; 2500 were there already" in again.getvalue()
    assert Mention.objects.filter(source=source).count() == 2500
    assert IngestJob.objects.filter(source=source, status="done").count() == 2


def test_the_commands_dry_run_reports_columns_and_stores_nothing(source, tmp_path):
    path = tmp_path / "trustpilot.csv"
    path.write_text(
        "Review Created (UTC),Review Stars,Review Content,Consumer Name,Tags\n"
        f'2024-03-05 10:00:00,2,"{REVIEW}",Ina,x\n'
    )
    out = StringIO()
    call_command("ingest_mentions", str(path), "--source", "Google", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "'Review Stars' → stars" in text
    assert "not read: Tags" in text
    assert "Would store 1 new mentions" in text
    assert not Mention.objects.exists()


def test_the_command_names_the_sources_when_one_is_unknown(source, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("text\nHallo\n")
    with pytest.raises(CommandError, match="Sources: Google"):
        call_command("ingest_mentions", str(path), "--source", "Trustpilot")


def test_ingest_of_a_few_thousand_lines_is_batched(source):
    data = "\n".join(
        json.dumps({"text": f"Text {n} über die Lieferung am Montag"}) for n in range(5001)
    )
    reading = file_layout(open_mentions(io.BytesIO(data.encode())))
    batches = []
    progress = file_ingest(
        source=source, reading=reading, on_batch=lambda p: batches.append(p.line)
    )
    assert progress.stored == 5001
    assert batches == [2000, 4000, 5001]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_a_big_file_refreshes_the_planners_statistics_of_mentions(source, tmp_path):
    # given a file of 6,000 mentions, more than the first refresh waits for
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(json.dumps({"id": n, "text": f"Lieferung Nummer {n} kam an."})
                              for n in range(6000)))  # fmt: skip
    # when the command stores it (in this test's transaction, where autovacuum cannot look)
    call_command("ingest_mentions", str(path), "--source", "Google", "--quiet", stdout=StringIO())
    # then PostgreSQL knows the table holds thousands of rows, not the empty table it saw
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'listening_mention'")
        assert cursor.fetchone()[0] >= 5000
