"""One URL answers the full page or, for htmx, only its fragment."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from touchbase.core.requests import WorkspaceRequest


def render_page(
    request: WorkspaceRequest, page: str, fragment: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render the fragment for htmx requests that target it, the whole page otherwise."""
    is_fragment_request = bool(getattr(request, "htmx", False)) and not request.htmx.boosted
    template = fragment if is_fragment_request else page
    return render(request, template, context, status=status)
