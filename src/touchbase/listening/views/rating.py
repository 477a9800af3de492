"""The public rating page a review invitation links to: stars and a few words, once.

Anyone holding the link may answer, so the page trusts nothing else: the signed token must
name an invitation of the workspace in the address with its current nonce; every sent form
counts toward a rate limit per link and per address; a filled-in honeypot field is thanked
and dropped; sizes are bounded by the form; the answer is shown escaped wherever it appears.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import translation

from touchbase.core.forms import client_address
from touchbase.core.models import Workspace
from touchbase.core.requests import WorkspaceRequest
from touchbase.core.tenancy import public_page
from touchbase.listening import invitations
from touchbase.listening.forms import RatingForm
from touchbase.listening.models import ReviewInvitation


def _speak_their_language(request: WorkspaceRequest, invitation: ReviewInvitation) -> None:
    """The invitation's language, unless the visitor chose one with the language switch."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or not invitation.language:
        return
    translation.activate(invitation.language)
    request.LANGUAGE_CODE = invitation.language


def _workspace(request: WorkspaceRequest) -> Workspace:
    assert request.workspace is not None  # public_page found it, or answered 404
    return request.workspace


def _found(
    request: WorkspaceRequest, token: str
) -> tuple[ReviewInvitation | None, HttpResponse | None]:
    try:
        invitation = invitations.invitation_for_token(workspace=_workspace(request), token=token)
    except invitations.InvitationRefused as refused:
        context = {"message": refused.message, "workspace": _workspace(request)}
        return None, render(request, "listening/rating_invalid.html", context, status=404)
    _speak_their_language(request, invitation)
    return invitation, None


def _page(
    request: WorkspaceRequest, invitation: ReviewInvitation, form: RatingForm, status: int = 200
) -> HttpResponse:
    context = {
        "invitation": invitation, "form": form, "company": invitation.workspace.name,
        "too_many": status == 429,
    }  # fmt: skip
    return render(request, "listening/rating.html", context, status=status)


def _thanks(request: WorkspaceRequest, invitation: ReviewInvitation) -> HttpResponse:
    context = {"invitation": invitation, "company": invitation.workspace.name}
    return render(request, "listening/rating_thanks.html", context)


@public_page
def rating(request: WorkspaceRequest, token: str) -> HttpResponse:
    """Show the rating form, or take the answer; one answer per invitation."""
    invitation, refusal = _found(request, token)
    if invitation is None:
        assert refusal is not None
        return refusal
    if invitation.answered_at is not None:
        return _thanks(request, invitation)
    if request.method != "POST":
        return _page(request, invitation, RatingForm())
    address = client_address(request)
    if invitations.rating_is_throttled(invitation=invitation, address=address):
        return _page(request, invitation, RatingForm(request.POST), status=429)
    invitations.rating_attempt_record(invitation=invitation, address=address)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _page(request, invitation, form, status=422)
    if form.cleaned_data["website"]:
        # A robot filled in the field people never see: thank it, keep nothing.
        return _thanks(request, invitation)
    answer = invitations.Answer(stars=form.cleaned_data["stars"], text=form.cleaned_data["text"])
    try:
        invitations.invitation_answer(invitation=invitation, answer=answer)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            return _thanks(request, invitation)  # answered a moment ago, in another tab
        form.add_error(None, error)
        return _page(request, invitation, form, status=422)
    return redirect("listening:rating", invitation.workspace.slug, token)


@public_page
def rating_stop(request: WorkspaceRequest, token: str) -> HttpResponse:
    """No more invitations for this customer: asked on a page, done by the button (POST)."""
    invitation, refusal = _found(request, token)
    if invitation is None:
        assert refusal is not None
        return refusal
    done = invitation.opted_out_at is not None
    if request.method == "POST" and not done:
        invitations.invitation_opt_out(invitation=invitation)
        done = True
    context = {"invitation": invitation, "company": invitation.workspace.name, "done": done}
    return render(request, "listening/rating_stop.html", context)


urlpatterns = [
    path("r/<slug:slug>/<str:token>/", rating, name="rating"),
    path("r/<slug:slug>/<str:token>/stop/", rating_stop, name="rating-stop"),
]
