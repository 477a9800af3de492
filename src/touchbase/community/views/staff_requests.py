"""The community manager's request pages: the list, one request with its ranked candidates and
offers, a request taken on the phone, and the batch assignment reviewed before offers go out.

An offer button names a helper and a slot; the server ranks the candidates again and offers
only when that helper is still a candidate for that slot, so a stale page offers nothing.
The batch page signs its proposal into the form; sending re-checks every ticked pair.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from touchbase.community import assignment, bookings, matching, requests, selectors
from touchbase.community.choices import OfferState, RequestState, Side
from touchbase.community.matching import Candidate, Reason
from touchbase.community.models import BookedHour, Helper, HelpRequest, Offer
from touchbase.community.staff_forms import (
    OptionalReasonForm,
    RequestFilterForm,
    RequestNewForm,
    request_initial,
)
from touchbase.core.capabilities import Capability, capability_required
from touchbase.core.forms import apply_errors
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import id_or_none, owned_or_404
from touchbase.relationships.models import Contact

CANDIDATES_SHOWN = 20
CONTACTS_SHOWN = 10
MIN_QUERY_LENGTH = 2
BATCH_SALT = "touchbase.community.batch"
BATCH_AGE = dt.timedelta(hours=1)
# A proposal bigger than this is shown and sent in parts (POST field limits, reading time).
BATCH_PAIRS = 300


def _request_found(request: MemberRequest, pk: int) -> HelpRequest:
    rows = HelpRequest.objects.select_related("skill", "contact")
    return owned_or_404(rows, pk, workspace=request.workspace)


@capability_required(Capability.COMMUNITY_MANAGE)
def request_list(request: MemberRequest) -> HttpResponse:
    form = RequestFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    rows = list(
        selectors.request_rows(workspace=request.workspace, state=state)[: selectors.LIST_LIMIT + 1]
    )
    now = timezone.now()
    context = {
        "form": form, "state": state,
        "rows": [{"request": row, "age": now - row.created_at}
                 for row in rows[: selectors.LIST_LIMIT]],
        "has_more": len(rows) > selectors.LIST_LIMIT,
    }  # fmt: skip
    return render(request, "community/staff/request_list.html", context)


def _slot_value(starts_at: dt.datetime) -> str:
    return starts_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _detail_page(
    request: MemberRequest, help_request: HelpRequest, *, status: int = 200,
    cancel_form: OptionalReasonForm | None = None, error: str = "",
) -> HttpResponse:  # fmt: skip
    offers = list(help_request.offers.select_related("helper").order_by("-created_at", "-pk"))
    pending = next((offer for offer in offers if offer.state == OfferState.PENDING), None)
    found: list[Candidate] = []
    if help_request.state in {RequestState.OPEN, RequestState.OFFERED}:
        found = matching.candidates(help_request, limit=CANDIDATES_SHOWN)
    context = {
        "help_request": help_request,
        "windows": list(help_request.windows.all()),
        "offers": offers,
        "pending": pending,
        "bookings": list(help_request.bookings.select_related("helper").order_by("-pk")),
        "candidates": [{"candidate": c, "slot": _slot_value(c.starts_at)} for c in found],
        "may_offer": pending is None and help_request.state in {RequestState.OPEN,
                                                                 RequestState.OFFERED},
        "may_cancel": help_request.state not in {RequestState.DONE, RequestState.ESCALATED,
                                                 RequestState.CANCELLED},
        "cancel_form": cancel_form or OptionalReasonForm(prefix="cancel"),
        "reports": list(help_request.reports.order_by("-created_at", "-pk")),
        "zone": request.workspace.time_zone,
        "offer_error": error,
    }  # fmt: skip
    return render(request, "community/staff/request_detail.html", context, status=status)


@capability_required(Capability.COMMUNITY_MANAGE)
def request_detail(request: MemberRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _request_found(request, pk))


@capability_required(Capability.COMMUNITY_MANAGE)
@require_POST
def request_offer(request: MemberRequest, pk: int) -> HttpResponse:
    """Offer the request to one of its candidates, for the slot shown on the page."""
    help_request = _request_found(request, pk)
    helper_id = id_or_none(request.POST.get("helper"))
    slot = request.POST.get("slot", "")
    chosen = next(
        (
            candidate
            for candidate in matching.candidates(help_request, limit=CANDIDATES_SHOWN)
            if candidate.helper.pk == helper_id and _slot_value(candidate.starts_at) == slot
        ),
        None,
    )
    if chosen is None:
        error = _("This helper is no longer free at that time; choose again from the list.")
        return _detail_page(request, help_request, status=422, error=error)
    try:
        bookings.offer_make(request=help_request, candidate=chosen, by=request.user)
    except ValidationError as failure:
        return _detail_page(request, help_request, status=422, error=" ".join(failure.messages))
    messages.success(request, _("Offered to %(name)s.") % {"name": chosen.helper.name})
    return redirect("community:request-detail", help_request.pk)


@capability_required(Capability.COMMUNITY_MANAGE)
@require_POST
def offer_withdraw(request: MemberRequest, pk: int) -> HttpResponse:
    """Take back a waiting offer; the request goes to the next best candidate, if any."""
    offer = owned_or_404(Offer.objects.select_related("helper"), pk, workspace=request.workspace)
    if offer.state != OfferState.PENDING:
        messages.error(request, _("This offer has been answered or withdrawn already."))
    else:
        bookings.offer_withdraw(offer=offer)
        messages.success(request, _("The offer to %(name)s is withdrawn.") % {
            "name": offer.helper.name})  # fmt: skip
    return redirect("community:request-detail", offer.request_id)


@capability_required(Capability.COMMUNITY_MANAGE)
@require_POST
def request_cancel(request: MemberRequest, pk: int) -> HttpResponse:
    help_request = _request_found(request, pk)
    form = OptionalReasonForm(request.POST, prefix="cancel")
    if form.is_valid():
        try:
            requests.request_cancel(request=help_request, side=Side.CUSTOMER,
                                    reason=form.cleaned_data["reason"])  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The request is cancelled."))
            return redirect("community:request-detail", help_request.pk)
    return _detail_page(request, help_request, status=422, cancel_form=form)


@capability_required(Capability.COMMUNITY_MANAGE)
@require_http_methods(["GET", "POST"])
def request_new(request: MemberRequest) -> HttpResponse:
    """Step one: find the customer (a search, no script needed); step two: topic, place, times,
    prefilled from the customer's data. The request is open at once."""
    contact = None
    contact_id = request.POST.get("contact") or request.GET.get("contact")
    if contact_id:
        contact = owned_or_404(
            Contact.objects.filter(erased_at=None), contact_id, workspace=request.workspace
        )
    if contact is None:
        query = request.GET.get("q", "").strip()[:100]
        found = (
            selectors.contact_choices(workspace=request.workspace, query=query,
                                      limit=CONTACTS_SHOWN + 1)
            if len(query) >= MIN_QUERY_LENGTH else []
        )  # fmt: skip
        context = {
            "query": query, "contacts": found[:CONTACTS_SHOWN],
            "has_more": len(found) > CONTACTS_SHOWN, "searched": len(query) >= MIN_QUERY_LENGTH,
        }  # fmt: skip
        return render(request, "community/staff/request_pick.html", context)
    form = RequestNewForm(
        request.POST if request.method == "POST" else None, workspace=request.workspace,
        initial=request_initial(contact),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = requests.request_create(
                workspace=request.workspace, name="", email="", phone=data["phone"],
                language=contact.language or "de", skill=data["skill"],
                description=data["description"], country=data["country"],
                postal_code=data["postal_code"], town=data["town"], address=data["address"],
                budget=data["budget"], windows=data["windows"], contact=contact,
                by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, _renamed(error))
        else:
            messages.success(request, _("The request is open; here are its candidates."))
            return redirect("community:request-detail", created.pk)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "contact": contact}
    return render(request, "community/staff/request_new.html", context, status=status)


def _renamed(error: ValidationError) -> ValidationError:
    """The service names the times "windows"; the form shows that error at the first day."""
    if not hasattr(error, "error_dict"):
        return error
    renames = {"windows": "day_1", "email": "__all__", "contact": "__all__", "name": "__all__"}
    merged: dict[str, list[Any]] = {}
    for name, value in error.error_dict.items():
        merged.setdefault(renames.get(name, name), []).extend(value)
    return ValidationError(merged)


# --- batch assignment -----------------------------------------------------------------------


def _pair_payload(help_request: HelpRequest, candidate: Candidate) -> dict[str, Any]:
    return {
        "r": help_request.pk, "u": help_request.updated_at.isoformat(), "h": candidate.helper.pk,
        "s": candidate.starts_at.isoformat(), "e": candidate.ends_at.isoformat(),
        "score": candidate.score, "km": candidate.distance_km,
        "why": [[reason.code, str(reason.label), reason.points] for reason in candidate.reasons],
    }  # fmt: skip


def _helper_busy(helper_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    """Booked meanwhile, or waiting on another offer for an overlapping time."""
    first = starts_at.replace(minute=0, second=0, microsecond=0)
    return (
        BookedHour.objects.filter(helper_id=helper_id, hour__gte=first, hour__lt=ends_at).exists()
        or Offer.objects.filter(helper_id=helper_id, state=OfferState.PENDING,
                                starts_at__lt=ends_at, ends_at__gt=starts_at).exists()
    )  # fmt: skip


@capability_required(Capability.COMMUNITY_MANAGE)
@require_http_methods(["GET", "POST"])
def batch(request: MemberRequest) -> HttpResponse:
    """GET: the proposal for review (no offers made). POST: offers for the ticked pairs."""
    if request.method == "POST":
        return _batch_send(request)
    proposal = assignment.batch_propose(request.workspace)
    pairs = proposal.pairs[:BATCH_PAIRS]
    token = signing.dumps([_pair_payload(r, c) for r, c in pairs], salt=BATCH_SALT,
                          compress=True)  # fmt: skip
    context = {
        "pairs": [{"index": i, "request": r, "candidate": c} for i, (r, c) in enumerate(pairs)],
        "more_pairs": len(proposal.pairs) - len(pairs), "total_score": proposal.total_score,
        "unmatched": proposal.unmatched, "token": token,
    }  # fmt: skip
    return render(request, "community/staff/batch.html", context)


def _batch_send(request: MemberRequest) -> HttpResponse:
    try:
        proposed = signing.loads(request.POST.get("proposal", ""), salt=BATCH_SALT,
                                 max_age=BATCH_AGE)  # fmt: skip
    except signing.BadSignature:
        messages.error(request, _("This proposal is too old; here is a new one."))
        return redirect("community:batch")
    ticked = {value for value in request.POST.getlist("pair") if value.isdigit()}
    chosen = [entry for index, entry in enumerate(proposed) if str(index) in ticked]
    workspace = request.workspace
    request_rows = (
        HelpRequest.objects.select_related("skill")
        .filter(workspace=workspace, pk__in=[entry["r"] for entry in chosen])
        .in_bulk()
    )
    helper_rows = Helper.objects.filter(
        workspace=workspace, pk__in=[entry["h"] for entry in chosen]
    ).in_bulk()
    pairs: list[tuple[HelpRequest, Candidate]] = []
    stale: list[str] = []
    for entry in chosen:
        current, helper = request_rows.get(entry["r"]), helper_rows.get(entry["h"])
        starts_at = dt.datetime.fromisoformat(entry["s"])
        ends_at = dt.datetime.fromisoformat(entry["e"])
        if current is None or helper is None:
            continue
        if _helper_busy(helper.pk, starts_at, ends_at):
            stale.append(str(current))
            continue
        # The request as it was proposed: batch_offer skips it when it changed since.
        current.updated_at = dt.datetime.fromisoformat(entry["u"])
        candidate = Candidate(
            helper=helper, starts_at=starts_at, ends_at=ends_at, score=float(entry["score"]),
            reasons=[Reason(code, label, float(points)) for code, label, points in entry["why"]],
            distance_km=float(entry["km"]),
        )  # fmt: skip
        pairs.append((current, candidate))
    offers = bookings.batch_offer(workspace, pairs, by=request.user)
    sent = {offer.request_id for offer in offers}
    stale.extend(str(r) for r, _candidate in pairs if r.pk not in sent)
    if offers:
        messages.success(request, ngettext("%(count)d offer sent.", "%(count)d offers sent.",
                                           len(offers)) % {"count": len(offers)})  # fmt: skip
    if stale:
        messages.warning(request, _("Skipped because something changed since the proposal: "
                                    "%(requests)s.") % {"requests": "; ".join(stale)})  # fmt: skip
    if not offers and not stale:
        messages.info(request, _("No pair was ticked; no offers were sent."))
    return redirect("community:request-list")


urlpatterns: list[URLPattern] = [
    path("community/requests/", request_list, name="request-list"),
    path("community/requests/new/", request_new, name="request-new"),
    path("community/requests/<id:pk>/", request_detail, name="request-detail"),
    path("community/requests/<id:pk>/offer/", request_offer, name="request-offer"),
    path("community/requests/<id:pk>/cancel/", request_cancel, name="request-cancel"),
    path("community/offers/<id:pk>/withdraw/", offer_withdraw, name="offer-withdraw"),
    path("community/batch/", batch, name="batch"),
]
