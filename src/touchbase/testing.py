"""Helpers shared by the test modules of every app."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def bearer(token: str) -> dict[str, str]:
    """The API's Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
