from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "touchbase.ideas"
    label = "ideas"
    verbose_name = _("Ideas")

    def ready(self) -> None:
        from touchbase.core import registry
        from touchbase.ideas import demo, mails, personal_data, services

        registry.visitor_confirmed.register(
            registry.Hook(name="ideas", run=services.visitor_contributions_publish)
        )
        registry.personal_data.register(
            registry.PersonalDataHandler(
                name="ideas", export=personal_data.contact_ideas_export,
                erase=personal_data.contact_ideas_erase,
            )
        )  # fmt: skip
        registry.visitor_pending.register(
            registry.PendingPreview(name="ideas", describe=services.pending_describe)
        )
        registry.visitor_data.register(
            registry.PersonalDataHandler(
                name="ideas", export=personal_data.visitor_ideas_export,
                erase=personal_data.visitor_ideas_erase,
            )
        )  # fmt: skip
        registry.periodic_jobs.register(
            registry.PeriodicJob(name="idea-mails", run=lambda: mails.idea_mails_enqueue_due())
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(name="idea-pending-purge", run=lambda: services.pending_purge())
        )
        registry.demo_steps.register(
            registry.DemoStep(name="ideas", run=demo.demo_ideas, order=160)
        )
