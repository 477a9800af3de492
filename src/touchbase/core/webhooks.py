"""Webhooks: signed JSON out with retries, signature checks and replay protection for JSON in.

Signature scheme (both directions): header `t=<unix seconds>,v1=<hex>` where hex is
HMAC-SHA256(secret, f"{t}.{body}"). Several v1 entries may appear while a secret is rotated;
one match is enough.

Outgoing:
    webhook_delivery_create(workspace=..., url=..., secret=..., event="contact.created",
                            payload={"contact": 7})
stores the body once and enqueues the first attempt after commit. A failed attempt is retried
with exponential backoff (RETRY_BASE_DELAY doubling, at most MAX_ATTEMPTS attempts) by the
periodic job "webhook-retries"; each attempt is logged on the WebhookDelivery row.

Incoming (in a view; `request.body` is the raw bytes):
    try:
        signature_verify(secret=source_secret, header=request.headers.get(SIGNATURE_HEADER, ""),
                         body=request.body, tolerance=RECEIVE_TOLERANCE)
    except SignatureRejected:
        return HttpResponse(status=400)
    if not webhook_receipt_claim(source=f"reviews:{workspace.pk}", nonce=<the signature
                                 header or the sender's delivery id>, ttl=2 * RECEIVE_TOLERANCE):
        return HttpResponse(status=200)  # a replay or a retry of something already handled
    ... handle it ...
The receipt must outlive every timestamp the tolerance still accepts, hence twice the tolerance.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from touchbase.core.choices import WebhookStatus
from touchbase.core.models import WebhookDelivery, WebhookReceipt, Workspace
from touchbase.core.tenancy import scopes_disabled

logger = logging.getLogger(__name__)

__all__ = [
    "MAX_ATTEMPTS",
    "RECEIVE_TOLERANCE",
    "SIGNATURE_HEADER",
    "SignatureRejected",
    "signature_header",
    "signature_verify",
    "webhook_deliveries_enqueue_due",
    "webhook_delivery_attempt",
    "webhook_delivery_create",
    "webhook_receipt_claim",
    "webhook_receipts_purge",
    "webhook_retry_delay",
]

SIGNATURE_HEADER = "Touchbase-Signature"
EVENT_HEADER = "Touchbase-Event"
DELIVERY_HEADER = "Touchbase-Delivery"
USER_AGENT = "touchbase-webhooks/1"

RECEIVE_TOLERANCE = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 10
# 1, 2, 4 … 256 minutes between the ten attempts: about eight and a half hours in all.
RETRY_BASE_DELAY = dt.timedelta(minutes=1)
RETRY_MAX_DELAY = dt.timedelta(hours=12)
# A claimed attempt blocks the scheduler this long; if its worker dies, the attempt is
# made again afterwards. Far longer than REQUEST_TIMEOUT plus a queue's usual wait.
ATTEMPT_LEASE = dt.timedelta(minutes=5)
REQUEST_TIMEOUT = 10.0
MAX_BODY_BYTES = 256 * 1024
MAX_HEADER_LENGTH = 1000
# How much of a failing receiver's answer is kept to show why it failed.
ERROR_EXCERPT = 300
# One scheduler tick enqueues at most this many retries; the rest wait for the next tick.
ENQUEUE_BATCH = 500


class SignatureRejected(ValueError):
    """An inbound webhook whose signature header is malformed, stale or does not match."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code  # "malformed", "stale" or "mismatch"


# --- signatures --------------------------------------------------------------------------------


def _as_bytes(body: bytes | str) -> bytes:
    return body.encode() if isinstance(body, str) else body


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes | str) -> str:
    """The `t=<unix>,v1=<hex>` header value signing the body at that moment."""
    return f"t={timestamp},v1={_digest(secret, timestamp, _as_bytes(body))}"


def signature_verify(
    *, secret: str, header: str, body: bytes | str, tolerance: dt.timedelta
) -> int:
    """The header's timestamp if it signs the body within the tolerance; else SignatureRejected."""
    if not header or len(header) > MAX_HEADER_LENGTH:
        raise SignatureRejected("malformed", "The signature header is missing or too long.")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _equals, value = part.strip().partition("=")
        if key == "t" and value.isdigit() and timestamp is None:
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
        # Other schemes (v0, future v2) are ignored, so senders can add them first.
    if timestamp is None or not candidates:
        raise SignatureRejected("malformed", "The signature header needs t= and v1=.")
    if abs(time.time() - timestamp) > tolerance.total_seconds():
        raise SignatureRejected("stale", "The signature's timestamp is outside the tolerance.")
    expected = _digest(secret, timestamp, _as_bytes(body))
    # Every candidate is compared in full, so timing reveals neither which one nor how much.
    matches = [hmac.compare_digest(expected, candidate) for candidate in candidates]
    if not any(matches):
        raise SignatureRejected("mismatch", "No signature matches the body.")
    return timestamp


# --- replay protection -------------------------------------------------------------------------


def webhook_receipt_claim(
    *, source: str, nonce: str, ttl: dt.timedelta, now: dt.datetime | None = None
) -> bool:
    """True the first time (source, nonce) is seen within ttl, False for a replay of it."""
    now = now or timezone.now()
    digest = hashlib.sha256(nonce.encode()).hexdigest()
    try:
        with transaction.atomic():
            WebhookReceipt.objects.create(source=source, nonce_digest=digest, expires_at=now + ttl)
    except IntegrityError:
        # An expired receipt not yet purged is no replay; taking it over is one UPDATE, so
        # of two simultaneous callers exactly one wins.
        return bool(
            WebhookReceipt.objects.filter(
                source=source, nonce_digest=digest, expires_at__lte=now
            ).update(expires_at=now + ttl)
        )
    return True


def webhook_receipts_purge(*, now: dt.datetime | None = None) -> int:
    """Forget receipts whose signatures are too old to be replayed; returns how many."""
    deleted, _per_model = WebhookReceipt.objects.filter(
        expires_at__lte=now or timezone.now()
    ).delete()
    return deleted


# --- outgoing deliveries -----------------------------------------------------------------------


def webhook_retry_delay(*, attempts: int) -> dt.timedelta:
    """How long to wait after the given number of failed attempts: doubling, capped."""
    factor: int = 2 ** max(attempts - 1, 0)
    return min(RETRY_BASE_DELAY * factor, RETRY_MAX_DELAY)


def _enqueue(delivery: WebhookDelivery | Mapping[str, Any], attempts: int) -> None:
    from touchbase.core.tasks import webhook_delivery_task

    if isinstance(delivery, WebhookDelivery):
        workspace_id, delivery_id = delivery.workspace_id, delivery.pk
    else:
        workspace_id, delivery_id = delivery["workspace_id"], delivery["pk"]
    transaction.on_commit(
        lambda: webhook_delivery_task.enqueue(
            workspace_id=workspace_id, delivery_id=delivery_id, attempts=attempts
        )
    )


def webhook_delivery_create(
    *, workspace: Workspace, url: str, secret: str, event: str, payload: dict[str, Any]
) -> WebhookDelivery:
    """Store an event for a subscriber's URL and send it after commit; retried until delivered.

    The body is {"id", "event", "created_at", "data": payload}, serialised once.
    """
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise ValueError(f"A webhook URL must be http or https: {url!r}")
    now = timezone.now()
    delivery = WebhookDelivery(
        workspace=workspace,
        event=event,
        url=url,
        secret=secret,
        # The scheduler leaves it to the task enqueued below unless that is lost.
        next_attempt_at=now + ATTEMPT_LEASE,
    )
    envelope = {
        "id": str(delivery.uuid),
        "event": event,
        "created_at": now.isoformat(),
        "data": payload,
    }
    delivery.body = json.dumps(envelope, cls=DjangoJSONEncoder, ensure_ascii=False)
    if len(delivery.body.encode()) > MAX_BODY_BYTES:
        raise ValueError(f"A webhook body may have at most {MAX_BODY_BYTES} bytes.")
    with transaction.atomic():
        delivery.save()
        _enqueue(delivery, attempts=0)
    return delivery


def webhook_deliveries_enqueue_due(*, now: dt.datetime | None = None) -> int:
    """Claim every pending delivery whose next attempt is due and enqueue it; returns how many.

    A delivery is claimed by moving next_attempt_at forward in a conditional UPDATE, so
    several schedulers ticking at once enqueue each attempt once.
    """
    now = now or timezone.now()
    # The scheduler serves every workspace; each task then works inside its own one.
    with scopes_disabled():
        due = list(
            WebhookDelivery.objects.filter(
                status=WebhookStatus.PENDING, next_attempt_at__lte=now
            ).values("pk", "workspace_id", "attempts", "next_attempt_at")[:ENQUEUE_BATCH]
        )
        claimed = 0
        for row in due:
            won = WebhookDelivery.objects.filter(
                pk=row["pk"],
                status=WebhookStatus.PENDING,
                attempts=row["attempts"],
                next_attempt_at=row["next_attempt_at"],
            ).update(next_attempt_at=now + ATTEMPT_LEASE)
            if won:
                claimed += 1
                _enqueue(row, attempts=row["attempts"])
    return claimed


@dataclass(frozen=True)
class _Outcome:
    status_code: int | None
    error: str
    duration_ms: int
    is_final: bool = False  # no retry can change it (the address is not allowed)

    @property
    def is_success(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect would resend the body (or drop it) to an address nobody configured.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _address_refusal(url: str) -> str:
    """Why the URL's host may not be called, or "" if it may (no calls into private networks)."""
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return ""
    try:
        parts = urllib.parse.urlsplit(url)
        infos = socket.getaddrinfo(parts.hostname or "", parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as error:
        return f"The host cannot be resolved: {error}"
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global:
            # Checked at send time; a DNS answer changing between this check and the
            # connection (rebinding) is not covered — run workers without access to
            # internal services where that matters.
            return f"The host resolves to a non-public address ({address})."
    return ""


def _post(delivery: WebhookDelivery) -> _Outcome:
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    refusal = _address_refusal(delivery.url)
    if refusal:
        return _Outcome(status_code=None, error=refusal, duration_ms=elapsed(), is_final=True)
    body = delivery.body.encode()
    request = urllib.request.Request(
        delivery.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: str(delivery.uuid),
            SIGNATURE_HEADER: signature_header(
                secret=delivery.secret, timestamp=int(time.time()), body=body
            ),
        },
    )
    try:
        with _OPENER.open(request, timeout=REQUEST_TIMEOUT) as response:
            return _Outcome(status_code=response.status, error="", duration_ms=elapsed())
    except urllib.error.HTTPError as error:
        excerpt = error.read(ERROR_EXCERPT).decode("utf-8", "replace")
        error.close()
        return _Outcome(status_code=error.code, error=excerpt, duration_ms=elapsed())
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        # Whatever goes wrong on the way is the receiver's failure to record, never a crash
        # that would leave the attempt unlogged.
        reason = getattr(error, "reason", error)
        return _Outcome(
            status_code=None, error=f"{type(error).__name__}: {reason}", duration_ms=elapsed()
        )


def webhook_delivery_attempt(*, delivery_id: int, attempts: int) -> WebhookDelivery | None:
    """Make the attempt after `attempts` earlier ones; None if it was made already or is moot.

    Steps:
    1. Claim: one UPDATE counts the attempt and leases it, only if the delivery is still
       pending with exactly `attempts` attempts, so a duplicate task does nothing.
    2. POST the stored body, signed now, without following redirects.
    3. Record the outcome (guarded by the attempt number): delivered on a 2xx; otherwise the
       next attempt after the backoff, or failed once MAX_ATTEMPTS are spent.
    """
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=WebhookStatus.PENDING, attempts=attempts
    ).update(attempts=F("attempts") + 1, last_attempt_at=now, next_attempt_at=now + ATTEMPT_LEASE)
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    outcome = _post(delivery)
    attempt = attempts + 1
    finished = timezone.now()
    fields: dict[str, Any] = {
        "last_status_code": outcome.status_code,
        "last_error": outcome.error[: WebhookDelivery._meta.get_field("last_error").max_length],
        "attempt_log": [
            *delivery.attempt_log,
            {
                "attempt": attempt,
                "at": now.isoformat(),
                "status_code": outcome.status_code,
                "error": outcome.error,
                "duration_ms": outcome.duration_ms,
            },
        ],
    }
    if outcome.is_success:
        fields.update(status=WebhookStatus.DELIVERED, delivered_at=finished, next_attempt_at=None)
    elif outcome.is_final or attempt >= MAX_ATTEMPTS:
        fields.update(status=WebhookStatus.FAILED, next_attempt_at=None)
    else:
        fields.update(next_attempt_at=finished + webhook_retry_delay(attempts=attempt))
    WebhookDelivery.objects.filter(pk=delivery_id, attempts=attempt).update(**fields)
    logger.info(
        "Webhook %s attempt %s to %s: %s %s",
        delivery.uuid,
        attempt,
        delivery.url,
        outcome.status_code,
        outcome.error[:100],
    )
    delivery.refresh_from_db()
    return delivery
