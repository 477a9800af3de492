"""Publishing's cast: alice (owner) writes, bob and dana (staff) review; a press channel needs
two reviewers, the blog none."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from touchbase.core.choices import Role
from touchbase.core.services import member_add
from touchbase.publishing import banners, services
from touchbase.publishing.choices import ChannelKind
from touchbase.publishing.models import Channel


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads go to a folder of the test's own; cached banners and images start empty."""
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    banners.banner_bytes.cache_clear()
    yield
    cache.clear()


@pytest.fixture
def dana(workspace):
    return member_add(
        workspace=workspace, username="dana", password="dana-password-1", role=Role.STAFF,
        email="dana@pollux.example", first_name="Dana", last_name="Dorn",
    ).user  # fmt: skip


@pytest.fixture
def blog(workspace) -> Channel:
    return services.channel_save(workspace=workspace, name="News page", kind=ChannelKind.NEWS_PAGE,
                                 permanence=5, control=8)  # fmt: skip


@pytest.fixture
def press(workspace) -> Channel:
    return services.channel_save(workspace=workspace, name="Press", kind=ChannelKind.OTHER,
                                 permanence=7, control=5)  # fmt: skip


@pytest.fixture
def social(workspace) -> Channel:
    return services.channel_save(workspace=workspace, name="Social", kind=ChannelKind.SOCIAL,
                                 permanence=4, control=3)  # fmt: skip


@pytest.fixture
def post_draft(workspace, alice, blog, press):
    """Alice's draft for the news page and the press: two reviewers needed."""
    return services.draft_create(
        workspace=workspace, author=alice, title="New opening hours",
        body="From **Monday** we open at 8.", channels=[blog, press], tags=["Service"],
    )  # fmt: skip


def approve(draft, *reviewers):
    for reviewer in reviewers:
        draft.refresh_from_db()
        services.review_submit(draft=draft, reviewer=reviewer, version=draft.version,
                               verdict="approved")  # fmt: skip
    draft.refresh_from_db()
    return draft
