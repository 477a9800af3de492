"""The staff pages and the news page speak German and English."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from touchbase.publishing import services
from touchbase.publishing.tests.conftest import approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(post_draft, bob, dana, alice):
    approve(post_draft, bob, dana)
    services.notice_update(workspace=post_draft.workspace, actor=alice, reach="089 1234")
    return services.draft_publish(draft=post_draft, actor=alice)


def test_the_staff_pages_speak_german(published, alice_client, alice):
    alice.language = "de"
    alice.save()
    pages = {
        reverse("publishing:draft-list"): ["Neuer Entwurf", "Zu prüfen"],
        reverse("publishing:draft", args=[published.pk]): ["Prüfer/innen nötig"],
        reverse("publishing:channel-list"): ["Kanäle", "Beständigkeit"],
        reverse("publishing:topic-list"): ["Heikle Themen"],
        reverse("publishing:notice"): ["Erreichbarkeitshinweis"],
        reverse("publishing:comment-list"): ["Kommentare"],
    }
    for url, words in pages.items():
        html = alice_client.get(url).content.decode()
        for word in words:
            assert word in html, (url, word)
        for english in ["New draft", "reviewers needed", "Sensitive topics", "Permanence"]:
            assert english not in html, (url, english)


@pytest.mark.parametrize(
    ("language", "expected", "foreign"),
    [
        ("de", ["So erreichen Sie uns jetzt", "Kommentar"], ["How to reach us now"]),
        ("en", ["How to reach us now", "Comment"], ["So erreichen Sie uns jetzt"]),
    ],
)
def test_the_news_page_speaks_the_readers_language(published, language, expected, foreign):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    slug = published.workspace.slug
    html = "".join(
        client.get(url).content.decode()
        for url in [reverse("publishing:news", args=[slug]),
                    reverse("publishing:news-post", args=[slug, published.pk])]
    )  # fmt: skip
    for word in expected:
        assert word in html, word
    for word in foreign:
        assert word not in html, word
