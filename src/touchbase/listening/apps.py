from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListeningConfig(AppConfig):
    name = "touchbase.listening"
    label = "listening"
    verbose_name = _("Listening")

    def ready(self) -> None:
        from touchbase.core import registry
        from touchbase.listening import feeds, jobs, services

        registry.timeline_kinds.register(
            registry.TimelineKind(
                name=services.MENTION_KIND, template="listening/partials/_timeline_mention.html"
            )
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(name="mention-files", run=lambda: jobs.ingest_jobs_resume())
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(name="mention-analysis", run=lambda: services.analysis_catch_up())
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(name="feed-polls", run=lambda: feeds.feeds_poll_due())
        )
