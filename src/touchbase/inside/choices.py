"""Choices of the inside area: ask-me-anything sessions and virtual coffee."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    MEMBERS = "members", _("Members of the workspace")
    CUSTOMERS = "customers", _("Invited customers")
    BOTH = "both", _("Members and invited customers")


class QuestionState(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    HIDDEN = "hidden", _("Hidden")
    MERGED = "merged", _("Merged")


class ParticipantKind(models.TextChoices):
    MEMBER = "member", _("Member")
    GUEST = "guest", _("Guest")


class CoffeeEvery(models.IntegerChoices):
    WEEK = 1, _("Every week")
    FORTNIGHT = 2, _("Every other week")


class GroupState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    MET = "met", _("Took place")
    SKIPPED = "skipped", _("Did not take place")
    CANCELLED = "cancelled", _("Cancelled")
