from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from touchbase.core.forms import AdminSignInForm
from touchbase.core.models import ApiToken, Membership, User, Workspace

admin.site.login_form = AdminSignInForm


@admin.register(User)
class TouchbaseUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("touchbase", {"fields": ("language", "job_title")}))


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone"]
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "workspace", "last_used_at"]
    readonly_fields = ["digest"]
