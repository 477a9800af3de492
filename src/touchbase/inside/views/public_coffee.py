"""A customer's virtual coffee, reached by the signed link in their mails.

Strangers use these pages, so: the slug's workspace is the scope (unknown slug → 404); a forged
link is 404, an expired or withdrawn one 410, with words saying so; GET changes nothing (mail
scanners follow links), only the buttons' POSTs do, each counted toward the "coffee-link" rate
limit (429 beyond); a filled-in honeypot is thanked and dropped; a customer reaches only the
groups they sit in (another group's id is 404).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from touchbase.core.forms import apply_errors
from touchbase.core.models import Workspace
from touchbase.core.requests import WorkspaceRequest
from touchbase.core.signing import LinkExpired, LinkInvalid
from touchbase.core.tenancy import public_page
from touchbase.inside import ama, coffee, selectors
from touchbase.inside.choices import GroupState
from touchbase.inside.coffee_forms import (
    CustomerButtonForm,
    CustomerConfirmForm,
    CustomerPauseForm,
    HoneypotForm,
)
from touchbase.inside.models import CoffeeGroup, CoffeeParticipant
from touchbase.visitors import services as visitors

ACTION = "coffee-link"
TOKEN_LENGTH = 600
PAGE = "inside/coffee_public.html"
# What the page says after a write (?done=…): a fixed list, so the address carries no text.
NOTICES = {
    "accepted": gettext_lazy("Welcome! You take part from the next round on."),
    "opted-out": gettext_lazy("You no longer take part. You can come back here any time."),
    "paused": gettext_lazy("Your pause is saved."),
    "confirmed": gettext_lazy("Thank you, noted."),
}
View = Callable[..., HttpResponse]


def coffee_page(view: View) -> View:
    """A customer's coffee page: the slug's workspace as scope, answers never cached and their
    addresses (which carry the token) never sent to another site as a referrer."""

    @public_page
    @wraps(view)
    def wrapper(request: WorkspaceRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        workspace = request.workspace
        assert workspace is not None
        with timezone.override(workspace.zone):
            response = view(request, workspace, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapper


def _invalid(
    request: WorkspaceRequest, workspace: Workspace, error: LinkInvalid | ValidationError
) -> HttpResponse:
    """Forged → 404; expired or withdrawn (a genuine link no longer honoured) → 410."""
    if isinstance(error, ValidationError):
        reason, status = " ".join(error.messages), 410
    elif isinstance(error, LinkExpired):
        reason, status = str(error.message), 410
    else:
        reason, status = str(error.message), 404
    context = {"workspace": workspace, "reason": reason}
    return render(request, "inside/coffee_public_invalid.html", context, status=status)


def _throttled(request: WorkspaceRequest, workspace: Workspace) -> HttpResponse:
    return render(
        request, "inside/coffee_public_throttled.html", {"workspace": workspace}, status=429
    )


def _verify(workspace: Workspace, token: str) -> CoffeeParticipant:
    return coffee.customer_verify(workspace=workspace, token=token[:TOKEN_LENGTH])


def _context(
    workspace: Workspace, participant: CoffeeParticipant, token: str, **given: Any
) -> dict[str, Any]:
    minutes = ama.inside_settings(workspace=workspace).coffee_minutes
    to_confirm = list(selectors.to_confirm(participant=participant).order_by("starts_at"))

    def rows(groups: list[CoffeeGroup]) -> list[selectors.Coffee]:
        return selectors.coffee_rows(participant=participant, groups=groups, minutes=minutes)

    return {
        "workspace": workspace,
        "participant": participant,
        "contact": participant.contact,
        "token": token,
        "settings": ama.inside_settings(workspace=workspace),
        "upcoming": rows(selectors.coffee_next(participant=participant)),
        "to_confirm": rows(to_confirm),
        "history": rows(selectors.coffee_history(participant=participant)),
        "pause_form": given.get("pause_form")
        or CustomerPauseForm(initial={"until": participant.paused_until}),
        "error": given.get("error", ""),
        "notice": given.get("notice", ""),
    }


@coffee_page
@require_GET
def public_coffee(request: WorkspaceRequest, workspace: Workspace, token: str) -> HttpResponse:
    """The customer's page: take part or not, pause, their next coffee and with whom."""
    try:
        participant = _verify(workspace, token)
    except (LinkInvalid, ValidationError) as error:
        return _invalid(request, workspace, error)
    notice = NOTICES.get(request.GET.get("done", "")[:20], "")
    context = _context(workspace, participant, token, notice=notice)
    return render(request, PAGE, context)


Handler = Callable[..., HttpResponse]


def customer_action(form_class: type[HoneypotForm]) -> Callable[[Handler], View]:
    """A POST by the link: verified, counted toward the rate limit, a robot's dropped; the
    handler gets the customer and the bound form."""

    def decorator(handle: Handler) -> View:
        @coffee_page
        @require_POST
        @wraps(handle)
        def wrapper(
            request: WorkspaceRequest, workspace: Workspace, token: str, **kwargs: Any
        ) -> HttpResponse:
            try:
                participant = _verify(workspace, token)
            except (LinkInvalid, ValidationError) as error:
                # A forged link counts toward its client's limit, so guessing costs.
                if not visitors.attempt_allowed(request, workspace=workspace, action=ACTION):
                    return _throttled(request, workspace)
                return _invalid(request, workspace, error)
            email = participant.contact.email if participant.contact else ""
            allowed = visitors.attempt_allowed(
                request, workspace=workspace, action=ACTION, email=email
            )
            if not allowed:
                return _throttled(request, workspace)
            form = form_class(request.POST)
            if form.is_robot:
                return _back(workspace, token, "")
            return handle(request, workspace, participant, token, form, **kwargs)

        return wrapper

    return decorator


def _back(workspace: Workspace, token: str, done: str) -> HttpResponse:
    response = redirect("inside:public_coffee", workspace.slug, token)
    if done:
        response["Location"] += f"?done={done}"
    return response


def _again(
    request: WorkspaceRequest,
    workspace: Workspace,
    participant: CoffeeParticipant,
    token: str,
    **given: Any,
) -> HttpResponse:
    """The page once more with what went wrong (422)."""
    return render(request, PAGE, _context(workspace, participant, token, **given), status=422)


@customer_action(CustomerButtonForm)
def public_coffee_accept(
    request: WorkspaceRequest,
    workspace: Workspace,
    participant: CoffeeParticipant,
    token: str,
    form: HoneypotForm,
) -> HttpResponse:
    """Accept the invitation (or come back): take part from the next round on."""
    coffee.coffee_active_set(participant=participant, active=True)
    return _back(workspace, token, "accepted")


@customer_action(CustomerButtonForm)
def public_coffee_opt_out(
    request: WorkspaceRequest,
    workspace: Workspace,
    participant: CoffeeParticipant,
    token: str,
    form: HoneypotForm,
) -> HttpResponse:
    """Stop taking part; coffees ahead are left and the others are told."""
    coffee.coffee_active_set(participant=participant, active=False)
    return _back(workspace, token, "opted-out")


@customer_action(CustomerPauseForm)
def public_coffee_pause(
    request: WorkspaceRequest,
    workspace: Workspace,
    participant: CoffeeParticipant,
    token: str,
    form: HoneypotForm,
) -> HttpResponse:
    assert isinstance(form, CustomerPauseForm)
    if form.is_valid():
        try:
            coffee.coffee_pause(participant=participant, until=form.cleaned_data["until"])
        except ValidationError as error:
            texts = error.message_dict.get("paused_until") if hasattr(error, "error_dict") else None
            form.add_error("until", texts or error.messages)
        else:
            return _back(workspace, token, "paused")
    return _again(request, workspace, participant, token, pause_form=form)


@customer_action(CustomerConfirmForm)
def public_coffee_confirm(
    request: WorkspaceRequest,
    workspace: Workspace,
    participant: CoffeeParticipant,
    token: str,
    form: HoneypotForm,
    pk: int,
) -> HttpResponse:
    """Say whether a past coffee took place; only a group the customer sits in."""
    assert isinstance(form, CustomerConfirmForm)
    group = (
        CoffeeGroup.objects.filter(
            workspace=workspace, pk=pk, seats__participant=participant,
            seats__left_at=None,
        )
        .exclude(state=GroupState.CANCELLED)
        .first()
    )  # fmt: skip
    if group is None:
        raise Http404(_("Not found."))
    if form.is_valid():
        try:
            coffee.group_confirm(group=group, met=form.took_place, by=None)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _back(workspace, token, "confirmed")
    texts = [str(text) for texts in form.errors.values() for text in texts]
    return _again(request, workspace, participant, token, error=" ".join(texts))


BASE = "meet/<slug:slug>/coffee/<str:token>/"
urlpatterns: list[URLPattern] = [
    path(BASE, public_coffee, name="public_coffee"),
    path(BASE + "accept/", public_coffee_accept, name="public_coffee_accept"),
    path(BASE + "opt-out/", public_coffee_opt_out, name="public_coffee_opt_out"),
    path(BASE + "pause/", public_coffee_pause, name="public_coffee_pause"),
    path(BASE + "groups/<id:pk>/confirm/", public_coffee_confirm, name="public_coffee_confirm"),
]
