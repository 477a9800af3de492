"""Access rules for views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from touchbase.core.requests import WorkspaceRequest


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in and member of a workspace; anonymous users go to the login page."""

    @login_required
    @wraps(view)
    def wrapper(request: WorkspaceRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.workspace is None:
            return render(request, "core/no_workspace.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
