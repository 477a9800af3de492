"""Forms of publishing's settings screens: channels, sensitive topics, the news page's settings,
the reachability notice and the answers to comments."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from touchbase.publishing.choices import ChannelKind
from touchbase.publishing.models import (
    MAX_COMMENT_LENGTH,
    NewsSettings,
    ReachabilityNotice,
)
from touchbase.publishing.services import NOTICE_FIELDS

MIN_SCORE = 1
MAX_SCORE = 10
# The "try it" box reads at most this much; a longer text is cut, never refused.
MAX_TRY_LENGTH = 5000
ACTION_SHOW = "show"
ACTION_REJECT = "reject"


class ChannelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=ChannelKind.choices)
    permanence = forms.IntegerField(
        label=_("Permanence"), min_value=MIN_SCORE, max_value=MAX_SCORE,
        help_text=_("1–10: how long what goes out stays retrievable (10: for years)."),
    )  # fmt: skip
    control = forms.IntegerField(
        label=_("Control"), min_value=MIN_SCORE, max_value=MAX_SCORE,
        help_text=_("1–10: how far we can still change or withdraw it afterwards (10: fully)."),
    )  # fmt: skip
    explanation = forms.CharField(
        label=_("Explanation"), max_length=300, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why these scores, in one sentence for the team."),
    )  # fmt: skip


class TopicForm(forms.Form):
    phrase = forms.CharField(
        label=_("Word or phrase"), max_length=80,
        help_text=_("For example “Rückruf”, “data breach” or “Preiserhöhung”."),
    )  # fmt: skip


class NewsSettingsForm(forms.ModelForm[NewsSettings]):
    class Meta:
        model = NewsSettings
        fields = ["enabled", "title", "intro", "comments_open"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 4})}


class NoticeForm(forms.ModelForm[ReachabilityNotice]):
    """The notice's fields; saved through services.notice_update, never by the form itself."""

    class Meta:
        model = ReachabilityNotice
        fields = list(NOTICE_FIELDS)
        widgets = {
            "reach": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "booking": forms.Textarea(attrs={"rows": 3}),
        }


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Public reply"), max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown at once under your name."),
    )  # fmt: skip


class ModerateForm(forms.Form):
    action = forms.ChoiceField(choices=[(ACTION_SHOW, _("Show")), (ACTION_REJECT, _("Reject"))])
