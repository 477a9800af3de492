"""Fixtures of the imports tests: the task worker, run the way production runs it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import call_command


@pytest.fixture
def worker() -> Callable[[], None]:
    """Drain the task queue once with django-tasks-db's worker (needs a transactional test)."""

    def drain() -> None:
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    return drain
