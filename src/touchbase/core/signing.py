"""Signed expiring links: a token in a URL stands for a small payload only we could have issued.

A token is Django's TimestampSigner over the JSON of {"p": purpose, "a": max age, "d": payload},
salted per purpose, so a token issued for one purpose (say "invite-accept") never verifies for
another ("unsubscribe"). The maximum age travels inside the signed part, so the verifier cannot
be talked into a longer life than the issuer granted. Tokens use only URL-unreserved characters
(A-Z a-z 0-9 - _ .) and are at most MAX_TOKEN_LENGTH long; keep payloads to a few ids.

Usage:
    token = link_sign(purpose="invite-accept", payload={"invitation": 7}, max_age=timedelta(days=7))
    url = absolute_url(path=reverse("core:invite-accept", args=[token]))
    ...
    try:
        payload = link_verify(purpose="invite-accept", token=token)
    except LinkInvalid as error:
        return render(request, "core/link_invalid.html", {"reason": error.message})
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.conf import settings
from django.core import signing
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

__all__ = [
    "MAX_TOKEN_LENGTH",
    "LinkExpired",
    "LinkInvalid",
    "LinkTampered",
    "LinkWrongPurpose",
    "absolute_url",
    "link_sign",
    "link_verify",
]

# Links travel in e-mails and URLs; 512 characters fit every mail client and server log.
MAX_TOKEN_LENGTH = 512
# ":" (Django's default) is legal in a path but some tools percent-encode it; "." never is.
SEPARATOR = "."
PURPOSE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")


class LinkInvalid(Exception):
    """A link that must not be honoured; `message` is fit to show the person who followed it."""

    message: str | Promise = _("This link is not valid.")

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or str(self.message))


class LinkExpired(LinkInvalid):
    """The link was genuine but is older than the issuer allowed."""

    message = _("This link has expired.")


class LinkTampered(LinkInvalid):
    """The link was altered, truncated or never issued by us."""

    message = _("This link is not valid.")


class LinkWrongPurpose(LinkInvalid):
    """The link is genuine but was issued for something else."""

    message = _("This link is meant for something else.")


def _signer(purpose: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(
        salt=f"touchbase.link:{purpose}", sep=SEPARATOR, algorithm="sha256"
    )


def _check_purpose(purpose: str) -> None:
    if not PURPOSE_PATTERN.match(purpose):
        raise ValueError(f"A link purpose is a short lower-case slug, not {purpose!r}.")


def link_sign(*, purpose: str, payload: dict[str, Any], max_age: dt.timedelta) -> str:
    """A URL-safe token carrying the JSON payload, valid for `purpose` during `max_age`."""
    _check_purpose(purpose)
    seconds = int(max_age.total_seconds())
    if seconds <= 0:
        raise ValueError("A link must live at least one second.")
    token = _signer(purpose).sign_object({"p": purpose, "a": seconds, "d": payload})
    if len(token) > MAX_TOKEN_LENGTH:
        raise ValueError(
            f"The payload makes a {len(token)}-character token; links allow "
            f"{MAX_TOKEN_LENGTH}. Sign ids, not records."
        )
    return token


def _claimed_purpose(token: str) -> str | None:
    """The purpose written in the unverified token, only to tell which error to give."""
    encoded = token.split(SEPARATOR, 1)[0]
    try:
        claimed = json.loads(signing.b64_decode(encoded.encode()))
    except (ValueError, UnicodeDecodeError):
        return None
    purpose = claimed.get("p") if isinstance(claimed, dict) else None
    return purpose if isinstance(purpose, str) and PURPOSE_PATTERN.match(purpose) else None


def link_verify(*, purpose: str, token: str) -> dict[str, Any]:
    """The payload of a genuine, unexpired token for `purpose`; else raises a LinkInvalid."""
    _check_purpose(purpose)
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise LinkTampered("The token is empty or longer than any we issue.")
    signer = _signer(purpose)
    try:
        content = signer.unsign_object(token)
    except signing.BadSignature as error:
        claimed = _claimed_purpose(token)
        if claimed and claimed != purpose:
            # Only a token that verifies under its own purpose's salt is ours: then it is
            # genuine but misdirected, which deserves a clearer message than "tampered".
            try:
                _signer(claimed).unsign_object(token)
            except signing.BadSignature:
                pass
            else:
                raise LinkWrongPurpose(
                    f"The token was issued for {claimed!r}, not {purpose!r}."
                ) from error
        raise LinkTampered("The token's signature does not match.") from error
    except ValueError as error:
        # A correct signature over undecodable content: only possible with a leaked key.
        raise LinkTampered("The token's content cannot be read.") from error
    try:
        signer.unsign(token, max_age=content["a"])
    except signing.SignatureExpired as error:
        raise LinkExpired(str(error)) from error
    payload: dict[str, Any] = content["d"]
    return payload


def absolute_url(*, path: str) -> str:
    """The full address of a site path (for e-mails and webhooks), from settings.BASE_URL."""
    # A path like "//evil.example" would become another host's address.
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"An absolute URL is built from a path starting with one '/': {path!r}")
    return settings.BASE_URL.rstrip("/") + path
