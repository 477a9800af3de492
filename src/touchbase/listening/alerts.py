"""Alerts: raised once per occasion and listed; sending them out is another module's work."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from touchbase.catalogue.models import Product
from touchbase.core.models import Workspace
from touchbase.listening.models import ListeningAlert, Mention


def alert_raise(
    *,
    workspace: Workspace,
    kind: str,
    key: str,
    data: dict[str, Any],
    product: Product | None = None,
    mention: Mention | None = None,
) -> ListeningAlert | None:
    """Record an alert for this occasion; None when one was raised for it already."""
    if ListeningAlert.objects.filter(workspace=workspace, key=key).exists():
        return None
    try:
        # Two workers may raise the same alert at once: the unique key keeps one.
        with transaction.atomic():
            return ListeningAlert.objects.create(
                workspace=workspace, kind=kind, key=key, data=data, product=product,
                mention=mention,
            )  # fmt: skip
    except IntegrityError:
        return None


def alert_list(*, workspace: Workspace, product: Product | None = None) -> QuerySet[ListeningAlert]:
    """Newest first, with their products."""
    alerts = ListeningAlert.objects.filter(workspace=workspace)
    if product is not None:
        alerts = alerts.filter(product=product)
    return alerts.select_related("product").order_by("-created_at", "-id")
