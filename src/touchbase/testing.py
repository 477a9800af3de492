"""Helpers shared by the test modules of every app."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def bearer(token: str) -> dict[str, str]:
    """The API's Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def days_ago(days: int) -> dt.datetime:
    """This local clock time that many calendar days ago.

    Arithmetic on the local time keeps the local date exact across a change of summer time,
    where a UTC difference would land on the day before or after near midnight.
    """
    return timezone.localtime() - dt.timedelta(days=days)
