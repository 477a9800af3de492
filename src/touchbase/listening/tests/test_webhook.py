"""The inbound webhook: good, bad, missing, stale and replayed signatures; body shapes."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client

from touchbase.core.webhooks import signature_header
from touchbase.listening.models import Mention
from touchbase.listening.tests.factories import source_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def hook(workspace):
    return source_make(workspace, "Shop", kind="webhook", channel="Shop")


def post(hook, body, *, secret=None, at=None, header=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    signature = (
        header
        if header is not None
        else signature_header(
            secret=secret or hook.webhook_secret, timestamp=int(at or time.time()), body=raw
        )
    )
    headers = {"HTTP_TOUCHBASE_SIGNATURE": signature} if signature else {}
    return Client().post(
        f"/hooks/mentions/{hook.token}/", raw, content_type="application/json", **headers
    )


def test_a_signed_call_stores_its_mentions_and_says_how_many(hook):
    body = {
        "mentions": [
            {
                "id": "a1",
                "author": "Lena",
                "author_email": "Lena@Example.org",
                "stars": 4,
                "text": "Schnelle Lieferung, gut verpackt.",
                "published_at": "2026-11-01T10:00:00Z",
            },
            {"id": "a2", "title": "Nie wieder", "text": "Der Deckel brach sofort."},
            {"author": "ohne alles"},
        ]
    }
    response = post(hook, body)
    assert response.status_code == 202
    assert response.json() == {
        "stored": 2,
        "duplicates": 0,
        "errors": [{"index": 2, "message": "The line has neither text nor stars."}],
    }
    lena = Mention.objects.get(external_id="a1")
    assert (lena.author_email, lena.stars, lena.channel) == ("lena@example.org", 4.0, "Shop")
    assert lena.source == hook


def test_the_same_mention_sent_again_with_a_new_signature_is_stored_once(hook):
    body = {"text": "Der Kundendienst hat mir sofort geholfen, danke an Frau Weber!"}
    assert post(hook, body).json()["stored"] == 1
    time.sleep(1)  # a new timestamp: a new signature, the same mention
    assert post(hook, body).json() == {"stored": 0, "duplicates": 1, "errors": []}
    assert Mention.objects.count() == 1


def test_a_replayed_signature_is_refused(hook):
    raw = json.dumps({"text": "Alles bestens."}).encode()
    header = signature_header(secret=hook.webhook_secret, timestamp=int(time.time()), body=raw)
    assert post(hook, raw, header=header).status_code == 202
    replay = post(hook, raw, header=header)
    assert replay.status_code == 409
    assert replay.json()["code"] == "replayed"


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("wrong secret", "mismatch"),
        ("missing", "malformed"),
        ("stale", "stale"),
        ("garbage", "malformed"),
    ],
)
def test_a_bad_missing_or_stale_signature_is_refused_and_stores_nothing(hook, kind, code):
    body = {"text": "Eingeschleust"}
    if kind == "wrong secret":
        response = post(hook, body, secret="whsec_not-the-one")
    elif kind == "missing":
        response = post(hook, body, header="")
    elif kind == "stale":
        response = post(hook, body, at=time.time() - 600)
    else:
        response = post(hook, body, header="t=abc,v1=" + "0" * 64)
    assert response.status_code == 401
    assert response.json()["code"] == code
    assert not Mention.objects.exists()


def test_a_body_changed_after_signing_is_refused(hook):
    raw = json.dumps({"text": "Original"}).encode()
    header = signature_header(secret=hook.webhook_secret, timestamp=int(time.time()), body=raw)
    assert post(hook, raw.replace(b"Original", b"Gefaelscht"), header=header).status_code == 401


@pytest.mark.parametrize(
    "body", [b"not json", b'"a string"', json.dumps([{"text": "x"}] * 501).encode()]
)
def test_a_signed_body_of_the_wrong_shape_is_a_400(hook, body):
    response = post(hook, body)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_body"


def test_an_unknown_or_non_webhook_source_is_a_404(workspace, hook):
    upload = source_make(workspace, "Files")
    assert (
        Client()
        .post(f"/hooks/mentions/{upload.token}/", b"{}", content_type="application/json")
        .status_code
        == 404
    )
    assert (
        Client()
        .post(
            "/hooks/mentions/00000000-0000-0000-0000-000000000000/",
            b"{}",
            content_type="application/json",
        )
        .status_code
        == 404
    )
    assert Client().get(f"/hooks/mentions/{hook.token}/").status_code == 405


def test_a_rotated_secret_stops_the_old_one(hook, alice_client):
    old = hook.webhook_secret
    alice_client.post(f"/listening/sources/{hook.pk}/secret/")
    hook.refresh_from_db()
    assert hook.webhook_secret != old
    assert post(hook, {"text": "alt"}, secret=old).status_code == 401
    assert post(hook, {"text": "neu"}).status_code == 202
