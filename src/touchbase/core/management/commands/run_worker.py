"""`touchbase worker`: the task worker with the app's own scheduler beside it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from touchbase.core.scheduler import SchedulerThread, scheduler_tick


class Command(DbWorkerCommand):
    help = "Run the background worker and the periodic scheduler (digests)."

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("batch"):
            # A batch run is one pass: schedule what is due, then drain the queue.
            scheduler_tick()
            options["reload"] = False
            return super().handle(*args, **options)
        scheduler = SchedulerThread(settings.SCHEDULER_INTERVAL_SECONDS)
        scheduler.start()
        try:
            return super().handle(*args, **options)
        finally:
            scheduler.stop()
