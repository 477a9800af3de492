"""Forms of the public news page: bounded, with a field only robots fill in."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from touchbase.publishing.models import MAX_COMMENT_LENGTH
from touchbase.visitors.forms import IdentityFields

MAX_PAGE = 500  # the list's page number in the query string goes no further
MAX_TAG_LENGTH = 50


class CommentForm(IdentityFields):
    """A visitor's comment; the address is asked only of a browser not remembered yet."""

    text = forms.CharField(
        label=_("Your comment"), max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_COMMENT_LENGTH}),
    )  # fmt: skip
    field_order = ["text", "email", "name", "website"]
