"""Admin screens of the inside area. A question's author and pseudonym are never shown: for an
anonymous question the admin knows no more than the moderators."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from touchbase.inside.models import AmaFollowUp, AmaQuestion, AmaSession, CoffeeRound


class QuestionInline(admin.TabularInline[AmaQuestion, AmaSession]):
    model = AmaQuestion
    fields = ["text", "asker_name", "state", "pinned", "votes", "answer"]
    readonly_fields = ["asker_name", "votes"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: AmaSession | None = None) -> bool:
        return False


@admin.register(AmaSession)
class AmaSessionAdmin(admin.ModelAdmin[AmaSession]):
    list_display = ["title", "workspace", "leader", "starts_at", "audience", "closed_at"]
    list_filter = ["workspace", "audience"]
    search_fields = ["title"]
    raw_id_fields = ["leader", "moderators", "created_by"]
    exclude = ["join_nonce", "version"]
    inlines = [QuestionInline]


@admin.register(AmaQuestion)
class AmaQuestionAdmin(admin.ModelAdmin[AmaQuestion]):
    list_display = ["text", "asker_name", "session", "state", "votes"]
    list_filter = ["workspace", "state", "anonymous"]
    search_fields = ["text"]
    # author and pseudonym stay out: for anonymous questions nobody may see who asked.
    fields = ["session", "text", "asker_name", "anonymous", "state", "pinned", "votes", "answer",
              "answered_at"]  # fmt: skip
    readonly_fields = ["session", "asker_name", "anonymous", "votes", "answered_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AmaFollowUp)
class AmaFollowUpAdmin(admin.ModelAdmin[AmaFollowUp]):
    list_display = ["question", "owner", "due_on", "done_at"]
    list_filter = ["workspace"]
    raw_id_fields = ["question", "owner"]


@admin.register(CoffeeRound)
class CoffeeRoundAdmin(admin.ModelAdmin[CoffeeRound]):
    list_display = ["number", "on", "workspace"]
    list_filter = ["workspace"]
