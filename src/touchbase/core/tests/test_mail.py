"""Localised templated e-mail, sent over a real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from touchbase.core.mail import Attachment, mail_send

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
INVITATION = "core/email/event_invitation"
ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//touchbase//test//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:tp-1@touchbase\r\nDTSTAMP:20261201T090000Z\r\n"
    "DTSTART:20261203T130000Z\r\nDTEND:20261203T140000Z\r\nSUMMARY:Jahresgespräch\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
).encode()


def invitation(**overrides) -> dict:
    return {
        "organizer": "Joseph Page",
        "summary": "Jahresgespräch",
        "start": dt.datetime(2026, 12, 3, 13, 0, tzinfo=dt.UTC),
        "end": dt.datetime(2026, 12, 3, 14, 0, tzinfo=dt.UTC),
        "location": "Lindenstraße 1, München",
        "description": "",
    } | overrides


def send(language="de", **kwargs) -> int:
    return mail_send(
        to=kwargs.pop("to", ["juergen@sonnenschein.example"]),
        template=INVITATION,
        context=kwargs.pop("context", invitation()),
        language=language,
        time_zone=kwargs.pop("time_zone", BERLIN),
        **kwargs,
    )


def text_of(message) -> str:
    # SMTP carries CRLF line ends; the template wrote LF.
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def test_a_german_reader_gets_german_subject_and_body_in_their_time_zone(smtp):
    assert send(language="de") == 1
    message = smtp.messages[0]
    assert message["To"] == "juergen@sonnenschein.example"
    assert message["From"] == "touchbase <touchbase@localhost>"
    assert message["Subject"] == "Einladung: Jahresgespräch"
    assert text_of(message) == (
        "Joseph Page lädt Sie zu „Jahresgespräch“ ein.\n"
        "\n"
        "Wann: 3. Dezember 2026 14:00 – 15:00\n"
        "Wo: Lindenstraße 1, München\n"
        "\n"
        "Die Einladung ist als Kalenderdatei angehängt: Öffnen Sie sie, um den Termin in Ihren "
        "Kalender zu übernehmen.\n"
    )
    assert '<html lang="de">' in html_of(message)
    assert "<strong>Wann:</strong> 3. Dezember 2026 14:00 – 15:00" in html_of(message)


def test_an_english_reader_gets_english_subject_and_body(smtp):
    send(language="en", context=invitation(summary="Annual review", location=""))
    message = smtp.messages[0]
    assert message["Subject"] == "Invitation: Annual review"
    assert text_of(message) == (
        "Joseph Page invites you to “Annual review”.\n"
        "\n"
        "When: Dec. 3, 2026, 2 p.m. – 3 p.m.\n"
        "\n"
        "The invitation is attached as a calendar file: open it to add the appointment to "
        "your calendar.\n"
    )
    assert '<html lang="en">' in html_of(message)


def test_a_regional_language_gets_its_base_language_and_an_unknown_one_the_default(smtp):
    send(language="de-AT")
    send(language="fr")
    assert [message["Subject"] for message in smtp.messages] == [
        "Einladung: Jahresgespräch",
        "Invitation: Jahresgespräch",
    ]


def test_the_calendar_attachment_arrives_with_its_method(smtp):
    send(attachments=[Attachment(filename="invite.ics", content=ICS, mimetype="text/calendar",
                                 params={"method": "REQUEST"})])  # fmt: skip
    message = smtp.messages[0]
    attachments = list(message.iter_attachments())
    assert len(attachments) == 1
    calendar = attachments[0]
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_param("charset") == "utf-8"
    assert calendar.get_filename() == "invite.ics"
    assert calendar.get_content().encode() == ICS
    assert text_of(message).startswith("Joseph Page lädt Sie")


def test_a_binary_attachment_arrives_byte_for_byte(smtp):
    content = bytes(range(256))
    send(attachments=[Attachment(filename="data.bin", content=content,
                                 mimetype="application/octet-stream")])  # fmt: skip
    attachment = next(smtp.messages[0].iter_attachments())
    assert attachment.get_content() == content
    assert attachment.get_filename() == "data.bin"


def test_plain_text_is_not_html_escaped_but_html_is(smtp):
    send(context=invitation(summary="Müller & Söhne <Jahresgespräch>"))
    message = smtp.messages[0]
    assert message["Subject"] == "Einladung: Müller & Söhne <Jahresgespräch>"
    assert "„Müller & Söhne <Jahresgespräch>“" in text_of(message)
    assert "„Müller &amp; Söhne &lt;Jahresgespräch&gt;“" in html_of(message)
    assert "<Jahresgespräch>" not in html_of(message)


def test_a_line_break_in_the_context_cannot_add_a_header(smtp):
    send(context=invitation(summary="Termin\r\nBcc: everyone@evil.example"))
    message = smtp.messages[0]
    assert message["Subject"] == "Einladung: Termin Bcc: everyone@evil.example"
    assert message["Bcc"] is None
    assert len(smtp.messages) == 1


def test_replies_go_to_the_given_address(smtp):
    send(reply_to=["joseph.page@pollux.example"])
    assert smtp.messages[0]["Reply-To"] == "joseph.page@pollux.example"


def test_one_message_goes_to_every_recipient(smtp):
    send(to=["juergen@sonnenschein.example", "anna@sonnenschein.example"])
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["To"] == "juergen@sonnenschein.example, anna@sonnenschein.example"


def test_nothing_is_sent_without_recipients(smtp):
    assert send(to=[]) == 0
    assert smtp.messages == []


def test_a_missing_template_fails_before_anything_is_sent(smtp):
    from django.template import TemplateDoesNotExist

    with pytest.raises(TemplateDoesNotExist):
        mail_send(to=["a@pollux.example"], template="core/email/nothing", context={},
                  language="en")  # fmt: skip
    assert smtp.messages == []
