"""Virtual coffee for members: taking part, pauses and holidays, one's coffees; for managers
the settings and the rounds; inviting a customer from their page.

Each action answers an htmx form with the updated fragment of the member's page (field errors
with 422), a plain form with a redirect back to the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from touchbase.core.capabilities import Capability, capability_required, has_capability
from touchbase.core.forms import apply_errors
from touchbase.core.htmx import render_page
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.core.timeutil import local_today
from touchbase.inside import ama, coffee, selectors
from touchbase.inside.choices import GroupState
from touchbase.inside.coffee_forms import (
    AbsenceForm,
    CoffeeSettingsForm,
    ConfirmForm,
    InviteForm,
    PauseForm,
)
from touchbase.inside.models import CoffeeAbsence, CoffeeGroup, CoffeeParticipant, CoffeeSeat
from touchbase.relationships.models import Contact

PAGE = "inside/coffee.html"
FRAGMENT = "inside/partials/_coffee_me.html"
NOT_TAKING_PART = gettext_lazy("Take part in virtual coffee first.")


def _me_context(request: MemberRequest, *, error: str = "", **forms_given: Any) -> dict[str, Any]:
    """What the member's page shows: whether they take part, their coffees and holidays."""
    workspace = request.workspace
    settings = ama.inside_settings(workspace=workspace)
    participant = selectors.coffee_participant(workspace=workspace, user=request.user)
    context: dict[str, Any] = {
        "participant": participant,
        "settings": settings,
        "error": error,
        "can_manage": has_capability(request, Capability.INSIDE_MANAGE),
        "pause_form": forms_given.get("pause_form")
        or PauseForm(initial={"until": participant.paused_until if participant else None}),
        "absence_form": forms_given.get("absence_form") or AbsenceForm(),
        "show_customers": has_capability(request, Capability.CRM_VIEW),
        "upcoming": [],
        "to_confirm": [],
        "history": [],
        "absences": [],
    }
    if participant is None:
        return context
    minutes = settings.coffee_minutes
    context.update(
        upcoming=selectors.coffee_rows(
            participant=participant,
            groups=selectors.coffee_next(participant=participant),
            minutes=minutes,
        ),
        to_confirm=selectors.coffee_rows(
            participant=participant,
            groups=list(selectors.to_confirm(participant=participant).order_by("starts_at")),
            minutes=minutes,
        ),
        history=selectors.coffee_rows(
            participant=participant,
            groups=selectors.coffee_history(participant=participant),
            minutes=minutes,
        ),
        absences=list(
            participant.absences.filter(ends_on__gte=local_today(workspace.zone)).order_by(
                "starts_on"
            )
        ),
    )
    return context


def _me_page(request: MemberRequest, *, status: int = 200, **given: Any) -> HttpResponse:
    return render_page(request, PAGE, FRAGMENT, _me_context(request, **given), status=status)


def _done(request: MemberRequest, message: str) -> HttpResponse:
    """After a write: the fresh fragment for htmx, back to the page otherwise."""
    messages.success(request, message)
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        return _me_page(request)
    return redirect("inside:coffee")


def _participant(request: MemberRequest) -> CoffeeParticipant | None:
    return selectors.coffee_participant(workspace=request.workspace, user=request.user)


# --- the member's page ------------------------------------------------------------------------


@capability_required(Capability.INSIDE_TAKE_PART)
@require_http_methods(["GET"])
def coffee_home(request: MemberRequest) -> HttpResponse:
    """Whether I take part, my next coffees, those to confirm, my holidays and my history."""
    return _me_page(request)


@capability_required(Capability.INSIDE_TAKE_PART)
@require_POST
def coffee_join(request: MemberRequest) -> HttpResponse:
    coffee.coffee_join(workspace=request.workspace, user=request.user)
    return _done(request, _("You take part in virtual coffee from the next round on."))


@capability_required(Capability.INSIDE_TAKE_PART)
@require_POST
def coffee_opt_out(request: MemberRequest) -> HttpResponse:
    """Stop taking part; the coffees ahead are left (the others are told)."""
    participant = _participant(request)
    if participant is None:
        return _me_page(request, status=422, error=str(NOT_TAKING_PART))
    coffee.coffee_active_set(participant=participant, active=False)
    return _done(request, _("You no longer take part in virtual coffee."))


@capability_required(Capability.INSIDE_TAKE_PART)
@require_POST
def coffee_pause(request: MemberRequest) -> HttpResponse:
    participant = _participant(request)
    form = PauseForm(request.POST)
    if participant is None:
        return _me_page(request, status=422, error=str(NOT_TAKING_PART), pause_form=form)
    if form.is_valid():
        until = form.cleaned_data["until"]
        try:
            coffee.coffee_pause(participant=participant, until=until)
        except ValidationError as error:
            apply_errors(form, _renamed(error, {"paused_until": "until"}))
        else:
            if until is None:
                return _done(request, _("Your pause has ended."))
            return _done(request, _("You pause virtual coffee until %(day)s.") % {"day": until})
    return _me_page(request, status=422, pause_form=form)


@capability_required(Capability.INSIDE_TAKE_PART)
@require_POST
def coffee_absence_add(request: MemberRequest) -> HttpResponse:
    participant = _participant(request)
    form = AbsenceForm(request.POST)
    if participant is None:
        return _me_page(request, status=422, error=str(NOT_TAKING_PART), absence_form=form)
    if form.is_valid():
        try:
            coffee.coffee_absence_add(
                participant=participant,
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _done(request, _("Holiday saved: no coffee for you on those days."))
    return _me_page(request, status=422, absence_form=form)


@capability_required(Capability.INSIDE_TAKE_PART)
@require_POST
def coffee_absence_remove(request: MemberRequest, pk: int) -> HttpResponse:
    mine = CoffeeAbsence.objects.filter(participant__user=request.user)
    absence = owned_or_404(mine, pk, workspace=request.workspace)
    coffee.coffee_absence_remove(absence=absence)
    return _done(request, _("Holiday removed."))


def _my_groups(request: MemberRequest) -> QuerySet[CoffeeGroup]:
    return CoffeeGroup.objects.filter(
        seats__participant__user=request.user, seats__left_at=None
    ).distinct()


@capability_required(Capability.INSIDE_TAKE_PART)
@require_POST
def coffee_seat_leave(request: MemberRequest, pk: int) -> HttpResponse:
    """Leave a coffee before it; the others are told by mail."""
    seats = CoffeeSeat.objects.filter(participant__user=request.user, left_at=None)
    seat = owned_or_404(seats.select_related("group"), pk, workspace=request.workspace)
    if seat.group.state != GroupState.PROPOSED or seat.group.starts_at <= timezone.now():
        return _me_page(request, status=422, error=_("This coffee can no longer be left."))
    coffee.seat_leave(seat=seat)
    return _done(request, _("You left this coffee; the others are told."))


@capability_required(Capability.INSIDE_TAKE_PART)
@require_POST
def coffee_group_confirm(request: MemberRequest, pk: int) -> HttpResponse:
    """Say whether a past coffee took place; with a customer it goes on their timeline."""
    group = owned_or_404(_my_groups(request), pk, workspace=request.workspace)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            coffee.group_confirm(group=group, met=form.took_place, by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _done(request, _("Thank you, noted."))
    texts = [str(text) for texts in form.errors.values() for text in texts]
    return _me_page(request, status=422, error=" ".join(texts))


# --- managers ---------------------------------------------------------------------------------


@capability_required(Capability.INSIDE_MANAGE)
@require_http_methods(["GET", "POST"])
def coffee_settings(request: MemberRequest) -> HttpResponse:
    """How often, which weekday and time, how long, and how people are grouped."""
    found = ama.inside_settings(workspace=request.workspace)
    form = CoffeeSettingsForm(request.POST or None, initial=CoffeeSettingsForm.initial_of(found))
    if request.method == "POST" and form.is_valid():
        try:
            ama.inside_settings_save(workspace=request.workspace, fields=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Coffee settings saved."))
            return redirect("inside:coffee_settings")
    status = 422 if request.method == "POST" else 200
    return render(request, "inside/coffee_settings.html", {"form": form}, status=status)


def _rounds_page(request: MemberRequest, *, status: int = 200, error: str = "") -> HttpResponse:
    workspace = request.workspace
    today = local_today(workspace.zone)
    settings = ama.inside_settings(workspace=workspace)
    context = {
        "participants": list(selectors.coffee_participants(workspace=workspace)),
        "rounds": selectors.coffee_rounds(workspace=workspace),
        "next_day": coffee.next_round_day(workspace=workspace, today=today),
        "settings": settings,
        "error": error,
    }
    return render(request, "inside/coffee_rounds.html", context, status=status)


@capability_required(Capability.INSIDE_MANAGE)
@require_http_methods(["GET"])
def coffee_rounds(request: MemberRequest) -> HttpResponse:
    """Who takes part (members and customers) and the latest rounds with their groups."""
    return _rounds_page(request)


@capability_required(Capability.INSIDE_MANAGE)
@require_POST
def coffee_round_make(request: MemberRequest) -> HttpResponse:
    """Make the next round now instead of waiting for the worker; twice gives the same."""
    workspace = request.workspace
    day = coffee.next_round_day(workspace=workspace, today=local_today(workspace.zone))
    round_, result = coffee.coffee_round_make(workspace=workspace, on=day)
    if result is None:
        messages.info(request, _("The round of %(day)s was already made.") % {"day": day})
    else:
        messages.success(
            request,
            _("Round %(number)s for %(day)s made: %(groups)s groups.")
            % {"number": round_.number, "day": day, "groups": len(result.groups)},
        )
    return redirect("inside:coffee_rounds")


# --- inviting a customer ----------------------------------------------------------------------


@capability_required(Capability.CRM_VIEW)
@capability_required(Capability.INSIDE_TAKE_PART)
@require_http_methods(["GET", "POST"])
def coffee_invite(request: MemberRequest, pk: int) -> HttpResponse:
    """Invite a customer to virtual coffee: a confirmation page, then the mail with their
    link (they take part once they accept there)."""
    contact = owned_or_404(
        Contact.objects.select_related("account"), pk, workspace=request.workspace
    )
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            coffee.coffee_customer_invite(
                workspace=request.workspace, contact=contact, by=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is invited to virtual coffee by e-mail.") % {"name": contact.full_name},
            )
            return redirect("relationships:contact-detail", contact.pk)
    participant = selectors.customer_participant(workspace=request.workspace, contact_id=contact.pk)
    context = {"contact": contact, "form": form, "participant": participant}
    status = 422 if request.method == "POST" else 200
    return render(request, "inside/coffee_invite.html", context, status=status)


def _renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """A service's field errors under the form's names for those fields."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {names.get(field, field): texts for field, texts in error.message_dict.items()}
    )


urlpatterns: list[URLPattern] = [
    path("inside/coffee/", coffee_home, name="coffee"),
    path("inside/coffee/join/", coffee_join, name="coffee_join"),
    path("inside/coffee/opt-out/", coffee_opt_out, name="coffee_opt_out"),
    path("inside/coffee/pause/", coffee_pause, name="coffee_pause"),
    path("inside/coffee/holidays/", coffee_absence_add, name="coffee_absence_add"),
    path(
        "inside/coffee/holidays/<id:pk>/remove/",
        coffee_absence_remove,
        name="coffee_absence_remove",
    ),
    path("inside/coffee/seats/<id:pk>/leave/", coffee_seat_leave, name="coffee_seat_leave"),
    path("inside/coffee/groups/<id:pk>/confirm/", coffee_group_confirm, name="coffee_confirm"),
    path("inside/coffee/settings/", coffee_settings, name="coffee_settings"),
    path("inside/coffee/rounds/", coffee_rounds, name="coffee_rounds"),
    path("inside/coffee/rounds/make/", coffee_round_make, name="coffee_round_make"),
    path("inside/coffee/invite/<id:pk>/", coffee_invite, name="coffee_invite"),
]
