"""What every public form asks of a stranger: who writes, and a field only robots fill in."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from touchbase.visitors.models import MAX_NAME_LENGTH


class IdentityFields(forms.Form):
    """Who writes: asked only of a visitor this browser does not know yet."""

    email = forms.EmailField(
        label=_("Your e-mail address"), max_length=254,
        help_text=_("We send you a link to confirm it; nothing appears before you click it. "
                    "It is never shown to others."),
    )  # fmt: skip
    name = forms.CharField(
        label=_("Your name as others see it (optional)"), max_length=MAX_NAME_LENGTH,
        required=False,
    )  # fmt: skip
    # Hidden from people (and from screen readers); a form with it filled came from a robot.
    website = forms.CharField(required=False, max_length=200)

    def __init__(self, *args: Any, known: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if known:
            del self.fields["email"]
            del self.fields["name"]

    @property
    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))
