"""iCalendar invitations, read back with icalendar exactly as a calendar program would."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from icalendar import Calendar

from touchbase.core.choices import CalendarMethod
from touchbase.core.ical import PRODUCT_ID, invite_attachment, invite_build
from touchbase.core.mail import mail_send

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
STAMP = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def build(**overrides) -> bytes:
    arguments = {
        "uid": "touchpoint-41@pollux.example",
        "start": dt.datetime(2026, 12, 3, 14, 0, tzinfo=BERLIN),
        "end": dt.datetime(2026, 12, 3, 15, 30, tzinfo=BERLIN),
        "summary": "Jahresgespräch Bäckerei Sonnenschein",
        "description": "Rückblick 2026, Pläne für 2027",
        "location": "Lindenstraße 1, 80331 München",
        "organizer_email": "joseph.page@pollux.example",
        "organizer_name": "Joseph Page",
        "attendee_emails": ["juergen@sonnenschein.example", "anna@sonnenschein.example"],
        "stamp": STAMP,
    } | overrides
    return invite_build(**arguments)


def event_of(content: bytes):
    calendar = Calendar.from_ical(content)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def attendees_of(event) -> list[tuple[str, dict]]:
    value = event.get("attendee")
    values = value if isinstance(value, list) else [value]
    return [(str(address), dict(address.params)) for address in values]


def test_an_invitation_carries_every_field_of_the_event():
    calendar, event = event_of(build())
    assert str(calendar["method"]) == "REQUEST"
    assert str(calendar["prodid"]) == PRODUCT_ID
    assert str(calendar["version"]) == "2.0"
    assert str(event["uid"]) == "touchpoint-41@pollux.example"
    assert event.decoded("dtstamp") == STAMP
    assert event.decoded("dtstart") == dt.datetime(2026, 12, 3, 14, 0, tzinfo=BERLIN)
    assert event.decoded("dtend") == dt.datetime(2026, 12, 3, 15, 30, tzinfo=BERLIN)
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    assert event["sequence"] == 0
    assert str(event["summary"]) == "Jahresgespräch Bäckerei Sonnenschein"
    assert str(event["description"]) == "Rückblick 2026, Pläne für 2027"
    assert str(event["location"]) == "Lindenstraße 1, 80331 München"
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["organizer"]) == "mailto:joseph.page@pollux.example"
    assert event["organizer"].params["CN"] == "Joseph Page"
    participant = {"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"}
    assert attendees_of(event) == [
        ("mailto:juergen@sonnenschein.example", participant),
        ("mailto:anna@sonnenschein.example", participant),
    ]


def test_a_local_time_comes_with_its_time_zone_definition():
    content = build()
    calendar, _event = event_of(content)
    assert [zone.tz_name for zone in calendar.timezones] == ["Europe/Berlin"]
    assert b"DTSTART;TZID=Europe/Berlin:20261203T140000\r\n" in content
    # a year around the event, not every transition since 1970
    assert len(content) < 2500


def test_utc_times_are_written_in_utc_without_a_time_zone_definition():
    content = build(
        start=dt.datetime(2026, 12, 3, 13, 0, tzinfo=dt.UTC),
        end=dt.datetime(2026, 12, 3, 14, 30, tzinfo=zoneinfo.ZoneInfo("UTC")),
    )
    calendar, event = event_of(content)
    assert calendar.timezones == []
    assert b"DTSTART:20261203T130000Z\r\n" in content
    assert b"DTEND:20261203T143000Z\r\n" in content
    assert event.decoded("dtstart") == dt.datetime(2026, 12, 3, 13, 0, tzinfo=dt.UTC)


def test_a_fixed_offset_is_converted_to_utc():
    plus_one = dt.timezone(dt.timedelta(hours=1))
    content = build(
        start=dt.datetime(2026, 12, 3, 14, 0, tzinfo=plus_one),
        end=dt.datetime(2026, 12, 3, 15, 0, tzinfo=plus_one),
    )
    assert b"DTSTART:20261203T130000Z\r\n" in content


def test_a_cancellation_names_the_same_event_with_a_higher_sequence():
    calendar, event = event_of(build(method=CalendarMethod.CANCEL, sequence=2))
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert event["sequence"] == 2
    assert str(event["uid"]) == "touchpoint-41@pollux.example"
    assert len(attendees_of(event)) == 2


def test_the_output_uses_crlf_line_ends_as_rfc_5545_requires():
    content = build()
    assert content.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert content.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in content.replace(b"\r\n", b"")


def test_line_breaks_and_separators_in_texts_cannot_add_properties():
    content = build(summary="Termin\r\nEND:VEVENT\r\nBEGIN:VEVENT", location="A; B, C")
    _calendar, event = event_of(content)
    # RFC 5545 text knows only "\n" as a line break
    assert str(event["summary"]) == "Termin\nEND:VEVENT\nBEGIN:VEVENT"
    assert str(event["location"]) == "A; B, C"


def test_empty_description_and_location_are_left_out():
    _calendar, event = event_of(build(description="", location=""))
    assert "description" not in event
    assert "location" not in event


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="start must be an aware datetime"):
        build(start=dt.datetime(2026, 12, 3, 14, 0))  # noqa: DTZ001 - naive on purpose


def test_an_event_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="end after it starts"):
        build(end=dt.datetime(2026, 12, 3, 13, 0, tzinfo=BERLIN))


def test_addresses_that_are_not_e_mail_addresses_are_refused():
    with pytest.raises(ValueError, match="Not an e-mail address"):
        build(attendee_emails=["juergen@sonnenschein.example\r\nATTENDEE:mailto:x@evil.example"])
    with pytest.raises(ValueError, match="Not an e-mail address"):
        build(organizer_email="joseph")


def test_an_unknown_method_is_refused():
    with pytest.raises(ValueError, match="PUBLISH"):
        build(method="PUBLISH")


def test_the_attachment_is_a_calendar_with_its_method():
    content = build(method=CalendarMethod.CANCEL, sequence=1)
    attachment = invite_attachment(content=content, method=CalendarMethod.CANCEL)
    assert attachment.filename == "invite.ics"
    assert attachment.mimetype == "text/calendar"
    assert dict(attachment.params) == {"method": "CANCEL"}
    assert attachment.content == content


def test_an_invitation_mail_carries_a_calendar_the_attendee_can_read(smtp):
    content = build()
    mail_send(
        to=["juergen@sonnenschein.example"], template="core/email/event_invitation", language="de",
        context={"organizer": "Joseph Page", "summary": "Jahresgespräch",
                 "start": dt.datetime(2026, 12, 3, 14, 0, tzinfo=BERLIN),
                 "end": dt.datetime(2026, 12, 3, 15, 30, tzinfo=BERLIN)},
        attachments=[invite_attachment(content=content)], time_zone=BERLIN,
    )  # fmt: skip
    attachment = next(smtp.messages[0].iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    calendar, event = event_of(attachment.get_content().encode())
    assert str(event["uid"]) == "touchpoint-41@pollux.example"
    assert event.decoded("dtstart") == dt.datetime(2026, 12, 3, 14, 0, tzinfo=BERLIN)
