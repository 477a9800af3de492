"""Localised templated e-mail: one call renders subject, text and HTML in the reader's language.

A mail is three templates beside each other, e.g. for template="core/email/event_invitation":
    core/email/event_invitation_subject.txt  one line (whitespace and line breaks collapse)
    core/email/event_invitation.txt          the plain-text body
    core/email/event_invitation.html         the HTML body
The .txt templates render without HTML escaping (they are not HTML); the .html one escapes as
usual. All three render under the reader's language and, if given, time zone, so dates in
templates ({{ start|date:"DATETIME_FORMAT" }}) read as the reader expects.

One message goes to all of `to`, who see each other; call once per person for privacy.
"""

from __future__ import annotations

import email.message
import zoneinfo
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, engines
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string
from django.utils import timezone, translation

__all__ = ["Attachment", "mail_send"]


@dataclass(frozen=True)
class Attachment:
    """A file attached to a mail; `params` extend its Content-Type (e.g. {"method": "REQUEST"})."""

    filename: str
    content: bytes
    mimetype: str
    params: Mapping[str, str] = field(default_factory=dict)

    def as_part(self) -> email.message.MIMEPart:
        """The attachment as a MIME part, with its Content-Type parameters."""
        maintype, subtype = self.mimetype.split("/", 1)
        part = email.message.MIMEPart()
        if maintype == "text":
            part.set_content(
                self.content.decode(), subtype=subtype, charset="utf-8",
                disposition="attachment", filename=self.filename, params=dict(self.params),
            )  # fmt: skip
        else:
            part.set_content(
                self.content, maintype=maintype, subtype=subtype,
                disposition="attachment", filename=self.filename, params=dict(self.params),
            )  # fmt: skip
        return part


def _language(code: str) -> str:
    """The supported language closest to the code ("de-AT" → "de"), else the site's default."""
    try:
        return translation.get_supported_language_variant(code or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def _render_text(name: str, context: Mapping[str, Any]) -> str:
    # Plain text must not show "&amp;" for "&": the engine renders it without autoescape.
    engine = cast(DjangoTemplates, engines["django"]).engine
    return engine.get_template(name).render(Context(dict(context), autoescape=False))


def mail_send(
    *,
    to: list[str],
    template: str,
    context: Mapping[str, Any],
    language: str,
    reply_to: list[str] | None = None,
    attachments: Sequence[Attachment] = (),
    time_zone: zoneinfo.ZoneInfo | None = None,
    from_email: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> int:
    """Render the template's subject, text and HTML in the language and send; returns 1 or 0."""
    zone_override = timezone.override(time_zone) if time_zone else nullcontext()
    with translation.override(_language(language)), zone_override:
        # A subject is one header line: a line break from the context must not start another.
        subject = " ".join(_render_text(f"{template}_subject.txt", context).split())
        text = _render_text(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", dict(context))
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email,
        to=to,
        reply_to=reply_to,
        headers=dict(headers or {}),
    )
    for attachment in attachments:
        message.attach(attachment.as_part())
    message.attach_alternative(html, "text/html")
    return message.send()
