"""Signed expiring links: genuine tokens verify, altered, misdirected or old ones are refused."""

from __future__ import annotations

import base64
import datetime as dt
import json
import urllib.parse

import pytest
from django.core import signing as django_signing
from django.utils import translation

from touchbase.core.signing import (
    MAX_TOKEN_LENGTH,
    LinkExpired,
    LinkInvalid,
    LinkTampered,
    LinkWrongPurpose,
    absolute_url,
    link_sign,
    link_verify,
)

WEEK = dt.timedelta(days=7)


def test_a_token_gives_back_its_payload():
    payload = {"invitation": 7, "email": "jürgen@sonnenschein.example", "roles": ["staff"]}
    token = link_sign(purpose="invite-accept", payload=payload, max_age=WEEK)
    assert link_verify(purpose="invite-accept", token=token) == payload


def test_a_token_is_made_of_url_safe_characters_only():
    token = link_sign(purpose="unsubscribe", payload={"member": 12, "list": "digest"}, max_age=WEEK)
    assert urllib.parse.quote(token, safe="") == token
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


def test_a_token_for_a_few_ids_is_short():
    token = link_sign(purpose="unsubscribe", payload={"member": 123456789}, max_age=WEEK)
    # 78 characters of JSON in base64, a 6-character timestamp, a 43-character SHA-256 HMAC
    assert len(token) == 125


def test_a_payload_too_large_for_a_link_is_refused():
    with pytest.raises(ValueError, match="links allow 512"):
        link_sign(purpose="unsubscribe", payload={"note": "x" * MAX_TOKEN_LENGTH}, max_age=WEEK)


def test_a_token_longer_than_any_we_issue_is_refused_without_work():
    with pytest.raises(LinkTampered):
        link_verify(purpose="unsubscribe", token="a" * (MAX_TOKEN_LENGTH + 1))


def test_a_token_verifies_until_its_max_age_and_not_after(clock):
    token = link_sign(purpose="unsubscribe", payload={"member": 1}, max_age=dt.timedelta(hours=1))
    clock.advance(3600)
    assert link_verify(purpose="unsubscribe", token=token) == {"member": 1}
    clock.advance(1)
    with pytest.raises(LinkExpired):
        link_verify(purpose="unsubscribe", token=token)


def test_a_token_for_another_purpose_is_refused_as_misdirected():
    token = link_sign(purpose="invite-accept", payload={"invitation": 7}, max_age=WEEK)
    with pytest.raises(LinkWrongPurpose, match="issued for 'invite-accept', not 'unsubscribe'"):
        link_verify(purpose="unsubscribe", token=token)


def test_a_changed_payload_is_refused_as_tampered():
    token = link_sign(purpose="unsubscribe", payload={"member": 1}, max_age=WEEK)
    _encoded, rest = token.split(".", 1)
    forged = base64.urlsafe_b64encode(
        json.dumps({"p": "unsubscribe", "a": 604800, "d": {"member": 2}}).encode()
    )
    with pytest.raises(LinkTampered):
        link_verify(purpose="unsubscribe", token=forged.decode().rstrip("=") + "." + rest)


def test_a_longer_life_cannot_be_written_into_a_token(clock):
    token = link_sign(purpose="unsubscribe", payload={"member": 1}, max_age=dt.timedelta(hours=1))
    encoded, rest = token.split(".", 1)
    content = json.loads(django_signing.b64_decode(encoded.encode()))
    content["a"] = 10 * 365 * 86400
    stretched = django_signing.b64_encode(json.dumps(content).encode()).decode() + "." + rest
    clock.advance(7200)
    with pytest.raises(LinkTampered):
        link_verify(purpose="unsubscribe", token=stretched)


def test_a_changed_signature_is_refused_as_tampered():
    token = link_sign(purpose="unsubscribe", payload={"member": 1}, max_age=WEEK)
    last = "A" if token[-1] != "A" else "B"
    with pytest.raises(LinkTampered):
        link_verify(purpose="unsubscribe", token=token[:-1] + last)


def test_a_truncated_or_garbage_token_is_refused_as_tampered():
    token = link_sign(purpose="unsubscribe", payload={"member": 1}, max_age=WEEK)
    for broken in (token[:20], "", "....", "not-a-token", token.replace(".", ":")):
        with pytest.raises(LinkTampered):
            link_verify(purpose="unsubscribe", token=broken)


def test_a_token_signed_with_another_key_is_refused(settings):
    token = link_sign(purpose="unsubscribe", payload={"member": 1}, max_age=WEEK)
    settings.SECRET_KEY = "another-installation-" + "k" * 40
    with pytest.raises(LinkTampered):
        link_verify(purpose="unsubscribe", token=token)


def test_tokens_survive_a_key_rotation_through_the_fallback_keys(settings):
    old_key = settings.SECRET_KEY
    token = link_sign(purpose="unsubscribe", payload={"member": 1}, max_age=WEEK)
    settings.SECRET_KEY = "the-rotated-key-" + "k" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert link_verify(purpose="unsubscribe", token=token) == {"member": 1}


def test_every_refusal_is_a_link_invalid_with_a_translated_message():
    token = link_sign(purpose="unsubscribe", payload={"member": 1}, max_age=WEEK)
    with pytest.raises(LinkInvalid) as caught:
        link_verify(purpose="invite-accept", token=token)
    with translation.override("de"):
        assert str(caught.value.message) == "Dieser Link ist für etwas anderes bestimmt."
    with translation.override("en"):
        assert str(caught.value.message) == "This link is meant for something else."
    with translation.override("de"):
        assert str(LinkExpired.message) == "Dieser Link ist abgelaufen."
        assert str(LinkTampered.message) == "Dieser Link ist ungültig."


def test_a_purpose_must_be_a_short_slug_and_an_age_positive():
    with pytest.raises(ValueError, match="slug"):
        link_sign(purpose="Invite Accept", payload={}, max_age=WEEK)
    with pytest.raises(ValueError, match="at least one second"):
        link_sign(purpose="unsubscribe", payload={}, max_age=dt.timedelta(0))


def test_absolute_url_joins_the_base_url_and_the_path(settings):
    settings.BASE_URL = "https://touchbase.pollux.example/"
    assert absolute_url(path="/i/abc.def") == "https://touchbase.pollux.example/i/abc.def"


def test_absolute_url_refuses_what_would_point_to_another_host(settings):
    settings.BASE_URL = "https://touchbase.pollux.example"
    for path in ("//evil.example/x", "https://evil.example/x", "relative/x"):
        with pytest.raises(ValueError, match="one '/'"):
            absolute_url(path=path)
