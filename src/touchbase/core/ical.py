"""iCalendar invitations (RFC 5545/5546) that calendar programs accept from an e-mail.

    content = invite_build(uid=f"touchpoint-{pk}@{host}", start=..., end=..., summary=...,
                           description=..., location=..., organizer_email=...,
                           attendee_emails=[...])
    mail_send(..., attachments=[invite_attachment(content=content)])

Updating an invitation sends the same uid with a higher sequence; cancelling sends the same uid
with method=CalendarMethod.CANCEL and a higher sequence again. Times must be aware: a ZoneInfo
time is written with its TZID and a VTIMEZONE (so recurring local times stay local), UTC as
UTC, any other offset converted to UTC.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from touchbase.core.choices import CalendarMethod
from touchbase.core.mail import Attachment

__all__ = ["PRODUCT_ID", "invite_attachment", "invite_build"]

PRODUCT_ID = "-//touchbase//touchbase//EN"
# The VTIMEZONE covers a year around the event instead of icalendar's default 1970–2038,
# which keeps an invitation a few kilobytes small.
ZONE_MARGIN = dt.timedelta(days=366)


def _calendar_time(moment: dt.datetime, name: str) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValueError(f"{name} must be an aware datetime.")
    if isinstance(moment.tzinfo, zoneinfo.ZoneInfo) and moment.tzinfo.key != "UTC":
        return moment
    return moment.astimezone(dt.UTC)


def _address(email: str, name: str = "") -> vCalAddress:
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValueError(f"Not an e-mail address: {email!r}") from error
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    return address


def invite_build(
    *,
    uid: str,
    start: dt.datetime,
    end: dt.datetime,
    summary: str,
    description: str,
    location: str,
    organizer_email: str,
    attendee_emails: Sequence[str],
    method: CalendarMethod | str = CalendarMethod.REQUEST,
    sequence: int = 0,
    organizer_name: str = "",
    stamp: dt.datetime | None = None,
) -> bytes:
    """One event as an iTIP invitation (REQUEST) or cancellation (CANCEL), CRLF-encoded."""
    method = CalendarMethod(method)
    start = _calendar_time(start, "start")
    end = _calendar_time(end, "end")
    if end <= start:
        raise ValueError("An event must end after it starts.")
    if not uid.strip():
        raise ValueError("An event needs a uid; updates and cancellations find it by it.")
    if sequence < 0:
        raise ValueError("The sequence counts updates from 0.")

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", method.value)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", (stamp or timezone.now()).astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("sequence", sequence)
    event.add("summary", summary)
    if description:
        event.add("description", description)
    if location:
        event.add("location", location)
    event.add("status", "CANCELLED" if method == CalendarMethod.CANCEL else "CONFIRMED")
    event.add("organizer", _address(organizer_email, organizer_name))
    for email in attendee_emails:
        attendee = _address(email)
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = "NEEDS-ACTION"
        attendee.params["RSVP"] = "TRUE"
        event.add("attendee", attendee)
    calendar.add_component(event)
    calendar.add_missing_timezones(
        first_date=start.date() - ZONE_MARGIN, last_date=end.date() + ZONE_MARGIN
    )
    ical: bytes = calendar.to_ical()
    return ical


def invite_attachment(
    *, content: bytes, method: CalendarMethod | str = CalendarMethod.REQUEST
) -> Attachment:
    """The invitation as a mail attachment: text/calendar with its method, as clients expect."""
    return Attachment(
        filename="invite.ics",
        content=content,
        mimetype="text/calendar",
        params={"method": CalendarMethod(method).value},
    )
