"""The company's master data for what it sends and shows: legal details, each member's
signature data, banners (with their weekly views and clicks), partners who download them, and
every online presence with the history of its reachability checks.

Imported by publishing.models, so Django finds these models in the publishing app.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from touchbase.core.models import Workspace, WorkspaceOwned
from touchbase.publishing.choices import BannerTarget, CheckOutcome, LegalForm, PresenceKind

MAX_SOCIAL_LINKS = 10
LANGUAGE_CHOICES = [("", _("Any language")), ("de", _("German")), ("en", _("English"))]


def new_token() -> str:
    return secrets.token_urlsafe(16)


class CompanyProfile(WorkspaceOwned):
    """The company as its e-mails and pages must present it (one per workspace)."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="company_profile"
    )
    legal_name = models.CharField(_("company name (as registered)"), max_length=200, blank=True)
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm.choices, default=LegalForm.OTHER
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    seat = models.CharField(_("registered seat"), max_length=100, blank=True)
    register_court = models.CharField(_("register court"), max_length=150, blank=True)
    register_number = models.CharField(_("register number"), max_length=60, blank=True)
    managing_directors = models.TextField(
        _("managing directors"), max_length=1000, blank=True, help_text=_("One name per line.")
    )
    supervisory_chair = models.CharField(
        _("chair of the supervisory board"), max_length=150, blank=True
    )
    vat_id = models.CharField(_("VAT ID / UID"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    social_links = models.JSONField(_("social links"), default=list, blank=True)
    closing = models.TextField(
        _("text under every signature"), max_length=1000, blank=True,
        help_text=_("Shown under each signature; the lint checks it too."),
    )  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("company profile")

    def __str__(self) -> str:
        return self.legal_name or str(self.workspace)

    @property
    def directors(self) -> list[str]:
        return [line.strip() for line in self.managing_directors.splitlines() if line.strip()]


class SignatureProfile(WorkspaceOwned):
    """One member's data for their e-mail signature."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signature_profiles"
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    job_title = models.CharField(_("role"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    mobile = models.CharField(_("mobile"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="signatures/%Y/%m/", blank=True)
    language = models.CharField(_("language"), max_length=2, default="de",
                                choices=[("de", _("German")), ("en", _("English"))])  # fmt: skip
    with_banner = models.BooleanField(_("banner under the signature"), default=True)
    # The signature's public address: its banner slot and the install page.
    token = models.CharField(max_length=40, unique=True, default=new_token)
    install_sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("signature")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="unique_signature_member")
        ]

    def __str__(self) -> str:
        return self.name


class Banner(WorkspaceOwned):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    image = models.ImageField(_("image"), upload_to="banners/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    alt_text = models.CharField(_("description (alt text)"), max_length=200)
    link_url = models.URLField(_("link"), max_length=500)
    starts_on = models.DateField(_("shown from"))
    ends_on = models.DateField(_("shown until"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("A banner with weight 3 is shown three times as often as one with 1."),
    )  # fmt: skip
    target = models.CharField(
        _("for"), max_length=10, choices=BannerTarget.choices, default=BannerTarget.EMAIL
    )
    language = models.CharField(_("language"), max_length=2, blank=True, choices=LANGUAGE_CHOICES)
    for_partners = models.BooleanField(_("offered to partners"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="banner_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="banner_weight_1_to_100"
            ),  # fmt: skip
        ]
        indexes = [models.Index(fields=["workspace", "target", "starts_on"], name="banner_live")]

    def __str__(self) -> str:
        return self.name


class BannerWeek(WorkspaceOwned):
    """Views and clicks of one banner in one week (the week's Monday)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    banner = models.ForeignKey(Banner, on_delete=models.CASCADE, related_name="weeks")
    week = models.DateField()
    views = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["week"]
        constraints = [
            models.UniqueConstraint(fields=["banner", "week"], name="unique_banner_week")
        ]


class Partner(WorkspaceOwned):
    """A partner or reseller: no member, signs in by e-mailed link, sees the partner page only."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    company = models.CharField(_("company"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"))
    active = models.BooleanField(_("active"), default=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["company", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "email"], name="unique_partner_email")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name


class Presence(WorkspaceOwned):
    """A place where customers find the company, and who answers there."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=PresenceKind.choices)
    name = models.CharField(_("name"), max_length=150)
    url = models.URLField(_("address"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("answered by"),
    )  # fmt: skip
    check_every_days = models.PositiveSmallIntegerField(
        _("check every (days)"), default=7, validators=[MinValueValidator(1),
                                                        MaxValueValidator(90)],
    )  # fmt: skip
    answer_within_days = models.PositiveSmallIntegerField(
        _("answered at least every (days)"), default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )  # fmt: skip
    answered_at = models.DateTimeField(_("last answered there"), null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=10, choices=CheckOutcome.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "url"], name="unique_presence_url")
        ]

    def __str__(self) -> str:
        return self.name


class PresenceCheck(WorkspaceOwned):
    """One visit of the audit to a presence: what it found, and whether that changed."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    presence = models.ForeignKey(Presence, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=CheckOutcome.choices)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    phones = models.JSONField(default=list)
    emails = models.JSONField(default=list)
    findings = models.JSONField(default=list)
    changed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-checked_at"]
        indexes = [models.Index(fields=["presence", "-checked_at"], name="presence_history")]
