"""{{ value|break_points }}: long addresses may wrap after "@" and "." instead of mid-word."""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# After these a line may break in an e-mail address, a web address or a domain.
BREAK_AFTER = re.compile(r"([@./])")


@register.filter
def break_points(value: str) -> SafeString:
    """The text escaped, with a <wbr> after each "@", "." and "/"."""
    escaped = str(conditional_escape(value))
    return mark_safe(BREAK_AFTER.sub(r"\1<wbr>", escaped))  # noqa: S308 - escaped just above
