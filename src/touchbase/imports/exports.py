"""Exports of accounts, contacts and touchpoints as CSV, XLSX and vCard.

Column headers are the import's field labels in the user's language, so an exported file
imports again unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from touchbase.core.bulk import batched
from touchbase.core.models import Workspace
from touchbase.core.tenancy import stream_in_scope
from touchbase.imports.mapping import FIELDS
from touchbase.imports.readers import FORMULA_STARTS
from touchbase.imports.xlsx_stream import xlsx_stream
from touchbase.relationships.choices import (
    Channel,
    CheckinAnswer,
    CheckinQuestion,
    ConsentStatus,
    Direction,
    Outcome,
    TouchpointSource,
)
from touchbase.relationships.models import Account, Contact, NewsletterConsent, Touchpoint

FORMATS = ("csv", "xlsx", "vcf")
CHUNK = 2000
# Each column: its header and how to read the value from a row.
Columns = list[tuple[str, Callable[[Any], Any]]]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Spreadsheet number formats for date cells; the codes are the same in every Excel language.
DATE_FORMATS = {
    "de": ("DD.MM.YYYY", "DD.MM.YYYY HH:MM"),
    "en-gb": ("DD/MM/YYYY", "DD/MM/YYYY HH:MM"),
}
ISO_FORMATS = ("YYYY-MM-DD", "YYYY-MM-DD HH:MM")


@dataclass
class Export:
    """A finished export: the bytes (or chunks), the media type and a file name."""

    content: Iterable[bytes]
    content_type: str
    filename: str


def _owner(row: Account | Contact) -> str:
    return row.owner.display_name if row.owner else ""


def _contact_columns() -> Columns:
    consent = _labels(ConsentStatus)
    return [
        (str(FIELDS["account_name"]), lambda c: c.account.name if c.account else ""),
        (str(FIELDS["salutation"]), lambda c: c.salutation),
        (str(FIELDS["first_name"]), lambda c: c.first_name),
        (str(FIELDS["last_name"]), lambda c: c.last_name),
        (str(FIELDS["job_title"]), lambda c: c.job_title),
        (str(FIELDS["email"]), lambda c: c.email),
        (str(FIELDS["phone"]), lambda c: c.phone),
        (str(FIELDS["mobile"]), lambda c: c.mobile),
        (str(FIELDS["street"]), lambda c: c.street),
        (str(FIELDS["postal_code"]), lambda c: c.postal_code),
        (str(FIELDS["city"]), lambda c: c.city),
        (str(FIELDS["region"]), lambda c: c.region),
        (str(FIELDS["country"]), lambda c: c.country),
        (str(FIELDS["language"]), lambda c: c.language),
        (str(FIELDS["tags"]), lambda c: ", ".join(t.name for t in c.tags.all())),
        (_("Owner"), _owner),
        # the latest consent record, as export_contacts annotates it
        (_("Newsletter consent"), lambda c: consent(c.consent_status or "")),
        (_("Last personal contact"), lambda c: c.last_personal_at),
        (_("Next contact due"), lambda c: c.next_due_on),
    ]


def _account_columns() -> Columns:
    return [
        (str(FIELDS["account_name"]), lambda a: a.name),
        (str(FIELDS["segment"]), lambda a: a.segment),
        (str(FIELDS["value"]), lambda a: a.value),
        (str(FIELDS["email"]), lambda a: a.email),
        (str(FIELDS["phone"]), lambda a: a.phone),
        (str(FIELDS["street"]), lambda a: a.street),
        (str(FIELDS["postal_code"]), lambda a: a.postal_code),
        (str(FIELDS["city"]), lambda a: a.city),
        (str(FIELDS["region"]), lambda a: a.region),
        (str(FIELDS["country"]), lambda a: a.country),
        (str(FIELDS["tags"]), lambda a: ", ".join(t.name for t in a.tags.all())),
        (str(FIELDS["notes"]), lambda a: a.notes),
        (_("Key account"), lambda a: _("yes") if a.is_key_account else ""),
        (_("Owner"), _owner),
        (_("Last personal contact"), lambda a: a.last_personal_at),
        (_("Next contact due"), lambda a: a.next_due_on),
    ]


def _answer_getter(question: CheckinQuestion) -> Callable[[Touchpoint], str]:
    words: dict[str, str] = {CheckinAnswer.YES: _("yes"), CheckinAnswer.NO: _("no")}

    def value(touchpoint: Touchpoint) -> str:
        answer = str((touchpoint.answers or {}).get(question.value, ""))
        return answer if question == CheckinQuestion.WELLBEING else words.get(answer, "")

    return value


def _summary(touchpoint: Touchpoint) -> str:
    """What was noted (with a voucher's order); the call sheet's answers have their own
    columns, and a call-sheet call without notes says so, in the reader's language."""
    if touchpoint.source_kind != TouchpointSource.CALL_SHEET:
        return touchpoint.text
    return touchpoint.summary or str(TouchpointSource.CALL_SHEET.label)


def _labels(choices: type[models.TextChoices]) -> Callable[[str], str]:
    """A choice's label by value, translated once per export instead of once per row (Django's
    get_FOO_display rebuilds and hashes the lazy choices on every call)."""
    labels = {value: str(label) for value, label in choices.choices}
    return lambda value: labels.get(value, value)


def _touchpoint_columns() -> Columns:
    channel, direction, outcome = _labels(Channel), _labels(Direction), _labels(Outcome)
    personal = {True: _("yes"), False: _("no")}
    columns: Columns = [
        (_("When"), lambda t: t.occurred_at),
        (str(FIELDS["account_name"]), lambda t: t.account.name if t.account else ""),
        (_("Contact"), lambda t: t.contact.full_name if t.contact else ""),
        (_("Channel"), lambda t: channel(t.channel)),
        (_("Direction"), lambda t: direction(t.direction)),
        (_("Personal"), lambda t: personal[t.is_personal]),
        (_("Outcome"), lambda t: outcome(t.outcome) if t.outcome else ""),
        (_("Summary"), _summary),
    ]
    # The call sheet's answers, one column per question, in the reader's language.
    columns += [(str(question.label), _answer_getter(question)) for question in CheckinQuestion]
    columns += [
        (_("Participants"), lambda t: ", ".join(p.display_name for p in t.participants.all())),
        (_("Logged by"), lambda t: t.logged_by.display_name if t.logged_by else ""),
    ]
    return columns


def _rows(queryset: QuerySet[Any], columns: Columns) -> Iterator[list[Any]]:
    """Rows in primary-key batches so a large export keeps memory flat."""
    for batch in batched(queryset=queryset, size=CHUNK):
        for row in batch:
            yield [getter(row) for _label, getter in columns]


def csv_safe(value: Any) -> Any:
    """A text a spreadsheet would run as a formula gets a leading ' (the import drops it)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_text(value: Any) -> Any:
    """Dates as ISO text, which every spreadsheet reads as a date and the import reads back."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    return csv_safe(value)


def _csv(queryset: QuerySet[Any], columns: Columns) -> Iterator[bytes]:
    """UTF-8 with BOM so spreadsheet programs see the umlauts; ; for German users.

    Cells starting with = + - @ tab or CR are quoted with ' so that opening the file never
    runs a formula planted in a customer's name or notes (CSV injection). Rows are written
    as they are read, so the download starts at once however large the export.
    """
    delimiter = ";" if (get_language() or "en").startswith("de") else ","
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([label for label, _getter in columns])
    yield ("\ufeff" + buffer.getvalue()).encode()
    for row in _rows(queryset, columns):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_text(value) for value in row])
        yield buffer.getvalue().encode()


def _xlsx(queryset: QuerySet[Any], columns: Columns, title: str) -> Iterator[bytes]:
    """One sheet, streamed row by row; dates are date cells in the reader's format."""
    date_format, datetime_format = _date_formats()
    yield from xlsx_stream(
        title=title,
        header=[label for label, _getter in columns],
        rows=_rows(queryset, columns),
        date_format=date_format,
        datetime_format=datetime_format,
    )


def _date_formats() -> tuple[str, str]:
    language = (get_language() or "en").lower()
    return DATE_FORMATS.get(language) or DATE_FORMATS.get(language[:2]) or ISO_FORMATS


def _vcards(queryset: QuerySet[Contact]) -> Iterator[bytes]:
    import vobject

    for contact in _objects(queryset):
        card = vobject.vCard()
        card.add("n").value = vobject.vcard.Name(family=contact.last_name,
                                                 given=contact.first_name)  # fmt: skip
        card.add("fn").value = contact.full_name or contact.last_name
        if contact.account:
            card.add("org").value = [contact.account.name]
        if contact.job_title:
            card.add("title").value = contact.job_title
        if contact.email:
            card.add("email").value = contact.email
        for number, kind in ((contact.phone, "WORK"), (contact.mobile, "CELL")):
            if number:
                tel = card.add("tel")
                tel.value = number
                tel.type_param = kind
        if contact.street or contact.city:
            card.add("adr").value = vobject.vcard.Address(
                street=contact.street, city=contact.city, region=contact.region,
                code=contact.postal_code, country=contact.get_country_display(),
            )  # fmt: skip
        yield card.serialize().encode()


def _objects(queryset: QuerySet[Any]) -> Iterator[Any]:
    for batch in batched(queryset=queryset, size=CHUNK):
        yield from batch


def export_contacts(*, contacts: QuerySet[Contact], file_format: str) -> Export:
    """Contacts as CSV, XLSX or vCard, with their owner and current newsletter consent."""
    consents = NewsletterConsent.objects.filter(contact=OuterRef("pk"))
    latest = consents.order_by("-recorded_at", "-id")
    contacts = (
        contacts.select_related("account", "owner")
        .prefetch_related("tags")
        .annotate(consent_status=Subquery(latest.values("status")[:1]))
    )
    return _export(contacts, _contact_columns, file_format, _("Contacts"), vcard=True)


def export_accounts(*, accounts: QuerySet[Account], file_format: str) -> Export:
    """Accounts as CSV or XLSX."""
    accounts = accounts.select_related("owner").prefetch_related("tags")
    return _export(accounts, _account_columns, file_format, _("Accounts"))


def export_touchpoints(*, touchpoints: QuerySet[Touchpoint], file_format: str) -> Export:
    """Touchpoints as CSV (streamed as read) or XLSX."""
    touchpoints = touchpoints.select_related("account", "contact", "logged_by").prefetch_related(
        "participants"
    )
    return _export(touchpoints, _touchpoint_columns, file_format, _("Touchpoints"))


def _export(
    queryset: QuerySet[Any],
    columns: Callable[[], Columns],
    file_format: str,
    name: str,
    vcard: bool = False,
) -> Export:
    """The file in the reader's language: headers, sheet name and file name ("Firmen")."""
    stem = f"touchbase-{name}-{timezone.localdate().isoformat()}"
    if file_format == "xlsx":
        return Export(_xlsx(queryset, columns(), name), XLSX_TYPE, f"{stem}.xlsx")
    if file_format == "vcf" and vcard:
        return Export(_vcards(queryset), "text/vcard; charset=utf-8", f"{stem}.vcf")
    return Export(_csv(queryset, columns()), "text/csv; charset=utf-8", f"{stem}.csv")


def export_response(export: Export, *, workspace: Workspace) -> StreamingHttpResponse:
    """The file as a download, streamed inside the workspace's scope and time zone."""
    content = stream_in_scope(export.content, workspace=workspace)
    response = StreamingHttpResponse(content, content_type=export.content_type)
    # RFC 6266 with filename*: "Aktivitäten" keeps its umlaut in every browser.
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    return response
