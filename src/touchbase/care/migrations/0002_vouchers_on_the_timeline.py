"""Vouchers issued or redeemed before the timeline became one table get their touchpoints."""

from django.db import migrations


def forwards(apps, schema_editor):
    Voucher = apps.get_model("care", "Voucher")
    Touchpoint = apps.get_model("relationships", "Touchpoint")
    done = set(
        Touchpoint.objects.filter(source_kind__startswith="voucher_").values_list(
            "source_kind", "source_id"
        )
    )
    rows = []
    for voucher in Voucher.objects.exclude(contact=None, account=None).iterator():
        account_id = voucher.account_id
        if account_id is None and voucher.contact_id:
            account_id = voucher.contact.account_id
        for kind, moment in (("voucher_issued", voucher.issued_at),
                             ("voucher_redeemed", voucher.redeemed_at)):  # fmt: skip
            if moment is None or (kind, voucher.pk) in done:
                continue
            parts = [voucher.code, f"{voucher.value} €", voucher.note]
            if kind == "voucher_redeemed" and voucher.order_reference:
                parts.append(voucher.order_reference)
            rows.append(Touchpoint(
                workspace_id=voucher.workspace_id, contact_id=voucher.contact_id,
                account_id=account_id, channel="record", direction="out", is_personal=False,
                occurred_at=moment, summary=" · ".join(p for p in parts if p),
                source_kind=kind, source_id=voucher.pk,
            ))  # fmt: skip
    Touchpoint.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0001_initial"),
        ("relationships", "0004_move_care_and_imports"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
