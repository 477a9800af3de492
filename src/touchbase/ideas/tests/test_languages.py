"""The portal and the staff pages speak German and English; e-mails in the reader's language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from touchbase.ideas import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def idea(workspace, alice):
    idea = services.idea_create(workspace=workspace, by=alice, title="Dunkelmodus")
    services.status_set(idea=idea, status="planned", answer="Kommt im Mai.", by=alice)
    return idea


def pages(workspace, idea) -> list[str]:
    slug = workspace.slug
    return [
        reverse("ideas:portal", args=[slug]),
        reverse("ideas:portal-idea", args=[slug, idea.pk]),
        reverse("ideas:portal-new", args=[slug]),
        reverse("ideas:portal-roadmap", args=[slug]),
        reverse("ideas:portal-me", args=[slug]),
        reverse("ideas:portal-vote-address", args=[slug, idea.pk]),
    ]


@pytest.mark.parametrize(
    ("language", "expected", "foreign"),
    [
        ("de", ["Ideen", "Roadmap", "Idee vorschlagen", "Geplant"], ["Suggest an idea", "Vote"]),
        ("en", ["Ideas", "Roadmap", "Suggest an idea", "Planned"], ["Idee vorschlagen"]),
    ],
)
def test_the_portal_speaks_the_visitors_language(workspace, idea, language, expected, foreign):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    html = "".join(client.get(url).content.decode() for url in pages(workspace, idea))
    for word in expected:
        assert word in html, word
    for word in foreign:
        assert f">{word}<" not in html, word


def test_the_staff_pages_speak_german(workspace, idea, alice_client, alice):
    alice.language = "de"
    alice.save()
    for url in ["/ideas/manage/", f"/ideas/manage/{idea.pk}/", "/ideas/manage/top/",
                "/ideas/manage/settings/"]:  # fmt: skip
        html = alice_client.get(url).content.decode()
        assert "Ideen" in html, url
        assert "Official answer" not in html, url
        assert "Merge into" not in html, url
