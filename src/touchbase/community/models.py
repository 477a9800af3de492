"""Community help: neighbours (helpers) who help customers with technology.

Helpers are no members: they apply on a public page and sign in by e-mailed link. Customers
ask for help on a public page or through staff; the community manager verifies helpers,
matches requests, and keeps everyone safe. The company records prices, it does not handle money.

Times are stored in UTC. A helper's weekly availability is wall-clock time in the helper's own
time zone (so a window stays at 18:00 across a daylight-saving change); an end before its start
runs past midnight into the next day.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from touchbase.community.choices import (
    BookingState,
    Country,
    OfferState,
    ReportState,
    RequestState,
    Side,
)
from touchbase.core.models import Workspace, WorkspaceOwned, validate_time_zone

MAX_RADIUS_KM = 100
MAX_HOURLY_PRICE = Decimal("500")
LANGUAGE_CHOICES = [("de", _("German")), ("en", _("English"))]


def new_token() -> str:
    return secrets.token_urlsafe(16)


class CommunitySettings(WorkspaceOwned):
    """How the workspace runs community help (one row per workspace, made on first use)."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="community_settings"
    )
    signup_open = models.BooleanField(_("helpers may apply"), default=True)
    requests_open = models.BooleanField(_("customers may ask for help"), default=True)
    offer_hours = models.PositiveSmallIntegerField(
        _("hours a helper has to answer an offer"), default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
    )  # fmt: skip
    terms = models.TextField(
        _("terms for helpers"), max_length=10000, blank=True,
        help_text=_("Shown on the sign-up page; a helper accepts them when applying."),
    )  # fmt: skip
    terms_version = models.PositiveIntegerField(default=1)
    support_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("support contact for escalated jobs"),
    )  # fmt: skip

    def __str__(self) -> str:
        return str(self.workspace)


class Skill(WorkspaceOwned):
    """A job helpers can do, and what the company's own technician charges for it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name_de = models.CharField(_("name (German)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    hours = models.DecimalField(
        _("usual duration in hours"), max_digits=4, decimal_places=1, default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("8"))],
    )  # fmt: skip
    technician_price = models.DecimalField(
        _("price of a regular technician for this job"), max_digits=8, decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )  # fmt: skip
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["name_de"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name_de"], name="unique_skill_name_de"),
            models.UniqueConstraint(fields=["workspace", "name_en"], name="unique_skill_name_en"),
        ]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_de if (get_language() or "en").startswith("de") else self.name_en


class Helper(WorkspaceOwned):
    """A private person who helps customers nearby; bookable once verified and not blocked."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES, default="de")
    about = models.TextField(_("about me"), max_length=2000, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default="DE")
    postal_code = models.CharField(_("postal code"), max_length=10)
    town = models.CharField(_("town"), max_length=100)
    latitude = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    radius_km = models.PositiveSmallIntegerField(
        _("travel radius (km)"), default=10,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RADIUS_KM)],
    )  # fmt: skip
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Berlin", validators=[validate_time_zone]
    )
    hourly_price = models.DecimalField(
        _("hourly price"), max_digits=8, decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_HOURLY_PRICE)],
    )  # fmt: skip
    skills = models.ManyToManyField(Skill, through="HelperSkill", related_name="helpers")
    terms_version = models.PositiveIntegerField(default=0)
    terms_accepted_at = models.DateTimeField(null=True, blank=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    identity_checked_at = models.DateTimeField(null=True, blank=True)
    identity_note = models.CharField(_("identity seen"), max_length=200, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    blocked_at = models.DateTimeField(null=True, blank=True)
    block_reason = models.CharField(_("reason for the block"), max_length=500, blank=True)
    paused_until = models.DateField(_("no offers until"), null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "email"], name="unique_helper_email")
        ]
        indexes = [models.Index(fields=["workspace", "latitude", "longitude"])]

    def __str__(self) -> str:
        return self.name

    @property
    def bookable(self) -> bool:
        return self.verified_at is not None and self.blocked_at is None


class HelperSkill(WorkspaceOwned):
    """A helper's skill; the community manager's short check makes it count for matching."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    helper = models.ForeignKey(Helper, on_delete=models.CASCADE, related_name="helper_skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    check_note = models.CharField(_("how the skill was checked"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["helper", "skill"], name="unique_helper_skill")
        ]


class Availability(WorkspaceOwned):
    """A weekly window in the helper's time zone; end ≤ start runs past midnight."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    helper = models.ForeignKey(Helper, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), validators=[MaxValueValidator(6)], help_text=_("0 is Monday.")
    )
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "starts"]


class Holiday(WorkspaceOwned):
    """Days (in the helper's time zone, both included) on which the helper takes no jobs."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    helper = models.ForeignKey(Helper, on_delete=models.CASCADE, related_name="holidays")
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))

    class Meta:
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="holiday_in_order"
            )
        ]


class HelpRequest(WorkspaceOwned):
    """A customer's wish for help with one job, near one place, in one of several windows."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        "relationships.Contact", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("customer"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES, default="de")
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="requests", verbose_name=_("topic")
    )
    description = models.TextField(_("what is it about?"), max_length=2000, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default="DE")
    postal_code = models.CharField(_("postal code"), max_length=10)
    town = models.CharField(_("town"), max_length=100)
    address = models.CharField(
        _("street and number"), max_length=200, blank=True,
        help_text=_("Shown to the helper only once the booking is confirmed."),
    )  # fmt: skip
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    budget = models.DecimalField(
        _("budget per hour"), max_digits=8, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_HOURLY_PRICE)],
    )  # fmt: skip
    state = models.CharField(
        max_length=12, choices=RequestState.choices, default=RequestState.UNCONFIRMED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    token = models.CharField(max_length=32, default=new_token, unique=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["workspace", "state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.skill} · {self.town}"


class RequestWindow(WorkspaceOwned):
    """A time the customer could receive the helper (UTC)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="windows")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="request_window_in_order"
            )
        ]


class Offer(WorkspaceOwned):
    """A request offered to one helper for one slot; at most one offer per request waits."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="offers")
    helper = models.ForeignKey(Helper, on_delete=models.CASCADE, related_name="offers")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=10, choices=OfferState.choices, default=OfferState.PENDING)
    deadline_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"], condition=Q(state="pending"), name="one_pending_offer"
            )
        ]
        indexes = [models.Index(fields=["state", "deadline_at"])]


class Booking(WorkspaceOwned):
    """An agreed job: who, when, where; its price beside what a technician would have cost."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="bookings")
    helper = models.ForeignKey(Helper, on_delete=models.CASCADE, related_name="bookings")
    offer = models.OneToOneField(
        Offer, on_delete=models.SET_NULL, null=True, blank=True, related_name="booking"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    state = models.CharField(
        max_length=10, choices=BookingState.choices, default=BookingState.CONFIRMED
    )
    cancelled_by = models.CharField(max_length=10, choices=Side.choices, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=500, blank=True)
    notes = models.TextField(_("notes from the job"), max_length=4000, blank=True)
    price_paid = models.DecimalField(
        _("price paid"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    technician_price = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    touchpoint_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"], condition=Q(state__in=["confirmed", "done", "escalated"]),
                name="one_live_booking_per_request",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["state", "starts_at"])]


class BookedHour(WorkspaceOwned):
    """One hour a confirmed booking holds in the helper's calendar.

    The unique constraint is what stops a double booking: two bookings racing for the same
    helper and hour cannot both commit, on SQLite or PostgreSQL. A cancelled booking frees its
    hours by deleting these rows.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="hours")
    helper = models.ForeignKey(Helper, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["helper", "hour"], name="helper_booked_once_per_hour")
        ]


class Rating(WorkspaceOwned):
    """After the job, each side rates the other once."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="ratings")
    by = models.CharField(max_length=10, choices=Side.choices)
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "by"], name="one_rating_per_side"),
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="rating_stars_1_to_5"
            ),
        ]


class Report(WorkspaceOwned):
    """A safety report by one side about the other; it reaches the community manager."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    booking = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    helper = models.ForeignKey(
        Helper, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    by = models.CharField(max_length=10, choices=Side.choices)
    text = models.TextField(_("what happened?"), max_length=4000)
    state = models.CharField(max_length=10, choices=ReportState.choices, default=ReportState.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    outcome = models.CharField(_("what was done"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class CustomerBlock(WorkspaceOwned):
    """A customer (by e-mail address) who may no longer ask for help."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("e-mail"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "email"], name="unique_customer_block")
        ]


class CommunityMail(WorkspaceOwned):
    """An e-mail to send once (confirmation, offer, invite, reminder); claimed by the worker."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    to = models.EmailField()
    language = models.CharField(max_length=5, default="de")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, null=True, blank=True)
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, null=True, blank=True)
    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, null=True, blank=True)
    helper = models.ForeignKey(Helper, on_delete=models.CASCADE, null=True, blank=True)
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="unique_community_mail")
        ]
        indexes = [models.Index(fields=["sent_at", "created_at"])]
