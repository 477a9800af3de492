"""A helper's own pages: sign-in by mailed link, offers, bookings, ratings, availability, data.

Helpers are no members: a single-use link (helpers.helper_link_open) puts their id in the
session under a key of its own, as publishing's partners do; Django's login never sees them.
Every page finds rows through the signed-in helper, so another helper's offer or booking is a
404. Times show in the helper's own time zone. The customer's contact details appear only on
a confirmed booking (bookings.contact_visible), never on an offer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Avg, Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from touchbase.community import bookings, geo, helpers
from touchbase.community.choices import BookingState, OfferState, Side
from touchbase.community.models import Booking, Helper, Offer, Rating
from touchbase.community.public_forms import (
    AvailabilityForm,
    CancelForm,
    DeclineForm,
    EraseForm,
    FinishForm,
    HolidaysForm,
    RatingForm,
    ReportForm,
    SignInForm,
    rows_wanted,
    service_errors,
)
from touchbase.community.views.public import (
    TOKEN_LENGTH,
    WRITE_ACTION,
    community_page,
    link_invalid,
    page,
    throttled,
    too_many,
)
from touchbase.core.models import Workspace
from touchbase.core.requests import WorkspaceRequest
from touchbase.core.signing import LinkInvalid

HELPER_SESSION_KEY = "touchbase_helper"
NEXT_SESSION_KEY = "touchbase_helper_next"
SIGN_IN_ACTION = "sign-in"
# Blank rows shown below a helper's windows and holidays, to add some without a second trip.
MORE_BLANK = 3
View = Callable[..., HttpResponse]


def address_mark(helper: Helper) -> str:
    """A keyed hash of the address the sign-in link went to: a session lasts only while the
    helper still has it, so erasing the data (which replaces it) signs out every device."""
    return salted_hmac(
        "touchbase.community.helper-session", helper.email, algorithm="sha256"
    ).hexdigest()


def signed_in_helper(request: WorkspaceRequest, workspace: Workspace) -> Helper | None:
    """The helper this browser signed in as, for this workspace only."""
    entry = request.session.get(HELPER_SESSION_KEY)
    if not isinstance(entry, dict) or entry.get("w") != workspace.pk:
        return None
    helper_id, mark = entry.get("h"), entry.get("e")
    if not isinstance(helper_id, int) or not isinstance(mark, str):
        return None
    helper = Helper.objects.filter(workspace=workspace, pk=helper_id).first()
    if helper is None or not constant_time_compare(mark, address_mark(helper)):
        return None
    return helper


def helper_page(view: View) -> View:
    """A page for the signed-in helper; anybody else is sent to the sign-in form."""

    @community_page
    @wraps(view)
    def wrapper(
        request: WorkspaceRequest, workspace: Workspace, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        helper = signed_in_helper(request, workspace)
        if helper is None:
            if request.method == "GET":
                # An offer's mail links to the offer: after signing in, that is where to go.
                request.session[NEXT_SESSION_KEY] = request.get_full_path()[:300]
            return redirect("community:helper-sign-in", workspace.slug)
        return view(request, workspace, helper, *args, **kwargs)

    return wrapper


def helper_render(
    request: WorkspaceRequest, workspace: Workspace, helper: Helper, template: str,
    status: int = 200, **context: Any,
) -> HttpResponse:  # fmt: skip
    context = {"workspace": workspace, "helper": helper, "booking_states": BookingState,
               **context}  # fmt: skip
    return page(request, template, context, status=status, zone=helper.time_zone)


# --- signing in and out --------------------------------------------------------------------------


@community_page
@require_http_methods(["GET", "POST"])
def helper_sign_in(request: WorkspaceRequest, workspace: Workspace) -> HttpResponse:
    """Ask for a sign-in link by e-mail; the answer is the same whether the address is known."""
    if request.method == "GET" and signed_in_helper(request, workspace) is not None:
        return redirect("community:helper-home", workspace.slug)
    form = SignInForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"workspace": workspace, "form": form}
    template = "community/helper/sign_in.html"
    if request.method == "GET":
        return page(request, template, context)
    if form.is_robot:
        return page(request, template, {**context, "sent": True})
    if not form.is_valid():
        return page(request, template, context, status=422)
    email = form.cleaned_data["email"]
    if too_many(request, workspace, SIGN_IN_ACTION, email):
        return throttled(request, workspace)
    helpers.helper_link_send(workspace=workspace, email=email)
    return page(request, template, {**context, "sent": True})


@community_page
@require_http_methods(["GET", "POST"])
def helper_enter(request: WorkspaceRequest, workspace: Workspace, token: str) -> HttpResponse:
    """The mailed sign-in link: a button (GET spends nothing); its POST signs the helper in."""
    if request.method == "GET":
        return page(request, "community/helper/enter.html", {"workspace": workspace})
    try:
        helper = helpers.helper_link_open(workspace=workspace, token=token[:TOKEN_LENGTH])
    except LinkInvalid as error:
        return link_invalid(request, workspace, error, what="sign-in")
    request.session.cycle_key()
    request.session[HELPER_SESSION_KEY] = {
        "w": workspace.pk, "h": helper.pk, "e": address_mark(helper),
    }  # fmt: skip
    wanted = request.session.pop(NEXT_SESSION_KEY, "")
    if isinstance(wanted, str) and wanted.startswith(f"/help/{workspace.slug}/helper/"):
        return redirect(wanted)
    return redirect("community:helper-home", workspace.slug)


@community_page
@require_POST
def helper_sign_out(request: WorkspaceRequest, workspace: Workspace) -> HttpResponse:
    request.session.pop(HELPER_SESSION_KEY, None)
    return redirect("community:helper-sign-in", workspace.slug)


# --- home, offers --------------------------------------------------------------------------------


def missing_steps(helper: Helper) -> list[str]:
    """What still keeps the helper from being booked, said to the helper."""
    missing = []
    if helper.email_confirmed_at is None:
        missing.append(_("Confirm your e-mail address with the link we sent you."))
    if helper.identity_checked_at is None:
        missing.append(_("A community manager still needs to see your identity document."))
    if not helper.helper_skills.exclude(checked_at=None).exists():
        missing.append(_("A community manager still needs to check at least one of your skills."))
    return missing


def _waiting_offers(helper: Helper) -> Any:
    return (
        Offer.objects.filter(
            helper=helper, state=OfferState.PENDING, deadline_at__gt=timezone.now()
        )  # fmt: skip
        .select_related("request__skill")
        .order_by("deadline_at")
    )


@helper_page
@require_safe
def helper_home(request: WorkspaceRequest, workspace: Workspace, helper: Helper) -> HttpResponse:
    upcoming = (
        Booking.objects.filter(helper=helper, state=BookingState.CONFIRMED)
        .select_related("request__skill")
        .order_by("starts_at")[:10]
    )
    missing = [] if helper.verified_at else missing_steps(helper)
    return helper_render(request, workspace, helper, "community/helper/home.html",
                         offers=list(_waiting_offers(helper)), upcoming=list(upcoming),
                         missing=missing)  # fmt: skip


def _own_offer(helper: Helper, pk: int) -> Offer:
    offer = Offer.objects.filter(helper=helper, pk=pk).select_related("request__skill").first()
    if offer is None:
        raise Http404(_("Not found."))
    return offer


def _offer_page(
    request: WorkspaceRequest, workspace: Workspace, helper: Helper, offer: Offer,
    status: int = 200, decline_form: DeclineForm | None = None, error: str = "",
) -> HttpResponse:  # fmt: skip
    help_request = offer.request
    distance = geo.distance_km(helper.latitude, helper.longitude, help_request.latitude,
                               help_request.longitude)  # fmt: skip
    answerable = offer.state == OfferState.PENDING and offer.deadline_at > timezone.now()
    booking = Booking.objects.filter(offer=offer).first()
    return helper_render(
        request, workspace, helper, "community/helper/offer.html", status=status, offer=offer,
        help_request=help_request, distance=round(distance, 1), answerable=answerable,
        booking=booking, decline_form=decline_form or DeclineForm(), error=error,
    )  # fmt: skip


@helper_page
@require_safe
def helper_offer(
    request: WorkspaceRequest, workspace: Workspace, helper: Helper, pk: int
) -> HttpResponse:
    """An offered job: what, where (town and distance only), when; accept or decline."""
    return _offer_page(request, workspace, helper, _own_offer(helper, pk))


@helper_page
@require_POST
def helper_offer_accept(
    request: WorkspaceRequest, workspace: Workspace, helper: Helper, pk: int
) -> HttpResponse:
    offer = _own_offer(helper, pk)
    try:
        booking = bookings.offer_accept(offer=offer, helper=helper)
    except ValidationError as error:
        offer.refresh_from_db()
        return _offer_page(request, workspace, helper, offer, status=422,
                           error=" ".join(error.messages))  # fmt: skip
    messages.success(request, _("Booked. Thank you! The customer has been told."))
    return redirect("community:helper-booking", workspace.slug, booking.pk)


@helper_page
@require_POST
def helper_offer_decline(
    request: WorkspaceRequest, workspace: Workspace, helper: Helper, pk: int
) -> HttpResponse:
    offer = _own_offer(helper, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _offer_page(request, workspace, helper, offer, status=422, decline_form=form)
    try:
        bookings.offer_decline(offer=offer, helper=helper, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        offer.refresh_from_db()
        return _offer_page(request, workspace, helper, offer, status=422,
                           error=" ".join(error.messages))  # fmt: skip
    messages.success(request, _("Declined. We will ask somebody else."))
    return redirect("community:helper-home", workspace.slug)


# --- bookings ------------------------------------------------------------------------------------


@helper_page
@require_safe
def helper_booking_list(
    request: WorkspaceRequest, workspace: Workspace, helper: Helper
) -> HttpResponse:
    rows = Booking.objects.filter(helper=helper).select_related("request__skill")
    now = timezone.now()
    upcoming = [b for b in rows.order_by("starts_at") if b.ends_at >= now
                and b.state == BookingState.CONFIRMED]  # fmt: skip
    past = [b for b in rows.order_by("-starts_at")[:100] if b not in upcoming]
    return helper_render(request, workspace, helper, "community/helper/booking_list.html",
                         upcoming=upcoming, past=past)  # fmt: skip


def _own_booking(helper: Helper, pk: int) -> Booking:
    booking = (
        Booking.objects.filter(helper=helper, pk=pk).select_related("request__skill", "helper")
    ).first()
    if booking is None:
        raise Http404(_("Not found."))
    return booking


def _booking_page(
    request: WorkspaceRequest, workspace: Workspace, helper: Helper, booking: Booking,
    status: int = 200, **forms: Any,
) -> HttpResponse:  # fmt: skip
    now = timezone.now()
    rated = booking.ratings.filter(by=Side.HELPER).first()
    finished = booking.state in {BookingState.DONE, BookingState.ESCALATED}
    return helper_render(
        request, workspace, helper, "community/helper/booking.html", status=status,
        booking=booking, help_request=booking.request,
        # A blocked helper keeps their pages (and data) but no longer the customers' details.
        contact=helper.blocked_at is None and bookings.contact_visible(booking, Side.HELPER),
        can_cancel=booking.state == BookingState.CONFIRMED,
        can_finish=booking.state == BookingState.CONFIRMED and booking.starts_at <= now,
        can_rate=finished and rated is None, rated=rated,
        cancel_form=forms.get("cancel_form") or CancelForm(),
        finish_form=forms.get("finish_form") or FinishForm(initial={"solved": "yes"}),
        rating_form=forms.get("rating_form") or RatingForm(),
        report_form=forms.get("report_form") or ReportForm(),
    )  # fmt: skip


@helper_page
@require_safe
def helper_booking(
    request: WorkspaceRequest, workspace: Workspace, helper: Helper, pk: int
) -> HttpResponse:
    """A booked job: the customer's contact details (once confirmed), and what to do next."""
    return _booking_page(request, workspace, helper, _own_booking(helper, pk))


def _booking_action(
    handle: Callable[[WorkspaceRequest, Workspace, Helper, Booking], HttpResponse],
) -> View:
    @helper_page
    @require_POST
    @wraps(handle)
    def wrapper(
        request: WorkspaceRequest, workspace: Workspace, helper: Helper, pk: int
    ) -> HttpResponse:
        booking = _own_booking(helper, pk)
        if too_many(request, workspace, WRITE_ACTION, helper.email):
            return throttled(request, workspace)
        return handle(request, workspace, helper, booking)

    return wrapper


def _to_booking(workspace: Workspace, booking: Booking) -> HttpResponse:
    return redirect("community:helper-booking", workspace.slug, booking.pk)


def _booking_form_sent(
    request: WorkspaceRequest,
    workspace: Workspace,
    helper: Helper,
    booking: Booking,
    *,
    form: forms.Form,
    key: str,
    run: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """One form on the booking page: the service's errors go on the form, success goes back."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as error:
            service_errors(form, error, {})
        else:
            messages.success(request, done)
            return _to_booking(workspace, booking)
    return _booking_page(request, workspace, helper, booking, status=422, **{key: form})


@_booking_action
def helper_booking_cancel(
    request: WorkspaceRequest, workspace: Workspace, helper: Helper, booking: Booking
) -> HttpResponse:
    return _booking_form_sent(
        request, workspace, helper, booking, form=CancelForm(request.POST), key="cancel_form",
        run=lambda data: bookings.booking_cancel(booking=booking, side=Side.HELPER,
                                                 reason=data["reason"]),
        done=_("Cancelled. The customer has been told."),
    )  # fmt: skip


@_booking_action
def helper_booking_finish(
    request: WorkspaceRequest, workspace: Workspace, helper: Helper, booking: Booking
) -> HttpResponse:
    return _booking_form_sent(
        request, workspace, helper, booking, form=FinishForm(request.POST), key="finish_form",
        run=lambda data: bookings.booking_finish(
            booking=booking, solved=data["solved"] == "yes", notes=data["notes"],
            price_paid=data["price_paid"]),
        done=_("Thank you! The job is recorded."),
    )  # fmt: skip


@_booking_action
def helper_booking_rate(
    request: WorkspaceRequest, workspace: Workspace, helper: Helper, booking: Booking
) -> HttpResponse:
    return _booking_form_sent(
        request, workspace, helper, booking, form=RatingForm(request.POST), key="rating_form",
        run=lambda data: bookings.rating_give(booking=booking, side=Side.HELPER,
                                              stars=data["stars"], comment=data["comment"]),
        done=_("Thank you for your rating."),
    )  # fmt: skip


@_booking_action
def helper_booking_report(
    request: WorkspaceRequest, workspace: Workspace, helper: Helper, booking: Booking
) -> HttpResponse:
    return _booking_form_sent(
        request, workspace, helper, booking, form=ReportForm(request.POST), key="report_form",
        run=lambda data: bookings.report_file(side=Side.HELPER, text=data["text"],
                                              booking=booking),
        done=_("Thank you. A community manager will look into it."),
    )  # fmt: skip


# --- ratings, availability, holidays -------------------------------------------------------------


@helper_page
@require_safe
def helper_ratings(request: WorkspaceRequest, workspace: Workspace, helper: Helper) -> HttpResponse:
    received = Rating.objects.filter(booking__helper=helper, by=Side.CUSTOMER).select_related(
        "booking__request__skill"
    )
    summary = received.aggregate(average=Avg("stars"), count=Count("pk"))
    average = round(summary["average"], 1) if summary["average"] is not None else None
    return helper_render(request, workspace, helper, "community/helper/ratings.html",
                         ratings=list(received.order_by("-created_at")[:200]), average=average,
                         count=summary["count"])  # fmt: skip


@helper_page
@require_http_methods(["GET", "POST"])
def helper_availability(
    request: WorkspaceRequest, workspace: Workspace, helper: Helper
) -> HttpResponse:
    """The weekly windows, in the helper's own time zone."""
    current = list(helper.availability.all())
    data = request.POST if request.method == "POST" else None
    default = min(len(current) + MORE_BLANK, helpers.MAX_WINDOWS)
    rows = rows_wanted(data, default=default, most=helpers.MAX_WINDOWS)
    initial: dict[str, Any] = {}
    for index, window in enumerate(current):
        initial.update({f"weekday_{index}": str(window.weekday), f"from_{index}": window.starts,
                        f"until_{index}": window.ends})  # fmt: skip
    template = "community/helper/availability.html"
    if data is not None and data.get("add_rows"):
        form = AvailabilityForm(rows=rows, initial={key: data.get(key) for key in data})
        return helper_render(request, workspace, helper, template, form=form)
    form = AvailabilityForm(data, rows=rows, initial=initial)
    if data is not None and form.is_valid():
        try:
            helpers.availability_replace(helper=helper, windows=form.windows())
        except ValidationError as error:
            service_errors(form, error, {"availability": "weekday_0"})
        else:
            messages.success(request, _("Your weekly times are saved."))
            return redirect("community:helper-availability", workspace.slug)
    status = 422 if data is not None else 200
    return helper_render(request, workspace, helper, template, status=status, form=form)


@helper_page
@require_http_methods(["GET", "POST"])
def helper_holidays(
    request: WorkspaceRequest, workspace: Workspace, helper: Helper
) -> HttpResponse:
    """Days off, on which no job is offered."""
    current = list(helper.holidays.all())
    data = request.POST if request.method == "POST" else None
    default = min(len(current) + MORE_BLANK, helpers.MAX_HOLIDAYS)
    rows = rows_wanted(data, default=default, most=helpers.MAX_HOLIDAYS)
    initial: dict[str, Any] = {}
    for index, holiday in enumerate(current):
        initial.update({f"first_{index}": holiday.first_day, f"last_{index}": holiday.last_day})
    template = "community/helper/holidays.html"
    if data is not None and data.get("add_rows"):
        form = HolidaysForm(rows=rows, initial={key: data.get(key) for key in data})
        return helper_render(request, workspace, helper, template, form=form)
    form = HolidaysForm(data, rows=rows, initial=initial)
    if data is not None and form.is_valid():
        try:
            helpers.holidays_replace(helper=helper, holidays=form.holidays)
        except ValidationError as error:
            service_errors(form, error, {"holidays": "first_0"})
        else:
            messages.success(request, _("Your days off are saved."))
            return redirect("community:helper-holidays", workspace.slug)
    status = 422 if data is not None else 200
    return helper_render(request, workspace, helper, template, status=status, form=form)


# --- my data -------------------------------------------------------------------------------------


@helper_page
@require_safe
def helper_data(request: WorkspaceRequest, workspace: Workspace, helper: Helper) -> HttpResponse:
    return helper_render(request, workspace, helper, "community/helper/data.html",
                         erase_form=EraseForm())  # fmt: skip


@helper_page
@require_safe
def helper_data_export(
    request: WorkspaceRequest, workspace: Workspace, helper: Helper
) -> HttpResponse:
    """Everything we hold on the helper, as a JSON file to keep."""
    body = json.dumps(helpers.helper_export(helper), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-helper-data.json"'
    return response


@helper_page
@require_POST
def helper_data_erase(
    request: WorkspaceRequest, workspace: Workspace, helper: Helper
) -> HttpResponse:
    """Delete the helper's personal data, after a ticked confirmation."""
    form = EraseForm(request.POST)
    if not form.is_valid():
        return helper_render(request, workspace, helper, "community/helper/data.html",
                             status=422, erase_form=form)  # fmt: skip
    helpers.helper_erase(helper)
    request.session.pop(HELPER_SESSION_KEY, None)
    return page(request, "community/helper/erased.html", {"workspace": workspace})


urlpatterns: list[URLPattern] = [
    path("help/<slug:slug>/helper/", helper_sign_in, name="helper-sign-in"),
    path("help/<slug:slug>/helper/enter/<str:token>/", helper_enter, name="helper-enter"),
    path("help/<slug:slug>/helper/sign-out/", helper_sign_out, name="helper-sign-out"),
    path("help/<slug:slug>/helper/home/", helper_home, name="helper-home"),
    path("help/<slug:slug>/helper/offers/<id:pk>/", helper_offer, name="helper-offer"),
    path(
        "help/<slug:slug>/helper/offers/<id:pk>/accept/",
        helper_offer_accept,
        name="helper-offer-accept",
    ),  # fmt: skip
    path(
        "help/<slug:slug>/helper/offers/<id:pk>/decline/",
        helper_offer_decline,
        name="helper-offer-decline",
    ),  # fmt: skip
    path("help/<slug:slug>/helper/bookings/", helper_booking_list, name="helper-booking-list"),
    path("help/<slug:slug>/helper/bookings/<id:pk>/", helper_booking, name="helper-booking"),
    path(
        "help/<slug:slug>/helper/bookings/<id:pk>/cancel/",
        helper_booking_cancel,
        name="helper-booking-cancel",
    ),  # fmt: skip
    path(
        "help/<slug:slug>/helper/bookings/<id:pk>/finish/",
        helper_booking_finish,
        name="helper-booking-finish",
    ),  # fmt: skip
    path(
        "help/<slug:slug>/helper/bookings/<id:pk>/rate/",
        helper_booking_rate,
        name="helper-booking-rate",
    ),  # fmt: skip
    path(
        "help/<slug:slug>/helper/bookings/<id:pk>/report/",
        helper_booking_report,
        name="helper-booking-report",
    ),  # fmt: skip
    path("help/<slug:slug>/helper/ratings/", helper_ratings, name="helper-ratings"),
    path(
        "help/<slug:slug>/helper/availability/", helper_availability, name="helper-availability"
    ),  # fmt: skip
    path("help/<slug:slug>/helper/holidays/", helper_holidays, name="helper-holidays"),
    path("help/<slug:slug>/helper/data/", helper_data, name="helper-data"),
    path("help/<slug:slug>/helper/data/export/", helper_data_export, name="helper-data-export"),
    path("help/<slug:slug>/helper/data/erase/", helper_data_erase, name="helper-data-erase"),
]
