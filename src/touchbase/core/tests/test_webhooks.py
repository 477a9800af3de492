"""Webhooks: signatures, replay protection, and delivery to a real HTTP server on loopback."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import socket
import threading
import time
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from touchbase.core import registry
from touchbase.core.choices import WebhookStatus
from touchbase.core.models import WebhookDelivery, WebhookReceipt
from touchbase.core.tenancy import workspace_scope
from touchbase.core.webhooks import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    MAX_ATTEMPTS,
    RECEIVE_TOLERANCE,
    SIGNATURE_HEADER,
    SignatureRejected,
    signature_header,
    signature_verify,
    webhook_deliveries_enqueue_due,
    webhook_delivery_attempt,
    webhook_delivery_create,
    webhook_receipt_claim,
    webhook_receipts_purge,
    webhook_retry_delay,
)

SECRET = "whsec_pollux"
BODY = '{"event":"contact.created"}'


# --- a real receiver ---------------------------------------------------------------------------


class Receiver(http.server.ThreadingHTTPServer):
    """A webhook receiver on loopback that checks our signature like a subscriber would."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.secret = SECRET
        self.answers: list[int] = []  # status codes to give, in order; then 204
        self.requests: list[dict] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/hooks/touchbase"


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        try:
            signature_verify(
                secret=self.server.secret,
                header=self.headers.get(SIGNATURE_HEADER, ""),
                body=body,
                tolerance=RECEIVE_TOLERANCE,
            )
            verdict = "valid"
        except SignatureRejected as error:
            verdict = error.code
        self.server.requests.append(
            {"path": self.path, "headers": dict(self.headers), "json": json.loads(body),
             "signature": verdict}
        )  # fmt: skip
        status = self.server.answers.pop(0) if self.server.answers else 204
        if verdict != "valid":
            status = 401
        answer = {500: b"database down", 302: b"", 401: b"bad signature"}.get(status, b"")
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/somewhere-else")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        pass


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def deliver(workspace, url, payload=None) -> WebhookDelivery:
    return webhook_delivery_create(
        workspace=workspace, url=url, secret=SECRET, event="contact.created",
        payload=payload or {"contact": 7, "name": "Jürgen Müller"},
    )  # fmt: skip


# --- signatures --------------------------------------------------------------------------------


def test_the_signature_header_is_hmac_sha256_over_timestamp_dot_body():
    header = signature_header(secret=SECRET, timestamp=1795000000, body=BODY)
    assert header == (
        "t=1795000000,v1=f5129aa7f95e9cc655f7254144d700933c485d98e59349fa8096d353f49adf3c"
    )
    assert signature_header(secret=SECRET, timestamp=1795000000, body=BODY.encode()) == header


def test_a_header_we_signed_verifies_and_gives_its_timestamp():
    now = int(time.time())
    header = signature_header(secret=SECRET, timestamp=now, body=BODY)
    assert signature_verify(secret=SECRET, header=header, body=BODY, tolerance=RECEIVE_TOLERANCE)
    assert (
        signature_verify(
            secret=SECRET, header=header, body=BODY.encode(), tolerance=RECEIVE_TOLERANCE
        )
        == now
    )


def test_a_changed_body_or_another_secret_is_rejected_as_a_mismatch():
    header = signature_header(secret=SECRET, timestamp=int(time.time()), body=BODY)
    with pytest.raises(SignatureRejected) as changed:
        signature_verify(
            secret=SECRET, header=header, body=BODY.replace("created", "deleted"),
            tolerance=RECEIVE_TOLERANCE,
        )  # fmt: skip
    with pytest.raises(SignatureRejected) as other_secret:
        signature_verify(
            secret="whsec_castor", header=header, body=BODY, tolerance=RECEIVE_TOLERANCE
        )
    assert (changed.value.code, other_secret.value.code) == ("mismatch", "mismatch")


def test_a_timestamp_outside_the_tolerance_is_rejected_as_stale_both_ways():
    tolerance = dt.timedelta(minutes=5)
    for offset in (-301, 301):
        header = signature_header(secret=SECRET, timestamp=int(time.time()) + offset, body=BODY)
        with pytest.raises(SignatureRejected) as caught:
            signature_verify(secret=SECRET, header=header, body=BODY, tolerance=tolerance)
        assert caught.value.code == "stale"


def test_a_timestamp_inside_the_tolerance_verifies():
    header = signature_header(secret=SECRET, timestamp=int(time.time()) - 290, body=BODY)
    signature_verify(secret=SECRET, header=header, body=BODY, tolerance=dt.timedelta(minutes=5))


def test_malformed_headers_are_rejected_as_malformed():
    valid = signature_header(secret=SECRET, timestamp=int(time.time()), body=BODY)
    signature = valid.split("v1=")[1]
    for header in ("", "v1=" + signature, "t=abc,v1=" + signature, valid.split(",")[0],
                   "t=1," + "v1=" * 400):  # fmt: skip
        with pytest.raises(SignatureRejected) as caught:
            signature_verify(secret=SECRET, header=header, body=BODY, tolerance=RECEIVE_TOLERANCE)
        assert caught.value.code == "malformed"


def test_while_a_secret_is_rotated_one_matching_v1_is_enough():
    now = int(time.time())
    old = signature_header(secret="whsec_old", timestamp=now, body=BODY).split(",")[1]
    new = signature_header(secret=SECRET, timestamp=now, body=BODY).split(",")[1]
    header = f"t={now},{old},v0=ignored,{new}"
    assert (
        signature_verify(secret=SECRET, header=header, body=BODY, tolerance=RECEIVE_TOLERANCE)
        == now
    )


# --- replay protection -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_receipt_is_claimed_once_and_its_replay_refused():
    ttl = 2 * RECEIVE_TOLERANCE
    assert webhook_receipt_claim(source="reviews:1", nonce="t=1,v1=abc", ttl=ttl) is True
    assert webhook_receipt_claim(source="reviews:1", nonce="t=1,v1=abc", ttl=ttl) is False
    assert WebhookReceipt.objects.count() == 1


@pytest.mark.django_db
def test_the_same_nonce_from_another_source_is_no_replay():
    ttl = 2 * RECEIVE_TOLERANCE
    assert webhook_receipt_claim(source="reviews:1", nonce="evt_1", ttl=ttl) is True
    assert webhook_receipt_claim(source="reviews:2", nonce="evt_1", ttl=ttl) is True


@pytest.mark.django_db
def test_an_expired_receipt_not_yet_purged_can_be_claimed_again():
    start = timezone.now()
    ttl = dt.timedelta(minutes=10)
    assert webhook_receipt_claim(source="reviews:1", nonce="evt_1", ttl=ttl, now=start)
    later = start + dt.timedelta(minutes=11)
    assert webhook_receipt_claim(source="reviews:1", nonce="evt_1", ttl=ttl, now=later) is True
    assert webhook_receipt_claim(source="reviews:1", nonce="evt_1", ttl=ttl, now=later) is False
    assert WebhookReceipt.objects.get().expires_at == later + ttl


@pytest.mark.django_db
def test_purging_forgets_only_expired_receipts():
    start = timezone.now()
    webhook_receipt_claim(source="s", nonce="old", ttl=dt.timedelta(minutes=1), now=start)
    webhook_receipt_claim(source="s", nonce="new", ttl=dt.timedelta(minutes=30), now=start)
    assert webhook_receipts_purge(now=start + dt.timedelta(minutes=2)) == 1
    assert webhook_receipt_claim(source="s", nonce="new", ttl=dt.timedelta(minutes=1)) is False


@pytest.mark.django_db
def test_a_receipt_stores_a_digest_of_the_nonce_not_the_nonce():
    webhook_receipt_claim(source="s", nonce="t=1,v1=" + "a" * 5000, ttl=RECEIVE_TOLERANCE)
    receipt = WebhookReceipt.objects.get()
    assert len(receipt.nonce_digest) == 64
    assert "v1=" not in receipt.nonce_digest


# --- outgoing deliveries -----------------------------------------------------------------------


def test_retry_delays_double_from_one_minute_and_are_capped_at_twelve_hours():
    delays = [webhook_retry_delay(attempts=n) for n in range(1, MAX_ATTEMPTS)]
    assert [int(delay.total_seconds() // 60) for delay in delays] == [
        1, 2, 4, 8, 16, 32, 64, 128, 256,
    ]  # fmt: skip
    assert webhook_retry_delay(attempts=30) == dt.timedelta(hours=12)


@pytest.mark.django_db
def test_creating_a_delivery_stores_the_body_once_and_enqueues_after_commit(
    workspace, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        delivery = deliver(workspace, receiver.url)
    assert len(callbacks) == 1
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["kwargs"] == {
        "workspace_id": workspace.pk, "delivery_id": delivery.pk, "attempts": 0,
    }  # fmt: skip
    envelope = json.loads(delivery.body)
    assert sorted(envelope) == ["created_at", "data", "event", "id"]
    assert envelope["id"] == str(delivery.uuid)
    assert envelope["event"] == "contact.created"
    assert envelope["data"] == {"contact": 7, "name": "Jürgen Müller"}
    created = dt.datetime.fromisoformat(envelope["created_at"])
    assert dt.timedelta(0) <= delivery.created_at - created < dt.timedelta(seconds=1)
    assert delivery.status == WebhookStatus.PENDING
    assert delivery.attempts == 0
    assert receiver.requests == []


@pytest.mark.django_db
def test_a_delivery_reaches_the_receiver_signed_and_is_marked_delivered(workspace, receiver):
    delivery = deliver(workspace, receiver.url)
    result = webhook_delivery_attempt(delivery_id=delivery.pk, attempts=0)
    assert len(receiver.requests) == 1
    received = receiver.requests[0]
    assert received["signature"] == "valid"
    assert received["path"] == "/hooks/touchbase"
    assert received["headers"][EVENT_HEADER] == "contact.created"
    assert received["headers"][DELIVERY_HEADER] == str(delivery.uuid)
    assert received["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert received["json"]["data"] == {"contact": 7, "name": "Jürgen Müller"}
    assert received["json"]["id"] == str(delivery.uuid)
    assert result.status == WebhookStatus.DELIVERED
    assert result.attempts == 1
    assert result.last_status_code == 204
    assert result.last_error == ""
    assert result.next_attempt_at is None
    assert result.delivered_at >= result.last_attempt_at
    assert [(entry["attempt"], entry["status_code"], entry["error"])
            for entry in result.attempt_log] == [(1, 204, "")]  # fmt: skip


@pytest.mark.django_db
def test_a_failing_receiver_gets_a_retry_scheduled_with_backoff(workspace, receiver):
    receiver.answers = [500, 500]
    delivery = deliver(workspace, receiver.url)
    first = webhook_delivery_attempt(delivery_id=delivery.pk, attempts=0)
    assert first.status == WebhookStatus.PENDING
    assert first.attempts == 1
    assert first.last_status_code == 500
    assert first.last_error == "database down"
    due_after_first = first.next_attempt_at - first.last_attempt_at
    assert dt.timedelta(minutes=1) <= due_after_first < dt.timedelta(minutes=1, seconds=5)
    second = webhook_delivery_attempt(delivery_id=delivery.pk, attempts=1)
    due_after_second = second.next_attempt_at - second.last_attempt_at
    assert dt.timedelta(minutes=2) <= due_after_second < dt.timedelta(minutes=2, seconds=5)
    assert [(entry["attempt"], entry["status_code"], entry["error"])
            for entry in second.attempt_log] == [
        (1, 500, "database down"), (2, 500, "database down"),
    ]  # fmt: skip
    assert [request["signature"] for request in receiver.requests] == ["valid", "valid"]


@pytest.mark.django_db
def test_a_duplicate_task_for_the_same_attempt_sends_nothing(workspace, receiver):
    receiver.answers = [500]
    delivery = deliver(workspace, receiver.url)
    webhook_delivery_attempt(delivery_id=delivery.pk, attempts=0)
    assert webhook_delivery_attempt(delivery_id=delivery.pk, attempts=0) is None
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get().attempts == 1


@pytest.mark.django_db
def test_a_delivered_webhook_is_never_sent_again(workspace, receiver):
    delivery = deliver(workspace, receiver.url)
    webhook_delivery_attempt(delivery_id=delivery.pk, attempts=0)
    assert webhook_delivery_attempt(delivery_id=delivery.pk, attempts=1) is None
    assert webhook_deliveries_enqueue_due(now=timezone.now() + dt.timedelta(days=1)) == 0
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_a_delivery_is_given_up_after_the_last_attempt(workspace, receiver):
    receiver.answers = [500]
    delivery = deliver(workspace, receiver.url)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=MAX_ATTEMPTS - 1)
    result = webhook_delivery_attempt(delivery_id=delivery.pk, attempts=MAX_ATTEMPTS - 1)
    assert result.status == WebhookStatus.FAILED
    assert result.attempts == MAX_ATTEMPTS
    assert result.next_attempt_at is None
    assert webhook_deliveries_enqueue_due(now=timezone.now() + dt.timedelta(days=1)) == 0


@pytest.mark.django_db
def test_an_unreachable_receiver_is_retried_with_the_connection_error_logged(workspace, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    delivery = deliver(workspace, f"http://127.0.0.1:{free_port()}/nobody-listens")
    result = webhook_delivery_attempt(delivery_id=delivery.pk, attempts=0)
    assert result.status == WebhookStatus.PENDING
    assert result.last_status_code is None
    # the errno differs between Linux and macOS
    assert result.last_error.startswith("URLError: [Errno ")
    assert result.last_error.endswith("] Connection refused")
    assert result.next_attempt_at - result.last_attempt_at >= dt.timedelta(minutes=1)


@pytest.mark.django_db
def test_a_receiver_answering_something_other_than_http_is_logged_and_retried(workspace, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)

        def answer_garbage() -> None:
            connection, _address = listener.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(b"NOT HTTP AT ALL\r\n\r\n")

        thread = threading.Thread(target=answer_garbage, daemon=True)
        thread.start()
        delivery = deliver(workspace, f"http://127.0.0.1:{listener.getsockname()[1]}/")
        result = webhook_delivery_attempt(delivery_id=delivery.pk, attempts=0)
        thread.join(timeout=5)
    assert result.status == WebhookStatus.PENDING
    assert result.last_status_code is None
    assert result.last_error == "BadStatusLine: NOT HTTP AT ALL\r\n"
    assert result.attempt_log[0]["error"] == result.last_error


@pytest.mark.django_db
def test_redirects_are_not_followed_and_count_as_a_failure(workspace, receiver):
    receiver.answers = [302]
    delivery = deliver(workspace, receiver.url)
    result = webhook_delivery_attempt(delivery_id=delivery.pk, attempts=0)
    assert len(receiver.requests) == 1
    assert result.status == WebhookStatus.PENDING
    assert result.last_status_code == 302


@pytest.mark.django_db
def test_private_addresses_are_refused_for_good_without_a_request(workspace, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    delivery = deliver(workspace, receiver.url)
    result = webhook_delivery_attempt(delivery_id=delivery.pk, attempts=0)
    assert receiver.requests == []
    assert result.status == WebhookStatus.FAILED
    assert result.last_error == "The host resolves to a non-public address (127.0.0.1)."
    assert result.next_attempt_at is None


@pytest.mark.django_db
def test_a_url_that_is_not_http_is_refused_and_nothing_stored(workspace):
    for url in ("file:///etc/passwd", "ftp://pollux.example/x", "javascript:alert(1)"):
        with pytest.raises(ValueError, match="http or https"):
            deliver(workspace, url)
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.django_db
def test_the_scheduler_claims_each_due_retry_once(
    workspace, receiver, django_capture_on_commit_callbacks
):
    receiver.answers = [500]
    delivery = deliver(workspace, receiver.url)
    webhook_delivery_attempt(delivery_id=delivery.pk, attempts=0)
    not_yet = WebhookDelivery.objects.get().next_attempt_at - dt.timedelta(seconds=1)
    assert webhook_deliveries_enqueue_due(now=not_yet) == 0
    due = not_yet + dt.timedelta(seconds=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_deliveries_enqueue_due(now=due) == 1
        assert webhook_deliveries_enqueue_due(now=due) == 0
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["kwargs"] == {
        "workspace_id": workspace.pk, "delivery_id": delivery.pk, "attempts": 1,
    }  # fmt: skip


@pytest.mark.django_db
def test_a_delivery_whose_first_task_was_lost_is_picked_up_after_the_lease(workspace, receiver):
    delivery = deliver(workspace, receiver.url)
    assert webhook_deliveries_enqueue_due(now=timezone.now()) == 0
    assert webhook_deliveries_enqueue_due(now=delivery.next_attempt_at) == 1


@pytest.mark.django_db
def test_deliveries_are_seen_only_inside_their_workspace(workspace, other_workspace, receiver):
    delivery = deliver(workspace, receiver.url)
    with workspace_scope(workspace):
        assert WebhookDelivery.objects.get() == delivery
    with workspace_scope(other_workspace):
        assert WebhookDelivery.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_retries_until_the_receiver_recovers(workspace, receiver):
    # given: a receiver that fails twice, then accepts
    receiver.answers = [500, 503]
    delivery = deliver(workspace, receiver.url)
    # when: the worker runs, and runs again whenever the next attempt has come due
    for _round in range(3):
        call_command("run_worker", batch=True, verbosity=0)
        WebhookDelivery.objects.filter(pk=delivery.pk, next_attempt_at__isnull=False).update(
            next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
        )
    # then
    delivery.refresh_from_db()
    assert [request["signature"] for request in receiver.requests] == ["valid"] * 3
    assert len({request["headers"][DELIVERY_HEADER] for request in receiver.requests}) == 1
    assert delivery.status == WebhookStatus.DELIVERED
    assert delivery.attempts == 3
    assert [entry["status_code"] for entry in delivery.attempt_log] == [500, 503, 204]
    assert uuid.UUID(receiver.requests[0]["json"]["id"]) == delivery.uuid


def test_the_platform_registers_its_webhook_jobs_with_the_scheduler():
    names = [job.name for job in registry.periodic_jobs]
    assert "webhook-retries" in names
    assert "webhook-receipts-purge" in names


@pytest.mark.django_db
def test_the_admin_shows_the_delivery_log_but_never_the_secret(admin_client, workspace, receiver):
    delivery = deliver(workspace, receiver.url)
    webhook_delivery_attempt(delivery_id=delivery.pk, attempts=0)
    listing = admin_client.get("/admin/core/webhookdelivery/")
    page = admin_client.get(f"/admin/core/webhookdelivery/{delivery.pk}/change/")
    assert listing.status_code == 200
    assert "contact.created" in listing.content.decode()
    assert page.status_code == 200
    assert "&quot;status_code&quot;: 204" in page.content.decode()
    assert SECRET not in listing.content.decode() + page.content.decode()
