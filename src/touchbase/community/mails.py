"""Community mails: one CommunityMail row per occasion, sent once by the worker.

A service queues a mail with a key naming its occasion ("offer:12", "reminder:7:helper"), so
the same occasion never owes two mails. The worker claims a row by counting an attempt in one
UPDATE with a lease (as ideas' mails do): a task enqueued twice, or two workers, send it once;
a failed one is retried by the periodic job a few times.

A mail's recipient is a helper when its `helper` is set, else the customer of its `request`
(or, for reports, the member whose address it names). Each is written in the recipient's
language and time zone; links are built when the mail is sent, so a sign-in link's day starts
when it leaves.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import smtplib
import zoneinfo
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from touchbase.community.choices import Side
from touchbase.community.models import (
    Booking,
    CommunityMail,
    Helper,
    HelpRequest,
    Offer,
    Report,
)
from touchbase.core.choices import CalendarMethod
from touchbase.core.ical import invite_attachment, invite_build
from touchbase.core.mail import Attachment, mail_send
from touchbase.core.models import Workspace
from touchbase.core.signing import absolute_url
from touchbase.core.tenancy import scopes_disabled

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RETRY_AFTER = dt.timedelta(minutes=10)
# Longer than any SMTP conversation with its timeouts; a crashed attempt is retried after it.
CLAIM_LEASE = dt.timedelta(minutes=5)


class MailKind:
    """The occasions a community mail is written for (the template's name)."""

    HELPER_CONFIRM = "helper_confirm"
    HELPER_LINK = "helper_link"
    REQUEST_CONFIRM = "request_confirm"
    OFFER = "offer"
    BOOKING_CONFIRMED = "booking_confirmed"
    REMINDER = "reminder"
    CANCELLED = "cancelled"
    REPORT = "report"


def page_url(name: str, args: list[Any], fallback: str) -> str:
    """The absolute address of a community page by URL name, or the agreed path while the
    page is not wired yet (mails are written before the pages exist)."""
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        path = fallback
    return absolute_url(path=path)


def mail_queue(
    *,
    workspace: Workspace,
    kind: str,
    to: str,
    language: str,
    key: str,
    booking: Booking | None = None,
    offer: Offer | None = None,
    request: HelpRequest | None = None,
    helper: Helper | None = None,
) -> bool:
    """Owe one mail for this occasion (once per key) and have the worker send it after commit;
    returns whether it is new."""
    try:
        with transaction.atomic():
            CommunityMail.objects.create(
                workspace=workspace, kind=kind, to=to, language=language or "de", key=key[:120],
                booking=booking, offer=offer, request=request, helper=helper,
            )  # fmt: skip
    except IntegrityError:
        return False
    community_mails_send_later(workspace_id=workspace.pk)
    return True


def community_mails_send_later(*, workspace_id: int) -> None:
    from touchbase.community.tasks import community_mails_task

    transaction.on_commit(lambda: community_mails_task.enqueue(workspace_id=workspace_id))


def community_mails_send(*, workspace_id: int, limit: int = 500) -> int:
    """Send the workspace's community mails owed; returns how many went out."""
    sent = 0
    due = _unclaimed(
        CommunityMail.objects.filter(
            workspace_id=workspace_id, sent_at=None, attempts__lt=MAX_ATTEMPTS
        )
    ).values_list("pk", "attempts")[:limit]
    for mail_id, attempts in list(due):
        sent += _send_one(mail_id, attempts)
    return sent


def community_mails_enqueue_due(*, now: dt.datetime | None = None) -> int:
    """Periodic: enqueue a send for each workspace with mails failed a while ago or lost."""
    from touchbase.community.tasks import community_mails_task

    before = (now or timezone.now()) - RETRY_AFTER
    with scopes_disabled():
        workspace_ids = set(
            CommunityMail.objects.filter(
                sent_at=None, attempts__lt=MAX_ATTEMPTS, created_at__lt=before
            ).values_list("workspace_id", flat=True)[:1000]
        )
    for workspace_id in workspace_ids:
        community_mails_task.enqueue(workspace_id=workspace_id)
    return len(workspace_ids)


def _unclaimed(mails: QuerySet[CommunityMail]) -> QuerySet[CommunityMail]:
    return mails.filter(Q(claimed_until=None) | Q(claimed_until__lt=timezone.now()))


def _send_one(mail_id: int, attempts: int) -> int:
    """Send one mail if this worker wins its claim: one UPDATE counts the attempt and leases
    the row, so a second worker that listed it too finds it taken (no mail twice)."""
    row = _unclaimed(CommunityMail.objects.filter(pk=mail_id, sent_at=None, attempts=attempts))
    claimed = row.update(attempts=F("attempts") + 1, claimed_until=timezone.now() + CLAIM_LEASE)
    if not claimed:
        return 0
    mail = CommunityMail.objects.select_related(
        "workspace", "booking", "offer", "request", "helper"
    ).get(pk=mail_id)
    try:
        count = SENDERS[mail.kind](mail)
    except (OSError, smtplib.SMTPException) as error:
        logger.warning("Community mail %s not sent: %s", mail_id, error)
        CommunityMail.objects.filter(pk=mail_id).update(
            last_error=f"{type(error).__name__}: {error}"[:500], claimed_until=None
        )
        return 0
    CommunityMail.objects.filter(pk=mail_id).update(
        sent_at=timezone.now(), last_error="", claimed_until=None
    )
    return count


# --- what each mail says ---------------------------------------------------------------------


def _zone(mail: CommunityMail) -> zoneinfo.ZoneInfo:
    if mail.helper is not None:
        try:
            return zoneinfo.ZoneInfo(mail.helper.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return mail.workspace.zone


def _send(mail: CommunityMail, context: dict[str, Any], attachments: list[Attachment]) -> int:
    return mail_send(
        to=[mail.to], template=f"community/email/{mail.kind}",
        context={"workspace": mail.workspace, "mail": mail, **context},
        language=mail.language, time_zone=_zone(mail), attachments=attachments,
    )  # fmt: skip


def _side(mail: CommunityMail) -> Side:
    return Side.HELPER if mail.helper_id else Side.CUSTOMER


def _helper_confirm(mail: CommunityMail) -> int:
    from touchbase.community.helpers import helper_confirm_url

    helper = mail.helper
    if helper is None or helper.email_confirmed_at is not None:
        return 0
    return _send(mail, {"helper": helper, "link": helper_confirm_url(helper)}, [])


def _helper_link(mail: CommunityMail) -> int:
    from touchbase.community.helpers import helper_link

    helper = mail.helper
    if helper is None or helper.blocked_at is not None:
        return 0
    return _send(mail, {"helper": helper, "link": helper_link(helper)}, [])


def _request_confirm(mail: CommunityMail) -> int:
    from touchbase.community.choices import RequestState
    from touchbase.community.requests import request_confirm_url, request_page_url

    request = mail.request
    if request is None or request.state != RequestState.UNCONFIRMED:
        return 0
    context = {"request": request, "windows": list(request.windows.all()),
               "link": request_confirm_url(request), "page": request_page_url(request)}  # fmt: skip
    return _send(mail, context, [])


def _offer(mail: CommunityMail) -> int:
    from touchbase.community.choices import OfferState

    offer = mail.offer
    if offer is None or offer.state != OfferState.PENDING:
        return 0
    workspace = mail.workspace
    link = page_url(
        "community:helper-offer", [workspace.slug, offer.pk],
        f"/help/{workspace.slug}/helper/offers/{offer.pk}/",
    )  # fmt: skip
    context = {"offer": offer, "request": offer.request, "helper": offer.helper, "link": link}
    return _send(mail, context, [])


def _organizer() -> tuple[str, str]:
    name, address = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)
    return name, address or "touchbase@localhost"


def booking_uid(booking: Booking) -> str:
    """The invitation's uid; an update or cancellation of the booking reuses it."""
    host = urlsplit(settings.BASE_URL).hostname or "touchbase"
    return f"community-booking-{booking.pk}@{host}"


def booking_place(booking: Booking, side: Side) -> str:
    """Where the job happens, as one side may read it: the street only for the helper."""
    request = booking.request
    town = f"{request.postal_code} {request.town}".strip()
    if side == Side.HELPER and request.address:
        return f"{request.address}, {town}"
    return town


def booking_invite(booking: Booking, side: Side, *, cancel: bool = False) -> Attachment:
    """The booking as an iCalendar invitation (or its cancellation) for one side."""
    request, helper = booking.request, booking.helper
    other_lines = (
        [request.name, request.phone, request.email]
        if side == Side.HELPER
        else [helper.name, helper.phone, helper.email]
    )
    summary = _("Community help: %(topic)s") % {"topic": str(request.skill)}
    description = "\n".join([_("Contact:"), *[line for line in other_lines if line]])
    if side == Side.HELPER and request.description:
        description += "\n\n" + request.description
    organizer_name, organizer_email = _organizer()
    method = CalendarMethod.CANCEL if cancel else CalendarMethod.REQUEST
    content = invite_build(
        uid=booking_uid(booking), start=booking.starts_at, end=booking.ends_at,
        summary=summary, description=description, location=booking_place(booking, side),
        organizer_email=organizer_email, organizer_name=booking.workspace.name or organizer_name,
        attendee_emails=[helper.email if side == Side.HELPER else request.email],
        method=method, sequence=1 if cancel else 0,
    )  # fmt: skip
    return invite_attachment(content=content, method=method)


def _booking_context(booking: Booking, side: Side) -> dict[str, Any]:
    return {
        "booking": booking, "request": booking.request, "helper": booking.helper,
        "side": side.value, "place": booking_place(booking, side),
        "for_helper": side == Side.HELPER,
    }  # fmt: skip


def _booking_confirmed(mail: CommunityMail) -> int:
    from touchbase.community.choices import BookingState

    booking = mail.booking
    if booking is None or booking.state != BookingState.CONFIRMED:
        return 0
    side = _side(mail)
    with translation.override(mail.language or "de"):
        invite = booking_invite(booking, side)
    return _send(mail, _booking_context(booking, side), [invite])


def _reminder(mail: CommunityMail) -> int:
    from touchbase.community.choices import BookingState

    booking = mail.booking
    if booking is None or booking.state != BookingState.CONFIRMED:
        return 0
    return _send(mail, _booking_context(booking, _side(mail)), [])


def _cancelled(mail: CommunityMail) -> int:
    booking = mail.booking
    if booking is None:
        return 0
    side = _side(mail)
    with translation.override(mail.language or "de"):
        invite = booking_invite(booking, side, cancel=True)
    return _send(mail, _booking_context(booking, side), [invite])


def _report(mail: CommunityMail) -> int:
    report_id = int(mail.key.split(":")[1])
    report = Report.objects.filter(workspace=mail.workspace, pk=report_id).first()
    if report is None:
        return 0
    link = page_url("community:report-detail", [report.pk], f"/community/reports/{report.pk}/")
    return _send(mail, {"report": report, "link": link}, [])


SENDERS: dict[str, Callable[[CommunityMail], int]] = {
    MailKind.HELPER_CONFIRM: _helper_confirm,
    MailKind.HELPER_LINK: _helper_link,
    MailKind.REQUEST_CONFIRM: _request_confirm,
    MailKind.OFFER: _offer,
    MailKind.BOOKING_CONFIRMED: _booking_confirmed,
    MailKind.REMINDER: _reminder,
    MailKind.CANCELLED: _cancelled,
    MailKind.REPORT: _report,
}


# --- occasions, queued by the services -------------------------------------------------------


def booking_mails_queue(*, booking: Booking, kind: str, sides: tuple[Side, ...]) -> None:
    """Owe the booking's mail of this kind to each of the given sides (once each)."""
    for side in sides:
        if side == Side.HELPER:
            mail_queue(
                workspace=booking.workspace, kind=kind, to=booking.helper.email,
                language=booking.helper.language, key=f"{kind}:{booking.pk}:helper",
                booking=booking, helper=booking.helper,
            )  # fmt: skip
        else:
            mail_queue(
                workspace=booking.workspace, kind=kind, to=booking.request.email,
                language=booking.request.language, key=f"{kind}:{booking.pk}:customer",
                booking=booking, request=booking.request,
            )  # fmt: skip
