from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "touchbase.publishing"
    label = "publishing"
    verbose_name = _("Publishing")

    def ready(self) -> None:
        from touchbase.core import registry
        from touchbase.publishing import audit, demo, demo_reach, personal_data, services

        registry.visitor_confirmed.register(
            registry.Hook(name="publishing", run=services.visitor_contributions_publish)
        )
        registry.visitor_pending.register(
            registry.PendingPreview(name="publishing", describe=services.pending_describe)
        )
        registry.visitor_data.register(
            registry.PersonalDataHandler(
                name="publishing", export=personal_data.visitor_comments_export,
                erase=personal_data.visitor_comments_erase,
            )
        )  # fmt: skip
        registry.personal_data.register(
            registry.PersonalDataHandler(
                name="publishing-partners", export=personal_data.contact_partner_export,
                erase=personal_data.contact_partner_erase,
            )
        )  # fmt: skip
        registry.member_changed.register(
            registry.Hook(name="publishing-signature", run=personal_data.member_signature_forget)
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                name="publishing-scheduled", run=lambda: services.scheduled_publish_due()
            )  # fmt: skip
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                name="publishing-notice-reminder", run=lambda: services.notice_reminders_due()
            )  # fmt: skip
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                name="publishing-pending-purge", run=lambda: services.pending_purge()
            )  # fmt: skip
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(name="publishing-reach-audit", run=lambda: audit.audit_due())
        )
        registry.demo_steps.register(
            registry.DemoStep(name="publishing", run=demo.demo_publishing, order=170)
        )
        registry.demo_steps.register(
            registry.DemoStep(name="publishing-reach", run=demo_reach.demo_reach, order=175)
        )
