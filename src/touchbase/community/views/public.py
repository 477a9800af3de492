"""The public side of community help: a customer's request and its page, a helper's sign-up.

Strangers use these pages, so: the slug's workspace is the scope (unknown slug → 404); every
write counts toward rate limits per client and per mailbox (429 beyond); a filled-in honeypot
is thanked and dropped; what a stranger types is shown escaped; a link from a mail opens a page
with a button, and only the button's POST changes anything (mail scanners follow GET links).
Whether an address is known is never told. Contact details of the other side appear only
through a confirmed booking (bookings.contact_visible).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Avg, Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from touchbase.community import bookings, geo, helpers, requests
from touchbase.community.choices import BookingState, OfferState, RequestState, Side
from touchbase.community.models import Booking, Helper, HelpRequest, Rating, Skill
from touchbase.community.public_forms import (
    HelperApplyForm,
    RatingForm,
    ReportForm,
    RequestCancelForm,
    RequestForm,
    rows_wanted,
    service_errors,
)
from touchbase.core.models import Workspace
from touchbase.core.requests import WorkspaceRequest
from touchbase.core.signing import LinkInvalid
from touchbase.core.tenancy import public_page
from touchbase.visitors import services as visitors

View = Callable[..., HttpResponse]
# Both public forms send a confirmation link; they share the limits of such mails.
MAIL_ACTION = "confirm-mail"
WRITE_ACTION = "community-write"
TOKEN_LENGTH = 600


def community_page(view: View) -> View:
    """A public community page: the slug's workspace as scope, answers never cached and their
    addresses (which carry tokens) never sent to another site as a referrer. Not "no-referrer":
    then the browser posts forms with "Origin: null", which Django's CSRF check refuses."""

    @public_page
    @wraps(view)
    def wrapper(request: WorkspaceRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        workspace = request.workspace
        assert workspace is not None
        response = view(request, workspace, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapper


def page(
    request: WorkspaceRequest, template: str, context: dict[str, Any], *, status: int = 200,
    zone: zoneinfo.ZoneInfo | str | None = None,
) -> HttpResponse:  # fmt: skip
    """Render a public page with times in the given zone (the workspace's by default)."""
    workspace = context["workspace"]
    with timezone.override(zone or workspace.zone):
        return render(request, template, context, status=status)


def throttled(request: WorkspaceRequest, workspace: Workspace) -> HttpResponse:
    return page(request, "community/public/throttled.html", {"workspace": workspace}, status=429)


def too_many(request: WorkspaceRequest, workspace: Workspace, action: str, email: str = "") -> bool:
    return not visitors.attempt_allowed(request, workspace=workspace, action=action, email=email)


def link_invalid(
    request: WorkspaceRequest, workspace: Workspace, error: LinkInvalid, *, what: str
) -> HttpResponse:
    """A forged, expired, spent or foreign link: say so, and how to go on."""
    # The signing layer's subclasses carry a technical detail; a plain LinkInvalid raised by
    # a service carries words for the person (or none).
    reason = str(error) if type(error) is LinkInvalid and str(error) else str(error.message)
    context = {"workspace": workspace, "reason": reason, "what": what}
    return page(request, "community/public/link_invalid.html", context, status=404)


def check_mail(request: WorkspaceRequest, workspace: Workspace, *, what: str) -> HttpResponse:
    """The same answer for a new address, a known one and a robot."""
    context = {"workspace": workspace, "what": what}
    return page(request, "community/public/check_mail.html", context)


def active_skills(workspace: Workspace) -> list[Skill]:
    return list(Skill.objects.filter(workspace=workspace, active=True))


# --- the customer's request ----------------------------------------------------------------------


@community_page
@require_http_methods(["GET", "POST"])
def request_form(request: WorkspaceRequest, workspace: Workspace) -> HttpResponse:
    """Ask for help: topic, place, times, contact; then confirm by the mailed link."""
    community = helpers.settings_for(workspace)
    context: dict[str, Any] = {"workspace": workspace}
    if not community.requests_open:
        status = 403 if request.method == "POST" else 200
        return page(request, "community/public/closed.html", {**context, "what": "request"},
                    status=status)  # fmt: skip
    skills = active_skills(workspace)
    initial = {"language": (request.LANGUAGE_CODE or "de")[:2]}
    data = request.POST if request.method == "POST" else None
    form = RequestForm(data, skills=skills, zone=workspace.zone, initial=initial)
    context.update(form=form, skills=skills)
    if data is None:
        return page(request, "community/public/request_form.html", context)
    if form.is_robot:
        return check_mail(request, workspace, what="request")
    if not form.is_valid():
        return page(request, "community/public/request_form.html", context, status=422)
    fields = form.cleaned_data
    if too_many(request, workspace, MAIL_ACTION, fields["email"]):
        return throttled(request, workspace)
    skill = next((s for s in skills if str(s.pk) == fields["skill"]), None)
    try:
        requests.request_create(
            workspace=workspace, name=fields["name"], email=fields["email"],
            phone=fields["phone"], language=fields["language"], skill=skill,
            description=fields["description"], country=fields["country"],
            postal_code=fields["postal_code"], town=fields["town"], address=fields["address"],
            budget=fields["budget"], windows=form.times,
        )  # fmt: skip
    except ValidationError as error:
        service_errors(form, error, {"windows": "date_0"})
        return page(request, "community/public/request_form.html", context, status=422)
    return check_mail(request, workspace, what="request")


@community_page
@require_http_methods(["GET", "POST"])
def request_confirm(request: WorkspaceRequest, workspace: Workspace, token: str) -> HttpResponse:
    """The confirmation link: a button (GET changes nothing); its POST opens the request."""
    token = token[:TOKEN_LENGTH]
    if request.method == "GET":
        context = {"workspace": workspace}
        return page(request, "community/public/request_confirm.html", context)
    try:
        found = requests.request_confirm(workspace=workspace, token=token)
    except LinkInvalid as error:
        return link_invalid(request, workspace, error, what="request")
    return redirect("community:request-page", workspace.slug, requests.request_link(found))


@dataclass(frozen=True)
class HelperCard:
    """What a customer may know of a helper before (and after) a booking is confirmed."""

    first_name: str
    verified: bool
    stars: float | None
    ratings: int
    distance_km: int
    name: str = ""
    phone: str = ""
    email: str = ""


def helper_card(helper: Helper, request: HelpRequest, *, contact: bool) -> HelperCard:
    rated = Rating.objects.filter(booking__helper=helper, by=Side.CUSTOMER).aggregate(
        stars=Avg("stars"), count=Count("pk")
    )
    distance = geo.distance_km(helper.latitude, helper.longitude, request.latitude,
                               request.longitude)  # fmt: skip
    return HelperCard(
        first_name=(helper.name.split() or [""])[0], verified=helper.verified_at is not None,
        stars=round(rated["stars"], 1) if rated["stars"] is not None else None,
        ratings=rated["count"], distance_km=round(distance),
        name=helper.name if contact else "", phone=helper.phone if contact else "",
        email=helper.email if contact else "",
    )  # fmt: skip


def _request_context(workspace: Workspace, found: HelpRequest, token: str) -> dict[str, Any]:
    booking = (
        found.bookings.filter(state__in=bookings.LIVE_BOOKING_STATES)
        .select_related("helper")
        .first()
    )
    offer = found.offers.filter(state=OfferState.PENDING).select_related("helper").first()
    card = None
    if booking is not None:
        visible = bookings.contact_visible(booking, Side.CUSTOMER)
        card = helper_card(booking.helper, found, contact=visible)
    elif offer is not None:
        card = helper_card(offer.helper, found, contact=False)
    closed = found.state in {RequestState.DONE, RequestState.ESCALATED, RequestState.CANCELLED}
    rated = booking is not None and booking.ratings.filter(by=Side.CUSTOMER).exists()
    finished = booking is not None and booking.state != BookingState.CONFIRMED
    return {
        "workspace": workspace, "help_request": found, "token": token, "booking": booking,
        "offer": offer, "card": card, "windows": list(found.windows.all()),
        "can_cancel": not closed, "can_rate": finished and not rated, "rated": rated,
        "can_report": booking is not None,
        "cancelled": found.bookings.filter(state=BookingState.CANCELLED).order_by("-pk").first(),
        "states": RequestState, "sides": Side,
    }  # fmt: skip


def _request_page(
    request: WorkspaceRequest, workspace: Workspace, found: HelpRequest, token: str,
    status: int = 200, **forms: Any,
) -> HttpResponse:  # fmt: skip
    context = _request_context(workspace, found, token)
    context["cancel_form"] = forms.get("cancel_form") or RequestCancelForm()
    context["rating_form"] = forms.get("rating_form") or RatingForm()
    context["report_form"] = forms.get("report_form") or ReportForm()
    context["notice"] = forms.get("notice", "")
    return page(request, "community/public/request_page.html", context, status=status)


def _found(workspace: Workspace, token: str) -> HelpRequest:
    return requests.request_from_link(workspace, token[:TOKEN_LENGTH])


@community_page
@require_http_methods(["GET"])
def request_page(request: WorkspaceRequest, workspace: Workspace, token: str) -> HttpResponse:
    """The customer's own page of their request, reached by the signed link in their mails."""
    try:
        found = _found(workspace, token)
    except LinkInvalid as error:
        return link_invalid(request, workspace, error, what="page")
    return _request_page(request, workspace, found, token,
                         notice=request.GET.get("done", "")[:20])  # fmt: skip


def _request_action(
    handle: Callable[[WorkspaceRequest, Workspace, HelpRequest, str], HttpResponse],
) -> View:
    @community_page
    @require_POST
    @wraps(handle)
    def wrapper(request: WorkspaceRequest, workspace: Workspace, token: str) -> HttpResponse:
        try:
            found = _found(workspace, token)
        except LinkInvalid as error:
            return link_invalid(request, workspace, error, what="page")
        if too_many(request, workspace, WRITE_ACTION, found.email):
            return throttled(request, workspace)
        return handle(request, workspace, found, token)

    return wrapper


def _back(workspace: Workspace, token: str, done: str) -> HttpResponse:
    response = redirect("community:request-page", workspace.slug, token)
    response["Location"] += f"?done={done}"
    return response


@_request_action
def request_cancel(
    request: WorkspaceRequest, workspace: Workspace, found: HelpRequest, token: str
) -> HttpResponse:
    form = RequestCancelForm(request.POST)
    if form.is_valid():
        try:
            requests.request_cancel(request=found, side=Side.CUSTOMER,
                                    reason=form.cleaned_data["reason"])  # fmt: skip
        except ValidationError as error:
            service_errors(form, error, {})
        else:
            return _back(workspace, token, "cancelled")
    return _request_page(request, workspace, found, token, status=422, cancel_form=form)


def _live_booking(found: HelpRequest) -> Booking | None:
    return (
        found.bookings.filter(state__in=bookings.LIVE_BOOKING_STATES)
        .select_related("helper", "request")
        .first()
    )


@_request_action
def request_rate(
    request: WorkspaceRequest, workspace: Workspace, found: HelpRequest, token: str
) -> HttpResponse:
    form = RatingForm(request.POST)
    booking = _live_booking(found)
    if form.is_valid():
        if booking is None:
            form.add_error(None, _("There is no job to rate yet."))
        else:
            try:
                bookings.rating_give(booking=booking, side=Side.CUSTOMER,
                                     stars=form.cleaned_data["stars"],
                                     comment=form.cleaned_data["comment"])  # fmt: skip
            except ValidationError as error:
                service_errors(form, error, {})
            else:
                return _back(workspace, token, "rated")
    return _request_page(request, workspace, found, token, status=422, rating_form=form)


@_request_action
def request_report(
    request: WorkspaceRequest, workspace: Workspace, found: HelpRequest, token: str
) -> HttpResponse:
    form = ReportForm(request.POST)
    booking = (
        found.bookings.select_related("helper", "request").order_by("-created_at", "-pk").first()
    )
    if form.is_valid():
        if booking is None:
            form.add_error(None, _("There is no helper to report yet."))
        else:
            try:
                bookings.report_file(side=Side.CUSTOMER, text=form.cleaned_data["text"],
                                     booking=booking)  # fmt: skip
            except ValidationError as error:
                service_errors(form, error, {})
            else:
                return _back(workspace, token, "reported")
    return _request_page(request, workspace, found, token, status=422, report_form=form)


# --- a helper's sign-up --------------------------------------------------------------------------


def _apply_page(
    request: WorkspaceRequest, workspace: Workspace, form: HelperApplyForm, status: int = 200
) -> HttpResponse:
    community = helpers.settings_for(workspace)
    show_coordinates = bool(
        form.is_bound
        and (form.errors.get("latitude") or form.data.get("latitude") or form.data.get("longitude"))
    )
    context = {"workspace": workspace, "form": form, "terms": community.terms,
               "show_coordinates": show_coordinates}  # fmt: skip
    return page(request, "community/public/helper_apply.html", context, status=status)


@community_page
@require_http_methods(["GET", "POST"])
def helper_apply(request: WorkspaceRequest, workspace: Workspace) -> HttpResponse:
    """Apply as a helper; the confirmation link follows by mail, verification by a manager."""
    community = helpers.settings_for(workspace)
    if not community.signup_open:
        status = 403 if request.method == "POST" else 200
        return page(request, "community/public/closed.html",
                    {"workspace": workspace, "what": "apply"}, status=status)  # fmt: skip
    skills = active_skills(workspace)
    data = request.POST if request.method == "POST" else None
    rows = rows_wanted(data, default=7, most=helpers.MAX_WINDOWS)
    initial = {"language": (request.LANGUAGE_CODE or "de")[:2], "radius_km": 10}
    if data is not None and data.get("add_rows"):
        # More rows asked for: the same answers again, nothing checked or kept yet.
        initial.update({key: data.get(key) for key in data if key != "skills"})
        initial["skills"] = data.getlist("skills")
        form = HelperApplyForm(skills=skills, zone=workspace.time_zone, rows=rows,
                               initial=initial)  # fmt: skip
        return _apply_page(request, workspace, form)
    form = HelperApplyForm(data, skills=skills, zone=workspace.time_zone, rows=rows,
                           initial=initial)  # fmt: skip
    if data is None:
        return _apply_page(request, workspace, form)
    if form.is_robot:
        return check_mail(request, workspace, what="apply")
    if not form.is_valid():
        return _apply_page(request, workspace, form, status=422)
    fields = form.cleaned_data
    if too_many(request, workspace, MAIL_ACTION, fields["email"]):
        return throttled(request, workspace)
    try:
        helpers.helper_apply(
            workspace=workspace, name=fields["name"], email=fields["email"],
            phone=fields["phone"], language=fields["language"], country=fields["country"],
            postal_code=fields["postal_code"], town=fields["town"],
            latitude=fields["latitude"], longitude=fields["longitude"],
            radius_km=fields["radius_km"], time_zone=fields["time_zone"],
            hourly_price=Decimal(fields["hourly_price"]),
            skill_ids=[int(pk) for pk in fields["skills"]], availability=form.windows(),
            terms_accepted=fields["terms_accepted"], about=fields["about"],
        )  # fmt: skip
    except ValidationError as error:
        service_errors(form, error, {"skill_ids": "skills", "availability": "weekday_0"})
        return _apply_page(request, workspace, form, status=422)
    # A known address gets None back and a mail of its own: the page reads the same.
    return check_mail(request, workspace, what="apply")


@community_page
@require_http_methods(["GET", "POST"])
def helper_confirm(request: WorkspaceRequest, workspace: Workspace, token: str) -> HttpResponse:
    """The helper's confirmation link: a button; its POST confirms the address."""
    context: dict[str, Any] = {"workspace": workspace}
    if request.method == "GET":
        return page(request, "community/public/helper_confirm.html", context)
    try:
        helper = helpers.helper_email_confirm(workspace=workspace, token=token[:TOKEN_LENGTH])
    except LinkInvalid as error:
        return link_invalid(request, workspace, error, what="apply")
    context.update(confirmed=True, helper=helper)
    return page(request, "community/public/helper_confirm.html", context)


urlpatterns: list[URLPattern] = [
    path("help/<slug:slug>/", request_form, name="request-form"),
    path(
        "help/<slug:slug>/requests/confirm/<str:token>/", request_confirm, name="request-confirm"
    ),  # fmt: skip
    path("help/<slug:slug>/requests/<str:token>/", request_page, name="request-page"),
    path("help/<slug:slug>/requests/<str:token>/cancel/", request_cancel, name="request-cancel"),
    path("help/<slug:slug>/requests/<str:token>/rate/", request_rate, name="request-rate"),
    path("help/<slug:slug>/requests/<str:token>/report/", request_report, name="request-report"),
    path("help/<slug:slug>/helpers/apply/", helper_apply, name="helper-apply"),
    path("help/<slug:slug>/helper/confirm/<str:token>/", helper_confirm, name="helper-confirm"),
]
