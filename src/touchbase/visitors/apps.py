from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitorsConfig(AppConfig):
    name = "touchbase.visitors"
    label = "visitors"
    verbose_name = _("Visitors")

    def ready(self) -> None:
        from touchbase.core import registry
        from touchbase.visitors import services

        registry.personal_data.register(
            registry.PersonalDataHandler(
                name="visitors",
                export=services.contact_visitors_export,
                erase=services.contact_visitors_erase,
                order=200,
            )
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(name="visitor-attempts-purge", run=services.attempts_purge)
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(name="unconfirmed-visitors-purge", run=services.unconfirmed_purge)
        )
