from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Country(models.TextChoices):
    """Where helpers and customers live: postal codes and phone numbers are read by country."""

    DE = "DE", _("Germany")
    AT = "AT", _("Austria")
    CH = "CH", _("Switzerland")


class RequestState(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Awaiting e-mail confirmation")
    OPEN = "open", pgettext_lazy("help request", "Open")
    OFFERED = "offered", _("Offered to a helper")
    BOOKED = "booked", _("Booked")
    DONE = "done", _("Done")
    ESCALATED = "escalated", _("Escalated to support")
    CANCELLED = "cancelled", pgettext_lazy("help request", "Cancelled")


class OfferState(models.TextChoices):
    PENDING = "pending", _("Waiting for the helper")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("No answer in time")
    WITHDRAWN = "withdrawn", pgettext_lazy("offer", "Withdrawn")


class BookingState(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    DONE = "done", _("Done")
    ESCALATED = "escalated", _("Not solved, escalated")
    CANCELLED = "cancelled", pgettext_lazy("booking", "Cancelled")


class Side(models.TextChoices):
    """The two sides of a booking."""

    CUSTOMER = "customer", _("Customer")
    HELPER = "helper", _("Helper")


class ReportState(models.TextChoices):
    OPEN = "open", pgettext_lazy("report", "Open")
    CLOSED = "closed", pgettext_lazy("report", "Closed")
