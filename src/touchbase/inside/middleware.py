"""The fast answer to a member's poll of a live AMA list.

Hundreds of members poll a running session every 1.5 s. Answering each through sessions, users
and memberships costs five queries, and at 500 listeners that alone fills a small server,
delaying the answers that carry a change. So a poll whose address carries the session's poll
key (in the list, which only its participants receive) is answered here, before any of that:

- with nothing new (its version is current): a 204 from one indexed read. A 204 tells nothing
  but "no change", so a member who has left learns nothing more from it;
- with news: the list as it stands, when this process has it ready and the browser shows a
  *live pass*: a signed cookie the usual way hands out with the list, naming the session, the
  member, the workspace, whether they moderate it and their language, bound to their sign-in
  cookie (signing out in that browser ends it) and good for PASS_SECONDS from the last full
  poll. So whatever changes who may see which list (a member removed or deactivated, a
  moderator no longer one, a password changed, signing out elsewhere) takes effect on a live
  list within that time: after it, the poll takes the usual checks.

Every other request, and any poll without a pass or a ready list, takes the usual way.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from touchbase.core.tenancy import scopes_disabled
from touchbase.inside import live
from touchbase.inside.models import AmaSession

POLL_PATH = re.compile(r"^/inside/ama/([0-9]{1,18})/questions/\Z")
PASS_COOKIE = "tb_live"
PASS_PATH = "/inside/ama/"
PASS_SECONDS = 60
_PASS_SALT = "touchbase.inside.live-pass"


def poll_key(session_id: int) -> str:
    digest = salted_hmac("touchbase.inside.poll", str(session_id), algorithm="sha256")
    return digest.hexdigest()[:32]


def member_addresses(session_id: int) -> tuple[str, str]:
    """Where a member's question actions go, and where their list polls (up to its version)."""
    actions = reverse("inside:home") + "ama/question/"
    poll = reverse("inside:ama_questions", args=[session_id]) + f"?k={poll_key(session_id)}&"
    return actions, poll


@dataclass(frozen=True)
class LivePass:
    """What a pass says. Signed, not secret (the cookie is readable to its holder); the member's
    id is for the record: what binds the pass to them is the digest of their sign-in cookie."""

    session_id: int
    user_id: int
    workspace_id: int
    moderator: bool
    language: str


def _signed_in_as(request: HttpRequest) -> str:
    """A digest of the sign-in cookie: a pass is good only beside the cookie it was made for."""
    cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    return salted_hmac(_PASS_SALT, cookie, algorithm="sha256").hexdigest()[:16]


def live_pass(request: HttpRequest, found: LivePass, *, issued: int | None = None) -> str:
    """The cookie's value for this member's view of the session."""
    issued = int(time.time()) if issued is None else issued
    fields = (found.session_id, found.user_id, found.workspace_id, int(found.moderator),
              found.language, issued, _signed_in_as(request))  # fmt: skip
    return signing.Signer(salt=_PASS_SALT).sign(".".join(str(field) for field in fields))


def pass_set(response: HttpResponse, request: HttpRequest, found: LivePass) -> None:
    response.set_cookie(
        PASS_COOKIE, live_pass(request, found), max_age=PASS_SECONDS, path=PASS_PATH,
        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
    )  # fmt: skip


def pass_of(request: HttpRequest, *, session_id: int, workspace_id: int) -> LivePass | None:
    """The request's live pass when it is good for this session of this workspace, now."""
    try:
        value = signing.Signer(salt=_PASS_SALT).unsign(request.COOKIES.get(PASS_COOKIE, ""))
        session, user, workspace, moderator, language, issued, signed_in = value.split(".")
        found = LivePass(int(session), int(user), int(workspace), moderator == "1", language)
        age = time.time() - int(issued)
    except (signing.BadSignature, ValueError):
        return None
    fits = found.session_id == session_id and found.workspace_id == workspace_id
    fresh = -5 <= age <= PASS_SECONDS
    if fits and fresh and constant_time_compare(signed_in, _signed_in_as(request)):
        return found
    return None


def _fast_answer(request: HttpRequest) -> HttpResponse | None:
    found = POLL_PATH.match(request.path_info) if request.method == "GET" else None
    if found is None:
        return None
    session_id = int(found.group(1))
    key, version = request.GET.get("k", ""), request.GET.get("v", "")[:20]
    if not (key and version and constant_time_compare(key, poll_key(session_id))):
        return None
    with scopes_disabled():
        rows = AmaSession.objects.filter(pk=session_id)
        row = rows.values_list("version", "workspace_id", "created_at").first()
    if row is None:
        return None
    current, workspace_id, created_at = row
    if version == str(current):
        return _no_store(HttpResponse(status=204))
    viewer = pass_of(request, session_id=session_id, workspace_id=workspace_id)
    if viewer is None:
        return None
    actions, poll = member_addresses(session_id)
    fragment = live.ready_list(
        session_id=session_id, created_at=created_at, version=current,
        language=viewer.language, moderator=viewer.moderator, actions=actions, poll=poll,
    )  # fmt: skip
    return None if fragment is None else _no_store(HttpResponse(fragment))


def _no_store(response: HttpResponse) -> HttpResponse:
    # The headers the later middleware would set: this answer leaves before it runs.
    response["Cache-Control"] = "no-store"
    response["X-Frame-Options"] = "DENY"
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    return response


class LivePollMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return _fast_answer(request) or self.get_response(request)
