from __future__ import annotations

from django.contrib import admin

from touchbase.relationships.models import (
    Account,
    CadencePolicy,
    Contact,
    DeletionRecord,
    Tag,
    Touchpoint,
)


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin[Account]):
    list_display = ["name", "workspace", "segment", "owner", "next_due_on"]
    list_filter = ["workspace", "is_key_account"]
    search_fields = ["name"]
    raw_id_fields = ["owner", "executive_sponsor"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin[Contact]):
    list_display = ["last_name", "first_name", "account", "workspace", "next_due_on"]
    list_filter = ["workspace"]
    search_fields = ["last_name", "email"]
    raw_id_fields = ["account", "owner"]


@admin.register(Touchpoint)
class TouchpointAdmin(admin.ModelAdmin[Touchpoint]):
    list_display = ["occurred_at", "channel", "is_personal", "account", "contact"]
    list_filter = ["workspace", "channel"]
    raw_id_fields = ["account", "contact", "logged_by", "participants"]


admin.site.register(CadencePolicy)
admin.site.register(Tag)


@admin.register(DeletionRecord)
class DeletionRecordAdmin(admin.ModelAdmin[DeletionRecord]):
    list_display = ["deleted_at", "kind", "object_id", "name", "deleted_by", "workspace"]
    list_filter = ["workspace", "kind"]
