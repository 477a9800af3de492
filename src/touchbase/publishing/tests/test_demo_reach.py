from __future__ import annotations

import random

from touchbase.core import registry
from touchbase.core.choices import Role
from touchbase.core.services import member_add
from touchbase.publishing import reach_services
from touchbase.publishing.demo_reach import BANNERS, PARTNERS, PRESENCES, demo_reach
from touchbase.publishing.models_reach import Banner, BannerWeek, Partner, Presence

TEAM = [("helena", Role.OWNER), ("markus", Role.LEADER), ("anna", Role.STAFF)]


def _load(workspace):
    team = {
        name: member_add(
            workspace=workspace,
            username=name,
            password=None,
            role=role,
            first_name=name.title(),
            job_title="Vertrieb",
        )  # fmt: skip
        for name, role in TEAM
    }
    demo_reach(workspace=workspace, team=team, rng=random.Random(7))
    return team


def test_the_step_runs_after_publishing():
    steps = {step.name: step.order for step in registry.demo_steps}
    assert steps["publishing-reach"] > steps["publishing"]


def test_the_demo_shows_every_part_and_loads_once(workspace):
    team = _load(workspace)
    _load(workspace)
    assert Banner.objects.filter(workspace=workspace).count() == len(BANNERS)
    assert BannerWeek.objects.filter(workspace=workspace, views__gt=0).exists()
    assert Partner.objects.filter(workspace=workspace).count() == len(PARTNERS)
    assert Presence.objects.filter(workspace=workspace).count() == len(PRESENCES)
    assert reach_services.partner_banners(workspace).exists()
    helena = reach_services.signature_of_member(workspace=workspace,
                                                user_id=team["helena"].user.pk)  # fmt: skip
    assert helena.phone == "+4989215433010"
    assert helena.job_title == "Vertrieb"
    # the old disclaimer under every signature gives the lint something to show
    codes = {finding.code for finding in reach_services.signature_findings(helena)}
    assert "disclaimer" in codes
    assert "legal_missing" not in codes
    outcomes = set(Presence.objects.filter(workspace=workspace).values_list("last_outcome",
                                                                           flat=True))  # fmt: skip
    assert {"ok", "differs", "failed"} <= outcomes
