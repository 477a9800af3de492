"""Writing listening's rows: sources, settings, mentions by hand, links to customers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from touchbase.core.models import User, Workspace
from touchbase.listening.choices import SourceKind
from touchbase.listening.ingest import Draft, drafts_store, handle_normal, language_code
from touchbase.listening.models import (
    MAX_TEXT_LENGTH,
    AuthorLink,
    ListeningSettings,
    Mention,
    Source,
    new_webhook_secret,
)
from touchbase.relationships.choices import Channel, Direction
from touchbase.relationships.models import Contact, Touchpoint
from touchbase.relationships.services import touchpoint_log

MENTION_KIND = "mention"
MIN_POLL_MINUTES = 5
MAX_POLL_MINUTES = 7 * 24 * 60


def listening_settings(*, workspace: Workspace) -> ListeningSettings:
    found, _created = ListeningSettings.objects.get_or_create(workspace=workspace)
    return found


SETTINGS_BOUNDS = {
    "removal_min_ratings": (1, 10_000),
    "response_sla_hours": (1, 24 * 90),
    "invitation_gap_days": (1, 3650),
}


def listening_settings_save(*, workspace: Workspace, **changes: Any) -> ListeningSettings:
    """Change a workspace's listening rules; every bad value is a field error, none is saved.

    Where alerts go is alerting.alert_settings_save's part.
    """
    found = listening_settings(workspace=workspace)
    errors: dict[str, str] = {}
    for name, (lowest, highest) in SETTINGS_BOUNDS.items():
        if name not in changes:
            continue
        value = changes[name]
        if not isinstance(value, int) or isinstance(value, bool) or not lowest <= value <= highest:
            errors[name] = _("Enter a whole number from %(low)d to %(high)d.") % {
                "low": lowest, "high": highest}  # fmt: skip
        else:
            setattr(found, name, value)
    if "invitations_enabled" in changes:
        found.invitations_enabled = bool(changes["invitations_enabled"])
    if errors:
        raise ValidationError(errors)
    found.save()
    return found


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def source_save(
    *,
    workspace: Workspace,
    name: str,
    kind: str,
    channel: str = "",
    feed_url: str = "",
    poll_minutes: int = 60,
    owner: User | None = None,
    by: User | None = None,
    source: Source | None = None,
) -> Source:
    """Create a source, or change one; a feed is polled at once after its URL changed."""
    errors = _source_errors(workspace, name, kind, feed_url, poll_minutes, source)
    if errors:
        raise ValidationError(errors)
    source = source or Source(workspace=workspace, created_by=by, kind=kind)
    if source.feed_url != feed_url:
        source.next_poll_at = timezone.now()
        source.feed_etag = source.feed_last_modified = source.last_error = ""
        source.last_error_at = None
        source.failures = 0
    source.name = name.strip()
    source.name_key = name_key(name)
    source.channel = channel.strip()
    source.feed_url = feed_url.strip()
    source.poll_minutes = poll_minutes
    source.owner = owner
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError as error:
        raise ValidationError({"name": _("A source with this name exists already.")}) from error
    return source


def _source_errors(
    workspace: Workspace, name: str, kind: str, feed_url: str, poll_minutes: int,
    source: Source | None,
) -> dict[str, str]:  # fmt: skip
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the source a name.")
    elif (
        Source.objects.filter(workspace=workspace, name_key=name_key(name))
        .exclude(pk=source.pk if source else 0)
        .exists()
    ):
        errors["name"] = _("A source with this name exists already.")
    if kind not in SourceKind.values:
        errors["kind"] = _("Choose a valid kind.")
    elif kind == SourceKind.FEED and not feed_url.strip().startswith(("http://", "https://")):
        errors["feed_url"] = _("Enter the feed's address (http or https).")
    if not MIN_POLL_MINUTES <= poll_minutes <= MAX_POLL_MINUTES:
        errors["poll_minutes"] = _("Poll between every 5 minutes and once a week.")
    return errors


def source_secret_rotate(*, source: Source) -> str:
    """A new webhook secret, returned once to be shown once; the old one stops working."""
    source.webhook_secret = new_webhook_secret()
    source.save(update_fields=["webhook_secret"])
    return source.webhook_secret


def mention_enter(
    *,
    source: Source,
    text: str,
    title: str = "",
    stars: float | None = None,
    author: str = "",
    author_email: str = "",
    author_handle: str = "",
    url: str = "",
    language: str = "",
    published_at: dt.datetime | None = None,
) -> Mention:
    """Store a mention typed in by hand (or sent through the API); the worker analyses it."""
    now = timezone.now()
    errors = {}
    if not text.strip() and not title.strip() and stars is None:
        errors["text"] = _("Enter the text or the stars.")
    if stars is not None and not 1 <= stars <= 5:
        errors["stars"] = _("Stars go from 1 to 5.")
    if published_at is not None and published_at > now + dt.timedelta(minutes=5):
        errors["published_at"] = _("A mention cannot lie in the future.")
    if len(text) > MAX_TEXT_LENGTH:
        errors["text"] = _("At most %(count)d characters.") % {"count": MAX_TEXT_LENGTH}
    if errors:
        raise ValidationError(errors)
    draft = Draft(
        published_at=published_at or now, text=text.strip(), title=title.strip()[:300],
        stars=stars, author=author.strip()[:200], author_email=author_email.strip().casefold(),
        author_handle=handle_normal(author_handle), url=url.strip()[:2000],
        language=language_code(language), channel=source.channel,
    )  # fmt: skip
    with transaction.atomic():
        stored = drafts_store(source=source, drafts=[draft])
    mention = Mention.objects.get(workspace=source.workspace, key=draft.key)
    if not stored:
        raise ValidationError({"text": _("This mention is stored already.")}, code="duplicate")
    analysis_request(workspace=source.workspace)
    return mention


def analysis_request(*, workspace: Workspace) -> None:
    """Ask the worker to read new mentions, once the storing transaction is committed."""
    from touchbase.listening.tasks import mentions_analyse_task

    transaction.on_commit(lambda: mentions_analyse_task.enqueue(workspace_id=workspace.pk))


def mention_on_timeline(*, mention: Mention, workspace: Workspace) -> Touchpoint | None:
    """Put the mention on its customer's timeline as a record (it is no personal contact)."""
    contact = mention.contact
    if contact is None or contact.is_erased or mention.touchpoint_id:
        return None
    excerpt = (mention.title + " — " if mention.title else "") + mention.text
    touchpoint = touchpoint_log(
        workspace=workspace, channel=Channel.RECORD, occurred_at=min(mention.published_at,
        timezone.now()), logged_by=None, contact=contact, direction=Direction.INBOUND,
        is_personal=False, summary=excerpt[:500], source_kind=MENTION_KIND, source_id=mention.pk,
    )  # fmt: skip
    Mention.objects.filter(pk=mention.pk).update(touchpoint=touchpoint)
    return touchpoint


@transaction.atomic
def author_link(*, mention: Mention, contact: Contact, by: User | None) -> Mention:
    """This mention's author is this customer: now and for their next mentions (by handle)."""
    if contact.workspace_id != mention.workspace_id:
        raise ValidationError({"contact": _("Choose a contact of this workspace.")})
    if contact.is_erased:
        raise ValidationError({"contact": _("This contact was erased.")})
    if mention.author_handle:
        AuthorLink.objects.update_or_create(
            workspace=mention.workspace, handle=mention.author_handle,
            defaults={"contact": contact, "created_by": by},
        )  # fmt: skip
    mention.contact = contact
    mention.save(update_fields=["contact"])
    mention_on_timeline(mention=mention, workspace=mention.workspace)
    # answers imports this module (for the settings): imported here, where it is needed
    from touchbase.listening.answers import replies_on_timeline

    replies_on_timeline(mention=mention)
    mention.refresh_from_db()
    return mention


def analysis_catch_up() -> int:
    """Ask for the reading of every workspace that has unread mentions (after a lost task)."""
    from touchbase.core.tenancy import scopes_disabled
    from touchbase.listening.tasks import mentions_analyse_task

    with scopes_disabled():
        workspace_ids = list(
            Mention.objects.filter(analysed_at=None)
            .values_list("workspace_id", flat=True)
            .distinct()[:100]
        )
    for workspace_id in workspace_ids:
        mentions_analyse_task.enqueue(workspace_id=workspace_id)
    return len(workspace_ids)
