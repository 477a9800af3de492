"""Feeds: RSS and Atom sources the worker polls on a schedule.

The scheduler's job `feeds_poll_due` claims each due feed source by moving its next_poll_at
forward in a conditional UPDATE, so two schedulers ticking at once poll a source once, and
enqueues `feed_poll_task`, which calls `feed_poll`:
1. GET the feed (`feed_fetch`) with If-None-Match / If-Modified-Since from the last answer;
   304 Not Modified stores nothing. At most MAX_REDIRECTS redirects, http and https only,
   FETCH_TIMEOUT seconds, MAX_FEED_BYTES bytes; hosts in private networks are refused unless
   the installation allows them (the same rule and setting as outgoing webhooks).
2. Read its entries into Drafts (`feed_read`): HTML made plain text, dates in UTC, at most
   MAX_ENTRIES. A malformed feed that still yields entries is read, and the problem noted; one
   that yields nothing is an error.
3. Store them with `drafts_store` (an entry polled twice is stored once) and ask for analysis.
4. Record the outcome on the source: a success resets the failures and polls again after
   poll_minutes; a failure counts and waits poll_minutes * 2**failures, at most a day.
"""

from __future__ import annotations

import datetime as dt
import html
import http.client
import io
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import feedparser
import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from touchbase.core.tenancy import scopes_disabled
from touchbase.core.webhooks import _address_refusal as address_refusal
from touchbase.listening import services
from touchbase.listening.choices import SourceKind
from touchbase.listening.ingest import Draft, drafts_store, language_code
from touchbase.listening.models import MAX_TEXT_LENGTH, Source

USER_AGENT = "touchbase-feeds/1 (+feed reader of a customer-contact hub)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
FETCH_TIMEOUT = 10.0
MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
MAX_ENTRIES = 1000
MAX_BACKOFF = dt.timedelta(hours=24)
# A claimed source is left alone this long; if its worker dies, it is polled again after.
# Far longer than a fetch can take.
POLL_LEASE = dt.timedelta(minutes=15)
# One scheduler tick enqueues at most this many polls; the rest wait for the next tick.
ENQUEUE_BATCH = 500
CHUNK_BYTES = 64 * 1024
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
NOT_MODIFIED = 304
# Problems feedparser reports that do not stop a feed from being read as it was meant.
HARMLESS_PROBLEMS = frozenset({"NonXMLContentType", "CharacterEncodingOverride"})

# Feed HTML becomes plain text: block tags survive the cleaning only to become line breaks
# (paragraphs a blank line, list items and table rows one), scripts and styles go with their
# content.
PARAGRAPH_TAGS = frozenset(
    {"p", "div", "ul", "ol", "table", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
)
_TEXT_CLEANER = nh3.Cleaner(
    tags=set(PARAGRAPH_TAGS | {"br", "li", "tr"}),
    clean_content_tags={"script", "style"},
    attributes={},
    link_rel=None,
    strip_comments=True,
)
_TAG = re.compile(r"<(/?)([a-z0-9]+)[^>]*>")
_BLANK_LINES = re.compile(r"\n{3,}")
_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml\s")
# "anna@shop.online (Anna B.)" (RSS), "Anna B. (anna@shop.online)" (Atom as feedparser joins
# it) or "Anna B. <anna@shop.online>"; feedparser itself cuts addresses with long endings.
_EMAIL = r"[^\s()<>@]+@[^\s()<>@]+\.[^\s()<>@]+"
_EMAIL_FIRST = re.compile(rf"^(?P<email>{_EMAIL})\s*(?:\((?P<name>[^)]*)\))?$")
_NAME_FIRST = re.compile(rf"^(?P<name>.*?)\s*[(<](?P<email>{_EMAIL})[)>]$")


class FetchFailed(Exception):
    """A poll that brought nothing to store; the message is short and fit to show."""


@dataclass(frozen=True)
class Fetched:
    """A feed's answer: its body (empty for 304) and what to send next time."""

    status: int
    url: str
    body: bytes = b""
    content_type: str = ""
    content_language: str = ""
    etag: str = ""
    last_modified: str = ""


@dataclass
class FeedRead:
    drafts: list[Draft] = field(default_factory=list)
    entries: int = 0
    # A malformed feed's problem, when its entries could be read all the same.
    problem: str = ""


@dataclass
class FeedPoll:
    """What one poll did: "stored", "not-modified", "failed" or "skipped"."""

    outcome: str
    entries: int = 0
    stored: int = 0
    note: str = ""


# --- polling on a schedule ----------------------------------------------------------------------


def feeds_poll_due(*, now: dt.datetime | None = None) -> int:
    """Claim every feed source due for a poll and enqueue its poll; returns how many.

    A source is claimed by moving next_poll_at forward in a conditional UPDATE (only if it
    still holds the value read), so several schedulers ticking at once enqueue it once.
    """
    now = now or timezone.now()
    # The scheduler serves every workspace; each task then works inside its own one.
    with scopes_disabled():
        due = list(
            Source.objects.filter(Q(next_poll_at__lte=now) | Q(next_poll_at=None))
            .filter(kind=SourceKind.FEED)
            .exclude(feed_url="")
            .order_by(F("next_poll_at").asc(nulls_first=True))
            .values("pk", "workspace_id", "next_poll_at")[:ENQUEUE_BATCH]
        )
        claimed = 0
        for row in due:
            won = Source.objects.filter(pk=row["pk"], next_poll_at=row["next_poll_at"]).update(
                next_poll_at=now + POLL_LEASE
            )
            if won:
                claimed += 1
                _enqueue(workspace_id=row["workspace_id"], source_id=row["pk"])
    return claimed


def feed_poll_request(*, source: Source) -> Source:
    """Poll a feed source now ("Fetch now"): the worker fetches it in a moment."""
    if source.kind != SourceKind.FEED or not source.feed_url:
        raise ValidationError({"kind": _("Only a feed source can be fetched.")})
    source.next_poll_at = timezone.now() + POLL_LEASE
    # Leased like a scheduled poll, so the scheduler does not poll it a second time meanwhile.
    Source.objects.filter(pk=source.pk).update(next_poll_at=source.next_poll_at)
    _enqueue(workspace_id=source.workspace_id, source_id=source.pk)
    return source


def _enqueue(*, workspace_id: int, source_id: int) -> None:
    from touchbase.listening.tasks import feed_poll_task

    transaction.on_commit(
        lambda: feed_poll_task.enqueue(workspace_id=workspace_id, source_id=source_id)
    )


def feed_poll(*, source: Source) -> FeedPoll:
    """Fetch the source's feed, store its new entries and record how it went on the source."""
    if source.kind != SourceKind.FEED or not source.feed_url:
        return FeedPoll(outcome="skipped")
    try:
        fetched = feed_fetch(
            url=source.feed_url, etag=source.feed_etag, last_modified=source.feed_last_modified
        )
        if fetched.status == NOT_MODIFIED:
            _record_success(source, fetched=fetched, note="")
            return FeedPoll(outcome="not-modified")
        reading = feed_read(fetched=fetched, channel=source.channel, now=timezone.now())
    except FetchFailed as error:
        _record_failure(source, str(error))
        return FeedPoll(outcome="failed", note=str(error))
    with transaction.atomic():
        stored = drafts_store(source=source, drafts=reading.drafts)
        _record_success(source, fetched=fetched, note=reading.problem)
        if stored:
            services.analysis_request(workspace=source.workspace)
    return FeedPoll(outcome="stored", entries=reading.entries, stored=stored, note=reading.problem)


def backoff(*, poll_minutes: int, failures: int) -> dt.timedelta:
    """How long to wait after this many failures in a row: doubling, at most a day."""
    # The exponent is bounded so a source failing for months does not build huge numbers.
    factor: int = 2 ** min(failures, 16)
    return min(dt.timedelta(minutes=poll_minutes) * factor, MAX_BACKOFF)


def _record_success(source: Source, *, fetched: Fetched, note: str) -> None:
    now = timezone.now()
    fields: dict[str, Any] = {
        "failures": 0,
        "last_polled_at": now,
        "next_poll_at": now + dt.timedelta(minutes=source.poll_minutes),
        "last_error": note[: _error_length()],
        "last_error_at": now if note else None,
    }
    # A 304 may leave out the validators; the ones sent keep working then.
    if fetched.status != NOT_MODIFIED or fetched.etag or fetched.last_modified:
        fields.update(feed_etag=fetched.etag[:500], feed_last_modified=fetched.last_modified[:100])
    _record(source, fields)


def _record_failure(source: Source, message: str) -> None:
    now = timezone.now()
    failures = source.failures + 1
    wait = backoff(poll_minutes=source.poll_minutes, failures=failures)
    _record(
        source,
        {
            "failures": F("failures") + 1,
            "next_poll_at": now + wait,
            "last_error": message[: _error_length()],
            "last_error_at": now,
        },
    )


def _record(source: Source, fields: dict[str, Any]) -> None:
    # A URL changed while the feed was fetched is polled afresh; this answer no longer counts.
    Source.objects.filter(pk=source.pk, feed_url=source.feed_url).update(**fields)
    source.refresh_from_db()


def _error_length() -> int:
    return int(Source._meta.get_field("last_error").max_length or 500)


# --- fetching -----------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # Each hop is followed by hand, so its scheme and address are checked like the first.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def feed_fetch(*, url: str, etag: str = "", last_modified: str = "") -> Fetched:
    """GET the feed, conditionally, following redirects by hand; FetchFailed if it fails."""
    deadline = time.monotonic() + FETCH_TIMEOUT
    for _hop in range(MAX_REDIRECTS + 1):
        # The opener could read files and FTP too; a feed is on the web.
        if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
            raise FetchFailed(_("only http and https addresses can be fetched"))
        refusal = address_refusal(url)
        if refusal:
            raise FetchFailed(refusal)
        request = urllib.request.Request(url, headers=_request_headers(etag, last_modified))
        try:
            response = _OPENER.open(request, timeout=_remaining(deadline))
        except urllib.error.HTTPError as error:
            with error:
                if error.code in REDIRECT_CODES:
                    url = _redirect_target(url, error.headers.get("Location", ""))
                    continue
                if error.code == NOT_MODIFIED:
                    return _fetched(NOT_MODIFIED, url, b"", error.headers)
                raise FetchFailed(f"HTTP {error.code} {error.reason}".strip()) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
            raise FetchFailed(_failure_message(error)) from None
        with response:
            try:
                body = _read_bounded(response, deadline)
            except (http.client.HTTPException, OSError) as error:
                raise FetchFailed(_failure_message(error)) from None
            return _fetched(response.status, url, body, response.headers)
    raise FetchFailed(_("more than %(count)d redirects") % {"count": MAX_REDIRECTS})


def _request_headers(etag: str, last_modified: str) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _fetched(status: int, url: str, body: bytes, headers: Any) -> Fetched:
    return Fetched(
        status=status, url=url, body=body,
        content_type=headers.get("Content-Type", "") or "",
        content_language=headers.get("Content-Language", "") or "",
        etag=headers.get("ETag", "") or "",
        last_modified=headers.get("Last-Modified", "") or "",
    )  # fmt: skip


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchFailed(_timed_out())
    return left


def _timed_out() -> str:
    return _("timed out after %(seconds)s s") % {"seconds": f"{FETCH_TIMEOUT:g}"}


def _redirect_target(url: str, location: str) -> str:
    if not location:
        raise FetchFailed(_("a redirect without a target"))
    return urllib.parse.urljoin(url, location)


def _read_bounded(response: http.client.HTTPResponse, deadline: float) -> bytes:
    """The body, read in chunks until MAX_FEED_BYTES or the deadline, whichever comes first."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_FEED_BYTES:
        raise FetchFailed(_too_large())
    chunks: list[bytes] = []
    size = 0
    while True:
        _remaining(deadline)
        # read1 returns what one receive brings, so a server sending a byte a second cannot
        # keep one read going past the deadline.
        chunk = response.read1(CHUNK_BYTES)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_FEED_BYTES:
            raise FetchFailed(_too_large())
        chunks.append(chunk)


def _too_large() -> str:
    return _("feed too large (more than %(megabytes)d MB)") % {
        "megabytes": MAX_FEED_BYTES // (1024 * 1024)
    }


def _failure_message(error: BaseException) -> str:
    reason = getattr(error, "reason", error)
    if isinstance(error, TimeoutError) or isinstance(reason, TimeoutError):
        return _timed_out()
    if isinstance(reason, OSError) and reason.strerror:
        return _("cannot connect: %(reason)s") % {"reason": reason.strerror}
    return _("cannot fetch: %(reason)s") % {"reason": reason or type(error).__name__}


# --- reading ------------------------------------------------------------------------------------


def feed_read(*, fetched: Fetched, channel: str, now: dt.datetime) -> FeedRead:
    """The entries of a fetched feed as Drafts; FetchFailed when it holds no feed at all."""
    parsed = feedparser.parse(
        # Bytes passed as they are could be taken for a file name or URL to open.
        io.BytesIO(fetched.body),
        response_headers={
            "content-location": fetched.url,
            "content-type": fetched.content_type or "application/xml",
            "content-language": fetched.content_language,
        },
        # Everything becomes plain text here (html_to_text): feedparser's own cleaning and
        # rewriting of links inside the HTML would only cost time.
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    problem = _problem(parsed, has_declaration=_DECLARATION.match(fetched.body) is not None)
    entries = parsed.entries[:MAX_ENTRIES]
    if not entries and (problem or not parsed.get("version")):
        raise FetchFailed(_("not a feed: %(reason)s") % {"reason": problem or _("no RSS or Atom")})
    feed_language = parsed.feed.get("language", "") or fetched.content_language
    drafts = [
        draft
        for entry in entries
        if (draft := _draft(entry, channel=channel, feed_language=feed_language, now=now))
    ]
    note = _("%(problem)s; entries read anyway") % {"problem": problem} if problem else ""
    return FeedRead(drafts=drafts, entries=len(entries), problem=note)


def _problem(parsed: Any, *, has_declaration: bool) -> str:
    error = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if error is None or type(error).__name__ in HARMLESS_PROBLEMS:
        return ""
    message = getattr(error, "getMessage", None)
    text = message() if callable(message) else str(error)
    line = getattr(error, "getLineNumber", None)
    if not callable(line):
        return _("XML error: %(error)s") % {"error": text}
    # feedparser puts an XML declaration in front of a document that has none.
    number = line() - (0 if has_declaration else 1)
    return _("XML error on line %(line)s: %(error)s") % {"line": max(number, 1), "error": text}


def _draft(entry: Any, *, channel: str, feed_language: str, now: dt.datetime) -> Draft | None:
    """One entry as a Draft; None for an entry with neither title nor text."""
    title = _detail_text(entry.get("title_detail")) or html_to_text(entry.get("title", ""))
    body = _body(entry)
    text = _detail_text(body)
    if not title and not text:
        return None
    author, author_email = _author(entry)
    language = (
        (body or {}).get("language") or (entry.get("title_detail") or {}).get("language") or ""
    )
    return Draft(
        published_at=_moment(entry.get("published_parsed") or entry.get("updated_parsed"), now),
        text=text[:MAX_TEXT_LENGTH],
        title=title[:300],
        author=author[:200],
        author_email=_email(author_email),
        url=_url(entry.get("link") or ""),
        external_id=(entry.get("id") or "").strip()[:200],
        language=language_code(language or feed_language),
        channel=channel,
    )


def _author(entry: Any) -> tuple[str, str]:
    """The entry's author's name and e-mail address."""
    raw = " ".join((entry.get("author") or "").split())
    match = _EMAIL_FIRST.match(raw) or _NAME_FIRST.match(raw)
    if match:
        return (match["name"] or "").strip(), match["email"]
    detail = entry.get("author_detail") or {}
    return (detail.get("name") or raw).strip(), detail.get("email") or ""


def _body(entry: Any) -> Any:
    """The entry's full content when it has one, else its summary."""
    contents = entry.get("content") or []
    return contents[0] if contents else entry.get("summary_detail")


def _detail_text(detail: Any) -> str:
    if not detail:
        return ""
    value = detail.get("value") or ""
    if detail.get("type") == "text/plain":
        return _tidy(value)
    return html_to_text(value)


def html_to_text(value: str) -> str:
    """Feed HTML as plain text: tags and scripts gone, blocks on their own lines."""
    # Line breaks in HTML source are spaces; only the block tags break lines.
    cleaned = " ".join(_TEXT_CLEANER.clean(value).split())
    return _tidy(html.unescape(_TAG.sub(_tag_break, cleaned)))


def _tag_break(match: re.Match[str]) -> str:
    closing, name = match[1], match[2]
    if name in PARAGRAPH_TAGS:
        return "\n\n"
    return "" if closing else "\n"


def _tidy(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _moment(parsed: time.struct_time | None, now: dt.datetime) -> dt.datetime:
    """An entry's time in UTC (feedparser gives it so); undated or future entries are now."""
    if not parsed:
        return now
    try:
        moment = dt.datetime(*parsed[:6], tzinfo=dt.UTC)
    except (TypeError, ValueError):
        return now
    return min(moment, now)


def _email(value: str) -> str:
    value = value.strip().casefold()
    return value[:254] if "@" in value and " " not in value else ""


def _url(value: str) -> str:
    value = value.strip()
    return value[:2000] if value.startswith(("http://", "https://")) else ""
