"""Workspaces, people and their memberships: the platform every business row stands on."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
import zoneinfo
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from touchbase.core.choices import Country, DigestFrequency, Language, Role, WebhookStatus


def validate_time_zone(value: str) -> None:
    """Refuse names the IANA database does not know."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(zone)s"), params={"zone": value})


class User(AbstractUser):
    """A person who signs in; the language is their own choice for every screen and e-mail."""

    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Workspace(models.Model):
    """One company using touchbase; every business row belongs to exactly one."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Berlin", validators=[validate_time_zone]
    )
    default_cadence_days = models.PositiveIntegerField(
        _("default cadence (days)"), default=365,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )  # fmt: skip
    home_country = models.CharField(
        _("home country"), max_length=2, choices=Country.choices, default=Country.GERMANY,
        help_text=_("Phone numbers of this country are shown in national format, all others "
                    "in international format. Customers without a country are placed in it."),
    )  # fmt: skip
    # The relationship core reads it: after this many contacts in a row with a person that
    # were only e-mails or mass mailings, it suggests a call or a coffee.
    human_first_after = models.PositiveSmallIntegerField(
        _("suggest a call after"), default=3,
        validators=[MinValueValidator(2), MaxValueValidator(20)],
        help_text=_("When this many contacts in a row with a person were only e-mails or "
                    "mass mailings, touchbase suggests a call or a coffee instead."),
    )  # fmt: skip
    accent_color = models.CharField(
        _("accent colour"), max_length=7, default="#2f5bea",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour like #2f5bea."))],
        help_text=_("Public pages (the idea portal, the rating page) wear it."),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def accent_ink(self) -> str:
        """Black or white, whichever reads better on the accent colour (WCAG luminance)."""
        try:
            channels = [int(self.accent_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        except (TypeError, ValueError):
            return "#ffffff"
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        return "#111111" if luminance > 0.179 else "#ffffff"


if TYPE_CHECKING:

    class WorkspaceScopedManager[M: models.Model](models.Manager[M]):
        """django-scopes' manager as the type checker sees it."""

        def with_scope(self, **scope: object) -> Self: ...

        def with_scopes_disabled(self) -> Self: ...

else:
    # django-scopes builds its manager class inside a function; a named subclass lets the
    # django-stubs plugin resolve the manager of every workspace-owned model and its relations.
    class WorkspaceScopedManager(type(ScopedManager(workspace="workspace"))):
        pass


class WorkspaceOwned(models.Model):
    """Base of every business model: rows are reachable only inside their workspace's scope."""

    objects = WorkspaceScopedManager()

    class Meta:
        abstract = True


class Membership(models.Model):
    """A user's place in a workspace: role and digest preference."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    digest_frequency = models.CharField(
        _("digest e-mail"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
    )
    # The scheduler claims a digest by moving this forward in one UPDATE, so two
    # workers can never send the same digest twice.
    digest_next_at = models.DateTimeField(null=True, blank=True, db_index=True)
    digest_last_sent_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.workspace} ({self.role})"


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 digest is stored."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_tokens")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class SignInFailure(models.Model):
    """A failed sign-in, kept in the database so every web process throttles alike."""

    WINDOW = dt.timedelta(minutes=15)
    LIMIT_PER_USERNAME = 5
    LIMIT_PER_ADDRESS = 20

    username = models.CharField(max_length=150)
    address = models.GenericIPAddressField()
    failed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["username", "failed_at"], name="signinfailure_username"),
            models.Index(fields=["address", "failed_at"], name="signinfailure_address"),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.failed_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def username_key(username: str) -> str:
        """One key for "Alice" and "alice ", so case and spaces do not buy more attempts."""
        return username.strip().lower()[:150]


class Invitation(WorkspaceOwned):
    """An owner's invitation to join the workspace, accepted through a signed, expiring link.

    Nobody is attached to a workspace by typing their username: the person behind the
    e-mail address accepts, with an account they already have or one they create.
    """

    VALID_FOR = dt.timedelta(days=7)

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    language = models.CharField(
        _("language of the invitation"), max_length=8, choices=Language.choices,
        default=Language.ENGLISH,
    )  # fmt: skip
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.workspace}"

    @property
    def expires_at(self) -> dt.datetime:
        return self.created_at + self.VALID_FOR

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and timezone.now() < self.expires_at


class WebhookDelivery(WorkspaceOwned):
    """One outgoing webhook: the exact body, its attempts so far and when the next one is due."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    # Sent as a header on every attempt, so receivers can drop the duplicates retries cause.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(_("event"), max_length=100)
    url = models.URLField(_("URL"), max_length=2000)
    # The subscription's secret when the event happened: every retry is signed afresh,
    # because receivers refuse old timestamps.
    secret = models.CharField(max_length=200)
    # The JSON exactly as first serialised, so every attempt sends the same bytes.
    body = models.TextField()
    status = models.CharField(
        _("status"), max_length=10, choices=WebhookStatus.choices, default=WebhookStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # While pending: when the scheduler may start the next attempt (also the lease of a
    # running attempt, so a crashed worker's attempt is retried). Empty once settled.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    # One entry per attempt: {"attempt", "at", "status_code", "error", "duration_ms"}.
    attempt_log = models.JSONField(_("attempt log"), default=list, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            # The scheduler's only question: which pending deliveries are due?
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status=WebhookStatus.PENDING),
                name="core_webhook_due_idx",
            ),
            models.Index(fields=["workspace", "-created_at"], name="core_webhook_log_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.url} ({self.status})"


class WebhookReceipt(models.Model):
    """An inbound webhook already accepted, kept until its signature is too old to replay.

    Not workspace-owned: inbound calls are checked before anything else is trusted, and the
    caller's `source` names the sender (and the workspace, where there is one).
    """

    source = models.CharField(max_length=100)
    # SHA-256 of the nonce (the signature or the sender's delivery id): bounded, no content.
    nonce_digest = models.CharField(max_length=64)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("webhook receipt")
        verbose_name_plural = _("webhook receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "nonce_digest"], name="core_webhook_receipt_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.nonce_digest[:12]}"
