"""Choices shared by the whole platform."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    LEADER = "leader", _("Leader")
    STAFF = "staff", _("Staff")
    COMMUNITY_MANAGER = "community_manager", _("Community manager")
    HELPER = "helper", _("Helper")


class DigestFrequency(models.TextChoices):
    OFF = "off", _("No digest")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class Language(models.TextChoices):
    # English (UK) speaks the English texts with British dates (23/11/2026).
    ENGLISH = "en", _("English")
    ENGLISH_UK = "en-gb", _("English (UK)")
    GERMAN = "de", _("German")


class WebhookStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class CalendarMethod(models.TextChoices):
    # iTIP methods (RFC 5546) of the invitations we send.
    REQUEST = "REQUEST", _("Invitation")
    CANCEL = "CANCEL", _("Cancellation")


LEADER_ROLES = (Role.OWNER, Role.LEADER)
