"""The publishing API: channels, topics, drafts, reviews, publication, comments, the notice;
the company's data, signatures, banners, partners and online presences.

One module per area, all on one router (tag "publishing"). Django tries the patterns in the
order operations were added; no literal path here shares a prefix with an id path.
"""

from __future__ import annotations

from touchbase.publishing.api import (  # noqa: F401 - they register operations
    banners,
    channels,
    comments,
    drafts,
    notice,
    partners,
    presences,
    signatures,
)
from touchbase.publishing.api.base import router

__all__ = ["router"]
