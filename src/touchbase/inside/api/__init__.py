"""The inside area's REST API: AMA sessions, questions, follow-ups, virtual coffee.

One module per area, all on one router (tag "inside"). Each area has its own literal second
segment (/inside/ama/sessions, /inside/ama/questions, /inside/ama/blocks, /inside/follow-ups,
/inside/coffee, /inside/settings), so no literal path can be taken for an id.
"""

from __future__ import annotations

from touchbase.inside.api import (  # noqa: F401 - they register operations
    coffee,
    follow_ups,
    questions,
    sessions,
)
from touchbase.inside.api.base import router

__all__ = ["router"]
