from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsideConfig(AppConfig):
    name = "touchbase.inside"
    label = "inside"
    verbose_name = _("Inside the company")

    def ready(self) -> None:
        from touchbase.core import registry
        from touchbase.core.capabilities import Capability
        from touchbase.inside import ama, coffee, demo, mails, panels, people

        registry.periodic_jobs.register(
            registry.PeriodicJob(name="inside-ama-close", run=lambda: ama.ama_sessions_close_due())
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                name="inside-coffee-rounds", run=lambda: coffee.coffee_rounds_due()
            )
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                name="inside-coffee-invites", run=lambda: mails.coffee_invites_due()
            )
        )
        registry.personal_data.register(
            registry.PersonalDataHandler(
                name="inside", export=people.contact_export, erase=people.contact_erase
            )
        )
        registry.member_changed.register(registry.Hook(name="inside", run=people.member_changed))
        registry.demo_steps.register(
            registry.DemoStep(name="inside", run=demo.demo_inside, order=190)
        )
        registry.contact_panels.register(
            registry.Panel(
                name="inside-coffee",
                template="inside/partials/_coffee_panel.html",
                context=panels.coffee_panel,
                capability=Capability.INSIDE_TAKE_PART,
                order=60,
            )
        )
