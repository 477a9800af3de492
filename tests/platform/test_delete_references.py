"""Deleting a customer respects what other apps keep about it: vouchers, merges, erasures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from touchbase.care.models import ErasureRecord, MergeRecord, Voucher
from touchbase.care.services import contact_erase, contact_merge, voucher_issue
from touchbase.imports.services import import_job_create
from touchbase.relationships.models import Contact
from touchbase.relationships.services import account_delete, contact_delete, contact_save

pytestmark = pytest.mark.django_db


def test_an_accounts_vouchers_stay_without_a_customer(workspace, account, contact, alice):
    voucher = voucher_issue(
        workspace=workspace, contact=contact, value=Decimal(50), by=alice,
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )  # fmt: skip
    account_delete(account=account, by=alice)
    kept = Voucher.objects.get(pk=voucher.pk)
    assert (kept.code, kept.value, kept.contact_id, kept.account_id) == (
        voucher.code, Decimal(50), None, None)  # fmt: skip


def test_a_deleted_person_takes_their_merge_records_along(workspace, account, contact, alice):
    duplicate = contact_save(workspace=workspace, fields={
        "first_name": "Jürgen", "last_name": "Müller", "account": account})  # fmt: skip
    contact_merge(survivor=contact, duplicate=duplicate, by=alice)
    contact_delete(contact=contact, by=alice)
    assert not MergeRecord.objects.filter(workspace=workspace).exists()


def test_an_erased_person_can_still_be_deleted_and_the_erasure_stays_on_record(
    workspace, contact, alice
):
    erasure = contact_erase(contact=contact, by=alice)
    contact_delete(contact=Contact.objects.get(pk=contact.pk), by=alice)
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert ErasureRecord.objects.get(pk=erasure.pk).contact_id_erased == contact.pk


def test_import_jobs_are_untouched_by_deleting_what_they_created(workspace, account, alice):
    job = import_job_create(workspace=workspace, by=alice, filename="k.csv",
                            data=b"Firma;Nachname\nB\xc3\xa4ckerei;Meier\n")  # fmt: skip
    account_delete(account=account, by=alice)
    assert type(job).objects.filter(pk=job.pk).exists()
