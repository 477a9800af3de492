"""API of listening: one module per area, all on one router (tag "listening")."""

from __future__ import annotations

from touchbase.listening.api import feeds, mentions, sources  # noqa: F401 - they register operations
from touchbase.listening.api.base import router

__all__ = ["router"]
