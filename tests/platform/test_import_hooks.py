"""Apps follow an import through the registry, without imports knowing them."""

from __future__ import annotations

import pytest

from touchbase.care.choices import ScanStatus
from touchbase.care.models import DuplicateScan
from touchbase.imports.planner import import_plan
from touchbase.imports.writer import import_apply

pytestmark = pytest.mark.django_db


def test_an_import_asks_the_worker_to_look_for_duplicates(workspace, alice):
    plan = import_plan(workspace=workspace, filename="k.csv",
                       data=b"Vorname;Nachname\nHans;Meier\nHans;Maier\n")  # fmt: skip
    import_apply(workspace=workspace, plan=plan, by=alice)
    scan = DuplicateScan.objects.get()
    assert (scan.trigger, scan.status, scan.workspace) == ("import", ScanStatus.QUEUED, workspace)
