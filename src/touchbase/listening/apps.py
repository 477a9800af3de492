from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListeningConfig(AppConfig):
    name = "touchbase.listening"
    label = "listening"
    verbose_name = _("Listening")

    def ready(self) -> None:
        from touchbase.core import registry
        from touchbase.core.capabilities import Capability
        from touchbase.listening import (
            alerting,
            answers,
            demo,
            feeds,
            invitations,
            jobs,
            panels,
            personal_data,
            rules,
            services,
        )

        registry.timeline_kinds.register(
            registry.TimelineKind(
                name=services.MENTION_KIND, template="listening/partials/_timeline_mention.html"
            )
        )
        registry.timeline_kinds.register(
            registry.TimelineKind(
                name=answers.REPLY_KIND, template="listening/partials/_timeline_reply.html"
            )
        )
        for slot, order in ((registry.contact_panels, 8), (registry.call_sheet_panels, 5)):
            slot.register(registry.Panel(
                name="open-feedback", template="listening/partials/_open_feedback_panel.html",
                context=panels.open_feedback_panel, capability=Capability.LISTENING_VIEW,
                order=order,
            ))  # fmt: skip
        registry.periodic_jobs.register(
            registry.PeriodicJob(name="mention-files", run=lambda: jobs.ingest_jobs_resume())
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(name="mention-analysis", run=lambda: services.analysis_catch_up())
        )
        registry.demo_steps.register(
            registry.DemoStep(name="listening", run=demo.demo_listening, order=150)
        )
        registry.personal_data.register(
            registry.PersonalDataHandler(
                name="mentions",
                export=personal_data.mentions_export,
                erase=personal_data.mentions_erase,
            )
        )
        registry.personal_data.register(
            registry.PersonalDataHandler(
                name="review_invitations",
                export=personal_data.invitations_export,
                erase=personal_data.invitations_erase,
            )
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(name="feed-polls", run=lambda: feeds.feeds_poll_due())
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(name="review-invitations", run=_invitations_tick)
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(name="alert-mails", run=lambda: alerting.alert_mails_retry())
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                name="rating-attempts-purge", run=lambda: invitations.rating_attempts_purge()
            )
        )
        registry.contact_panels.register(
            registry.Panel(
                name="review-invitations",
                template="listening/partials/_invitation_panel.html",
                context=panels.invitation_panel,
                capability=Capability.LISTENING_VIEW,
                order=60,
            )
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(name="listening-rules", run=lambda: rules.rules_schedule())
        )
        registry.settings_sections.register(
            registry.SettingsSection(
                name="listening", label=_("Listening"), url_name="listening:settings",
                capability=Capability.LISTENING_MANAGE, order=40,
            )
        )  # fmt: skip


def _invitations_tick() -> int:
    """Offer invitations after new personal contacts, and retry those not sent yet."""
    from touchbase.listening import invitations

    return invitations.invitations_for_touchpoints() + invitations.invitations_retry()
