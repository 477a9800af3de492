"""API of ideas: one module per area, all on one router (tag "ideas").

Django tries the patterns in the order operations were added. Literal paths (/ideas/settings,
/ideas/blocked-visitors, /ideas/top, /ideas/from-evidence) come before /ideas/{idea_id}: admin
is imported first, and ideas adds its literal paths before those with an id.
"""

from __future__ import annotations

from touchbase.ideas.api import (  # noqa: F401 - they register operations
    admin,
    comments,
    evidence,
    ideas,
    votes,
)
from touchbase.ideas.api.base import router

__all__ = ["router"]
