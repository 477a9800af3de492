"""API of community help: one module per area, all on one router (tag "community")."""

from __future__ import annotations

from touchbase.community.api import matching  # noqa: F401 - registers operations
from touchbase.community.api.base import router

__all__ = ["router"]
