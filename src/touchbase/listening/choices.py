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


class InvitationTrigger(models.TextChoices):
    TOUCHPOINT = "touchpoint", _("Personal contact")
    DELIVERY = "delivery", _("Delivery")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Being sent")
    SENT = "sent", _("Sent")
    ANSWERED = "answered", _("Answered")
    SKIPPED = "skipped", _("Not sent")
    FAILED = "failed", _("Sending failed")


class InvitationSkip(models.TextChoices):
    """Why no invitation went out: consent and the frequency cap, never the expected mood."""

    NONE = "", _("—")
    NO_EMAIL = "no_email", _("No e-mail address")
    ERASED = "erased", _("Contact erased")
    BOUNCED = "bounced", _("E-mail bounced")
    OBJECTED = "objected", _("Objected to e-mails")
    OPTED_OUT = "opted_out", _("Asked for no more invitations")
    RECENTLY_INVITED = "recently_invited", _("Invited recently")


class AlertKind(models.TextChoices):
    """What raised an alert; each kind has its message in alerting.ALERT_MESSAGES."""

    REMOVAL_PROPOSED = "removal_proposed", _("Product proposed for removal")
    NO_RATING = "no_rating", _("Product without ratings")
    LAUNCH_NEGATIVE = "launch_negative", _("Launch turning negative")
    KEY_ACCOUNT_NEGATIVE = "key_account_negative", _("Negative mention from a key account")
    TEST = "test", _("Test alert")


# Each kind's message and the values it needs; alert_raise refuses an alert missing one.
ALERT_MESSAGES = {
    AlertKind.REMOVAL_PROPOSED: _(
        "%(product)s is proposed for removal: %(average)s stars from %(count)s ratings."
    ),
    AlertKind.NO_RATING: _("%(product)s has been on sale for %(days)s days without any rating."),
    AlertKind.LAUNCH_NEGATIVE: _(
        "The launch of %(product)s is turning negative: %(share)s %% of the mentions in the last "
        "%(hours)s hours are negative (%(negative)s of %(total)s), against %(usual)s %% usually "
        "(p ≤ %(p)s)."
    ),
    AlertKind.KEY_ACCOUNT_NEGATIVE: _(
        "A negative mention from the key account %(account)s: “%(excerpt)s”"
    ),
    AlertKind.TEST: _("This is a test alert from %(workspace)s. Alerts arrive like this one."),
}


class RemovalStep(models.TextChoices):
    PROPOSED = "proposed", _("Proposed for removal")
    CONFIRMED = "confirmed", _("Removal confirmed")
    OVERRIDDEN = "overridden", _("Kept on sale")
