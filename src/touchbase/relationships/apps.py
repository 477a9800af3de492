from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationshipsConfig(AppConfig):
    name = "touchbase.relationships"
    label = "relationships"
    verbose_name = _("Relationships")

    def ready(self) -> None:
        from touchbase.core import registry
        from touchbase.relationships.digest import digests_enqueue_due

        registry.periodic_jobs.register(
            registry.PeriodicJob(name="digests", run=lambda: digests_enqueue_due())
        )
