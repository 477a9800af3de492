"""Choices of data care: duplicate candidates and their scans."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DuplicateKind(models.TextChoices):
    CONTACT = "contact", _("Contacts")
    ACCOUNT = "account", _("Accounts")


class DuplicateReason(models.TextChoices):
    EMAIL = "email", _("same e-mail")
    PHONE = "phone", _("same phone number")
    NAME = "name", _("similar name")
    DOMAIN = "domain", _("same website or e-mail domain")
    ADDRESS = "address", _("same address")


class ScanStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Looking for duplicates")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
