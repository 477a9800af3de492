"""The news page as an Atom feed (RFC 4287), built with feedgen from the published copies only."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.urls import reverse
from feedgen.feed import FeedGenerator

from touchbase.core.models import Workspace
from touchbase.core.signing import absolute_url
from touchbase.publishing.models import Draft, NewsSettings

FEED_CONTENT_TYPE = "application/atom+xml; charset=utf-8"
# Characters XML 1.0 forbids; a pasted control character must not break the whole feed.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _url(name: str, *args: object) -> str:
    return absolute_url(path=reverse(name, args=list(args)))


def news_feed(*, workspace: Workspace, settings: NewsSettings, posts: Sequence[Draft]) -> bytes:
    """The Atom document (UTF-8 bytes) of these posts; ids are the posts' absolute addresses,
    which never change, so a reader never sees one post twice."""
    page_url = _url("publishing:news", workspace.slug)
    generator = FeedGenerator()
    generator.id(page_url)
    generator.title(_xml(settings.title).strip() or _xml(workspace.name).strip() or "–")
    if settings.intro:
        generator.subtitle(_xml(settings.intro))
    generator.author({"name": _xml(workspace.name)})
    generator.link(href=page_url, rel="alternate", type="text/html")
    generator.link(href=_url("publishing:news-feed", workspace.slug), rel="self")
    generator.generator("touchbase")
    updated = [post.public_updated_at or post.published_at for post in posts if post.published_at]
    generator.updated(max(updated) if updated else workspace.created_at)
    for post in posts:
        link = _url("publishing:news-post", workspace.slug, post.pk)
        entry = generator.add_entry(order="append")
        entry.id(link)
        entry.title(_xml(post.public_title).strip() or "–")
        entry.link(href=link, rel="alternate", type="text/html")
        published = post.published_at or post.public_updated_at
        entry.published(published)
        entry.updated(post.public_updated_at or published)
        # The member's full name, never their login: a username is not for strangers.
        author = post.author.get_full_name() if post.author else ""
        entry.author({"name": _xml(author or workspace.name)})
        if post.public_summary:
            entry.summary(_xml(post.public_summary))
        entry.content(_xml(post.public_html), type="html")
        for slug, name in post.public_tags or []:
            entry.category(term=_xml(str(slug)), label=_xml(str(name)))
    return bytes(generator.atom_str(pretty=False))
