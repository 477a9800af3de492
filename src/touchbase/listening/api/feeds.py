"""API: fetch a feed source now."""

from __future__ import annotations

from ninja import Status

from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.listening import feeds
from touchbase.listening.api.base import router
from touchbase.listening.api.sources import SourceOut
from touchbase.listening.models import Source


@router.post(
    "/listening/sources/{source_id}/fetch", response={202: SourceOut},
    summary="Fetch a feed source now: the worker polls it in a moment (422 for other kinds)",
)  # fmt: skip
@api_capability(Capability.LISTENING_MANAGE)
def source_fetch(request: MemberRequest, source_id: Id) -> Status[Source]:
    source = owned_or_404(Source, source_id, workspace=request.workspace)
    return Status(202, feeds.feed_poll_request(source=source))
