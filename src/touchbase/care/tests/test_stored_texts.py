"""Care's records on the timeline and erasure keep no text in one language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from touchbase.care.services import (
    contact_erase,
    personal_data_export,
    voucher_issue,
    voucher_redeem,
)
from touchbase.relationships.models import Touchpoint
from touchbase.relationships.services import CheckinAnswers, call_sheet_submit


def call(contact, by, **answers):
    return call_sheet_submit(contact=contact, by=by, answers=CheckinAnswers(**answers))


@pytest.mark.django_db
def test_erasing_the_person_removes_the_answers_they_gave(contact, alice):
    touchpoint = call(contact, alice, wellbeing="Krank geschrieben", summary="Rückruf")
    exported = personal_data_export(contact=contact)["touchpoints"]
    assert exported[0]["answers"] == {"wellbeing": "Krank geschrieben"}
    contact_erase(contact=contact, by=alice)
    touchpoint.refresh_from_db()
    assert (touchpoint.summary, touchpoint.answers) == ("", {})


@pytest.mark.django_db
def test_a_redeemed_voucher_reads_order_in_the_readers_language(workspace, contact, alice):
    voucher = voucher_issue(workspace=workspace, contact=contact, value=50, by=alice,
                            valid_until=timezone.localdate() + dt.timedelta(days=30))  # fmt: skip
    voucher_redeem(voucher=voucher, order_reference="A-4711", by=alice)
    record = Touchpoint.objects.get(source_kind="voucher_redeemed")
    assert record.answers == {"order": "A-4711"}
    assert "A-4711" not in record.summary
    with translation.override("de"):
        assert record.text.endswith("Auftrag A-4711")
    with translation.override("en"):
        assert record.text.endswith("Order A-4711")
