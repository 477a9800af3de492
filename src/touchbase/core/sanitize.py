"""HTML from outside (reviews, ideas, imported notes, rich-text fields) made safe to show.

`html_clean` keeps a small set of formatting tags and links and drops everything that can run
code or change the page: scripts and styles with their content, event handlers, style and class
attributes, and any URL scheme but http, https, mailto and tel. Every link gets
rel="noopener nofollow", so it can neither reach back into our window nor lend us its ranking.
`text_to_html` is for plain text: escaped, with paragraphs and line breaks.

Both refuse input over MAX_INPUT_CHARS (TextTooLong) rather than cut it silently; forms and
importers should bound their fields before.
"""

from __future__ import annotations

import nh3
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

__all__ = ["ALLOWED_TAGS", "MAX_INPUT_CHARS", "TextTooLong", "html_clean", "text_to_html"]

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
     "h2", "h3", "h4"}
)  # fmt: skip
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Sanitising is linear, but nobody writes a 100 KB comment; larger input is an accident or
# an attack, and refusing it keeps a request's work bounded.
MAX_INPUT_CHARS = 100_000

# One cleaner for the process: building it parses the rules once.
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style"},
    attributes={"a": {"href"}},
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel="noopener nofollow",
    strip_comments=True,
)


class TextTooLong(ValueError):
    """Input larger than MAX_INPUT_CHARS; the message is fit to show in a form."""


def _check_size(text: str) -> None:
    if len(text) > MAX_INPUT_CHARS:
        raise TextTooLong(
            _("The text is too long: %(size)s characters, at most %(limit)s are allowed.")
            % {"size": len(text), "limit": MAX_INPUT_CHARS}
        )


def html_clean(*, text: str) -> SafeString:
    """The HTML with only safe formatting and links left, ready to render unescaped."""
    _check_size(text)
    # Safe because nh3 has just removed everything outside the allowed set.
    return mark_safe(_CLEANER.clean(text))


def text_to_html(*, text: str) -> SafeString:
    """Plain text as escaped HTML: blank lines make paragraphs, single line breaks <br>."""
    _check_size(text)
    if not text.strip():
        return mark_safe("")
    return mark_safe(linebreaks(text, autoescape=True))
