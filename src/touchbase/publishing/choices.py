from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ChannelKind(models.TextChoices):
    """What publishing to a channel does: the news page is ours, the rest is posted by hand."""

    NEWS_PAGE = "news_page", _("News page (published by touchbase)")
    SOCIAL = "social", _("Social post (length checked per network)")
    OTHER = "other", _("Other (exported to post by hand)")


class DraftState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("draft state", "Withdrawn")


class Verdict(models.TextChoices):
    APPROVED = "approved", _("Approved")
    CHANGES = "changes", _("Changes requested")


class AuditAction(models.TextChoices):
    CREATED = "created", _("Created")
    EDITED = "edited", _("New version")
    REVIEW_REQUESTED = "review_requested", _("Review requested")
    APPROVED = "approved", _("Approved")
    CHANGES = "changes", _("Changes requested")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    CHANNEL_PUBLISHED = "channel_published", _("Marked published on a channel")
    HELD = "held", _("Publication held back")
    WITHDRAWN = "withdrawn", pgettext_lazy("draft state", "Withdrawn")


class CommentState(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Address not yet confirmed")
    WAITING = "waiting", _("Waiting for moderation")
    SHOWN = "shown", _("Shown")
    REJECTED = "rejected", _("Rejected")


class Operation(models.TextChoices):
    REGULAR = "regular", _("Regular operation continues")
    LIMITED = "limited", _("Limited operation")
    CLOSED = "closed", _("Closed for now")


class LegalForm(models.TextChoices):
    """Legal forms by country: the form decides which details a business e-mail must carry."""

    DE_GMBH = "de_gmbh", _("GmbH (Germany)")
    DE_UG = "de_ug", _("UG (haftungsbeschränkt) (Germany)")
    DE_AG = "de_ag", _("AG (Germany)")
    DE_GMBH_CO_KG = "de_gmbh_co_kg", _("GmbH & Co. KG (Germany)")
    DE_KG = "de_kg", _("KG (Germany)")
    DE_OHG = "de_ohg", _("OHG (Germany)")
    DE_EK = "de_ek", _("e. K. (Germany)")
    DE_GBR = "de_gbr", _("GbR (Germany)")
    DE_SOLE = "de_sole", _("Sole trader, not registered (Germany)")
    AT_GMBH = "at_gmbh", _("GmbH (Austria)")
    AT_AG = "at_ag", _("AG (Austria)")
    AT_KG = "at_kg", _("KG (Austria)")
    AT_OG = "at_og", _("OG (Austria)")
    AT_EU = "at_eu", _("e.U. (Austria)")
    AT_SOLE = "at_sole", _("Sole trader, not registered (Austria)")
    CH_GMBH = "ch_gmbh", _("GmbH (Switzerland)")
    CH_AG = "ch_ag", _("AG (Switzerland)")
    CH_SOLE = "ch_sole", _("Sole proprietorship (Switzerland)")
    CH_KOLLEKTIV = "ch_kollektiv", _("Kollektivgesellschaft (Switzerland)")
    OTHER = "other", _("Other")


class BannerTarget(models.TextChoices):
    WEBSITE = "website", _("Website")
    EMAIL = "email", _("E-mail signatures")


class PresenceKind(models.TextChoices):
    WEBSITE = "website", _("Website page")
    IMPRINT = "imprint", _("Imprint")
    CONTACT = "contact", _("Contact page")
    GOOGLE = "google", _("Google business profile")
    FACEBOOK = "facebook", _("Facebook")
    INSTAGRAM = "instagram", _("Instagram")
    LINKEDIN = "linkedin", _("LinkedIn")
    XING = "xing", _("Xing")
    DIRECTORY = "directory", _("Directory or listing")
    OTHER = "other", _("Other")


class CheckOutcome(models.TextChoices):
    OK = "ok", _("Matches master data")
    DIFFERS = "differs", _("Differs from master data")
    FAILED = "failed", _("Could not be loaded")
    SKIPPED = "skipped", _("Not checked (robots.txt or no page)")
