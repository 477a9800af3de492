"""`touchbase send-digests`: enqueue every digest that is due now (the worker sends them)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from touchbase.relationships.digest import digests_enqueue_due


class Command(BaseCommand):
    help = "Enqueue the digest e-mails that are due now."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            count = digests_enqueue_due()
        self.stdout.write(self.style.SUCCESS(f"{count} digest(s) enqueued."))
