"""Writes for workspaces, members, API tokens and the sign-in throttle."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from touchbase.core import registry
from touchbase.core.choices import DigestFrequency, Language, Role, country_for_time_zone
from touchbase.core.mail import mail_send
from touchbase.core.models import (
    ApiToken,
    Invitation,
    Membership,
    SignInFailure,
    User,
    Workspace,
)
from touchbase.core.signing import LinkInvalid, absolute_url, link_sign, link_verify
from touchbase.core.timeutil import next_digest_at

# Public pages live at /<area>/<workspace slug>/…, beside the staff pages of the same area
# (/ideas/manage/…): a workspace must not take a name those use.
RESERVED_SLUGS = frozenset({"manage", "admin", "api", "new", "settings", "static"})


@transaction.atomic
def workspace_create(
    *, name: str, slug: str = "", time_zone: str = "Europe/Berlin", home_country: str = ""
) -> Workspace:
    """Create a workspace with a unique slug derived from its name.

    Without a home country, the time zone suggests one (Europe/Vienna: Austria).
    """
    base = slugify(slug or name)[:50] or "workspace"
    candidate, number = base, 1
    while candidate in RESERVED_SLUGS or Workspace.objects.filter(slug=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    workspace = Workspace(
        name=name,
        slug=candidate,
        time_zone=time_zone,
        home_country=home_country or country_for_time_zone(time_zone),
    )
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
    check_password: bool = False,
) -> Membership:
    """Create the user if needed and make them a member (the operator's way: CLI, demo).

    With check_password, a new user's password must pass Django's validators.
    """
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
        if password and check_password:
            password_validation.validate_password(password, user)
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
def workspace_update(
    *,
    workspace: Workspace,
    name: str,
    time_zone: str,
    default_cadence_days: int,
    home_country: str | None = None,
    accent_color: str | None = None,
    human_first_after: int | None = None,
) -> Workspace:
    """Rename the workspace or change its zone, home country, default cadence, colour and
    after how many e-mails in a row a call is suggested.

    Due dates follow a new default cadence; what is not given stays as it is.
    """
    stored = Workspace.objects.get(pk=workspace.pk).default_cadence_days
    changed_cadence = default_cadence_days != stored
    workspace.name, workspace.time_zone = name, time_zone
    if home_country is not None:
        workspace.home_country = home_country
    if accent_color:
        workspace.accent_color = accent_color
    if human_first_after is not None:
        workspace.human_first_after = human_first_after
    workspace.default_cadence_days = default_cadence_days
    workspace.full_clean()
    workspace.save()
    changed = {"default_cadence_days"} if changed_cadence else set()
    for hook in registry.workspace_updated:
        hook.run(workspace=workspace, changed=changed)
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
    """Give a member another role; apps let go of what the new role may not hold."""
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    _keep_an_owner(membership, role)
    membership.role = role
    membership.save(update_fields=["role"])
    for hook in registry.member_changed:
        hook.run(membership=membership, removed=False)
    return membership


@transaction.atomic
def member_remove(*, membership: Membership) -> None:
    """Take a person out of the workspace; their tokens for it stop working at once."""
    _keep_an_owner(membership, None)
    ApiToken.objects.filter(workspace=membership.workspace, user=membership.user).delete()
    for hook in registry.member_changed:
        hook.run(membership=membership, removed=True)
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


# --- invitations ------------------------------------------------------------------------------

INVITATION_PURPOSE = "invitation"


def invitation_token(invitation: Invitation) -> str:
    """The signed part of the invitation link: which invitation of which workspace."""
    return link_sign(
        purpose=INVITATION_PURPOSE, payload={"w": invitation.workspace_id, "i": invitation.pk},
        max_age=Invitation.VALID_FOR,
    )  # fmt: skip


def invitation_url(invitation: Invitation) -> str:
    return absolute_url(path=reverse("core:invitation-accept", args=[invitation_token(invitation)]))


@transaction.atomic
def invitation_create(
    *, workspace: Workspace, email: str, role: str, language: str, by: User | None
) -> Invitation:
    """Invite an e-mail address to join; the mail goes out once the invitation is stored."""
    email = email.strip()
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    invitation = Invitation(
        workspace=workspace, email=email, role=role, language=language, invited_by=by
    )
    invitation.full_clean()
    invitation.save()
    transaction.on_commit(lambda: invitation_send(invitation=invitation))
    return invitation


def invitation_send(*, invitation: Invitation) -> None:
    """Mail the invitation link in the language the owner chose for it."""
    mail_send(
        to=[invitation.email], template="core/email/invitation", language=invitation.language,
        context={
            "workspace": invitation.workspace,
            "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
            "url": invitation_url(invitation),
            "expires_at": invitation.expires_at,
        },
    )  # fmt: skip


def invitation_find(*, token: str) -> Invitation:
    """The open invitation behind a link; expired, used and forged links are refused alike."""
    try:
        data = link_verify(purpose=INVITATION_PURPOSE, token=token)
        workspace_id, invitation_id = int(data["w"]), int(data["i"])
    except (LinkInvalid, KeyError, TypeError, ValueError) as error:
        raise ValidationError(_("This invitation link is not valid or has expired.")) from error
    invitation = (
        Invitation.objects.with_scope(workspace=workspace_id)
        .select_related("workspace", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_open:
        raise ValidationError(_("This invitation link is not valid or has expired."))
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Make the user a member with the invited role; a link works once."""
    locked = (
        Invitation.objects.with_scope(workspace=invitation.workspace_id)
        .select_for_update()
        .get(pk=invitation.pk)
    )
    if not locked.is_open:
        raise ValidationError(_("This invitation link is not valid or has expired."))
    membership, created = Membership.objects.get_or_create(
        workspace_id=locked.workspace_id, user=user, defaults={"role": locked.role}
    )
    if created:
        digest_reschedule(membership=membership)
    locked.accepted_at, locked.accepted_by = timezone.now(), user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def user_create(
    *, username: str, password: str, email: str = "", first_name: str = "",
    last_name: str = "", language: str = Language.ENGLISH,
) -> User:  # fmt: skip
    """A new account; Django's password validators decide whether the password is good enough."""
    user = User(username=username.strip(), email=email, first_name=first_name,
                last_name=last_name, language=language)  # fmt: skip
    errors: dict[str, list[str]] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> None:
    """Withdraw an invitation that was not accepted yet."""
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was accepted already."))
    invitation.delete()


@transaction.atomic
def invitation_join(
    *, invitation: Invitation, username: str, password: str, first_name: str, last_name: str
) -> Membership:
    """Create the invitee's account with the invited address and accept, in one go."""
    user = user_create(
        username=username, password=password, email=invitation.email, first_name=first_name,
        last_name=last_name, language=invitation.language,
    )  # fmt: skip
    return invitation_accept(invitation=invitation, user=user)
