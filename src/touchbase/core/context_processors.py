from __future__ import annotations

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict[str, object]:
    """Expose the current workspace and membership to every template."""
    return {
        "workspace": getattr(request, "workspace", None),
        "membership": getattr(request, "membership", None),
    }
