"""What leaves touchbase by hand: a channel's export of a draft, and the reachability notice
in every shape it is reused in (HTML snippet, e-mail signature block, social text)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from touchbase.publishing.choices import ChannelKind, DraftState
from touchbase.publishing.markup import markdown_text
from touchbase.publishing.models import Channel, Draft, DraftVersion, ReachabilityNotice

# Characters a post may have on each network (their published limits, 2026).
SOCIAL_LIMITS = {
    "X": 280,
    "Bluesky": 300,
    "Mastodon": 500,
    "Threads": 500,
    "Instagram": 2200,
    "LinkedIn": 3000,
    "Facebook": 63206,
}
# X counts every link as 23 characters, whatever its length.
X_LINK_LENGTH = 23


@dataclass(frozen=True)
class LengthCheck:
    network: str
    limit: int
    length: int

    @property
    def fits(self) -> bool:
        return self.length <= self.limit

    @property
    def over(self) -> int:
        return max(0, self.length - self.limit)


def text_length(text: str, *, network: str = "") -> int:
    """Characters as the networks count them: user-perceived, NFC; X counts links as 23."""
    text = unicodedata.normalize("NFC", text)
    if network != "X":
        return len(text)
    words = text.split(" ")
    return sum(
        X_LINK_LENGTH if w.startswith(("http://", "https://")) else len(w) for w in words
    ) + max(0, len(words) - 1)


def social_checks(text: str) -> list[LengthCheck]:
    return [LengthCheck(network=name, limit=limit, length=text_length(text, network=name))
            for name, limit in SOCIAL_LIMITS.items()]  # fmt: skip


class ExportState:
    READY = "ready"
    NOT_PUBLISHED = "not_published"
    WITHDRAWN = "withdrawn"
    CHANNEL_ADDED = "channel_added"


@dataclass(frozen=True)
class ChannelExport:
    channel: Channel
    title: str
    text: str
    image_url: str
    image_alt: str
    planned_at: object
    checks: list[LengthCheck]
    version: int
    state: str

    @property
    def preview(self) -> bool:
        """Not to be posted (yet): only a published version reviewed for this channel is."""
        return self.state != ExportState.READY


def channel_export(
    *, draft: Draft, channel: Channel, image_url: Callable[[int], str] = lambda number: ""
) -> ChannelExport:
    """The draft as someone posts it by hand on this channel: the version that was published;
    before publication the current one, marked as a preview."""
    version = DraftVersion.objects.get(draft=draft, number=draft.published_version or draft.version)
    text = markdown_text(version.body)
    if channel.kind == ChannelKind.SOCIAL:
        text = f"{version.title}\n\n{text}".strip()
    checks = social_checks(text) if channel.kind == ChannelKind.SOCIAL else []
    return ChannelExport(
        channel=channel, title=version.title, text=text,
        image_url=image_url(version.number) if version.image else "",
        image_alt=version.image_alt if version.image else "", planned_at=version.planned_at,
        checks=checks, version=version.number, state=_export_state(draft, version, channel),
    )  # fmt: skip


def _export_state(draft: Draft, version: DraftVersion, channel: Channel) -> str:
    if draft.state == DraftState.WITHDRAWN:
        return ExportState.WITHDRAWN
    if not draft.published_version:
        return ExportState.NOT_PUBLISHED
    # Versions written before channel ids were kept name their channels only.
    reviewed = channel.pk in version.channel_ids if version.channel_ids else (
        channel.name in version.channel_names
    )  # fmt: skip
    if not reviewed:
        return ExportState.CHANNEL_ADDED
    return ExportState.READY


# --- the reachability notice -------------------------------------------------------------------


def notice_html(notice: ReachabilityNotice, *, language: str) -> SafeString:
    """A self-contained HTML block (inline styles, no script) for any website or mail."""
    with translation.override(language):
        return render_to_string("publishing/notice/_snippet.html", {"notice": notice})


def notice_signature_html(notice: ReachabilityNotice, *, language: str) -> SafeString:
    """A short table block for e-mail signatures (mail programs need tables and inline styles)."""
    with translation.override(language):
        return render_to_string("publishing/notice/_signature.html", {"notice": notice})


def notice_text(notice: ReachabilityNotice, *, language: str) -> str:
    """The notice as plain text, for social posts and plain-text signatures."""
    with translation.override(language):
        parts = [f"{_('How to reach us now')}: {notice.reach}" if notice.reach else "",
                 str(notice.get_operation_display()) + (
                     f" — {notice.operation_note}" if notice.operation_note else ""),
                 f"{_('Protective measures')}: {notice.measures}" if notice.measures else "",
                 f"{_('Appointments')}: {notice.booking}" if notice.booking else "",
                 notice.booking_url]  # fmt: skip
    return "\n".join(" ".join(p.split()) for p in parts if p.strip())
