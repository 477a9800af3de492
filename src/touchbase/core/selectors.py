"""Reads for the platform beyond one filter()."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from touchbase.core.models import SignInFailure


def sign_in_is_throttled(*, username: str, address: str) -> bool:
    """Whether recent failures for this username or from this address refuse a sign-in now."""
    by_username = Q(username=SignInFailure.username_key(username))
    by_address = Q(address=address)
    counts = SignInFailure.objects.filter(
        by_username | by_address, failed_at__gt=timezone.now() - SignInFailure.WINDOW
    ).aggregate(username=Count("pk", filter=by_username), address=Count("pk", filter=by_address))
    by_username_count: int = counts["username"]
    by_address_count: int = counts["address"]
    return (
        by_username_count >= SignInFailure.LIMIT_PER_USERNAME
        or by_address_count >= SignInFailure.LIMIT_PER_ADDRESS
    )
