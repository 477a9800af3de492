"""Forms of the staff screens for drafts: writing a draft, asking reviewers, reviewing, marking
a channel as published."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import FileExtensionValidator
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_scopes.forms import SafeModelMultipleChoiceField

from touchbase.core.models import User, Workspace
from touchbase.publishing.choices import Verdict
from touchbase.publishing.models import (
    MAX_BODY_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_TAGS,
    MAX_TITLE_LENGTH,
    Channel,
)

MAX_IMAGE_BYTES = 5 * 1024 * 1024
IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "gif", "webp"]
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
# The live rule (and the preview, out of band) answers as the author types, after a pause, so a
# fast typist sends one request, not twenty. A box to tick keeps its value: "changed" would
# never fire for it, so channels answer to "change".
TYPING_TRIGGER = "input changed delay:400ms"


class ChannelField(SafeModelMultipleChoiceField):  # type: ignore[misc]
    """The workspace's channels as boxes to tick, each with what it means for the rule."""

    def label_from_instance(self, obj: Channel) -> str:
        return str(
            _("%(name)s — stays %(permanence)s/10, in our hands %(control)s/10")
            % {"name": obj.name, "permanence": obj.permanence, "control": obj.control}
        )


# Formatted when shown, not at import: a lazy text with % applied would be frozen in the
# language active while the module loads.
def _tags_help_text() -> str:
    return str(_("Separated by commas, at most %(max)s.") % {"max": MAX_TAGS})


_tags_help = lazy(_tags_help_text, str)


def tag_names(text: str) -> list[str]:
    """ "Service, Opening hours" → ["Service", "Opening hours"] (empty parts dropped)."""
    return [part.strip() for part in text.split(",") if part.strip()]


class DraftForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE_LENGTH)
    body = forms.CharField(
        label=_("Text"), required=False, max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: **bold**, *italic*, [link](https://…), “- ” starts a list item, "
                    "“## ” a heading; an empty line starts a new paragraph."),
    )  # fmt: skip
    image = forms.ImageField(
        label=_("Image"), required=False,
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS)],
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(IMAGE_TYPES))}),
        help_text=_("JPEG, PNG, GIF or WebP, at most 5 MB."),
    )  # fmt: skip
    remove_image = forms.BooleanField(label=_("Remove the image"), required=False)
    image_alt = forms.CharField(
        label=_("Image description"), required=False, max_length=200,
        help_text=_("What the image shows, for people who cannot see it."),
    )  # fmt: skip
    channels = ChannelField(
        label=_("Channels"), queryset=Channel.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The longer a channel keeps what goes out and the less we control it, the "
                    "more colleagues read the draft first."),
    )  # fmt: skip
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=500,
        help_text=_tags_help(),
    )  # fmt: skip
    planned_at = forms.DateTimeField(
        label=_("Planned for"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the workspace's time zone. Leave empty to publish when approved."),
    )  # fmt: skip

    def __init__(
        self, *args: Any, workspace: Workspace, has_image: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = Channel.objects.filter(  # type: ignore[attr-defined]
            workspace=workspace
        )
        if not has_image:
            del self.fields["remove_image"]
        rule_url = reverse_lazy("publishing:draft-rule")
        for name, trigger in (("title", TYPING_TRIGGER), ("body", TYPING_TRIGGER),
                              ("channels", "change")):  # fmt: skip
            self.fields[name].widget.attrs.update(
                {
                    "hx-post": rule_url,
                    "hx-trigger": trigger,
                    "hx-target": "#draft-rule",
                    "hx-swap": "outerHTML",
                    "hx-params": "title,body,channels,draft",
                }
            )

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            if image.size is not None and image.size > MAX_IMAGE_BYTES:
                raise ValidationError(_("The image is larger than 5 MB."))
            detected = getattr(image, "content_type", "")
            if detected not in IMAGE_TYPES:
                raise ValidationError(_("Upload a JPEG, PNG, GIF or WebP image."))
        return image

    def clean_tags(self) -> list[str]:
        names = tag_names(self.cleaned_data.get("tags") or "")
        if len(names) > MAX_TAGS:
            raise ValidationError(_("At most %(max)s tags.") % {"max": MAX_TAGS})
        return names


class ReviewerChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class RequestForm(forms.Form):
    reviewers = ReviewerChoiceField(
        label=_("Ask to review"), queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args: Any, reviewers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = reviewers  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    verdict = forms.ChoiceField(
        label=_("Your verdict"), choices=Verdict.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you ask for changes: say what should change."),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("verdict") == Verdict.CHANGES and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what should change."))
        return data


class MarkPublishedForm(forms.Form):
    url = forms.URLField(
        label=_("Address of the post"), required=False, max_length=500,
        assume_scheme="https",
        help_text=_("Where it can be read now, if it has an address."),
    )  # fmt: skip
