from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdeaStatus(models.TextChoices):
    NEW = "new", _("New")
    UNDER_REVIEW = "under_review", _("Under review")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")


ROADMAP_STATUSES = [IdeaStatus.PLANNED, IdeaStatus.IN_PROGRESS, IdeaStatus.DONE]


class IdeaSort(models.TextChoices):
    TOP = "top", _("Top")
    NEW = "new", _("New")
    TRENDING = "trending", _("Trending")


class MailKind(models.TextChoices):
    STATUS = "status", _("Status changed")
    MERGED = "merged", _("Merged into another idea")
