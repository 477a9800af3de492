"""Visitor identity for every public page: confirm an address, remember the device, limit, block.

A public page asks for an e-mail address with the first thing a visitor writes. What they
wrote is kept unpublished and a confirmation link goes to that address; following it
confirms the visitor, remembers the browser (a random token in an HttpOnly cookie; only its
SHA-256 is stored), and tells every app through `registry.visitor_confirmed` so each
publishes what the visitor left pending. A confirmation link works once: the visitor's
nonce changes when it is used or when a newer link is sent.

Rate limits count every write in the database, per client address and per e-mail address,
so all web processes limit alike. A blocked visitor can read but not write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from touchbase.core import registry
from touchbase.core.forms import client_address
from touchbase.core.models import Workspace
from touchbase.core.signing import LinkInvalid, absolute_url, link_sign, link_verify
from touchbase.core.tenancy import scopes_disabled
from touchbase.visitors.models import MAX_NAME_LENGTH, PublicAttempt, Visitor, VisitorDevice

LINK_PURPOSE = "visitor-confirm"
LINK_LIFETIME = dt.timedelta(hours=48)
MAX_NEXT_LENGTH = 200
ATTEMPT_WINDOW = dt.timedelta(hours=1)
ATTEMPTS_KEPT = dt.timedelta(days=1)
TOUCH_INTERVAL = dt.timedelta(minutes=10)
UNCONFIRMED_KEPT = dt.timedelta(days=14)


@dataclass(frozen=True)
class Limit:
    """How many writes of one kind an address (IP), an e-mail address and, where it matters,
    a whole workspace may make per hour."""

    per_ip: int
    per_email: int
    per_workspace: int = 0


# Generous for a person, small for a script: a person posts a few ideas and votes on dozens.
# Confirmation mails go to addresses anyone can type: a workspace sends a bounded number.
LIMITS: dict[str, Limit] = {
    "confirm-mail": Limit(per_ip=20, per_email=5, per_workspace=500),
    "idea": Limit(per_ip=20, per_email=10),
    "comment": Limit(per_ip=60, per_email=30),
    "vote": Limit(per_ip=600, per_email=300),
    "similar": Limit(per_ip=300, per_email=300),
    "sign-in": Limit(per_ip=20, per_email=5),
    # An AMA's guests (per_email counts a guest's key) and a customer's coffee link.
    "ama-join": Limit(per_ip=30, per_email=10),
    "ama-ask": Limit(per_ip=60, per_email=20),
    "ama-vote": Limit(per_ip=600, per_email=300),
    "coffee-link": Limit(per_ip=60, per_email=30),
}
DEFAULT_LIMIT = Limit(per_ip=60, per_email=30)


class LinkUsed(LinkInvalid):
    message = _("This link was already used. Ask for a new one if you need it.")


class VisitorBlocked(Exception):
    """The visitor may not write here."""


def normalise_email(email: str) -> str:
    return email.strip().casefold()


def cookie_name(workspace: Workspace) -> str:
    return f"tb_visitor_{workspace.pk}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- who is this -------------------------------------------------------------------------------


def visitor_for_email(
    *, workspace: Workspace, email: str, name: str = "", language: str = ""
) -> Visitor:
    """The workspace's visitor with this address, created unconfirmed when new.

    A typed name is never stored here, not even for a new visitor (whoever types an address
    first would name its owner): it travels in the confirmation link and applies when the
    owner follows it. The language only picks the confirmation mail's language.
    """
    address = normalise_email(email)
    visitor = Visitor.objects.filter(workspace=workspace, email=address).first()
    if visitor is None:
        try:
            with transaction.atomic():
                visitor = Visitor.objects.create(
                    workspace=workspace, email=address, language=_language(language)
                )
        except IntegrityError:
            visitor = Visitor.objects.get(workspace=workspace, email=address)
    return visitor


def _language(code: str) -> str:
    return "en" if (code or "").casefold().startswith("en") else "de"


def visitor_from_request(request: HttpRequest, *, workspace: Workspace) -> Visitor | None:
    """The confirmed visitor this browser was remembered for, or None (looked up once)."""
    remembered: tuple[int, Visitor | None] | None = getattr(request, "_touchbase_visitor", None)
    if remembered is not None and remembered[0] == workspace.pk:
        return remembered[1]
    visitor = _device_visitor(request, workspace)
    request._touchbase_visitor = (workspace.pk, visitor)  # type: ignore[attr-defined]
    return visitor


def _device_visitor(request: HttpRequest, workspace: Workspace) -> Visitor | None:
    token = request.COOKIES.get(cookie_name(workspace), "")
    if not token or len(token) > 100:
        return None
    device = (
        VisitorDevice.objects.select_related("visitor")
        .filter(workspace=workspace, token_hash=_hash(token))
        .first()
    )
    now = timezone.now()
    if device is None or device.created_at < now - VisitorDevice.LIFETIME:
        return None
    if device.last_used_at < now - TOUCH_INTERVAL:
        VisitorDevice.objects.filter(pk=device.pk).update(last_used_at=now)
        Visitor.objects.filter(pk=device.visitor_id).update(last_seen_at=now)
    return device.visitor


def device_remember(
    request: HttpRequest, response: HttpResponse, *, visitor: Visitor
) -> VisitorDevice:
    """Keep this browser signed in as the visitor (after they confirmed on it)."""
    token = secrets.token_urlsafe(32)
    device = VisitorDevice.objects.create(
        workspace_id=visitor.workspace_id, visitor=visitor, token_hash=_hash(token),
        user_agent=request.headers.get("User-Agent", "")[:200],
    )  # fmt: skip
    response.set_cookie(
        cookie_name(visitor.workspace), token, max_age=int(VisitorDevice.LIFETIME.total_seconds()),
        httponly=True, samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE or request.is_secure(),
    )  # fmt: skip
    return device


def device_forget(request: HttpRequest, response: HttpResponse, *, workspace: Workspace) -> None:
    """Sign this browser out: its token stops working and the cookie goes."""
    token = request.COOKIES.get(cookie_name(workspace), "")
    if token:
        VisitorDevice.objects.filter(workspace=workspace, token_hash=_hash(token)).delete()
    request._touchbase_visitor = (workspace.pk, None)  # type: ignore[attr-defined]
    response.delete_cookie(cookie_name(workspace), samesite="Lax")


# --- confirmation ------------------------------------------------------------------------------


def safe_next(path: str, *, fallback: str) -> str:
    """A path on this site to go on to; anything else (another host, a scheme) gives fallback."""
    if (
        not path
        or len(path) > MAX_NEXT_LENGTH
        or not path.startswith("/")
        or path.startswith("//")
        or "\\" in path
        or any(ord(char) < 33 for char in path)
    ):
        return fallback
    return path


def confirmation_link(
    *, visitor: Visitor, next_path: str, items: dict[str, int] | None = None, name: str = "",
    language: str = "",
) -> str:  # fmt: skip
    """A new one-time link confirming the visitor's address; older unused links stop working.

    `items` names what the visitor left pending with this request (say {"idea": 7}): only that
    is published when the link is followed. A name and language given with the request travel
    in the link too and apply only then.
    """
    nonce = secrets.token_hex(8)
    Visitor.objects.filter(pk=visitor.pk).update(link_nonce=nonce)
    visitor.link_nonce = nonce
    payload: dict[str, Any] = {
        "w": visitor.workspace_id, "v": visitor.pk, "n": nonce, "next": next_path,
        "x": items or {}, "lg": _language(language) if language else "",
    }  # fmt: skip
    token = _sign_with_name(payload, name[:MAX_NAME_LENGTH])
    return absolute_url(path=reverse("visitors:confirm", args=[visitor.workspace.slug, token]))


def _sign_with_name(payload: dict[str, Any], name: str) -> str:
    """Sign with the name, shortened as far as the token's length needs (umlauts take room)."""
    for length in (len(name), 30, 15, 0):
        try:
            return link_sign(
                purpose=LINK_PURPOSE, payload={**payload, "nm": name[:length]},
                max_age=LINK_LIFETIME,
            )  # fmt: skip
        except ValueError:
            continue
    raise ValueError("A confirmation link does not fit even without a name.")


def confirmation_send(
    *, visitor: Visitor, next_path: str, what: str, items: dict[str, int] | None = None,
    name: str = "", language: str = "",
) -> None:  # fmt: skip
    """Mail the visitor a confirmation link (by the worker, after commit).

    `what` says what they are confirming ("your idea"), in the request's language; it never
    quotes what was written, since the address may be anyone's.
    """
    from touchbase.visitors.tasks import confirmation_mail_task

    link = confirmation_link(
        visitor=visitor, next_path=next_path, items=items, name=name, language=language
    )
    workspace_id, visitor_id = visitor.workspace_id, visitor.pk
    transaction.on_commit(
        lambda: confirmation_mail_task.enqueue(
            workspace_id=workspace_id, visitor_id=visitor_id, link=link, what=what
        )
    )


def confirmation_preview(*, workspace: Workspace, token: str) -> tuple[Visitor, list[str]]:
    """The visitor a link would confirm and what it would publish, without using it.

    The page asking for the click shows both: a link someone else caused (by typing this
    address) then shows words its owner never wrote, and they can leave it.
    """
    visitor = confirmation_peek(workspace=workspace, token=token)
    items = link_verify(purpose=LINK_PURPOSE, token=token).get("x")
    lines: list[str] = []
    for preview in registry.visitor_pending:
        lines += preview.describe(visitor, items if isinstance(items, dict) else {})
    return visitor, lines


def confirmation_peek(*, workspace: Workspace, token: str) -> Visitor:
    """The visitor a link would confirm, without using it (for the page that asks)."""
    payload = link_verify(purpose=LINK_PURPOSE, token=token)
    visitor = Visitor.objects.filter(workspace=workspace, pk=int(payload.get("v") or 0)).first()
    if payload.get("w") != workspace.pk or visitor is None:
        raise LinkInvalid("The link belongs to another workspace or its visitor is gone.")
    if not visitor.link_nonce or visitor.link_nonce != payload.get("n"):
        raise LinkUsed("The link's nonce is not the visitor's current one.")
    return visitor


def confirmation_accept(*, workspace: Workspace, token: str) -> tuple[Visitor, str]:
    """Confirm the visitor the token names; returns them and where to go on. Raises LinkInvalid.

    The link must be this workspace's, name an existing visitor and carry their current
    nonce; once used, the nonce changes and the same link is refused as used. What the link
    names as pending is published by the apps (registry.visitor_confirmed), nothing else.
    """
    payload = link_verify(purpose=LINK_PURPOSE, token=token)
    if payload.get("w") != workspace.pk:
        raise LinkInvalid("The link belongs to another workspace.")
    with transaction.atomic():
        visitor = (
            Visitor.objects.select_for_update()
            .filter(workspace=workspace, pk=int(payload.get("v") or 0))
            .first()
        )
        if visitor is None:
            raise LinkInvalid("The visitor is gone.")
        if not visitor.link_nonce or visitor.link_nonce != payload.get("n"):
            raise LinkUsed("The link's nonce is not the visitor's current one.")
        visitor.link_nonce = ""
        visitor.confirmed_at = visitor.confirmed_at or timezone.now()
        visitor.last_seen_at = timezone.now()
        visitor.name = str(payload.get("nm") or visitor.name)[:MAX_NAME_LENGTH]
        visitor.language = str(payload.get("lg") or visitor.language)
        visitor.save(
            update_fields=["link_nonce", "confirmed_at", "last_seen_at", "name", "language"]
        )
        items = payload.get("x") if isinstance(payload.get("x"), dict) else {}
        if not visitor.is_blocked:
            for hook in registry.visitor_confirmed:
                hook.run(visitor=visitor, items=items)
    return visitor, str(payload.get("next") or "")


# --- limits and blocks -------------------------------------------------------------------------


def client_key(request: HttpRequest | None) -> str:
    """The client's address as a rate limit counts it: an IPv6 client by its /64 network,
    which one subscriber usually holds whole."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return f"ip:{address}"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped:
            return f"ip:{parsed.ipv4_mapped}"
        return f"ip:{ipaddress.ip_network(f'{parsed}/64', strict=False)}"
    return f"ip:{parsed}"


def mailbox_key(email: str) -> str:
    """An address as a rate limit counts it: name+tag@host is name@host's mailbox."""
    local, _at, host = normalise_email(email).partition("@")
    return f"email:{local.split('+', 1)[0]}@{host}"[:300]


def attempt_allowed(
    request: HttpRequest | None, *, workspace: Workspace, action: str, email: str = ""
) -> bool:
    """Whether this write is within the hour's limits; only an allowed one is counted, so a
    refused flood neither grows the table nor eats a person's own allowance further."""
    limit = LIMITS.get(action, DEFAULT_LIMIT)
    since = timezone.now() - ATTEMPT_WINDOW
    keys = [(client_key(request), limit.per_ip)]
    if email:
        keys.append((mailbox_key(email), limit.per_email))
    if limit.per_workspace:
        keys.append(("workspace", limit.per_workspace))
    counts = dict(
        PublicAttempt.objects.filter(
            workspace=workspace, action=action, key__in=[key for key, _most in keys],
            at__gt=since,
        )
        .values_list("key")
        .annotate(n=Count("pk"))
        .values_list("key", "n")
    )  # fmt: skip
    if any(counts.get(key, 0) >= most for key, most in keys):
        return False
    PublicAttempt.objects.bulk_create(
        [PublicAttempt(workspace=workspace, action=action, key=key) for key, _most in keys]
    )
    return True


def attempts_purge(*, now: dt.datetime | None = None) -> int:
    """Forget writes older than any limit looks back; returns how many."""
    with scopes_disabled():
        deleted, _per_model = PublicAttempt.objects.filter(
            at__lt=(now or timezone.now()) - ATTEMPTS_KEPT
        ).delete()
    return deleted


def visitor_block(*, workspace: Workspace, email: str, reason: str = "") -> Visitor:
    """Block an address from writing on the workspace's public pages (known or not yet)."""
    visitor = visitor_for_email(workspace=workspace, email=email)
    Visitor.objects.filter(pk=visitor.pk).update(
        blocked_at=timezone.now(), block_reason=reason[:200]
    )
    visitor.refresh_from_db()
    return visitor


def visitor_unblock(*, visitor: Visitor) -> None:
    Visitor.objects.filter(pk=visitor.pk).update(blocked_at=None, block_reason="")
    visitor.blocked_at, visitor.block_reason = None, ""


def writer_check(visitor: Visitor) -> None:
    """Raise VisitorBlocked when the visitor may not write (as loaded: within this request)."""
    if visitor.is_blocked:
        raise VisitorBlocked


# --- personal data -----------------------------------------------------------------------------


def visitor_export(visitor: Visitor) -> dict[str, Any]:
    """What touchbase holds on the visitor, from every app, as JSON-safe data."""
    data: dict[str, Any] = {
        "email": visitor.email,
        "name": visitor.name,
        "language": visitor.language,
        "created_at": visitor.created_at.isoformat(),
        "confirmed_at": visitor.confirmed_at.isoformat() if visitor.confirmed_at else None,
        "blocked": visitor.is_blocked,
        "devices": [
            {"created_at": device.created_at.isoformat(), "user_agent": device.user_agent}
            for device in visitor.devices.order_by("created_at")
        ],
    }
    for handler in registry.visitor_data:
        data[handler.name] = handler.export(visitor)
    return data


def visitor_erase(visitor: Visitor) -> None:
    """Remove the visitor and what they wrote (apps decide what stays, unattributed)."""
    with transaction.atomic():
        for handler in registry.visitor_data:
            handler.erase(visitor)
        visitor.delete()


def unconfirmed_purge(*, now: dt.datetime | None = None) -> int:
    """Erase visitors who never confirmed within UNCONFIRMED_KEPT, with what they left pending.

    A typed address nobody confirmed is someone's address we hold without their word.
    """
    before = (now or timezone.now()) - UNCONFIRMED_KEPT
    with scopes_disabled():
        stale = list(
            Visitor.objects.filter(confirmed_at=None, blocked_at=None, created_at__lt=before)[:500]
        )
        for visitor in stale:
            visitor_erase(visitor)
    return len(stale)


def _visitors_of(contact: Any) -> list[Visitor]:
    if not contact.email:
        return []
    return list(
        Visitor.objects.filter(
            workspace_id=contact.workspace_id, email=normalise_email(contact.email)
        )
    )


def contact_visitors_export(contact: Any) -> list[dict[str, Any]]:
    return [visitor_export(visitor) for visitor in _visitors_of(contact)]


def contact_visitors_erase(contact: Any) -> None:
    for visitor in _visitors_of(contact):
        visitor_erase(visitor)
