"""Help requests: a customer's wish for help, from the public page or through staff.

A request from the public page waits for its e-mail confirmation (a signed, expiring link);
one that staff take on the phone for a known customer is open at once. The customer follows
their request on its own page, reached by a signed link that names the request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from touchbase.community import geo
from touchbase.community.choices import BookingState, OfferState, RequestState, Side
from touchbase.community.helpers import settings_for
from touchbase.community.mails import MailKind, mail_queue, page_url
from touchbase.community.models import (
    LANGUAGE_CHOICES,
    CustomerBlock,
    HelpRequest,
    RequestWindow,
    Skill,
    new_token,
)
from touchbase.core.models import User, Workspace
from touchbase.core.phone import phone_normalize
from touchbase.core.signing import LinkInvalid, link_sign, link_verify
from touchbase.relationships.models import Contact

CONFIRM_PURPOSE = "community-request-confirm"
CONFIRM_AGE = dt.timedelta(days=3)
PAGE_PURPOSE = "community-request"
PAGE_AGE = dt.timedelta(days=180)
MAX_WINDOWS = 5
MAX_WINDOW_LENGTH = dt.timedelta(hours=12)
MAX_DAYS_AHEAD = 90
LANGUAGES = {code for code, _label in LANGUAGE_CHOICES}


def customer_blocked(*, workspace: Workspace, email: str) -> bool:
    """Whether the customer with this address may no longer ask for help."""
    return CustomerBlock.objects.filter(
        workspace=workspace, email__iexact=(email or "").strip()
    ).exists()


def _windows_checked(
    windows: Sequence[tuple[dt.datetime, dt.datetime]], now: dt.datetime
) -> list[str]:
    if not windows:
        return [_("Give at least one time that suits you.")]
    if len(windows) > MAX_WINDOWS:
        return [_("Give at most %(count)s times.") % {"count": MAX_WINDOWS}]
    for starts, ends in windows:
        if timezone.is_naive(starts) or timezone.is_naive(ends):
            return [_("Give the times with their time zone.")]
        if ends <= starts:
            return [_("A time must end after it starts.")]
        if starts <= now:
            return [_("Choose times in the future.")]
        if ends - starts > MAX_WINDOW_LENGTH:
            return [_("A time lasts at most 12 hours; give several instead.")]
        if starts > now + dt.timedelta(days=MAX_DAYS_AHEAD):
            return [_("Choose times within the next 90 days.")]
    return []


@transaction.atomic
def request_create(
    *,
    workspace: Workspace,
    name: str,
    email: str,
    phone: str,
    language: str,
    skill: Skill | None,
    description: str,
    country: str,
    postal_code: str,
    town: str,
    address: str,
    budget: Decimal | None,
    windows: Sequence[tuple[dt.datetime, dt.datetime]],
    contact: Contact | None = None,
    by: User | None = None,
) -> HelpRequest:
    """A help request: from the public page (by=None) it awaits its e-mail confirmation; from
    staff (by=member, for a known customer) it is open at once with the customer's details.

    Steps: refuse when requests are closed; take name, e-mail and phone from the contact when
    staff give one; check topic, times, phone, place and the block list; save with its times;
    mail the confirmation link (public only).
    """
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if by is None and not settings_for(workspace).requests_open:
        raise ValidationError(_("Requests for help are closed at the moment."))
    if contact is not None:
        if contact.workspace_id != workspace.pk:
            raise ValidationError({"contact": _("Choose a customer of this workspace.")})
        if contact.is_erased:
            raise ValidationError({"contact": _("This person's data was erased.")})
        name, email = contact.full_name, contact.email
        phone = contact.phone or contact.mobile or phone
        if (contact.language or "")[:2] in LANGUAGES:
            language = contact.language[:2]
        if not email:
            errors["contact"] = [_("This customer has no e-mail address; add one first.")]
    if skill is None or skill.workspace_id != workspace.pk or not skill.active:
        errors["skill"] = [_("Choose a topic from the list.")]
    if window_errors := _windows_checked(windows, now):
        errors["windows"] = window_errors
    try:
        phone = phone_normalize(phone, country=country)
    except ValidationError as error:
        errors["phone"] = list(error.messages)
    email = (email or "").strip().lower()
    if email and customer_blocked(workspace=workspace, email=email):
        errors["email"] = [_("Requests from this address are not accepted. Please call us.")]
    location = geo.locate(country, postal_code.strip(), town.strip())
    if location is None:
        errors.setdefault("postal_code", []).append(
            _("We could not find this place; check the postal code and town.")
        )
    request = HelpRequest(
        workspace=workspace, contact=contact, name=(name or "").strip(), email=email,
        phone=phone, language=language if language in LANGUAGES else "de", skill=skill,
        description=(description or "").strip(), country=country,
        postal_code=postal_code.strip(), town=town.strip(), address=(address or "").strip(),
        latitude=location[0] if location else 0.0, longitude=location[1] if location else 0.0,
        budget=budget, created_by=by,
        state=RequestState.UNCONFIRMED if by is None else RequestState.OPEN,
        confirmed_at=None if by is None else now,
    )  # fmt: skip
    try:
        request.full_clean(exclude=["workspace", "skill", "contact"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    request.save()
    RequestWindow.objects.bulk_create(
        RequestWindow(workspace=workspace, request=request, starts_at=starts, ends_at=ends)
        for starts, ends in sorted(windows)
    )
    if by is None:
        mail_queue(
            workspace=workspace, kind=MailKind.REQUEST_CONFIRM, to=request.email,
            language=request.language, key=f"request_confirm:{request.pk}", request=request,
        )  # fmt: skip
    return request


def request_confirm_token(request: HelpRequest) -> str:
    return link_sign(
        purpose=CONFIRM_PURPOSE, max_age=CONFIRM_AGE,
        payload={"w": request.workspace_id, "r": request.pk},
    )  # fmt: skip


def request_confirm_url(request: HelpRequest) -> str:
    """The link in the confirmation mail."""
    slug = request.workspace.slug
    token = request_confirm_token(request)
    return page_url(
        "community:request-confirm", [slug, token], f"/help/{slug}/requests/confirm/{token}/"
    )


@transaction.atomic
def request_confirm(*, workspace: Workspace, token: str) -> HelpRequest:
    """The request a confirmation link names, open now (confirming again changes nothing).

    Raises LinkInvalid for a forged, expired or foreign link.
    """
    payload = link_verify(purpose=CONFIRM_PURPOSE, token=token)
    request_id = payload.get("r")
    request = (
        HelpRequest.objects.select_for_update().filter(workspace=workspace, pk=request_id).first()
        if isinstance(request_id, int) and payload.get("w") == workspace.pk
        else None
    )
    if request is None:
        raise LinkInvalid()
    if request.state == RequestState.UNCONFIRMED:
        request.state = RequestState.OPEN
        request.confirmed_at = timezone.now()
        request.save(update_fields=["state", "confirmed_at", "updated_at"])
    return request


@transaction.atomic
def request_cancel(*, request: HelpRequest, side: Side | str, reason: str) -> HelpRequest:
    """The customer (or staff for them) no longer wants help: a waiting offer is withdrawn, a
    booking cancelled (its helper told; then a reason is required)."""
    from touchbase.community import bookings

    if side != Side.CUSTOMER:
        raise ValidationError({"side": _("Only the customer cancels a request.")})
    request = HelpRequest.objects.select_for_update().get(pk=request.pk)
    if request.state in {RequestState.DONE, RequestState.ESCALATED, RequestState.CANCELLED}:
        raise ValidationError(_("This request is closed already."))
    for offer in request.offers.filter(state=OfferState.PENDING):
        bookings.offer_withdraw(offer=offer, offer_next=False)
    live = request.bookings.filter(state=BookingState.CONFIRMED).first()
    if live is not None:
        bookings.booking_cancel(booking=live, side=Side.CUSTOMER, reason=reason)
    request.refresh_from_db()
    request.state = RequestState.CANCELLED
    request.save(update_fields=["state", "updated_at"])
    return request


def request_link(request: HelpRequest) -> str:
    """A token for the customer's own page of this request (it travels in their mails)."""
    return link_sign(
        purpose=PAGE_PURPOSE, max_age=PAGE_AGE,
        payload={"w": request.workspace_id, "r": request.pk, "t": request.token},
    )  # fmt: skip


def request_page_url(request: HelpRequest) -> str:
    slug = request.workspace.slug
    token = request_link(request)
    return page_url("community:request-page", [slug, token], f"/help/{slug}/requests/{token}/")


def request_from_link(workspace: Workspace, token: str) -> HelpRequest:
    """The request a customer's page link names; LinkInvalid when forged, old or foreign."""
    payload = link_verify(purpose=PAGE_PURPOSE, token=token)
    request_id = payload.get("r")
    request = (
        HelpRequest.objects.filter(workspace=workspace, pk=request_id, token=payload.get("t"))
        .select_related("skill")
        .first()
        if isinstance(request_id, int) and payload.get("w") == workspace.pk
        else None
    )
    if request is None:
        raise LinkInvalid()
    return request


# --- personal data of a customer ---------------------------------------------------------------


def _requests_of(contact: Contact) -> QuerySet[HelpRequest]:
    match = Q(contact=contact)
    if contact.email:
        match |= Q(email__iexact=contact.email)
    return HelpRequest.objects.filter(match, workspace_id=contact.workspace_id)


def contact_requests_export(contact: Contact) -> dict[str, Any]:
    """What community help holds on a customer: their requests, bookings and ratings given."""
    return {
        "help_requests": [
            {"topic": request.skill.name_en, "state": request.state, "name": request.name,
             "email": request.email, "phone": request.phone, "address": request.address,
             "postal_code": request.postal_code, "town": request.town,
             "description": request.description, "created_at": request.created_at.isoformat(),
             "bookings": [
                 {"helper": booking.helper.name, "starts_at": booking.starts_at.isoformat(),
                  "state": booking.state,
                  "ratings_given": [r.comment or str(r.stars) for r in booking.ratings.all()
                                    if r.by == Side.CUSTOMER]}
                 for booking in request.bookings.select_related("helper")
             ]}
            for request in _requests_of(contact).select_related("skill").order_by("created_at")
        ],
    }  # fmt: skip


@transaction.atomic
def contact_requests_erase(contact: Contact) -> None:
    """Erase a customer from community help: open requests end (their helpers told), then
    name, address, phone, e-mail and texts are blanked and their page links retired."""
    from touchbase.community.models import CommunityMail, Rating

    for request in _requests_of(contact):
        if request.state not in {RequestState.DONE, RequestState.ESCALATED,
                                 RequestState.CANCELLED}:  # fmt: skip
            request_cancel(request=request, side=Side.CUSTOMER,
                           reason=_("The customer has withdrawn the request."))  # fmt: skip
        CommunityMail.objects.filter(request=request, sent_at=None).delete()
        CommunityMail.objects.filter(request=request).update(to="erased@invalid.invalid")
        Rating.objects.filter(booking__request=request, by=Side.CUSTOMER).update(comment="")
        HelpRequest.objects.filter(pk=request.pk).update(
            name=_("[erased]"), email="erased@invalid.invalid", phone="", address="",
            description="", contact=None, token=new_token(), updated_at=timezone.now(),
        )  # fmt: skip
