from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from touchbase.core.forms import AdminSignInForm
from touchbase.core.models import ApiToken, Membership, User, WebhookDelivery, Workspace

admin.site.login_form = AdminSignInForm


@admin.register(User)
class TouchbaseUserAdmin(UserAdmin[User]):
    fieldsets = (*(UserAdmin.fieldsets or ()), ("touchbase", {"fields": ("language", "job_title")}))


class MembershipInline(admin.TabularInline[Membership, Workspace]):
    model = Membership
    extra = 0


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin[Workspace]):
    list_display = ["name", "slug", "time_zone"]
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "prefix", "user", "workspace", "last_used_at"]
    readonly_fields = ["digest"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    list_display = ["created_at", "workspace", "event", "url", "status", "attempts",
                    "last_status_code", "next_attempt_at"]  # fmt: skip
    list_filter = ["status", "workspace"]
    search_fields = ["event", "url", "uuid"]
    # The log is the record of what happened; the secret is not for display.
    exclude = ["secret"]
    readonly_fields = ["workspace", "uuid", "event", "url", "body", "status", "attempts",
                       "next_attempt_at", "last_attempt_at", "last_status_code", "last_error",
                       "attempt_log", "delivered_at", "created_at"]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
