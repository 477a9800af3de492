from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from touchbase.core import registry
from touchbase.core.capabilities import ROLE_CAPABILITIES


def workspace(request: HttpRequest) -> dict[str, object]:
    """The workspace, the membership, what the member may do, and the data sections they see."""
    membership = getattr(request, "membership", None)
    can = {str(c) for c in ROLE_CAPABILITIES.get(membership.role, ())} if membership else set()
    return {
        "workspace": getattr(request, "workspace", None),
        "membership": membership,
        "can": can,
        "data_sections": _links(registry.data_sections, can),
        "settings_sections": _links(registry.settings_sections, can),
    }


def _links(slot: registry.Slot[registry.SettingsSection], can: set[str]) -> list[dict[str, Any]]:
    """The sections of a slot this member may open, with their URLs."""
    return [
        {"label": section.label, "url": reverse(section.url_name)}
        for section in slot
        if not section.capability or section.capability in can
    ]
