"""Reachability audit, the pure part: fetch a page, find its phone numbers and e-mail addresses,
compare them with master data.

The worker's audit task calls, per page:
    page = page_fetch(url)                       # never raises; page.ok / page.error_code
    phones, emails = page_contacts(page, region="DE")
    comparison = compare(phones=phones, emails=emails, master_phones=[...], master_emails=[...])

Fetching (`page_fetch`):
1. Only http and https; the host must not resolve to a private address unless the installation
   allows it (WEBHOOK_ALLOW_PRIVATE_ADDRESSES, the setting outgoing webhooks and feeds use).
2. robots.txt of the host is asked first, for USER_AGENT (`robots_allowed`).
3. GET with one deadline for the whole fetch (connect, headers and every read), redirects
   followed by hand so each hop passes steps 1 and 2 again; a loop or more than max_redirects
   fails.
4. Only HTML is read (text/html, application/xhtml+xml, or no type and a body that looks like
   HTML), at most max_bytes; the body is decoded with the declared charset, else the meta
   charset, else a guess, and made visible text plus its mailto: and tel: links.

robots.txt decisions (RFC 9309 where it fits an audit of a handful of pages a workspace entered
itself, visited once per schedule):
- 2xx: its rules apply (urllib.robotparser: first matching rule wins, no wildcards), at most
  ROBOTS_MAX_BYTES read, the rest ignored.
- 4xx, 401 and 403 included: no rules, everything allowed (RFC 9309 2.3.1.3; robotparser's own
  read() would refuse all on 401/403).
- 5xx, timeouts, network failures, private addresses: allowed too, unlike RFC 9309 2.3.1.4
  (assume disallowed): the page fetch that follows then reports the real failure instead of
  hiding it behind "refused by robots.txt", and an audit is not a crawl that could overload a
  struggling server.
Not covered: the DNS lookup is not bounded by the deadline, and a host that resolves to another
address between the check and the connection (DNS rebinding) is not caught, as for webhooks;
proxies from the environment are not used.
"""

from __future__ import annotations

import codecs
import html
import http.client
import ipaddress
import re
import socket
import ssl
import time
import urllib.parse
import urllib.robotparser
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

import charset_normalizer
import phonenumbers
from django.conf import settings
from django.utils.translation import gettext as _

USER_AGENT = "touchbase-reachability-audit/1 (+https://touchbase.example/)"
ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
ACCEPT_LANGUAGE = "de, en;q=0.5"
ROBOTS_TIMEOUT = 5.0
ROBOTS_MAX_BYTES = 500 * 1024
ROBOTS_MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
MAX_TEXT_CHARS = 200_000
MAX_RESULTS = 200
# Regions whose ways of writing numbers the audit reads; the workspace's own one is tried first.
PHONE_REGIONS = ("DE", "AT", "CH")
# Browsers read these labels as windows-1252 (WHATWG Encoding); the pages are written for them.
BROWSER_CHARSETS = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
                    "us-ascii": "cp1252", "ascii": "cp1252"}  # fmt: skip

# Elements whose content a visitor never reads.
HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template"})
# Elements that stand apart from their neighbours: a line break around each, so numbers and
# addresses in neighbouring cells or paragraphs do not run together.
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
        "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip

_CHARSET_PARAMETER = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE
)  # covers <meta charset="..."> and <meta http-equiv="Content-Type" content="...; charset=...">
_LOOKS_LIKE_HTML = re.compile(rb"<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE)
_SPACES = re.compile(r"\s+")

# E-mail addresses: the usual shapes, not the full RFC 5322 (quoted local parts, IP literals).
_LOCAL = r"[\w+-]+(?:\.[\w+-]+)*"
_DOMAIN = r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,24}"
_EMAIL = re.compile(rf"(?<![\w.+-])({_LOCAL})@({_DOMAIN})(?![\w-]|\.[^\W_])")
# "info [at] example [dot] de", "info(at)example(punkt)de", "info{@}example[.]de".
_AT_BRACKETED = re.compile(r"\s*[\[({<]\s*(?:at|ät|@)\s*[\])}>]\s*", re.IGNORECASE)
_DOT_BRACKETED = re.compile(r"\s*[\[({<]\s*(?:dot|punkt|\.)\s*[\])}>]\s*", re.IGNORECASE)
# Spelled out without brackets only where an address is clearly meant, as "look at this" is
# prose: after an "E-Mail:" label, or a mailbox name with a spelled-out "dot" in the domain.
_AT_WORD = r"[^\S\n]+(?:at|ät)[^\S\n]+"
_DOT_WORD = r"[^\S\n]+(?:dot|punkt)[^\S\n]+"
_LABELLED = re.compile(
    rf"(?P<label>\b(?:e-?mail|mail)(?:[-\s]?(?:adresse|address))?[^\S\n]*:?[^\S\n]*)"
    rf"(?P<local>{_LOCAL}){_AT_WORD}(?P<domain>[\w-]+(?:(?:{_DOT_WORD}|\.)[\w-]+)+)",
    re.IGNORECASE,
)
_MAILBOX_NAMES = (
    "info|kontakt|contact|office|mail|post|service|support|hallo|hello|team|empfang|praxis|"
    "kanzlei|buero|büro|verwaltung|sekretariat|presse|press|anfrage|vertrieb|sales"
)
_MAILBOX = re.compile(
    rf"\b(?P<local>{_MAILBOX_NAMES}){_AT_WORD}(?P<domain>[\w-]+(?:{_DOT_WORD}[\w-]+)+)",
    re.IGNORECASE,
)
_DOT_SPELLED = re.compile(_DOT_WORD, re.IGNORECASE)


@dataclass(frozen=True)
class PageFetch:
    """One page as the audit fetched it: its visible text and contact links, or why it failed."""

    url: str
    status: int | None
    ok: bool
    error: str
    error_code: str
    text: str
    hrefs: tuple[str, ...]
    elapsed_ms: int


@dataclass(frozen=True)
class Comparison:
    """What a page shows against master data, phones in E.164 and e-mails in lower case."""

    phones_unknown: tuple[str, ...]
    emails_unknown: tuple[str, ...]
    phones_missing: tuple[str, ...]
    emails_missing: tuple[str, ...]


class _Failure(Exception):
    def __init__(
        self, code: str, message: str, *, status: int | None = None, url: str = ""
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.url = url


# The rules of one origin; None when it has none that can be read.
type RobotRules = urllib.robotparser.RobotFileParser | None


@dataclass(frozen=True)
class _Limits:
    deadline: float
    seconds: float
    max_bytes: int
    max_redirects: int
    allow_private: bool
    # robots.txt is cut at max_bytes and read anyway; a page that long is refused.
    truncate: bool = False


@dataclass(frozen=True)
class _Answer:
    url: str
    status: int
    content_type: str
    body: bytes


# --- fetching -----------------------------------------------------------------------------------


def page_fetch(
    url: str,
    *,
    timeout: float = 10.0,
    max_bytes: int = 2_000_000,
    max_redirects: int = 5,
    allow_private: bool | None = None,
    check_robots: bool = True,
) -> PageFetch:
    """Fetch a page within the limits and read its visible text; a failure is a result, too."""
    started = time.monotonic()
    limits = _Limits(
        deadline=started + timeout, seconds=timeout, max_bytes=max_bytes,
        max_redirects=max_redirects, allow_private=_private_allowed(allow_private),
    )  # fmt: skip
    try:
        answer = _get(url, limits=limits, robots={} if check_robots else None, html_only=True)
    except _Failure as failure:
        return PageFetch(
            url=failure.url or url, status=failure.status, ok=False,
            error=failure.message, error_code=failure.code, text="", hrefs=(),
            elapsed_ms=_elapsed(started),
        )  # fmt: skip
    reader = _PageText()
    reader.feed(_decode(answer.body, answer.content_type))
    reader.close()
    return PageFetch(
        url=answer.url, status=answer.status, ok=True, error="", error_code="",
        text=reader.text(), hrefs=tuple(reader.hrefs), elapsed_ms=_elapsed(started),
    )  # fmt: skip


def robots_allowed(
    url: str,
    *,
    timeout: float = ROBOTS_TIMEOUT,
    user_agent: str = USER_AGENT,
    allow_private: bool | None = None,
) -> bool:
    """Whether the host's robots.txt lets user_agent fetch the URL; unreadable rules allow it.

    Only a robots.txt answered with 2xx has rules; see the module docstring for the reasons.
    """
    rules = _robots_rules(url, timeout=timeout, allow_private=_private_allowed(allow_private))
    return rules is None or rules.can_fetch(user_agent, url)


def _robots_rules(url: str, *, timeout: float, allow_private: bool) -> RobotRules:
    """The rules of the URL's host, None when it has none that can be read."""
    parts = urllib.parse.urlsplit(url)
    robots_url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
    limits = _Limits(
        deadline=time.monotonic() + timeout, seconds=timeout, max_bytes=ROBOTS_MAX_BYTES,
        max_redirects=ROBOTS_MAX_REDIRECTS, allow_private=allow_private, truncate=True,
    )  # fmt: skip
    try:
        answer = _get(robots_url, limits=limits, robots=None, html_only=False)
    except _Failure:
        return None
    lines = answer.body.decode("utf-8", errors="replace").splitlines()
    if len(answer.body) >= ROBOTS_MAX_BYTES:
        lines = lines[:-1]  # the last line may be cut in half
    rules = urllib.robotparser.RobotFileParser()
    rules.parse(lines)
    return rules


def _private_allowed(allow_private: bool | None) -> bool:
    if allow_private is None:
        return bool(settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES)
    return allow_private


def _elapsed(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _get(
    url: str, *, limits: _Limits, robots: dict[str, RobotRules] | None, html_only: bool
) -> _Answer:
    """GET the URL following redirects by hand; _Failure (with the URL reached) otherwise.

    With `robots` (rules by origin, filled as hosts are met), every hop must be allowed.
    """
    visited: set[str] = set()
    fetched = url
    for _hop in range(limits.max_redirects + 1):
        url = urllib.parse.urldefrag(url).url
        visited.add(url)
        try:
            _check_address(url, allow_private=limits.allow_private)
            if robots is not None and not _robots_allow(url, limits=limits, robots=robots):
                raise _Failure("robots", _("The site's robots.txt does not allow this page."))
            target = _request(url, limits=limits, html_only=html_only)
            if not isinstance(target, str):
                return target
            if target in visited:
                raise _Failure("redirects", _("The page redirects in a loop."))
        except _Failure as failure:
            failure.url = url
            raise
        fetched, url = url, target
    raise _Failure(
        "redirects",
        _("The page redirects more than %(count)d times.") % {"count": limits.max_redirects},
        url=fetched,
    )


def _robots_allow(url: str, *, limits: _Limits, robots: dict[str, RobotRules]) -> bool:
    parts = urllib.parse.urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    if origin not in robots:
        timeout = min(ROBOTS_TIMEOUT, _remaining(limits))
        robots[origin] = _robots_rules(url, timeout=timeout, allow_private=limits.allow_private)
    rules = robots[origin]
    return rules is None or rules.can_fetch(USER_AGENT, url)


def _check_address(url: str, *, allow_private: bool) -> None:
    """Refuse anything but http and https, and hosts in private networks unless allowed.

    The rule of core.webhooks._address_refusal, which cannot be used as it is: it reads only
    the setting, not an explicit allow_private, and does not tell an unknown host (a network
    failure) from a private one; its messages are not translated either.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise _Failure("address", _("Only http and https addresses can be checked."))
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        raise _Failure("network", _unknown_host(parts.hostname)) from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global:
            raise _Failure(
                "address",
                _("The host %(host)s resolves to a non-public address (%(address)s).")
                % {"host": parts.hostname, "address": address},
            )


def _unknown_host(host: str) -> str:
    return _("The host name %(host)s cannot be resolved.") % {"host": host}


def _request(url: str, *, limits: _Limits, html_only: bool) -> _Answer | str:
    """One GET: the answer, or the absolute URL a redirect points to."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:
        raise _Failure("address", _("Only http and https addresses can be checked.")) from None
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            host, port, timeout=_remaining(limits), context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(host, port, timeout=_remaining(limits))
    status: int | None = None
    try:
        connection.connect()
        # Kept to shorten its timeout before each step, as the connection lets it go once
        # the response is read.
        sock = connection.sock
        connection.request("GET", _target(parts), headers=_headers())
        sock.settimeout(_remaining(limits))
        response = connection.getresponse()
        status = response.status
        if status in REDIRECT_CODES:
            location = response.getheader("Location", "") or ""
            if not location.strip():
                raise _Failure("redirects", _("The page redirects without a target."))
            return urllib.parse.urldefrag(urllib.parse.urljoin(url, location.strip())).url
        if not 200 <= status < 300:
            raise _Failure(
                "http_status",
                _("The server answered with HTTP %(status)d.") % {"status": status},
                status=status,
            )
        content_type = response.getheader("Content-Type", "") or ""
        if html_only and content_type and _media_type(content_type) not in HTML_TYPES:
            raise _not_html(content_type, status)
        body = _read_bounded(response, sock, limits=limits, status=status)
        if html_only and not content_type and not _LOOKS_LIKE_HTML.search(body[:1024]):
            raise _not_html(content_type, status)
        return _Answer(url=url, status=status, content_type=content_type, body=body)
    except _Failure as failure:
        # The deadline may pass after the answer began; its status is worth keeping.
        failure.status = failure.status or status
        raise
    except TimeoutError:
        raise _timed_out(limits, status) from None
    except (OSError, http.client.HTTPException) as error:
        raise _Failure("network", _network_message(error, host), status=status) from None
    finally:
        connection.close()


def _target(parts: urllib.parse.SplitResult) -> str:
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def _headers() -> dict[str, str]:
    return {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Language": ACCEPT_LANGUAGE}


def _remaining(limits: _Limits) -> float:
    left = limits.deadline - time.monotonic()
    if left <= 0:
        raise _timed_out(limits, None)
    return left


def _timed_out(limits: _Limits, status: int | None) -> _Failure:
    return _Failure(
        "timeout",
        _("The page did not load within %(seconds)s seconds.") % {"seconds": f"{limits.seconds:g}"},
        status=status,
    )


def _read_bounded(
    response: http.client.HTTPResponse, sock: socket.socket, *, limits: _Limits, status: int
) -> bytes:
    """The body in chunks until max_bytes or the deadline, whichever comes first."""
    declared = response.getheader("Content-Length", "") or ""
    if not limits.truncate and declared.isdigit() and int(declared) > limits.max_bytes:
        raise _too_large(limits, status)
    chunks: list[bytes] = []
    size = 0
    while size <= limits.max_bytes:
        # One deadline for the whole body: a server sending a byte a second cannot keep a
        # read going past it.
        sock.settimeout(_remaining(limits))
        chunk = response.read1(min(CHUNK_BYTES, limits.max_bytes + 1 - size))
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        chunks.append(chunk)
    if limits.truncate:
        return b"".join(chunks)[: limits.max_bytes]
    raise _too_large(limits, status)


def _too_large(limits: _Limits, status: int) -> _Failure:
    return _Failure(
        "too_large",
        _("The page is larger than %(megabytes)s MB.")
        % {"megabytes": f"{limits.max_bytes / 1_000_000:g}"},
        status=status,
    )


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _not_html(content_type: str, status: int) -> _Failure:
    media_type = _media_type(content_type) or _("no content type")
    return _Failure(
        "not_html",
        _("The address leads to no web page (%(type)s).") % {"type": media_type},
        status=status,
    )


def _network_message(error: BaseException, host: str) -> str:
    if isinstance(error, socket.gaierror):
        return _unknown_host(host)
    if isinstance(error, ConnectionRefusedError):
        return _("The server refused the connection.")
    if isinstance(error, ssl.SSLError):
        return _("The secure connection failed: %(reason)s") % {"reason": error.reason or error}
    reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return _("The page cannot be loaded: %(reason)s") % {"reason": reason}


# --- reading ------------------------------------------------------------------------------------


def _decode(body: bytes, content_type: str) -> str:
    """The body as text: declared charset, else a byte order mark, meta charset or a guess."""
    declared = _CHARSET_PARAMETER.search(content_type)
    bom = _bom(body)
    meta = _META_CHARSET.search(body[:4096])
    for label in (
        declared[1] if declared else "",
        bom,
        meta[1].decode("ascii", "replace") if meta else "",
    ):
        text = _decoded_as(body, label)
        if text is not None:
            return text
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    guess = charset_normalizer.from_bytes(body).best()
    text = _decoded_as(body, guess.encoding if guess else "")
    return text if text is not None else body.decode("utf-8", errors="replace")


def _bom(body: bytes) -> str:
    for mark, label in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                        (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if body.startswith(mark):
            return label
    return ""


def _decoded_as(body: bytes, label: str) -> str | None:
    label = label.strip().lower()
    if not label:
        return None
    try:
        return body.decode(BROWSER_CHARSETS.get(label, label), errors="replace")
    except (LookupError, ValueError):
        # Unknown labels and codecs that are no text encoding ("base64").
        return None


class _PageText(HTMLParser):
    """Collects a page's visible text, a line per block, and its mailto: and tel: links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.size = 0
        self.hidden = 0
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_TAGS:
            self.hidden += 1
        elif tag in BLOCK_TAGS:
            self._add("\n")
        if tag == "a":
            self._link(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_TAGS:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in BLOCK_TAGS:
            self._add("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            # Line breaks in HTML source are spaces; only the blocks break lines.
            self._add(_SPACES.sub(" ", data))

    def _add(self, text: str) -> None:
        if self.size < MAX_TEXT_CHARS:
            self.parts.append(text)
            self.size += len(text)

    def _link(self, href: str) -> None:
        href = href.strip()
        scheme = href.split(":", 1)[0].lower()
        if scheme not in {"mailto", "tel"} or len(self.hrefs) >= MAX_RESULTS:
            return
        target = f"{scheme}:{urllib.parse.unquote(href.split(':', 1)[1])}"[:1000]
        if target not in self.hrefs:
            self.hrefs.append(target)

    def text(self) -> str:
        lines = (line.strip() for line in "".join(self.parts)[:MAX_TEXT_CHARS].splitlines())
        return "\n".join(line for line in lines if line)


# --- finding phone numbers and e-mail addresses -------------------------------------------------


def page_contacts(page: PageFetch, *, region: str = "DE") -> tuple[list[str], list[str]]:
    """The phone numbers (E.164) and e-mail addresses on a fetched page, its links included."""
    text = "\n".join((page.text, *page.hrefs))
    return phones_in(text, region=region), emails_in(text)


def phones_in(text: str, *, region: str = "DE") -> list[str]:
    """Phone numbers written any common German, Austrian or Swiss way, as E.164, in order.

    Each region's way of writing national numbers is tried, the given one first; a stretch of
    text read as a number in an earlier region is not read again. Only valid numbers count, so
    dates, postal codes, IBANs and prices are not taken for phones.
    """
    text = text[:MAX_TEXT_CHARS]
    regions = [region.upper(), *(other for other in PHONE_REGIONS if other != region.upper())]
    found: list[tuple[int, int, str]] = []
    for each in regions:
        matcher = phonenumbers.PhoneNumberMatcher(text, each, leniency=phonenumbers.Leniency.VALID)
        for match in matcher:
            if any(match.start < end and start < match.end for start, end, _number in found):
                continue
            number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            found.append((match.start, match.end, number))
    return _unique(number for _start, _end, number in sorted(found))


def emails_in(text: str) -> list[str]:
    """E-mail addresses, also lightly obfuscated ones, in lower case and order of appearance."""
    text = html.unescape(text[:MAX_TEXT_CHARS])
    text = _AT_BRACKETED.sub("@", text)
    text = _DOT_BRACKETED.sub(".", text)
    text = _LABELLED.sub(
        lambda match: f"{match['label']}{match['local']}@{_dotted(match['domain'])}", text
    )
    text = _MAILBOX.sub(lambda match: f"{match['local']}@{_dotted(match['domain'])}", text)
    return _unique(f"{local}@{domain}".lower() for local, domain in _EMAIL.findall(text))


def _dotted(domain: str) -> str:
    return _DOT_SPELLED.sub(".", domain)


def _unique(values: Iterable[str]) -> list[str]:
    unique: list[str] = []
    for value in values:
        if value and value not in unique:
            unique.append(value)
            if len(unique) >= MAX_RESULTS:
                break
    return unique


# --- comparing with master data -----------------------------------------------------------------


def compare(
    *,
    phones: list[str],
    emails: list[str],
    master_phones: list[str],
    master_emails: list[str],
    region: str = "DE",
) -> Comparison:
    """What the page shows that master data lacks, and what master data holds the page lacks.

    Phones are compared in E.164 (a master number that cannot be read is compared as written,
    so it shows as missing); e-mails in lower case.
    """
    found_phones = _unique(_phone_key(phone, region) for phone in phones)
    known_phones = _unique(_phone_key(phone, region) for phone in master_phones)
    found_emails = _unique(email.strip().lower() for email in emails)
    known_emails = _unique(email.strip().lower() for email in master_emails)
    return Comparison(
        phones_unknown=tuple(phone for phone in found_phones if phone not in known_phones),
        emails_unknown=tuple(email for email in found_emails if email not in known_emails),
        phones_missing=tuple(phone for phone in known_phones if phone not in found_phones),
        emails_missing=tuple(email for email in known_emails if email not in found_emails),
    )


def _phone_key(phone: str, region: str) -> str:
    phone = phone.strip()
    try:
        number = phonenumbers.parse(phone, region.upper())
    except phonenumbers.NumberParseException:
        return phone
    if not phonenumbers.is_valid_number(number):
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
