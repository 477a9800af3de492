"""The fast answer to a member's poll of a live AMA list when nothing changed.

Hundreds of members poll a running session every 1.5 s and nearly every poll finds nothing
new. Answering those through sessions, users and memberships would cost four queries each,
and at 500 listeners that alone fills a small server, delaying the answers that carry a
change. So a poll whose address carries the session's poll key (in the list, which only its
participants receive) and the current version gets its 204 here, from one indexed read, before
any of that; every other request, and any poll with news, takes the usual way and its checks.
A 204 tells nothing but "no change", so a member who has left learns nothing more from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare, salted_hmac

from touchbase.core.tenancy import scopes_disabled
from touchbase.inside.models import AmaSession

POLL_PATH = re.compile(r"^/inside/ama/(\d{1,18})/questions/$")


def poll_key(session_id: int) -> str:
    digest = salted_hmac("touchbase.inside.poll", str(session_id), algorithm="sha256")
    return digest.hexdigest()[:32]


def _unchanged(request: HttpRequest) -> bool:
    found = POLL_PATH.match(request.path_info) if request.method == "GET" else None
    if found is None:
        return False
    session_id = int(found.group(1))
    key, version = request.GET.get("k", ""), request.GET.get("v", "")[:20]
    if not (key and version and constant_time_compare(key, poll_key(session_id))):
        return False
    with scopes_disabled():
        rows = AmaSession.objects.filter(pk=session_id).values_list("version", flat=True)
        return version == str(rows.first())


class UnchangedPollMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _unchanged(request):
            response = HttpResponse(status=204)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
