"""Visitors: strangers on a public page, known by an e-mail address they confirmed.

A visitor belongs to one workspace (the same address on two companies' portals is two
visitors). Nothing a visitor writes is public before the address is confirmed; a confirmed
visitor is remembered on a device by a random token in a cookie, of which only a hash is kept.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from touchbase.core.choices import Language
from touchbase.core.models import Workspace, WorkspaceOwned

MAX_NAME_LENGTH = 60


class Visitor(WorkspaceOwned):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    # Stored case-folded: one person, one visitor, however they type their address.
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("display name"), max_length=MAX_NAME_LENGTH, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.GERMAN
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # Changes with every confirmation link sent and used, so a link works once.
    link_nonce = models.CharField(max_length=32, blank=True)
    blocked_at = models.DateTimeField(_("blocked"), null=True, blank=True)
    block_reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "email"], name="visitor_one_per_address")
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None

    @property
    def public_name(self) -> str:
        """What others see: the chosen name, else the address's first letter (never more)."""
        if self.name:
            return self.name
        return self.email[:1] + "…"


class VisitorDevice(WorkspaceOwned):
    """A browser that followed the visitor's confirmation link: it stays signed in."""

    LIFETIME = dt.timedelta(days=365)

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="devices")
    token_hash = models.CharField(max_length=64, unique=True)
    user_agent = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)


class PublicAttempt(WorkspaceOwned):
    """One write on a public page, counted by the rate limits per address, visitor and action."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=40)
    # "ip:<address>" or "email:<address>"
    key = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["action", "key", "at"], name="public_attempt_key")]
