"""API of listening: one module per area, all on one router (tag "listening")."""

from __future__ import annotations

from touchbase.listening.api import (  # noqa: F401 - they register operations
    alerts,
    feeds,
    invitations,
    mentions,
    queue,
    sources,
)
from touchbase.listening.api.base import router

__all__ = ["router"]
