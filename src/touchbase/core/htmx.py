"""One URL answers the full page or, for htmx, only its fragment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from touchbase.core.requests import WorkspaceRequest


def render_page(
    request: WorkspaceRequest, page: str, fragment: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render the fragment for htmx requests that target it, the whole page otherwise."""
    is_fragment_request = bool(getattr(request, "htmx", False)) and not request.htmx.boosted
    template = fragment if is_fragment_request else page
    return render(request, template, context, status=status)


class HtmxMessagesMiddleware:
    """Messages added while answering htmx arrive with the fragment, where the user is.

    Without this a "Saved" from an htmx form would wait for the next full page. The
    messages go out of band into the toasts at the foot of the window: the user may be far
    down the page, where the #messages at its top would go unseen (and an Undo with them).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        is_fragment = htmx is not None and bool(htmx) and not htmx.boosted
        html = response.get("Content-Type", "").startswith("text/html")
        # A redirect leaves this page: its messages wait for the page it leads to.
        stays = not response.has_header("HX-Redirect")
        if is_fragment and html and stays and not response.streaming and response.status_code < 500:
            pending = list(messages.get_messages(request))
            if pending:
                oob = render_to_string("partials/_toasts.html", {"messages": pending}, request)
                response.content = response.content + oob.encode()
        return response
