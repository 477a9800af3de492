"""Choices for accounts, contacts, touchpoints and cadence."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The platform owns the country list; addresses and phones here use it.
from touchbase.core.choices import Country as Country
from touchbase.core.choices import country_choices as country_choices


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("Personal e-mail")
    MEETING = "meeting", _("Meeting")
    VIDEO = "video", _("Video call")
    WEBINAR = "webinar", _("Webinar")
    NEWSLETTER = "newsletter", _("Newsletter")
    MAILING = "mailing", _("Mailing")
    SOCIAL = "social", _("Social message")
    REVIEW_REPLY = "review_reply", _("Review reply")
    VISIT = "visit", _("Visit")
    COMMUNITY_HELP = "community_help", _("Community help")
    COFFEE = "coffee", _("Coffee")
    # What another app recorded on the timeline (a voucher issued, say): never a contact.
    RECORD = "record", _("Record")
    # The last contact a customer file names: it happened before the import, by whatever
    # channel, and it reached the customer (so it resets the cadence clock).
    IMPORTED = "imported", _("Contact before the import")


# Mass channels never count as personal contact, whatever the form says.
MASS_CHANNELS = frozenset({Channel.NEWSLETTER, Channel.MAILING, Channel.WEBINAR})
NON_PERSONAL_CHANNELS = MASS_CHANNELS | {Channel.RECORD}
# What people log by hand, in forms and the API.
# Channels only a source writes (another app, an import), never a person by hand.
SOURCE_CHANNELS = frozenset({Channel.RECORD, Channel.IMPORTED})
LOGGABLE_CHANNELS = [(value, label) for value, label in Channel.choices
                     if value not in SOURCE_CHANNELS]  # fmt: skip


class HumanFirstKind(models.TextChoices):
    """What a person's latest contacts all were, when touchbase suggests a call instead."""

    EMAILS = "emails", _("Only e-mails")
    MASS = "mass", _("Only mass mailings")
    MIXED = "mixed", _("Only e-mails and mass mailings")


# The channels of a streak that makes touchbase suggest a call or a coffee.
HUMAN_FIRST_STREAK_CHANNELS = MASS_CHANNELS | {Channel.EMAIL}


class Direction(models.TextChoices):
    OUTBOUND = "out", _("Outbound")
    INBOUND = "in", _("Inbound")


class Outcome(models.TextChoices):
    NONE = "", _("—")
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")
    FOLLOW_UP = "follow_up", _("Follow-up needed")
    NO_ANSWER = "no_answer", _("No answer")


# A personal touchpoint with one of these outcomes was only an attempt: the customer was not
# reached, so the cadence clock keeps running and the customer stays due.
UNREACHED_OUTCOMES = frozenset({Outcome.NO_ANSWER})


class PreferredChannel(models.TextChoices):
    ANY = "", _("No preference")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    MEETING = "meeting", _("Meeting")
    VIDEO = "video", _("Video call")
    LETTER = "letter", _("Letter")


class PolicyScope(models.TextChoices):
    ALL = "all", _("All customers")
    OWNER = "owner", _("Customers of one owner")
    SEGMENT = "segment", _("One segment")
    KEY_ACCOUNTS = "key_accounts", _("Key accounts")
    TAG = "tag", _("Customers with a tag")


# Higher wins: a rule naming a tag is more specific than one for a whole segment.
SCOPE_SPECIFICITY: dict[str, int] = {
    PolicyScope.ALL: 0,
    PolicyScope.OWNER: 1,
    PolicyScope.SEGMENT: 2,
    PolicyScope.KEY_ACCOUNTS: 3,
    PolicyScope.TAG: 4,
}


class DueKind(models.TextChoices):
    ACCOUNT = "account", _("Account")
    CONTACT = "contact", _("Contact")


class ConsentStatus(models.TextChoices):
    GIVEN = "given", _("Given")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CheckinAnswer(models.TextChoices):
    UNASKED = "", _("Not asked")
    YES = "yes", _("Yes")
    NO = "no", _("No")


class DeletedKind(models.TextChoices):
    ACCOUNT = "account", _("Account")
    CONTACT = "contact", _("Contact")
    TOUCHPOINT = "touchpoint", _("Touchpoint")


class CheckinQuestion(models.TextChoices):
    """The call sheet's questions: keys of a touchpoint's stored answers, labels for reading."""

    WELLBEING = "wellbeing", _("How they are")
    ADDRESS_CURRENT = "address_current", _("Address still current")
    NEWSLETTER_WANTED = "newsletter_wanted", _("Newsletter wanted")
    WORKS_FROM_HOME = "works_from_home", _("Works from home")


class TouchpointSource(models.TextChoices):
    """What produced a touchpoint besides a person typing it into the log form."""

    CALL_SHEET = "call_sheet", _("Check-in call")


# Touchpoint.answers may also hold the order a voucher was redeemed against (care's record),
# shown as "Order …" in the reader's language.
ORDER_REFERENCE = "order"

# A consent recorded from the call sheet stores this marker as its source, shown translated.
CALL_SHEET_CONSENT_SOURCE = TouchpointSource.CALL_SHEET
