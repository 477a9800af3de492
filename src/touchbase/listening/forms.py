from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from touchbase.catalogue.models import Product
from touchbase.core.choices import Language
from touchbase.core.models import User, Workspace
from touchbase.listening.answers import answerers
from touchbase.listening.choices import CloseReason, MentionSentiment, ReplyChannel, SourceKind
from touchbase.listening.invitations import MAX_ANSWER_LENGTH
from touchbase.listening.models import MAX_TEXT_LENGTH, ListeningSettings, Source
from touchbase.listening.ratings import MAX_REASON_LENGTH
from touchbase.listening.services import SETTINGS_BOUNDS
from touchbase.relationships import selectors as crm_selectors

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
HAND_KINDS = [choice for choice in SourceKind.choices if choice[0] != SourceKind.INVITATION]


class SourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("How it fills"), choices=HAND_KINDS)
    channel = forms.CharField(
        label=_("Channel"), max_length=60, required=False,
        help_text=_("Shown with each mention, e.g. Google, Trustpilot, shop reviews."),
    )  # fmt: skip
    feed_url = forms.URLField(
        label=_("Feed URL"), max_length=2000, required=False, assume_scheme="https",
        help_text=_("For an RSS or Atom feed: the worker fetches it on the schedule below."),
    )  # fmt: skip
    poll_minutes = forms.IntegerField(
        label=_("Poll every (minutes)"), min_value=5, max_value=7 * 24 * 60, initial=60
    )
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Answered by"), queryset=None, required=False,
        help_text=_("Who answers negative mentions that come from no known customer."),
    )  # fmt: skip

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        owner.queryset = crm_selectors.members(workspace=workspace)  # type: ignore[attr-defined]
        owner.label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, source: Source) -> dict[str, Any]:
        return {
            "name": source.name, "kind": source.kind, "channel": source.channel,
            "feed_url": source.feed_url, "poll_minutes": source.poll_minutes,
            "owner": source.owner_id,
        }  # fmt: skip


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, JSON Lines or JSON: a review export of your platform or your own list."),
    )


class MentionForm(forms.Form):
    """A mention typed in by hand: a letter, a call, a review seen somewhere."""

    source: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Source"), queryset=None)
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}), required=False,
        max_length=MAX_TEXT_LENGTH,
    )  # fmt: skip
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    stars = forms.TypedChoiceField(
        label=_("Stars"), required=False, coerce=float, empty_value=None,
        choices=[("", "—")] + [(str(n), "★" * n) for n in range(1, 6)],
    )  # fmt: skip
    author = forms.CharField(label=_("Author"), max_length=200, required=False)
    author_email = forms.EmailField(label=_("Author's e-mail"), required=False)
    author_handle = forms.CharField(label=_("Author's handle"), max_length=200, required=False)
    url = forms.URLField(label=_("URL"), max_length=2000, required=False, assume_scheme="https")
    published_at = forms.DateTimeField(
        label=_("Published"), required=False, widget=DATETIME_WIDGET,
        help_text=_("Empty: now."),
    )  # fmt: skip

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sources = Source.objects.filter(workspace=workspace).exclude(kind=SourceKind.INVITATION)
        self.fields["source"].queryset = sources  # type: ignore[attr-defined]


class MentionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    sentiment = forms.ChoiceField(
        label=_("Sentiment"), required=False,
        choices=[("", _("All"))] + list(MentionSentiment.choices),
    )  # fmt: skip
    source: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Source"), queryset=None, required=False
    )
    product = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Source.objects.filter(workspace=workspace)  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    """What was answered to a mention, and where."""

    text = forms.CharField(
        label=_("What was answered"), widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT_LENGTH, required=False,
        help_text=_("For a call: what was said."),
    )  # fmt: skip
    channel = forms.ChoiceField(
        label=_("Where"), choices=ReplyChannel.choices, initial=ReplyChannel.SOURCE
    )


class CloseForm(forms.Form):
    """Out of the queue without an answer: spam, or not about us."""

    reason = forms.ChoiceField(label=_("Why no answer"), choices=CloseReason.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


def _member_choice(user: User) -> str:
    return user.display_name


class AssignForm(forms.Form):
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Owner"), queryset=None, required=False, empty_label=_("Nobody yet")
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        owner.queryset = answerers(workspace=workspace)  # type: ignore[attr-defined]
        owner.label_from_instance = _member_choice  # type: ignore[attr-defined]


QUEUE_MINE = "mine"
QUEUE_NOBODY = "none"


class QueueFilterForm(forms.Form):
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    overdue = forms.ChoiceField(
        label=_("Due"), required=False,
        choices=[("", _("Any time")), ("1", _("Overdue only"))],
    )  # fmt: skip
    order = forms.ChoiceField(
        label=_("Order"), required=False,
        choices=[("due", _("Due soonest first")), ("-due", _("Due latest first"))],
    )  # fmt: skip

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = [(str(user.pk), user.display_name) for user in answerers(workspace=workspace)]
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", _("Everyone")), (QUEUE_MINE, _("Mine")), (QUEUE_NOBODY, _("Nobody yet")),
            *members,
        ]  # fmt: skip


class FiguresForm(forms.Form):
    weeks = forms.TypedChoiceField(
        label=_("Weeks"), required=False, coerce=int, empty_value=None,
        choices=[(str(n), str(n)) for n in (4, 8, 13, 26, 52)],
    )  # fmt: skip


class DeliveryForm(forms.Form):
    """A product reached the customer: they are invited to rate it."""

    product: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Product"), queryset=None, required=False, empty_label=_("— no product —")
    )
    delivered_at = forms.DateTimeField(
        label=_("Delivered"), required=False, widget=DATETIME_WIDGET, help_text=_("Empty: now.")
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        products = Product.objects.filter(workspace=workspace).order_by("name")
        self.fields["product"].queryset = products  # type: ignore[attr-defined]


class RatingForm(forms.Form):
    """The public rating page: stars, a few words, and a field only robots fill in."""

    stars = forms.TypedChoiceField(
        label=_("Your rating"), coerce=int, widget=forms.RadioSelect,
        choices=[(str(n), str(n)) for n in range(1, 6)],
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )  # fmt: skip
    text = forms.CharField(
        label=_("What would you like to tell us? (optional)"), required=False,
        max_length=MAX_ANSWER_LENGTH, widget=forms.Textarea(attrs={"rows": 5}),
    )  # fmt: skip
    # Hidden from people (and from screen readers); a form with it filled came from a robot.
    website = forms.CharField(required=False, max_length=200)


class AlertSettingsForm(forms.Form):
    alert_emails = forms.CharField(
        label=_("E-mail addresses"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line, or separated by commas. Members get alerts in their own "
                    "language."),
    )  # fmt: skip
    alert_language = forms.ChoiceField(
        label=_("Language for other addresses"), choices=Language.choices
    )
    alert_webhook_url = forms.URLField(
        label=_("Webhook URL"), required=False, max_length=2000, assume_scheme="https",
        help_text=_("Each alert is sent there as signed JSON (header Touchbase-Signature)."),
    )  # fmt: skip


class InvitationSettingsForm(forms.Form):
    invitations_enabled = forms.BooleanField(
        label=_("Invite customers to rate after a personal contact or a delivery"),
        required=False,
    )
    invitation_gap_days = forms.IntegerField(
        label=_("At most one invitation per customer every (days)"), min_value=1,
        max_value=3650,
    )  # fmt: skip


class OverrideForm(forms.Form):
    """Keep a product proposed for removal on sale: the reason is required and recorded."""

    reason = forms.CharField(
        label=_("Why it stays on sale"), max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class ListeningSettingsForm(forms.Form):
    removal_min_ratings = forms.IntegerField(
        label=_("Ratings before a product can be proposed for removal"), min_value=1,
        max_value=SETTINGS_BOUNDS["removal_min_ratings"][1],
        help_text=_("A product averaging under 2 stars from at least this many ratings is "
                    "proposed for removal."),
    )  # fmt: skip
    response_sla_hours = forms.IntegerField(
        label=_("Answer negative mentions within (hours)"), min_value=1,
        max_value=SETTINGS_BOUNDS["response_sla_hours"][1],
    )  # fmt: skip

    @classmethod
    def initial_for(cls, found: ListeningSettings) -> dict[str, Any]:
        return {
            "removal_min_ratings": found.removal_min_ratings,
            "response_sla_hours": found.response_sla_hours,
        }
