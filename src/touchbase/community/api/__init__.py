"""API of community help: one module per area, all on one router (tag "community").

Django tries the patterns in the order operations were added. Literal paths come before those
with an id where both could match (/community/batch/offers is added before any /{id} path);
the other paths differ in their number of segments, so their order does not matter.
"""

from __future__ import annotations

from touchbase.community.api import (  # noqa: F401 - they register operations
    bookings,
    figures,
    helpers,
    matching,
    requests,
    safety,
    settings,
    skills,
)
from touchbase.community.api.base import router

__all__ = ["router"]
