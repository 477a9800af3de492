from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "touchbase.community"
    label = "community"
    verbose_name = _("Community help")

    def ready(self) -> None:
        from touchbase.community import bookings, demo, mails, panels, requests
        from touchbase.core import registry
        from touchbase.core.capabilities import Capability

        registry.periodic_jobs.register(
            registry.PeriodicJob(
                name="community-offers-expire", run=lambda: bookings.offers_expire()
            )
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(name="community-reminders", run=lambda: bookings.reminders_queue())
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                name="community-mails", run=lambda: mails.community_mails_enqueue_due()
            )
        )
        registry.personal_data.register(
            registry.PersonalDataHandler(
                name="community", export=requests.contact_requests_export,
                erase=requests.contact_requests_erase,
            )
        )  # fmt: skip
        registry.demo_steps.register(
            registry.DemoStep(name="community", run=demo.demo_community, order=180)
        )
        registry.contact_panels.register(
            registry.Panel(
                name="community", template="community/partials/_contact_panel.html",
                context=panels.help_requests_panel, capability=Capability.COMMUNITY_MANAGE,
                order=50,
            )
        )  # fmt: skip
