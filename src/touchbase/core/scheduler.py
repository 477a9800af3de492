"""Periodic work scheduled by the app itself: the worker ticks these jobs, no cron needed."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, transaction

from touchbase.core import registry

logger = logging.getLogger(__name__)


def scheduler_tick() -> dict[str, int]:
    """Run every periodic job once; each job enqueues what is due and returns a count."""
    results = {}
    for job in registry.periodic_jobs:
        try:
            with transaction.atomic():
                results[job.name] = job.run()
        except Exception:
            logger.exception("Periodic job %s failed", job.name)
            results[job.name] = -1
    return results


class SchedulerThread(threading.Thread):
    """Ticks the periodic jobs every SCHEDULER_INTERVAL_SECONDS beside the worker loop."""

    def __init__(self, interval: float) -> None:
        super().__init__(name="touchbase-scheduler", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            close_old_connections()
            scheduler_tick()
            close_old_connections()
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()
