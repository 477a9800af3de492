"""What the service tests of helpers, requests and bookings share: times, candidates, mails."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from touchbase.community.matching import Candidate
from touchbase.community.models import CommunityMail, Helper


def day_ahead(days: int, hour: int = 9) -> dt.datetime:
    """A full UTC hour `days` from today (09:00 UTC is inside every factory helper's day)."""
    today = timezone.now().astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    return today.replace(hour=hour) + dt.timedelta(days=days)


def candidate(helper: Helper, starts_at: dt.datetime, hours: int = 1) -> Candidate:
    return Candidate(helper=helper, starts_at=starts_at,
                     ends_at=starts_at + dt.timedelta(hours=hours), score=1.0, reasons=[],
                     distance_km=1.0)  # fmt: skip


def mails_owed(**filters: object) -> list[tuple[str, str]]:
    """(kind, to) of the community mails queued, oldest first."""
    return list(CommunityMail.objects.filter(**filters).order_by("pk").values_list("kind", "to"))
