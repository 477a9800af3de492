"""API of listening: one module per area, all on one router (tag "listening")."""

from __future__ import annotations

from touchbase.listening.api import (  # noqa: F401 - they register operations
    alerts,
    feeds,
    invitations,
    launches,
    mentions,
    queue,
    ratings,
    settings,
    sources,
)
from touchbase.listening.api.base import router

__all__ = ["router"]
