"""Mentions in: from file records, feed entries, webhook items and forms to stored rows.

Every path builds Drafts and hands them to `drafts_store`, which inserts a batch in one
statement and skips what is already there: the key of a mention (`mention_key`) is the same
whichever path brought it, so the same review from an export and from a webhook is stored
once, and a file read twice stores nothing the second time.

Storing is acknowledging: a batch is committed together with the job's progress, so a job
resumed after a crash goes on after the last committed line, and anything it reads again
is skipped as a duplicate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from touchbase.listening.layouts import Layout, layout_for
from touchbase.listening.models import MAX_TEXT_LENGTH, Mention, Source
from touchbase.listening.readers import BadLine, MentionFile, Record
from touchbase.listening.values import DateReader, parse_stars

BATCH_SIZE = 2000
LAYOUT_SAMPLE = 50
# Texts shorter than this ("Super!", "Top") are told apart by the day they were written too.
DISTINCT_TEXT_LENGTH = 40
MAX_ERRORS_KEPT = 100
LANGUAGE_CODE = re.compile(r"^([a-z]{2})(?:[-_][a-z0-9]+)?$")


@dataclass(slots=True)
class Draft:
    """A mention ready to store: every value checked and bounded."""

    published_at: dt.datetime
    text: str = ""
    title: str = ""
    stars: float | None = None
    author: str = ""
    author_email: str = ""
    author_handle: str = ""
    url: str = ""
    external_id: str = ""
    language: str = ""
    reply_text: str = ""
    replied_at: dt.datetime | None = None
    product_hint: str = ""
    channel: str = ""

    @property
    def key(self) -> str:
        return mention_key(self)


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def mention_key(draft: Draft) -> str:
    """The identity of a mention, whichever path brought it.

    A text is the mention: the same author's same words are one review, however an export
    dates it (exports disagree on time zones). Short texts add the day; without text the URL,
    the source's id, or author, stars and the exact moment tell mentions apart.
    """
    body = _normal(draft.text) or _normal(draft.title)
    author = _normal(draft.author or draft.author_handle or draft.author_email)
    if len(body) >= DISTINCT_TEXT_LENGTH:
        parts = ["text", author, body]
    elif body:
        parts = ["short", author, body, draft.published_at.astimezone(dt.UTC).date().isoformat()]
    elif draft.url:
        parts = ["url", draft.url.strip()]
    elif draft.external_id:
        parts = ["id", draft.channel.casefold(), draft.external_id]
    else:
        moment = draft.published_at.astimezone(dt.UTC).isoformat(timespec="seconds")
        parts = ["rating", author, str(draft.stars), moment]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


# --- records to drafts --------------------------------------------------------------------------


class DraftReader:
    """Turns one file's records into Drafts, with the file's own date conventions."""

    def __init__(
        self, layout: Layout, *, zone: dt.tzinfo | str, now: dt.datetime, channel: str
    ) -> None:
        self.layout = layout
        self.dates = DateReader(zone, now)
        self.dates.day_first = layout.day_first
        # Decided once per file: a column named "… (UTC)" holds UTC times.
        self.date_is_utc = layout.is_utc("date")
        self.reply_date_is_utc = layout.is_utc("reply_date")
        self.now = now
        self.channel = channel
        self.undated = 0

    def draft(self, record: Record) -> Draft:
        """The record as a Draft; ValueError with a reason a user can act on."""
        value = self.layout.value
        fields = record.fields
        text, title = value(fields, "text"), value(fields, "title")
        stars = parse_stars(value(fields, "stars"), scale=self.layout.stars_scale)
        if not text and not title and stars is None:
            raise ValueError(_("The line has neither text nor stars."))
        published = self.dates.read(value(fields, "date"), is_utc=self.date_is_utc)
        if published is None:
            self.undated += 1
            published = self.now
        reply = value(fields, "reply")
        replied = self._reply_date(value(fields, "reply_date")) if reply else None
        return Draft(
            published_at=published,
            text=text[:MAX_TEXT_LENGTH],
            title=title[:300],
            stars=stars,
            author=value(fields, "author")[:200],
            author_email=_email(value(fields, "author_email")),
            author_handle=handle_normal(value(fields, "author_handle")),
            url=_url(value(fields, "url")),
            external_id=value(fields, "id")[:200],
            language=language_code(value(fields, "language")),
            reply_text=reply[:MAX_TEXT_LENGTH],
            replied_at=replied or (published if reply else None),
            product_hint=(value(fields, "product") or value(fields, "sku"))[:200],
            channel=self.channel,
        )

    def _reply_date(self, text: str) -> dt.datetime | None:
        try:
            return self.dates.read(text, is_utc=self.reply_date_is_utc)
        except ValueError:
            return None


def handle_normal(value: str) -> str:
    """ "@Anna_K " and "anna_k" are one handle."""
    return value.strip().lstrip("@").casefold()[:200]


def _email(value: str) -> str:
    value = value.strip().casefold()
    return value[:254] if "@" in value and " " not in value else ""


def _url(value: str) -> str:
    value = value.strip()
    return value[:2000] if value.startswith(("http://", "https://")) else ""


def language_code(value: str) -> str:
    """ "de", "de-DE", "de_AT" → "de"; anything else is left to the analyser."""
    match = LANGUAGE_CODE.match(value.strip().casefold())
    return match[1] if match else ""


# --- storing ------------------------------------------------------------------------------------

COLUMNS = (
    "workspace_id", "source_id", "key", "external_id", "channel", "author", "author_email",
    "author_handle", "url", "published_at", "received_at", "language", "title", "text", "stars",
    "reply_text", "product_hint", "sentiment", "answered_at",
)  # fmt: skip


def _insert_statement() -> str:
    table = connection.ops.quote_name(Mention._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
    marks = ", ".join(["%s"] * len(COLUMNS))
    return f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING"  # noqa: S608


def _row(source: Source, draft: Draft, received: Any) -> tuple[Any, ...]:
    adapt = connection.ops.adapt_datetimefield_value
    return (
        source.workspace_id, source.pk, draft.key, draft.external_id,
        draft.channel or source.channel, draft.author, draft.author_email, draft.author_handle,
        draft.url, adapt(draft.published_at), received, draft.language, draft.title, draft.text,
        draft.stars, draft.reply_text, draft.product_hint, "",
        adapt(draft.replied_at) if draft.replied_at else None,
    )  # fmt: skip


def drafts_store(*, source: Source, drafts: Sequence[Draft]) -> int:
    """Insert the drafts that are new, in one statement; returns how many were new.

    Call it inside a transaction together with whatever records the progress.
    """
    if not drafts:
        return 0
    received = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [_row(source, draft, received) for draft in drafts]
    with connection.cursor() as cursor:
        cursor.executemany(_insert_statement(), rows)
        return max(int(cursor.rowcount), 0)


def keys_existing(*, source: Source, keys: Iterable[str]) -> set[str]:
    """Which of the keys the workspace holds already (for a dry run)."""
    found: set[str] = set()
    pending = list(keys)
    for start in range(0, len(pending), 500):
        chunk = pending[start : start + 500]
        found.update(
            Mention.objects.filter(workspace_id=source.workspace_id, key__in=chunk).values_list(
                "key", flat=True
            )
        )
    return found


# --- a whole file -------------------------------------------------------------------------------


@dataclass
class Progress:
    """Where a file's ingest stands; `line` is the last line read and settled."""

    line: int = 0
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    undated: int = 0

    def error(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append({"line": line, "message": message})


@dataclass
class FileReading:
    """An opened file with its layout, ready to be read record by record."""

    file: MentionFile
    layout: Layout
    records: Iterator[Record | BadLine]


def file_layout(file: MentionFile) -> FileReading:
    """Decide the file's layout from its headers (or, for JSON, its first objects' keys)."""
    sample: list[Record | BadLine] = []
    for item in file.records:
        sample.append(item)
        if len(sample) >= LAYOUT_SAMPLE:
            break
    records = [item.fields for item in sample if isinstance(item, Record)]
    headers = file.headers or list(dict.fromkeys(key for fields in records for key in fields))
    layout = layout_for(headers, records)

    def chained() -> Iterator[Record | BadLine]:
        yield from sample
        yield from file.records

    return FileReading(file=file, layout=layout, records=chained())


def file_ingest(
    *,
    source: Source,
    reading: FileReading,
    start_after: int = 0,
    on_batch: Callable[[Progress], None] | None = None,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
) -> Progress:
    """Read every record, store the new ones batch by batch (or, dry, only count them).

    `on_batch(progress)` runs inside each batch's transaction, after its insert: what it
    writes (a job's position) commits with the batch or not at all.
    """
    progress = Progress(line=start_after)
    reader = DraftReader(
        reading.layout, zone=source.workspace.zone, now=timezone.now(), channel=source.channel
    )
    seen: set[str] = set()
    batch: list[Draft] = []
    last_line = start_after
    for item in reading.records:
        if item.line <= start_after:
            continue
        last_line = item.line
        _read_one(item, reader, progress, batch)
        if len(batch) >= batch_size:
            _settle(source, batch, progress, last_line, dry_run, seen, on_batch)
            batch = []
    _settle(source, batch, progress, last_line, dry_run, seen, on_batch)
    progress.undated = reader.undated
    return progress


def _read_one(
    item: Record | BadLine, reader: DraftReader, progress: Progress, batch: list[Draft]
) -> None:
    if isinstance(item, BadLine):
        progress.error(item.line, item.message)
        return
    progress.read += 1
    try:
        batch.append(reader.draft(item))
    except ValueError as error:
        progress.error(item.line, str(error))


def _settle(
    source: Source,
    batch: list[Draft],
    progress: Progress,
    line: int,
    dry_run: bool,
    seen: set[str],
    on_batch: Callable[[Progress], None] | None,
) -> None:
    if dry_run:
        _count_dry(source, batch, progress, seen)
        progress.line = line
        if on_batch:
            on_batch(progress)
        return
    with transaction.atomic():
        stored = drafts_store(source=source, drafts=batch)
        progress.stored += stored
        progress.duplicates += len(batch) - stored
        progress.line = line
        if on_batch:
            on_batch(progress)


def _count_dry(source: Source, batch: list[Draft], progress: Progress, seen: set[str]) -> None:
    keys = [draft.key for draft in batch]
    existing = keys_existing(source=source, keys=keys)
    for key in keys:
        if key in existing or key in seen:
            progress.duplicates += 1
        else:
            seen.add(key)
            progress.stored += 1
