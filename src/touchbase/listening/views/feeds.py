"""Feeds: fetch a feed source now, without waiting for its next poll."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touchbase.core.capabilities import Capability, capability_required
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.listening import feeds
from touchbase.listening.models import Source


@capability_required(Capability.LISTENING_MANAGE)
@require_POST
def source_fetch(request: MemberRequest, pk: int) -> HttpResponse:
    source = owned_or_404(Source, pk, workspace=request.workspace)
    try:
        feeds.feed_poll_request(source=source)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The feed is being fetched; new mentions appear shortly."))
    return redirect("listening:source-detail", source.pk)


urlpatterns = [
    path("listening/sources/<id:pk>/fetch/", source_fetch, name="source-fetch"),
]
