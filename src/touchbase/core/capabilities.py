"""Roles as capabilities, deny by default: every view and API operation names what it needs.

A role grants only what ROLE_CAPABILITIES lists; a capability nobody listed is granted to no
one. Community managers and helpers never get a CRM capability, so no view or endpoint of the
relationship core, data care or imports answers them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from ninja.errors import HttpError

from touchbase.core.choices import Role

F = TypeVar("F", bound=Callable[..., Any])
V = TypeVar("V", bound=Callable[..., HttpResponseBase])


class Capability(models.TextChoices):
    CRM_VIEW = "crm.view", _("See customers, timelines and the due list")
    CRM_EDIT = "crm.edit", _("Change customers and log touchpoints")
    # Staff delete only the touchpoints they logged by hand; this deletes any customer row.
    CRM_DELETE = "crm.delete", _("Delete accounts, contacts and any touchpoint")
    CADENCE_MANAGE = "cadence.manage", _("Change cadence policies")
    IMPORT = "data.import", _("Import customer files")
    EXPORT_ALL = "data.export", _("Export all customers")
    MERGE = "care.merge", _("Merge duplicates")
    VOUCHER_ISSUE = "care.voucher", _("Issue and redeem vouchers")
    ADVICE_MANAGE = "care.advice", _("Change regional advice")
    PERSONAL_DATA = "care.personal_data", _("Export one person's data")
    ERASE = "care.erase", _("Erase a person (GDPR)")
    MEMBERS_MANAGE = "members.manage", _("Invite members and change roles")
    SETTINGS_MANAGE = "settings.manage", _("Change workspace settings")
    COMMUNITY_MANAGE = "community.manage", _("Run community help")
    CATALOGUE_MANAGE = "catalogue.manage", _("Change the product catalogue")
    LISTENING_VIEW = "listening.view", _("See mentions, ratings and launches")
    LISTENING_ANSWER = "listening.answer", _("Answer mentions")
    LISTENING_MANAGE = "listening.manage", _("Change sources and listening settings")
    IDEAS_VIEW = "ideas.view", _("See ideas, their votes and the customers behind them")
    IDEAS_MODERATE = "ideas.moderate", _("Answer ideas, set their status, vote for customers")
    IDEAS_MANAGE = "ideas.manage", _("Merge ideas, block visitors, change the idea portal")
    PUBLISHING_VIEW = "publishing.view", _("See drafts, their reviews and the audit trail")
    PUBLISHING_WRITE = "publishing.write", _("Write drafts, ask for reviews and publish")
    PUBLISHING_REVIEW = "publishing.review", _("Review other members' drafts")
    PUBLISHING_MODERATE = "publishing.moderate", _("Moderate and answer news page comments")
    PUBLISHING_MANAGE = (
        "publishing.manage",
        _("Change channels, sensitive topics, the news page and the reachability notice"),
    )
    INSIDE_TAKE_PART = "inside.take_part", _("Ask in AMA sessions and take part in virtual coffee")
    INSIDE_MANAGE = (
        "inside.manage",
        _("Schedule AMA sessions, moderate them and run virtual coffee"),
    )


_STAFF = {
    Capability.CRM_VIEW,
    Capability.CRM_EDIT,
    Capability.VOUCHER_ISSUE,
    Capability.LISTENING_VIEW,
    Capability.LISTENING_ANSWER,
    Capability.IDEAS_VIEW,
    Capability.IDEAS_MODERATE,
    Capability.PUBLISHING_VIEW,
    Capability.PUBLISHING_WRITE,
    Capability.PUBLISHING_REVIEW,
    Capability.PUBLISHING_MODERATE,
    Capability.INSIDE_TAKE_PART,
}
_LEADER = _STAFF | {
    Capability.CADENCE_MANAGE,
    Capability.CRM_DELETE,
    Capability.IMPORT,
    Capability.EXPORT_ALL,
    Capability.MERGE,
    Capability.ADVICE_MANAGE,
    Capability.PERSONAL_DATA,
    Capability.CATALOGUE_MANAGE,
    Capability.LISTENING_MANAGE,
    Capability.IDEAS_MANAGE,
    Capability.PUBLISHING_MANAGE,
    Capability.INSIDE_MANAGE,
}
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.OWNER: frozenset(
        _LEADER
        | {
            Capability.ERASE,
            Capability.MEMBERS_MANAGE,
            Capability.SETTINGS_MANAGE,
            Capability.COMMUNITY_MANAGE,
        }
    ),
    Role.LEADER: frozenset(_LEADER),
    Role.STAFF: frozenset(_STAFF),
    Role.COMMUNITY_MANAGER: frozenset({Capability.COMMUNITY_MANAGE, Capability.INSIDE_TAKE_PART}),
    Role.HELPER: frozenset(),
}


def role_has(role: str, capability: str) -> bool:
    """Whether a role grants a capability; unknown roles and capabilities grant nothing."""
    return capability in ROLE_CAPABILITIES.get(role, frozenset())


def roles_with(capability: str) -> list[str]:
    """The roles that grant a capability, for queries over memberships."""
    return sorted(role for role, granted in ROLE_CAPABILITIES.items() if capability in granted)


def has_capability(request: HttpRequest, capability: str) -> bool:
    """Whether the request's member may do this in the request's workspace."""
    membership = getattr(request, "membership", None)
    return membership is not None and role_has(membership.role, capability)


def capability_required(capability: Capability) -> Callable[[V], V]:
    """View decorator: anonymous → login page, no workspace or capability → 403 page."""

    def decorator(view: V) -> V:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if getattr(request, "workspace", None) is None:
                return render(request, "core/no_workspace.html", status=403)
            if not has_capability(request, capability):
                return render(request, "core/forbidden.html", status=403)
            return view(request, *args, **kwargs)

        wrapper.capability = capability  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def api_capability(capability: Capability) -> Callable[[F], F]:
    """API operation decorator (below @router.<method>): 403 without the capability."""

    def decorator(operation: F) -> F:
        @wraps(operation)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not has_capability(request, capability):
                raise HttpError(403, str(_("Your role does not allow this.")))
            return operation(request, *args, **kwargs)

        # django-ninja reads the signature with the wrapper's globals; hand it resolved types.
        wrapper.__signature__ = inspect.signature(operation, eval_str=True)  # type: ignore[attr-defined]
        wrapper.capability = capability  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator
