"""Writes for workspaces, members, API tokens and the sign-in throttle."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from touchbase.core.choices import DigestFrequency, Language, Role
from touchbase.core.models import ApiToken, Membership, SignInFailure, User, Workspace
from touchbase.core.timeutil import next_digest_at


@transaction.atomic
def workspace_create(*, name: str, slug: str = "", time_zone: str = "Europe/Berlin") -> Workspace:
    """Create a workspace with a unique slug derived from its name."""
    base = slugify(slug or name)[:50] or "workspace"
    candidate, number = base, 1
    while Workspace.objects.filter(slug=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    workspace = Workspace(name=name, slug=candidate, time_zone=time_zone)
    workspace.full_clean()
    workspace.save()
    return workspace


@transaction.atomic
def member_add(
    *,
    workspace: Workspace,
    username: str,
    password: str | None,
    role: Role = Role.STAFF,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    language: str = Language.ENGLISH,
    job_title: str = "",
    digest_frequency: str = DigestFrequency.WEEKLY,
) -> Membership:
    """Create the user if needed and make them a member of the workspace."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "email": email,
            "first_name": first_name,
            "last_name": last_name,
            "language": language,
            "job_title": job_title,
        },
    )
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    membership, _created = Membership.objects.update_or_create(
        workspace=workspace,
        user=user,
        defaults={"role": role, "digest_frequency": digest_frequency},
    )
    digest_reschedule(membership=membership)
    return membership


def digest_reschedule(*, membership: Membership, after: datetime | None = None) -> Membership:
    """Set when the member's next digest is due, from their chosen frequency."""
    membership.digest_next_at = next_digest_at(
        frequency=membership.digest_frequency,
        zone=membership.workspace.zone,
        after=after or timezone.now(),
    )
    membership.save(update_fields=["digest_next_at"])
    return membership


@transaction.atomic
def member_preferences_update(
    *, membership: Membership, language: str, digest_frequency: str
) -> Membership:
    """Store the member's language and digest choice."""
    user = membership.user
    user.language = language
    user.save(update_fields=["language"])
    membership.digest_frequency = digest_frequency
    membership.save(update_fields=["digest_frequency"])
    return digest_reschedule(membership=membership)


@transaction.atomic
def api_token_create(*, membership: Membership, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored."""
    key = f"tb_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        workspace=membership.workspace,
        user=membership.user,
        name=name,
        prefix=key[:8],
        digest=ApiToken.digest_of(key),
    )
    return token, key


@transaction.atomic
def workspace_update(*, workspace: Workspace, name: str, time_zone: str,
                     default_cadence_days: int) -> Workspace:  # fmt: skip
    """Rename the workspace or change its zone and default cadence; due dates follow."""
    from touchbase.relationships.services import cadence_recompute

    stored = Workspace.objects.get(pk=workspace.pk).default_cadence_days
    changed_cadence = default_cadence_days != stored
    workspace.name, workspace.time_zone = name, time_zone
    workspace.default_cadence_days = default_cadence_days
    workspace.full_clean()
    workspace.save()
    if changed_cadence:
        cadence_recompute(workspace=workspace)
    return workspace


def _keep_an_owner(membership: Membership, new_role: str | None) -> None:
    """A workspace always keeps at least one owner."""
    if membership.role != Role.OWNER or new_role == Role.OWNER:
        return
    # Locking every owner row makes two owners demoting each other at once take turns:
    # the second sees the first's change and is refused.
    owners = Membership.objects.select_for_update().filter(
        workspace=membership.workspace, role=Role.OWNER
    )
    if not [owner for owner in owners if owner.pk != membership.pk]:
        raise ValidationError(_("The workspace needs at least one owner."))


@transaction.atomic
def member_role_change(*, membership: Membership, role: str) -> Membership:
    """Give a member another role (owner, leader, staff)."""
    _keep_an_owner(membership, role)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def member_remove(*, membership: Membership) -> None:
    """Take a person out of the workspace; their tokens for it stop working at once."""
    _keep_an_owner(membership, None)
    ApiToken.objects.filter(workspace=membership.workspace, user=membership.user).delete()
    membership.delete()


@transaction.atomic
def sign_in_failure_record(*, username: str, address: str) -> SignInFailure:
    """Record a failed sign-in; failures older than the throttle's window are dropped."""
    SignInFailure.objects.filter(failed_at__lte=timezone.now() - SignInFailure.WINDOW).delete()
    return SignInFailure.objects.create(
        username=SignInFailure.username_key(username), address=address
    )


@transaction.atomic
def sign_in_failures_forget(*, username: str) -> int:
    """Forget a username's failures once its password was given; returns how many went."""
    deleted, _by_model = SignInFailure.objects.filter(
        username=SignInFailure.username_key(username)
    ).delete()
    return deleted
