"""Forms of the inside area's AMA pages: scheduling, asking, answering, guests joining."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from touchbase.core.forms import apply_errors
from touchbase.core.models import User, Workspace
from touchbase.inside import ama
from touchbase.inside.choices import Audience
from touchbase.inside.models import (
    ANSWER_MAX,
    LANGUAGE_CHOICES,
    NAME_MAX,
    QUESTION_MAX,
    TITLE_MAX,
    AmaParticipant,
    AmaQuestion,
    AmaSession,
)
from touchbase.relationships.models import Contact

LOCAL_INPUT = "%Y-%m-%dT%H:%M"
INVITE_MAX = 200


def members(workspace: Workspace) -> QuerySet[User]:
    return User.objects.filter(memberships__workspace=workspace).order_by(
        "last_name", "first_name", "username"
    )


class MemberChoice(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class MembersChoice(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class LocalDateTimeField(forms.DateTimeField):
    """A time typed in the workspace's zone (the browser's datetime-local input)."""

    def __init__(self, *, zone: zoneinfo.ZoneInfo, **kwargs: Any) -> None:
        self.zone = zone
        widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT)
        super().__init__(widget=widget, input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"], **kwargs)

    def to_python(self, value: Any) -> dt.datetime | None:
        found = super().to_python(value)
        if found is None:
            return None
        naive = timezone.make_naive(found) if timezone.is_aware(found) else found
        return naive.replace(tzinfo=self.zone)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return value.astimezone(self.zone).strftime(LOCAL_INPUT)
        return value


class AmaSessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea
    )
    leader = MemberChoice(label=_("Leader"), queryset=User.objects.none())
    moderators = MembersChoice(
        label=_("Moderators"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    anonymous_allowed = forms.BooleanField(
        label=_("Questions may be anonymous"), required=False, initial=True
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = members(workspace)
        self.fields["leader"].queryset = people  # type: ignore[attr-defined]
        self.fields["moderators"].queryset = people  # type: ignore[attr-defined]
        zone = workspace.zone
        help_text = _("In the workspace's time zone (%(zone)s).") % {"zone": zone.key}
        self.fields["starts_at"] = LocalDateTimeField(
            zone=zone, label=_("Starts"), help_text=help_text
        )
        self.fields["ends_at"] = LocalDateTimeField(zone=zone, label=_("Ends"))
        self.order_fields(["title", "description", "leader", "moderators", "starts_at",
                           "ends_at", "audience", "anonymous_allowed"])  # fmt: skip

    @staticmethod
    def initial_of(session: AmaSession) -> dict[str, Any]:
        return {
            "title": session.title, "description": session.description,
            "leader": session.leader_id, "moderators": list(session.moderators.all()),
            "starts_at": session.starts_at, "ends_at": session.ends_at,
            "audience": session.audience, "anonymous_allowed": session.anonymous_allowed,
        }  # fmt: skip


class AskForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": QUESTION_MAX}),
    )
    anonymous = forms.BooleanField(label=_("Ask anonymously"), required=False)
    notify = forms.BooleanField(label=_("Tell me when it is answered"), required=False)

    def __init__(self, *args: Any, anonymous_allowed: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not anonymous_allowed:
            del self.fields["anonymous"]

    def ask(self, *, session: AmaSession, participant: AmaParticipant) -> bool:
        """Puts the valid form's question in the list; False when the session refuses it
        (the form then carries why)."""
        try:
            ama.question_ask(
                session=session, participant=participant, text=self.cleaned_data["text"],
                anonymous=self.cleaned_data.get("anonymous", False),
                notify=self.cleaned_data["notify"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(self, error)
            return False
        return True


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("The same question, asked before"), queryset=AmaQuestion.objects.none()
    )

    def __init__(self, *args: Any, choices: QuerySet[AmaQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = choices  # type: ignore[attr-defined]


class InviteForm(forms.Form):
    contacts = forms.ModelMultipleChoiceField(
        label=_("Customers to invite"),
        queryset=Contact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, choices: QuerySet[Contact], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = choices  # type: ignore[attr-defined]


class FollowUpForm(forms.Form):
    owner = MemberChoice(label=_("Owner"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members(workspace)  # type: ignore[attr-defined]


class GuestJoinForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=NAME_MAX)
    email = forms.EmailField(
        label=_("E-mail (optional, to hear about answers)"), required=False, max_length=254
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)

    @property
    def is_robot(self) -> bool:
        """The honeypot field (in the page, hidden from people) was filled in: a robot."""
        return bool((self.data.get("website") or "").strip())
