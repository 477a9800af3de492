"""Writes for keeping customer data clean and lawful: consent, bounces, advice, vouchers,
merging duplicates, and a person's rights to their data (GDPR Art. 15 and 17)."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from touchbase.care import matching
from touchbase.care.choices import DuplicateKind, ScanStatus
from touchbase.care.models import (
    AccountMergeRecord,
    DuplicateCandidate,
    DuplicateScan,
    ErasureRecord,
    MergeRecord,
    RegionalAdvice,
    Voucher,
)
from touchbase.core import registry
from touchbase.core.models import User, Workspace
from touchbase.core.tenancy import workspace_scope
from touchbase.core.timeutil import local_today
from touchbase.relationships.choices import ORDER_REFERENCE, Channel, ConsentStatus
from touchbase.relationships.models import Account, Contact, NewsletterConsent, Touchpoint
from touchbase.relationships.services import (
    cadence_recompute,
    consent_record,
    contact_require_active,
    search_text_refresh,
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
    details: dict[str, str] = {}
    if kind == VOUCHER_REDEEMED:
        if voucher.redeemed_at is None:
            raise ValueError("Only a redeemed voucher's redemption goes on the timeline.")
        # Stored as data: the timeline says "Order …" in each reader's language.
        details[ORDER_REFERENCE] = voucher.order_reference
        moment = voucher.redeemed_at
    else:
        moment = voucher.issued_at
    return touchpoint_log(
        workspace=voucher.workspace, channel=Channel.RECORD, occurred_at=moment, logged_by=by,
        contact=contact, account=voucher.account, is_personal=False,
        summary=" · ".join(part for part in parts if part), answers=details, source_kind=kind,
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
    "region", "preferred_channel", "wellbeing_note", "notes", "account_id", "owner_id",
]  # fmt: skip


CONTACT_STAMPS = [
    "last_personal_at", "address_verified_at", "phone_verified_at", "email_verified_at",
    "newsletter_verified_at",
]  # fmt: skip


def _take_over(survivor: Contact | Account, duplicate: Contact | Account, *,
               fillable: list[str], stamps: list[str]) -> None:  # fmt: skip
    """The survivor keeps its values, fills its gaps from the duplicate and the later stamps."""
    for name in fillable:
        if not getattr(survivor, name) and getattr(duplicate, name):
            setattr(survivor, name, getattr(duplicate, name))
    for stamp in stamps:
        values = [v for v in (getattr(survivor, stamp), getattr(duplicate, stamp)) if v]
        setattr(survivor, stamp, max(values) if values else None)


def _tags_take_over(survivor: Contact | Account, duplicate: Contact | Account) -> int:
    tags = list(duplicate.tags.all())
    survivor.tags.add(*tags, through_defaults={"workspace_id": survivor.workspace_id})
    return len(tags)


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
    _take_over(survivor, duplicate, fillable=FILLABLE, stamps=CONTACT_STAMPS)
    if survivor.account is not None:
        survivor.value = survivor.account.value  # a contact carries its account's value
    moved = {
        "touchpoints": Touchpoint.objects.filter(contact=duplicate).update(contact=survivor),
        "consents": NewsletterConsent.objects.filter(contact=duplicate).update(contact=survivor),
        "vouchers": Voucher.objects.filter(contact=duplicate).update(contact=survivor),
        "tags": _tags_take_over(survivor, duplicate),
    }
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
    "notes": "", "snooze_reason": "", "works_from_home": None, "email_bounced_at": None,
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
            {
                "status": c.status,
                "recorded_at": c.recorded_at.isoformat(),
                "source": c.source_display,
            }
            for c in contact.consents.order_by("recorded_at")
        ],
        "touchpoints": [
            {
                "occurred_at": t.occurred_at.isoformat(),
                "channel": t.channel,
                "direction": t.direction,
                "personal": t.is_personal,
                "summary": t.summary,
                "answers": t.answers,
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
    # No placeholder is stored (last_name stays empty): Contact.full_name shows "[erased]"
    # in the reader's language.
    contact.erased_at = timezone.now()
    # Nobody is due to call an erased person; cadence_due_on stays for the coverage figures.
    contact.next_due_on = contact.snoozed_until = None
    contact.save()
    contact.tags.clear()
    contact.consents.all().delete()
    contact.touchpoints.update(summary="", answers={})
    Voucher.objects.filter(contact=contact).update(note="")
    MergeRecord.objects.filter(survivor=contact).update(merged_name="", merged_email="")
    return ErasureRecord.objects.create(
        workspace_id=contact.workspace_id, contact_id_erased=contact.pk, erased_by=by
    )


# --- merging accounts ----------------------------------------------------------------------

ACCOUNT_FILLABLE = [
    "segment", "phone", "email", "website", "street", "postal_code", "city", "region",
    "language", "notes", "owner_id", "executive_sponsor_id",
]  # fmt: skip
ACCOUNT_STAMPS = ["last_personal_at", "last_attempt_at", "address_verified_at"]


@transaction.atomic
def account_merge(*, survivor: Account, duplicate: Account, by: User | None) -> AccountMergeRecord:
    """Merge the duplicate account into the survivor and record it.

    Steps: lock both; fill the survivor's empty fields from the duplicate (a key account
    stays one, the higher annual value wins); move contacts, touchpoints, vouchers and tags;
    keep the later personal contact; delete the duplicate; re-derive the due dates of the
    survivor and of the contacts that moved (account tags and segment count for them).
    """
    if survivor.pk == duplicate.pk or survivor.workspace_id != duplicate.workspace_id:
        raise ValidationError(_("Choose two different accounts of this workspace."))
    locked = {a.pk: a for a in Account.objects.select_for_update().filter(
        pk__in=[survivor.pk, duplicate.pk])}  # fmt: skip
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    _take_over(survivor, duplicate, fillable=ACCOUNT_FILLABLE, stamps=ACCOUNT_STAMPS)
    survivor.is_key_account = survivor.is_key_account or duplicate.is_key_account
    survivor.value = max(survivor.value, duplicate.value)
    moved_contacts = list(Contact.objects.filter(account=duplicate).values_list("pk", flat=True))
    moved = {
        "contacts": Contact.objects.filter(account=duplicate).update(account=survivor),
        "touchpoints": Touchpoint.objects.filter(account=duplicate).update(account=survivor),
        "vouchers": Voucher.objects.filter(account=duplicate).update(account=survivor),
        "tags": _tags_take_over(survivor, duplicate),
    }
    survivor.save()
    # Its people carry the survivor's value, which may be the duplicate's higher one now.
    Contact.objects.filter(account=survivor).exclude(value=survivor.value).update(
        value=survivor.value
    )
    record = AccountMergeRecord.objects.create(
        workspace_id=survivor.workspace_id, survivor=survivor, merged_account_id=duplicate.pk,
        merged_name=duplicate.name[:200], moved=moved, merged_by=by,
    )  # fmt: skip
    duplicate.delete()
    # The people who moved are found by their new company's name from now on.
    search_text_refresh(contacts=Contact.objects.filter(pk__in=moved_contacts))
    cadence_recompute(
        workspace=survivor.workspace,
        accounts=Account.objects.filter(pk=survivor.pk),
        contacts=Contact.objects.filter(pk__in=moved_contacts),
    )
    return record


# --- duplicate candidates ------------------------------------------------------------------

# A scan asked for while another waits or runs is that one; one stuck this long is given up.
SCAN_STALE_AFTER = dt.timedelta(hours=1)
# The scheduler looks again at a workspace whose customers changed this long after its scan.
SCAN_EVERY = dt.timedelta(hours=6)


def duplicate_scan_request(
    *, workspace: Workspace, by: User | None, trigger: str = "user"
) -> DuplicateScan:
    """Ask the worker to look for duplicates; a scan already waiting or running is reused."""
    pending = (
        DuplicateScan.objects.filter(
            workspace=workspace, status__in=(ScanStatus.QUEUED, ScanStatus.RUNNING),
            requested_at__gte=timezone.now() - SCAN_STALE_AFTER,
        ).order_by("-requested_at").first()
    )  # fmt: skip
    if pending is not None:
        return pending
    scan = DuplicateScan.objects.create(workspace=workspace, requested_by=by, trigger=trigger)
    workspace_id, scan_id = workspace.pk, scan.pk

    def enqueue() -> None:
        from touchbase.care.tasks import duplicate_scan_task

        duplicate_scan_task.enqueue(workspace_id=workspace_id, scan_id=scan_id)

    transaction.on_commit(enqueue)
    return scan


def duplicate_scan_run(*, scan: DuplicateScan) -> DuplicateScan:
    """The scan, in the worker: find the pairs of contacts and of accounts, store them.

    Steps: claim the scan (queued → running), so a task run twice scans once; find the
    pairs (care.matching); replace the stored candidates of the workspace, keeping the ids
    of pairs found again and every pair marked "not a duplicate"; note the figures.
    """
    claimed = DuplicateScan.objects.filter(pk=scan.pk, status=ScanStatus.QUEUED).update(
        status=ScanStatus.RUNNING, started_at=timezone.now()
    )
    scan.refresh_from_db()
    if not claimed:
        return scan
    started = time.perf_counter()
    try:
        result = duplicates_find(workspace=scan.workspace)
        found = duplicate_candidates_store(workspace=scan.workspace, result=result)
    except Exception:
        DuplicateScan.objects.filter(pk=scan.pk).update(
            status=ScanStatus.FAILED, finished_at=timezone.now()
        )
        raise
    DuplicateScan.objects.filter(pk=scan.pk).update(
        status=ScanStatus.DONE, finished_at=timezone.now(), found=found,
        contacts_checked=result.contacts_checked, accounts_checked=result.accounts_checked,
        seconds=round(time.perf_counter() - started, 3),
    )  # fmt: skip
    scan.refresh_from_db()
    return scan


@dataclass
class DuplicatesFound:
    """Pairs of contacts and of accounts with their reasons, and how many rows were looked at."""

    contacts: matching.Found
    accounts: matching.Found
    contacts_checked: int
    accounts_checked: int


def duplicates_find(*, workspace: Workspace) -> DuplicatesFound:
    """Likely duplicates among the workspace's contacts and accounts (no writes)."""
    contact_rows = list(
        Contact.objects.filter(workspace=workspace, erased_at__isnull=True).values_list(
            "id", "first_name", "last_name", "email", "phone", "mobile", "account_id",
            "street", "postal_code",
        )
    )  # fmt: skip
    account_rows = list(
        Account.objects.filter(workspace=workspace).values_list(
            "id", "name", "email", "website", "phone", "street", "postal_code"
        )
    )
    return DuplicatesFound(
        contacts=matching.contact_pairs(contact_rows),
        accounts=matching.account_pairs(account_rows),
        contacts_checked=len(contact_rows),
        accounts_checked=len(account_rows),
    )


STORE_BATCH = 500  # rows per statement; SQLite allows only so many parameters


@transaction.atomic
def duplicate_candidates_store(*, workspace: Workspace, result: DuplicatesFound) -> int:
    """Make the stored candidates those just found; dismissed pairs stay dismissed.

    Steps, per kind: read the stored pairs (ids and scores only); create the new ones; update
    those whose score or reasons changed; delete those no longer found unless dismissed;
    stamp the rest as found now in one statement. A rescan of unchanged customers writes
    almost nothing. Returns how many open (not dismissed) candidates there are now.
    """
    now = timezone.now()
    total = 0
    for kind, found, first, second in (
        (DuplicateKind.CONTACT, result.contacts, "first_contact_id", "second_contact_id"),
        (DuplicateKind.ACCOUNT, result.accounts, "first_account_id", "second_account_id"),
    ):
        rows = DuplicateCandidate.objects.filter(workspace=workspace, kind=kind)
        stored = {
            (one, two): (pk, is_dismissed, score, reasons)
            for pk, one, two, is_dismissed, score, reasons in rows.values_list(
                "pk", first, second, "is_dismissed", "score", "reasons"
            )
        }
        created, changed = [], []
        for pair, reasons in found.pairs.items():
            score = matching.score_of(reasons)
            known = stored.pop(pair, None)
            if known is None:
                created.append(DuplicateCandidate(
                    workspace=workspace, kind=kind, computed_at=now, score=score,
                    reasons=reasons, **{first: pair[0], second: pair[1]},
                ))  # fmt: skip
            elif not known[1] and (known[2], known[3]) != (score, reasons):
                changed.append(DuplicateCandidate(pk=known[0], score=score, reasons=reasons))
        gone = [pk for pk, is_dismissed, _score, _reasons in stored.values() if not is_dismissed]
        for start in range(0, len(gone), STORE_BATCH):
            DuplicateCandidate.objects.filter(pk__in=gone[start : start + STORE_BATCH]).delete()
        DuplicateCandidate.objects.bulk_update(
            changed, ["score", "reasons"], batch_size=STORE_BATCH
        )
        rows.filter(is_dismissed=False).update(computed_at=now)
        DuplicateCandidate.objects.bulk_create(created, batch_size=STORE_BATCH)
        total += rows.filter(is_dismissed=False).count()
    return total


def duplicate_dismiss(*, candidate: DuplicateCandidate, by: User | None) -> DuplicateCandidate:
    """Mark the pair "not a duplicate": no later scan offers it again."""
    DuplicateCandidate.objects.filter(pk=candidate.pk).update(is_dismissed=True, dismissed_by=by)
    candidate.refresh_from_db()
    return candidate


@transaction.atomic
def duplicate_merge(
    *, candidate: DuplicateCandidate, survivor_id: int, by: User | None
) -> MergeRecord | AccountMergeRecord:
    """Merge the pair, keeping the record the user chose on the preview."""
    first, second = candidate.first, candidate.second
    if survivor_id not in (first.pk, second.pk):
        raise ValidationError({"survivor_id": _("Choose one of the two records to keep.")})
    if candidate.is_dismissed:
        raise ValidationError(_("This pair was marked as not a duplicate."))
    survivor, duplicate = (first, second) if survivor_id == first.pk else (second, first)
    if isinstance(survivor, Contact) and isinstance(duplicate, Contact):
        return contact_merge(survivor=survivor, duplicate=duplicate, by=by)
    assert isinstance(survivor, Account)
    assert isinstance(duplicate, Account)
    return account_merge(survivor=survivor, duplicate=duplicate, by=by)


def duplicate_scans_schedule(*, now: dt.datetime | None = None) -> int:
    """Periodic job: a scan for each workspace whose customers changed since its last scan.

    Workspaces scanned within SCAN_EVERY are left alone, so a busy workspace is scanned a few
    times a day, not on every tick. Returns how many scans were asked for.
    """
    now = now or timezone.now()
    asked = 0
    for workspace in Workspace.objects.all():
        with workspace_scope(workspace):
            asked += _schedule_one(workspace, now)
    return asked


# When the scheduler last found a workspace unchanged: it looks again only SCAN_EVERY later
# instead of scanning the customer tables on every tick (kept per worker process).
_found_unchanged: dict[int, dt.datetime] = {}


def _schedule_one(workspace: Workspace, now: dt.datetime) -> int:
    latest = DuplicateScan.objects.filter(workspace=workspace).order_by("-requested_at").first()
    if latest is not None and latest.requested_at > now - SCAN_EVERY:
        return 0
    checked = _found_unchanged.get(workspace.pk)
    if checked is not None and checked > now - SCAN_EVERY:
        return 0
    since = latest.requested_at if latest else None
    changed = False
    for model in (Contact, Account):
        rows = model.objects.filter(workspace=workspace)
        changed = changed or (rows.filter(updated_at__gt=since) if since else rows).exists()
    if not changed:
        _found_unchanged[workspace.pk] = now
        return 0
    _found_unchanged.pop(workspace.pk, None)
    duplicate_scan_request(workspace=workspace, by=None, trigger="schedule")
    return 1
