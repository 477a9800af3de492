"""Writes for keeping customer data clean and lawful: consent, bounces, advice, vouchers,
merging duplicates, and a person's rights to their data (GDPR Art. 15 and 17)."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from touchbase.care.models import ErasureRecord, MergeRecord, RegionalAdvice, Voucher
from touchbase.core import registry
from touchbase.core.models import User, Workspace
from touchbase.core.timeutil import local_today
from touchbase.relationships.choices import Channel, ConsentStatus
from touchbase.relationships.models import Account, Contact, NewsletterConsent, Touchpoint
from touchbase.relationships.services import (
    cadence_recompute,
    consent_record,
    contact_require_active,
    touchpoint_log,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


# --- consent and bounces -------------------------------------------------------------------


@transaction.atomic
def consent_change(
    *, contact: Contact, status: str, source: str, by: User | None
) -> NewsletterConsent | None:
    """Record that the person gave or withdrew newsletter consent, with where it came from."""
    errors = {}
    if status not in ConsentStatus.values:
        errors["status"] = _("Choose given or withdrawn.")
    if not source.strip():
        errors["source"] = _("Say where the consent comes from (form, call, fair …).")
    if errors:
        raise ValidationError(errors)
    return consent_record(contact=contact, status=status, source=source.strip()[:120], by=by)


def email_bounce_mark(*, contact: Contact) -> Contact:
    """Note that mail to the contact's address bounced; the freshness report shows it."""
    contact_require_active(contact)
    Contact.objects.filter(pk=contact.pk).update(email_bounced_at=timezone.now())
    contact.refresh_from_db()
    return contact


# --- regional advice -----------------------------------------------------------------------


@transaction.atomic
def advice_save(*, advice: RegionalAdvice) -> RegionalAdvice:
    """Validate and store a regional note."""
    advice.region = advice.region.strip()
    advice.full_clean()
    advice.save()
    return advice


# --- vouchers ------------------------------------------------------------------------------


def _new_code() -> str:
    return "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(3))


@transaction.atomic
def voucher_issue(
    *,
    workspace: Workspace,
    value: Decimal,
    valid_until: dt.date,
    by: User | None,
    contact: Contact | None = None,
    account: Account | None = None,
    note: str = "",
) -> Voucher:
    """Issue a voucher with a unique, phone-friendly code for a contact or account."""
    errors = {}
    if contact is None and account is None:
        errors["contact"] = _("Choose who gets the voucher.")
    for name, row in (("contact", contact), ("account", account)):
        if row is not None and row.workspace_id != workspace.id:
            errors[name] = _("Choose one from this workspace.")
    if value is None or value <= 0:
        errors["value"] = _("Enter a value above zero.")
    if valid_until < local_today(workspace.zone):
        errors["valid_until"] = _("The voucher would be expired already.")
    if errors:
        raise ValidationError(errors)
    contact_require_active(contact)
    if contact is not None and account is None:
        account = contact.account
    for _attempt in range(5):
        try:
            with transaction.atomic():
                voucher = Voucher.objects.create(
                    workspace=workspace, code=_new_code(), value=value, contact=contact,
                    account=account, note=note[:200], valid_until=valid_until, issued_by=by,
                )  # fmt: skip
        except IntegrityError:
            continue
        voucher_on_timeline(voucher=voucher, kind=VOUCHER_ISSUED, by=by)
        return voucher
    raise ValidationError(_("Could not find a free voucher code; try again."))


VOUCHER_ISSUED, VOUCHER_REDEEMED = "voucher_issued", "voucher_redeemed"


def voucher_on_timeline(*, voucher: Voucher, kind: str, by: User | None) -> Touchpoint | None:
    """Put the voucher's issue or redemption on the customer's timeline as a record."""
    # An erased person's vouchers stay redeemable; the record then goes on the account only.
    contact = voucher.contact if voucher.contact and not voucher.contact.is_erased else None
    if contact is None and voucher.account is None:
        return None
    parts = [voucher.code, f"{voucher.value} €", voucher.note]
    if kind == VOUCHER_REDEEMED:
        if voucher.redeemed_at is None:
            raise ValueError("Only a redeemed voucher's redemption goes on the timeline.")
        parts.append(_("Order %(order)s") % {"order": voucher.order_reference})
        moment = voucher.redeemed_at
    else:
        moment = voucher.issued_at
    return touchpoint_log(
        workspace=voucher.workspace, channel=Channel.RECORD, occurred_at=moment, logged_by=by,
        contact=contact, account=voucher.account, is_personal=False,
        summary=" · ".join(part for part in parts if part), source_kind=kind,
        source_id=voucher.pk,
    )  # fmt: skip


@transaction.atomic
def voucher_redeem(*, voucher: Voucher, order_reference: str, by: User | None) -> Voucher:
    """Credit the voucher against an order, once, while it is valid."""
    voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
    today = local_today(voucher.workspace.zone)
    if voucher.redeemed_at:
        raise ValidationError({"code": _("This voucher was redeemed already.")})
    if voucher.valid_until < today:
        raise ValidationError({"code": _("This voucher expired on %(day)s.") % {
            "day": voucher.valid_until.isoformat()}})  # fmt: skip
    if not order_reference.strip():
        raise ValidationError({"order_reference": _("Enter the order it is credited to.")})
    voucher.redeemed_at = timezone.now()
    voucher.redeemed_by = by
    voucher.order_reference = order_reference.strip()[:100]
    voucher.save(update_fields=["redeemed_at", "redeemed_by", "order_reference"])
    voucher_on_timeline(voucher=voucher, kind=VOUCHER_REDEEMED, by=by)
    return voucher


# --- merging duplicates --------------------------------------------------------------------

FILLABLE = [
    "first_name", "job_title", "email", "phone", "mobile", "street", "postal_code", "city",
    "region", "preferred_channel", "wellbeing_note", "account_id", "owner_id",
]  # fmt: skip


@transaction.atomic
def contact_merge(*, survivor: Contact, duplicate: Contact, by: User | None) -> MergeRecord:
    """Merge the duplicate into the survivor and record it.

    Steps: lock both; fill the survivor's empty fields from the duplicate; move touchpoints,
    consents, vouchers and tags; keep the later personal contact; delete the duplicate;
    re-derive the survivor's due dates.
    """
    if survivor.pk == duplicate.pk or survivor.workspace_id != duplicate.workspace_id:
        raise ValidationError(_("Choose two different contacts of this workspace."))
    locked = {c.pk: c for c in Contact.objects.select_for_update().filter(
        pk__in=[survivor.pk, duplicate.pk])}  # fmt: skip
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    contact_require_active(survivor)
    contact_require_active(duplicate)
    for name in FILLABLE:
        if not getattr(survivor, name) and getattr(duplicate, name):
            setattr(survivor, name, getattr(duplicate, name))
    for stamp in ("last_personal_at", "address_verified_at", "phone_verified_at",
                  "email_verified_at", "newsletter_verified_at"):  # fmt: skip
        values = [v for v in (getattr(survivor, stamp), getattr(duplicate, stamp)) if v]
        setattr(survivor, stamp, max(values) if values else None)
    moved = {
        "touchpoints": Touchpoint.objects.filter(contact=duplicate).update(contact=survivor),
        "consents": NewsletterConsent.objects.filter(contact=duplicate).update(contact=survivor),
        "vouchers": Voucher.objects.filter(contact=duplicate).update(contact=survivor),
        "tags": duplicate.tags.count(),
    }
    survivor.tags.add(
        *duplicate.tags.all(), through_defaults={"workspace_id": survivor.workspace_id}
    )
    survivor.save()
    record = MergeRecord.objects.create(
        workspace_id=survivor.workspace_id, survivor=survivor, merged_contact_id=duplicate.pk,
        merged_name=duplicate.full_name[:220], merged_email=duplicate.email, moved=moved,
        merged_by=by,
    )  # fmt: skip
    duplicate.delete()
    cadence_recompute(workspace=survivor.workspace, contacts=Contact.objects.filter(pk=survivor.pk))
    return record


# --- personal-data rights ------------------------------------------------------------------

PERSONAL_FIELDS = {
    "first_name": "", "last_name": "", "job_title": "", "email": "", "phone": "",
    "mobile": "", "street": "", "postal_code": "", "city": "", "wellbeing_note": "",
    "snooze_reason": "", "works_from_home": None, "email_bounced_at": None,
    "address_verified_at": None, "phone_verified_at": None, "email_verified_at": None,
    "newsletter_verified_at": None, "works_from_home_verified_at": None,
}  # fmt: skip


def personal_data_export(*, contact: Contact) -> dict[str, Any]:
    """Everything touchbase holds on one person, machine-readable (GDPR Art. 15)."""
    fields = {
        field.name: _plain(getattr(contact, field.attname))
        for field in Contact._meta.concrete_fields
        if field.name not in ("workspace", "search_text")  # search_text: a derived copy
    }
    return {
        "exported_at": timezone.now().isoformat(),
        "workspace": contact.workspace.name,
        "contact": fields,
        "account": contact.account.name if contact.account else None,
        "tags": [tag.name for tag in contact.tags.all()],
        "newsletter_consents": [
            {"status": c.status, "recorded_at": c.recorded_at.isoformat(), "source": c.source}
            for c in contact.consents.order_by("recorded_at")
        ],
        "touchpoints": [
            {
                "occurred_at": t.occurred_at.isoformat(),
                "channel": t.channel,
                "direction": t.direction,
                "personal": t.is_personal,
                "summary": t.summary,
                "outcome": t.outcome,
            }
            for t in contact.touchpoints.order_by("occurred_at")
        ],  # fmt: skip
        "vouchers": [
            {
                "code": v.code,
                "value": str(v.value),
                "valid_until": v.valid_until.isoformat(),
                "redeemed_at": v.redeemed_at.isoformat() if v.redeemed_at else None,
            }
            for v in contact.vouchers.order_by("issued_at")
        ],  # fmt: skip
        **{handler.name: handler.export(contact) for handler in registry.personal_data},
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@transaction.atomic
def contact_erase(*, contact: Contact, by: User | None) -> ErasureRecord:
    """Remove a person's personal data (GDPR Art. 17) and keep the figures.

    The row stays, stripped of everything personal, so counts, coverage and touchpoint
    statistics remain right; touchpoint summaries, consents and tags go; the log says
    when and by whom, not who.
    """
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.erased_at is not None:
        done = ErasureRecord.objects.filter(contact_id_erased=contact.pk).order_by("-pk").first()
        if done is not None:
            return done  # erasing again has nothing left to erase
    # Other apps find what they hold on the person by name and e-mail: ask them first.
    for handler in registry.personal_data:
        handler.erase(contact)
    for name, empty in PERSONAL_FIELDS.items():
        setattr(contact, name, empty)
    contact.last_name = _("[erased]")
    contact.erased_at = timezone.now()
    # Nobody is due to call an erased person; cadence_due_on stays for the coverage figures.
    contact.next_due_on = contact.snoozed_until = None
    contact.save()
    contact.tags.clear()
    contact.consents.all().delete()
    contact.touchpoints.update(summary="")
    Voucher.objects.filter(contact=contact).update(note="")
    MergeRecord.objects.filter(survivor=contact).update(merged_name="", merged_email="")
    return ErasureRecord.objects.create(
        workspace_id=contact.workspace_id, contact_id_erased=contact.pk, erased_by=by
    )
