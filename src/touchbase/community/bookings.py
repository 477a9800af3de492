"""Offers, bookings, ratings and safety: from a matched candidate to a rated job.

An offer asks one helper for one slot; at most one waits per request. Accepting it books the
helper's hours: one BookedHour row per UTC hour the job touches, and the database's unique
(helper, hour) is what refuses a second booking for the same time, however the requests race.
A declined or unanswered offer goes to the next best candidate; when none is left the request
is open again and shows as unmatched to the community manager.

Contact details of the other side appear in mails and pages only once a booking is confirmed
(contact_visible).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, is_dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from touchbase.community import matching
from touchbase.community.choices import (
    BookingState,
    OfferState,
    ReportState,
    RequestState,
    Side,
)
from touchbase.community.helpers import settings_for
from touchbase.community.mails import MailKind, booking_mails_queue, mail_queue
from touchbase.community.matching import Candidate
from touchbase.community.models import (
    BookedHour,
    Booking,
    CustomerBlock,
    Helper,
    HelpRequest,
    Offer,
    Rating,
    Report,
)
from touchbase.core.capabilities import Capability, roles_with
from touchbase.core.models import Membership, User, Workspace
from touchbase.core.tenancy import scopes_disabled, workspace_scope

BOOKING_KIND = "community_booking"
LIVE_BOOKING_STATES = (BookingState.CONFIRMED, BookingState.DONE, BookingState.ESCALATED)
# How many candidates the automatic next offer tries before leaving the request open.
NEXT_CANDIDATES = 20
MAX_PRICE_PAID = Decimal("100000")
REPORT_MAIL_GAP = dt.timedelta(hours=1)


# --- offers ----------------------------------------------------------------------------------


def _reasons(candidate: Any) -> list[dict[str, Any]]:
    reasons = []
    for reason in getattr(candidate, "reasons", []) or []:
        if is_dataclass(reason) and not isinstance(reason, type):
            data = asdict(reason)
        else:
            data = dict(reason)
        reasons.append({key: str(value) if key == "label" else value
                        for key, value in data.items()})  # fmt: skip
    return reasons


def _customer_blocked(request: HelpRequest) -> bool:
    return CustomerBlock.objects.filter(
        workspace_id=request.workspace_id, email__iexact=request.email
    ).exists()


@transaction.atomic
def offer_make(*, request: HelpRequest, candidate: Candidate, by: User | None) -> Offer:
    """Offer the request to the candidate's helper for the candidate's slot and mail them.

    The answer is due within the workspace's offer hours, and before the job starts.
    """
    request = HelpRequest.objects.select_for_update().get(pk=request.pk)
    helper: Helper = candidate.helper
    now = timezone.now()
    if request.state not in {RequestState.OPEN, RequestState.OFFERED}:
        raise ValidationError(_("This request is not open for offers."))
    if helper.workspace_id != request.workspace_id:
        raise ValidationError({"helper": _("Choose a helper of this workspace.")})
    helper = Helper.objects.get(pk=helper.pk)
    if not helper.bookable:
        raise ValidationError(
            {"helper": _("This helper cannot be booked (unverified or blocked).")}
        )
    if _customer_blocked(request):
        raise ValidationError(_("This customer is blocked."))
    if candidate.starts_at <= now or candidate.ends_at <= candidate.starts_at:
        raise ValidationError({"starts_at": _("Choose a time in the future.")})
    hours = settings_for(request.workspace).offer_hours
    deadline = min(now + dt.timedelta(hours=hours), candidate.starts_at)
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                workspace_id=request.workspace_id, request=request, helper=helper,
                starts_at=candidate.starts_at, ends_at=candidate.ends_at,
                score=float(candidate.score), reasons=_reasons(candidate), deadline_at=deadline,
                created_by=by,
            )  # fmt: skip
    except IntegrityError as error:
        raise ValidationError(_("This request is offered to a helper already.")) from error
    request.state = RequestState.OFFERED
    request.save(update_fields=["state", "updated_at"])
    mail_queue(
        workspace=request.workspace, kind=MailKind.OFFER, to=helper.email,
        language=helper.language, key=f"offer:{offer.pk}", offer=offer, helper=helper,
    )  # fmt: skip
    return offer


def _hours_of(starts_at: dt.datetime, ends_at: dt.datetime) -> list[dt.datetime]:
    """The UTC hour starts the time touches (09:30–10:15 touches 09:00 and 10:00)."""
    hour = starts_at.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    hours = []
    while hour < ends_at:
        hours.append(hour)
        hour += dt.timedelta(hours=1)
    return hours


def _pending_offer(offer: Offer, helper: Helper) -> Offer:
    """The offer, locked, if it still waits for this helper's answer."""
    locked = Offer.objects.select_for_update().filter(pk=offer.pk).first()
    if locked is None or locked.helper_id != helper.pk:
        raise ValidationError(_("This offer is not for you."))
    if locked.state != OfferState.PENDING:
        raise ValidationError(_("This offer has been answered or withdrawn already."))
    if locked.deadline_at <= timezone.now():
        raise ValidationError(_("The time to answer this offer is over."))
    return locked


@transaction.atomic
def offer_accept(*, offer: Offer, helper: Helper) -> Booking:
    """The helper takes the job: a confirmed booking holding their hours; both sides are mailed
    with an invitation. A helper booked at that time meanwhile gets a ValidationError."""
    offer = _pending_offer(offer, helper)
    helper = Helper.objects.get(pk=helper.pk)
    if not helper.bookable:
        raise ValidationError(_("You cannot take jobs at the moment."))
    request = (
        HelpRequest.objects.select_for_update(of=("self",))
        .select_related("skill")
        .get(pk=offer.request_id)
    )
    if request.state != RequestState.OFFERED or _customer_blocked(request):
        raise ValidationError(_("This request is no longer open."))
    # The technician's price is for the whole job, whatever time the helper needs for it.
    technician = request.skill.technician_price
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                workspace_id=offer.workspace_id, request=request, helper=helper, offer=offer,
                starts_at=offer.starts_at, ends_at=offer.ends_at,
                technician_price=technician.quantize(Decimal("0.01")),
            )  # fmt: skip
            BookedHour.objects.bulk_create(
                BookedHour(workspace_id=offer.workspace_id, booking=booking, helper=helper,
                           hour=hour)
                for hour in _hours_of(offer.starts_at, offer.ends_at)
            )  # fmt: skip
    except IntegrityError as error:
        raise ValidationError(_("You are already booked at that time.")) from error
    now = timezone.now()
    offer.state = OfferState.ACCEPTED
    offer.answered_at = now
    offer.save(update_fields=["state", "answered_at"])
    request.state = RequestState.BOOKED
    request.save(update_fields=["state", "updated_at"])
    booking_mails_queue(
        booking=booking, kind=MailKind.BOOKING_CONFIRMED, sides=(Side.HELPER, Side.CUSTOMER)
    )
    # The helper's other offers for the same time cannot be taken any more: pass them on.
    # One being accepted at this moment is locked by that attempt, which will fail on the
    # booked hours: skipping it (instead of waiting) keeps the two from deadlocking.
    for other in (
        Offer.objects.select_for_update(skip_locked=True)
        .filter(helper=helper, state=OfferState.PENDING, starts_at__lt=offer.ends_at,
                ends_at__gt=offer.starts_at)
        .exclude(pk=offer.pk)
    ):  # fmt: skip
        offer_withdraw(offer=other)
    return booking


@transaction.atomic
def offer_decline(*, offer: Offer, helper: Helper, reason: str = "") -> Offer:
    """The helper says no; the request goes to the next best candidate at once."""
    offer = _pending_offer(offer, helper)
    offer.state = OfferState.DECLINED
    offer.answered_at = timezone.now()
    offer.decline_reason = (reason or "").strip()[:500]
    offer.save(update_fields=["state", "answered_at", "decline_reason"])
    offer_next(request=offer.request)
    return offer


@transaction.atomic
def offer_withdraw(*, offer: Offer, offer_next: bool = True) -> Offer:
    """Take back a waiting offer (helper blocked, booked elsewhere, request cancelled); the
    request then goes to the next candidate unless told otherwise."""
    updated = Offer.objects.filter(pk=offer.pk, state=OfferState.PENDING).update(
        state=OfferState.WITHDRAWN, answered_at=timezone.now()
    )
    offer.refresh_from_db()
    if updated and offer_next:
        _offer_next(offer.request)
    return offer


def _offer_next(request: HelpRequest) -> Offer | None:
    return offer_next(request=request)


@transaction.atomic
def offer_next(*, request: HelpRequest, now: dt.datetime | None = None) -> Offer | None:
    """Offer the request to the best candidate who has not turned it down (nor let it lapse);
    with none left the request is open again, unmatched, for the community manager."""
    request = HelpRequest.objects.select_for_update().get(pk=request.pk)
    if request.state not in {RequestState.OPEN, RequestState.OFFERED}:
        return None
    if request.offers.filter(state=OfferState.PENDING).exists():
        return None
    tried = set(
        request.offers.exclude(state=OfferState.PENDING).values_list("helper_id", flat=True)
    )
    for candidate in matching.candidates(request, limit=NEXT_CANDIDATES, now=now):
        if candidate.helper.pk in tried:
            continue
        try:
            return offer_make(request=request, candidate=candidate, by=None)
        except ValidationError:
            continue
    request.state = RequestState.OPEN
    request.save(update_fields=["state", "updated_at"])
    return None


def offers_expire(*, now: dt.datetime | None = None) -> int:
    """Periodic: offers past their deadline expire and their requests go to the next candidate.

    Each offer is claimed by a conditional UPDATE (still pending), so two workers running at
    once never expire one twice nor offer its request twice.
    """
    now = now or timezone.now()
    with scopes_disabled():
        due = list(
            Offer.objects.filter(state=OfferState.PENDING, deadline_at__lte=now).values_list(
                "pk", "workspace_id", "request_id"
            )[:1000]
        )
    expired = 0
    for offer_id, workspace_id, request_id in due:
        with workspace_scope(workspace_id), transaction.atomic():
            claimed = Offer.objects.filter(pk=offer_id, state=OfferState.PENDING).update(
                state=OfferState.EXPIRED, answered_at=now
            )
            if not claimed:
                continue
            expired += 1
            offer_next(request=HelpRequest.objects.get(pk=request_id))
    return expired


def batch_offer(
    workspace: Workspace, pairs: Iterable[tuple[HelpRequest, Candidate]], *, by: User | None
) -> list[Offer]:
    """Send the offers of a reviewed batch proposal; a request that changed since the proposal
    (answered, cancelled, edited) or a helper no longer free is skipped."""
    offers = []
    for proposed, candidate in pairs:
        current = HelpRequest.objects.filter(workspace=workspace, pk=proposed.pk).first()
        if (
            current is None
            or current.state != RequestState.OPEN
            or current.updated_at != proposed.updated_at
        ):
            continue
        try:
            offers.append(offer_make(request=current, candidate=candidate, by=by))
        except ValidationError:
            continue
    return offers


# --- bookings --------------------------------------------------------------------------------


@transaction.atomic
def booking_cancel(*, booking: Booking, side: Side | str, reason: str) -> Booking:
    """Either side calls the job off with a reason: the hours are free again, the other side
    is told, and the request is open again (helper cancelled) or cancelled (customer)."""
    reason = (reason or "").strip()
    if side not in Side.values:
        raise ValidationError({"side": _("Choose a side.")})
    if not reason:
        raise ValidationError({"reason": _("Say why, so the other side understands.")})
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("request", "helper")
        .get(pk=booking.pk)
    )
    if booking.state != BookingState.CONFIRMED:
        raise ValidationError(_("Only a confirmed booking can be cancelled."))
    booking.state = BookingState.CANCELLED
    booking.cancelled_by = side
    booking.cancel_reason = reason[:500]
    booking.save(update_fields=["state", "cancelled_by", "cancel_reason"])
    BookedHour.objects.filter(booking=booking).delete()
    request = booking.request
    request.state = RequestState.OPEN if side == Side.HELPER else RequestState.CANCELLED
    request.save(update_fields=["state", "updated_at"])
    other = Side.CUSTOMER if side == Side.HELPER else Side.HELPER
    booking_mails_queue(booking=booking, kind=MailKind.CANCELLED, sides=(other,))
    return booking


def _contact_for(request: HelpRequest) -> Any:
    """The customer behind the request: its contact, else the one with its e-mail address,
    else a new contact made from the request (through the relationship core's service)."""
    from touchbase.relationships.models import Contact
    from touchbase.relationships.services import contact_save

    if request.contact is not None and not request.contact.is_erased:
        return request.contact
    found = (
        Contact.objects.filter(
            workspace_id=request.workspace_id, email__iexact=request.email, erased_at=None
        )
        .order_by("pk")
        .first()
    )
    if found is None:
        first, _space, last = request.name.strip().rpartition(" ")
        fields = {
            "first_name": first, "last_name": last or request.name or request.email,
            "email": request.email, "phone": request.phone, "country": request.country,
            "postal_code": request.postal_code, "city": request.town,
            "street": request.address, "language": request.language,
        }  # fmt: skip
        try:
            found = contact_save(workspace=request.workspace, fields=fields)
        except ValidationError:
            # A phone the CRM reads differently must not stop the job being recorded.
            fields["phone"] = ""
            found = contact_save(workspace=request.workspace, fields=fields)
    HelpRequest.objects.filter(pk=request.pk).update(contact=found)
    request.contact = found
    return found


def _due_now(contact: Any, workspace: Workspace, owner: User | None) -> None:
    """Put the customer on the due list today (for the company's support to call them).

    The relationship core keeps the due date in next_due_on; it only ever moves later through
    its services (a snooze), so bringing it forward is written here: the next personal
    touchpoint recomputes it from the cadence as usual.
    """
    from touchbase.core.timeutil import local_today
    from touchbase.relationships.models import Contact

    today = local_today(workspace.zone)
    Contact.objects.filter(pk=contact.pk).filter(
        Q(next_due_on__isnull=True) | Q(next_due_on__gt=today)
    ).update(next_due_on=today)
    if owner is not None:
        Contact.objects.filter(pk=contact.pk, owner=None).update(owner=owner)


def _timeline(booking: Booking, *, by: User | None) -> Any:
    from touchbase.relationships.choices import Channel, Direction, Outcome
    from touchbase.relationships.services import touchpoint_log

    request = booking.request
    contact = _contact_for(request)
    solved = booking.state == BookingState.DONE
    topic = request.skill.name_de if request.language == "de" else request.skill.name_en
    if solved:
        summary = _("Community help by %(helper)s: %(topic)s") % {
            "helper": booking.helper.name,
            "topic": topic,
        }
    else:
        summary = _("Community help by %(helper)s could not solve: %(topic)s. Support please "
                    "get in touch.") % {"helper": booking.helper.name, "topic": topic}  # fmt: skip
    if booking.notes:
        summary += "\n\n" + _("Notes from the helper:") + "\n" + booking.notes
    touchpoint = touchpoint_log(
        workspace=booking.workspace, channel=Channel.COMMUNITY_HELP,
        occurred_at=min(booking.ends_at, timezone.now()), logged_by=None, contact=contact,
        direction=Direction.OUTBOUND, is_personal=False, summary=summary,
        outcome="" if solved else Outcome.FOLLOW_UP,
        source_kind=BOOKING_KIND, source_id=booking.pk,
    )  # fmt: skip
    if not solved:
        owner = settings_for(booking.workspace).support_owner or by
        _due_now(contact, booking.workspace, owner)
    return touchpoint


@transaction.atomic
def booking_finish(
    *,
    booking: Booking,
    solved: bool,
    notes: str = "",
    price_paid: Decimal | None = None,
    by: User | None = None,
) -> Booking:
    """Close a job that has started: done (with the price paid, beside the technician's) or,
    not solved, escalated to the company's support as a due touchpoint on the customer. Either
    way the help shows on the customer's timeline."""
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("request__skill", "helper", "workspace")
        .get(pk=booking.pk)
    )
    if booking.state != BookingState.CONFIRMED:
        raise ValidationError(_("This booking is not open."))
    if booking.starts_at > timezone.now():
        raise ValidationError(_("A job can be finished once it has started."))
    notes = (notes or "").strip()
    if len(notes) > 4000:
        raise ValidationError({"notes": _("Keep the notes under 4000 characters.")})
    if not solved and not notes:
        raise ValidationError({"notes": _("Say what was tried, so our support can go on.")})
    if price_paid is not None and not Decimal("0") <= Decimal(price_paid) <= MAX_PRICE_PAID:
        raise ValidationError({"price_paid": _("Give the price paid in euros.")})
    booking.state = BookingState.DONE if solved else BookingState.ESCALATED
    booking.notes = notes
    booking.price_paid = (
        Decimal(price_paid).quantize(Decimal("0.01")) if price_paid is not None else None
    )
    booking.finished_at = timezone.now()
    request = booking.request
    request.state = RequestState.DONE if solved else RequestState.ESCALATED
    request.save(update_fields=["state", "updated_at"])
    touchpoint = _timeline(booking, by=by)
    booking.touchpoint_id = touchpoint.pk
    booking.save(update_fields=["state", "notes", "price_paid", "finished_at", "touchpoint_id"])
    return booking


def contact_visible(booking_or_offer: Booking | Offer, side: Side | str) -> bool:
    """Whether `side` may see the other side's phone, e-mail and address: only through a
    booking that was confirmed (and not cancelled), never through a mere offer."""
    if side not in Side.values:
        return False
    booking: Booking | None
    if isinstance(booking_or_offer, Offer):
        booking = Booking.objects.filter(offer=booking_or_offer).first()
    else:
        booking = booking_or_offer
    return booking is not None and booking.state in LIVE_BOOKING_STATES


# --- ratings and safety ------------------------------------------------------------------------


@transaction.atomic
def rating_give(*, booking: Booking, side: Side | str, stars: int, comment: str = "") -> Rating:
    """One side rates the other after the job, once."""
    if side not in Side.values:
        raise ValidationError({"side": _("Choose a side.")})
    if booking.state not in {BookingState.DONE, BookingState.ESCALATED}:
        raise ValidationError(_("A booking can be rated once the job is done."))
    if booking.starts_at > timezone.now():
        raise ValidationError(_("A booking can be rated once the job is done."))
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise ValidationError({"stars": _("Give one to five stars.")})
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationError({"comment": _("Keep the comment under 2000 characters.")})
    try:
        with transaction.atomic():
            return Rating.objects.create(
                workspace_id=booking.workspace_id, booking=booking, by=side, stars=stars,
                comment=comment,
            )  # fmt: skip
    except IntegrityError as error:
        raise ValidationError(_("You have rated this booking already.")) from error


def community_managers(workspace: Workspace) -> list[User]:
    """The members who run community help (owners and community managers)."""
    memberships = Membership.objects.filter(
        workspace=workspace, role__in=roles_with(Capability.COMMUNITY_MANAGE)
    ).select_related("user")
    return [m.user for m in memberships if m.user.is_active and m.user.email]


@transaction.atomic
def report_file(
    *,
    side: Side | str,
    text: str,
    booking: Booking | None = None,
    helper: Helper | None = None,
    request: HelpRequest | None = None,
) -> Report:
    """One side reports the other; every community manager is mailed (once an hour for
    reports in a row by the same side about the same booking, helper or request)."""
    if side not in Side.values:
        raise ValidationError({"side": _("Choose a side.")})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what happened.")})
    if len(text) > 4000:
        raise ValidationError({"text": _("Keep it under 4000 characters.")})
    if booking is not None:
        helper = helper or booking.helper
        request = request or booking.request
    subject = booking or helper or request
    if subject is None:
        raise ValueError("A report is about a booking, a helper or a request.")
    # Reports in a row by one side about the same job are all kept, but the managers are
    # mailed for the first of the hour only: a report form must not mail-bomb the team.
    repeated = Report.objects.filter(
        booking=booking, helper=helper, request=request, by=side,
        created_at__gt=timezone.now() - REPORT_MAIL_GAP,
    ).exists()  # fmt: skip
    report = Report.objects.create(
        workspace_id=subject.workspace_id, booking=booking, helper=helper, request=request,
        by=side, text=text,
    )  # fmt: skip
    if repeated:
        return report
    workspace = Workspace.objects.get(pk=subject.workspace_id)
    for manager in community_managers(workspace):
        mail_queue(
            workspace=workspace, kind=MailKind.REPORT, to=manager.email,
            language=manager.language, key=f"report:{report.pk}:{manager.pk}",
        )  # fmt: skip
    return report


@transaction.atomic
def report_close(*, report: Report, by: User | None, outcome: str) -> Report:
    """The community manager has dealt with the report and says how."""
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Say what was done.")})
    report.state = ReportState.CLOSED
    report.outcome = outcome[:1000]
    report.handled_by = by
    report.closed_at = timezone.now()
    report.save(update_fields=["state", "outcome", "handled_by", "closed_at"])
    return report


@transaction.atomic
def customer_block(
    *, workspace: Workspace, email: str, reason: str, by: User | None
) -> CustomerBlock:
    """A customer (by address) may no longer ask for help: their open requests are closed,
    waiting offers withdrawn and future bookings cancelled (the helpers told)."""
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise ValidationError({"email": _("Enter an e-mail address.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so colleagues understand.")})
    block, _created = CustomerBlock.objects.get_or_create(
        workspace=workspace, email=email, defaults={"reason": reason[:500], "created_by": by}
    )
    open_states = [RequestState.UNCONFIRMED, RequestState.OPEN, RequestState.OFFERED,
                   RequestState.BOOKED]  # fmt: skip
    for request in HelpRequest.objects.filter(
        workspace=workspace, email__iexact=email, state__in=open_states
    ):
        for offer in request.offers.filter(state=OfferState.PENDING):
            offer_withdraw(offer=offer, offer_next=False)
        for live in request.bookings.filter(state=BookingState.CONFIRMED):
            booking_cancel(
                booking=live, side=Side.CUSTOMER,
                reason=_("The customer's request was withdrawn by the community team."),
            )  # fmt: skip
        HelpRequest.objects.filter(pk=request.pk).update(
            state=RequestState.CANCELLED, updated_at=timezone.now()
        )
    return block


@transaction.atomic
def customer_unblock(*, block: CustomerBlock) -> None:
    """The customer may ask for help again."""
    block.delete()


# --- reminders --------------------------------------------------------------------------------


def reminders_queue(*, now: dt.datetime | None = None) -> int:
    """Periodic (community-reminders): mail both sides the day before a job, once per booking.

    A booking made less than a day ahead had its confirmation just now and gets no reminder.
    Each booking is claimed by moving reminded_at in one UPDATE, so two workers remind once.
    """
    now = now or timezone.now()
    with scopes_disabled():
        due = list(
            Booking.objects.filter(
                state=BookingState.CONFIRMED, reminded_at=None, starts_at__gt=now,
                starts_at__lte=now + dt.timedelta(hours=24),
            ).values_list("pk", "workspace_id")[:1000]
        )  # fmt: skip
    reminded = 0
    for booking_id, workspace_id in due:
        with workspace_scope(workspace_id), transaction.atomic():
            claimed = Booking.objects.filter(pk=booking_id, reminded_at=None).update(
                reminded_at=now
            )
            if not claimed:
                continue
            booking = Booking.objects.select_related("request", "helper", "workspace").get(
                pk=booking_id
            )
            if booking.starts_at - booking.created_at < dt.timedelta(hours=24):
                continue
            booking_mails_queue(
                booking=booking, kind=MailKind.REMINDER, sides=(Side.HELPER, Side.CUSTOMER)
            )
            reminded += 1
    return reminded
