"""`touchbase refresh_search`: rewrite every account's and contact's search text."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scopes_disabled

from touchbase.relationships.models import Account, Contact
from touchbase.relationships.services import search_text_refresh


class Command(BaseCommand):
    help = (
        "Rewrite the search text of all accounts and contacts, e.g. after rows were changed "
        "outside touchbase; the text indexes follow."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Every workspace's rows, on purpose: the search text is derived, never shown.
        with scopes_disabled(), transaction.atomic():
            written = search_text_refresh(
                accounts=Account.objects.all(), contacts=Contact.objects.all()
            )
        self.stdout.write(f"Search text rewritten for {written} rows.")
