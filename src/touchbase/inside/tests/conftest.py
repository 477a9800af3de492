"""Inside fixtures: an AMA session led by alice in the Pollux workspace."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from touchbase.inside import ama
from touchbase.inside.choices import Audience


@pytest.fixture
def session(workspace, alice):
    now = timezone.now()
    return ama.ama_session_save(
        workspace=workspace, by=alice, title="Ask Alice anything", leader=alice,
        starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1),
        audience=Audience.BOTH,
    )  # fmt: skip


@pytest.fixture
def alice_place(session, alice):
    return ama.participant_for_member(session=session, user=alice)


@pytest.fixture
def bob_place(session, bob):
    return ama.participant_for_member(session=session, user=bob)
