"""The confirmation page every public page's links lead to.

The link in the mail opens a page with one button: mail scanners fetch links to check them,
and a GET must not use up a one-time link or sign their browser in.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_http_methods

from touchbase.core.requests import WorkspaceRequest
from touchbase.core.signing import LinkInvalid
from touchbase.core.tenancy import public_page
from touchbase.visitors import services


@public_page
@require_http_methods(["GET", "POST"])
def confirm(request: WorkspaceRequest, token: str) -> HttpResponse:
    workspace = request.workspace
    assert workspace is not None
    context: dict[str, object] = {"workspace": workspace, "token": token}
    if request.method != "POST":
        try:
            # Named on the page, so nobody is signed in as someone else's address unawares.
            visitor, pending = services.confirmation_preview(workspace=workspace, token=token)
            context.update(visitor=visitor, pending=pending)
        except LinkInvalid as error:
            context["error"] = error.message
            return render(request, "visitors/confirm.html", context, status=404)
        return render(request, "visitors/confirm.html", context)
    try:
        visitor, next_path = services.confirmation_accept(workspace=workspace, token=token)
    except LinkInvalid as error:
        context["error"] = error.message
        return render(request, "visitors/confirm.html", context, status=404)
    target = services.safe_next(next_path, fallback="")
    response = render(
        request, "visitors/confirmed.html",
        {"workspace": workspace, "visitor": visitor, "next": target},
    )  # fmt: skip
    if target:
        response.status_code = 303
        response["Location"] = target
    if not visitor.is_blocked:
        services.device_remember(request, response, visitor=visitor)
    return response


urlpatterns = [
    path("v/<slug:slug>/confirm/<str:token>/", confirm, name="confirm"),
]
