from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    UPLOAD = "upload", _("Files and entries by hand")
    FEED = "feed", _("RSS or Atom feed")
    WEBHOOK = "webhook", _("Webhook")
    INVITATION = "invitation", _("Review invitations")


class MentionSentiment(models.TextChoices):
    NEGATIVE = "negative", _("negative")
    NEUTRAL = "neutral", _("neutral")
    POSITIVE = "positive", _("positive")


class IngestStatus(models.TextChoices):
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Storing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReplyChannel(models.TextChoices):
    """Where a mention was answered; a phone call or an e-mail is that channel's touchpoint."""

    SOURCE = "source", _("In public, where it was written")
    EMAIL = "email", _("By e-mail")
    PHONE = "phone", _("By phone")
    MESSAGE = "message", _("By private message")


class CloseReason(models.TextChoices):
    """Why a mention left the queue without an answer: counted apart, never as answered."""

    SPAM = "spam", _("Spam")
    IRRELEVANT = "irrelevant", _("Not about us")
