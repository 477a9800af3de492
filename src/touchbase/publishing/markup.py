"""Markdown in, safe HTML and plain text out.

markdown-it with raw HTML switched off renders the author's Markdown; nh3 (core.sanitize)
then removes anything that is not plain formatting or a safe link, so even a crafted link
such as [x](javascript:…) cannot run on the news page.
"""

from __future__ import annotations

import html
import re

import nh3
from django.utils.safestring import SafeString
from markdown_it import MarkdownIt

from touchbase.core.sanitize import TextTooLong, html_clean

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_MARKDOWN.disable("image")  # the draft's one image is its own field, with a description


def markdown_html(text: str) -> SafeString:
    # The post's title is the page's one h1; the author's "# heading" becomes the next level.
    rendered = _MARKDOWN.render(text).replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return html_clean(text=rendered)


def markdown_preview(text: str) -> SafeString | None:
    """The rendered text, or None when it grows past the sanitiser's bound (the form says so)."""
    try:
        return markdown_html(text)
    except TextTooLong:
        return None


def markdown_text(text: str) -> str:
    """The text as a reader of a plain-text channel sees it: no markup, paragraphs kept."""
    rendered = _MARKDOWN.render(text)
    rendered = rendered.replace("</p>", "</p>\n").replace("<br />", "\n").replace("</li>", "\n")
    plain = html.unescape(nh3.clean(rendered, tags=set()))
    lines = [line.rstrip() for line in plain.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def markdown_summary(text: str, *, limit: int) -> str:
    plain = " ".join(markdown_text(text).split())
    if len(plain) <= limit:
        return plain
    return plain[: limit - 1].rsplit(" ", 1)[0] + "…"
