"""Writes of the relationship core, one module per concern; import them from here."""

from __future__ import annotations

from touchbase.relationships.services.cadence import (
    Customer,
    cadence_days_for,
    cadence_policy_delete,
    cadence_policy_save,
    cadence_recompute,
    due_dates,
    policies_ranked,
    policy_matches,
)
from touchbase.relationships.services.call_sheet import (
    CheckinAnswers,
    call_sheet_submit,
    consent_record,
)
from touchbase.relationships.services.customers import (
    MAX_TAGS,
    TAG_NAME_LENGTH,
    account_save,
    contact_require_active,
    contact_save,
    customers_release,
    search_text_refresh,
    tags_from_names,
)
from touchbase.relationships.services.deletion import (
    DeletionPreview,
    account_delete,
    account_delete_preview,
    cadence_state_rederive,
    contact_delete,
    contact_delete_preview,
    touchpoint_deletable,
    touchpoint_delete,
    touchpoint_moves_due_date,
)
from touchbase.relationships.services.touchpoints import (
    EARLIEST_TOUCHPOINT,
    attempt_record,
    due_snooze,
    due_snooze_undo,
    due_unsnooze,
    personal_contact_record,
    touchpoint_log,
)

__all__ = [
    "EARLIEST_TOUCHPOINT",
    "MAX_TAGS",
    "TAG_NAME_LENGTH",
    "CheckinAnswers",
    "Customer",
    "DeletionPreview",
    "account_delete",
    "account_delete_preview",
    "account_save",
    "attempt_record",
    "cadence_days_for",
    "cadence_policy_delete",
    "cadence_policy_save",
    "cadence_recompute",
    "cadence_state_rederive",
    "call_sheet_submit",
    "consent_record",
    "contact_delete",
    "contact_delete_preview",
    "contact_require_active",
    "contact_save",
    "customers_release",
    "due_dates",
    "due_snooze",
    "due_snooze_undo",
    "due_unsnooze",
    "personal_contact_record",
    "policies_ranked",
    "policy_matches",
    "search_text_refresh",
    "tags_from_names",
    "touchpoint_deletable",
    "touchpoint_moves_due_date",
    "touchpoint_delete",
    "touchpoint_log",
]
