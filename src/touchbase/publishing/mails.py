"""Mails to members about drafts: asked to review, a new version, a verdict, a held post, an
old reachability notice. Each goes in the member's own language."""

from __future__ import annotations

from django.urls import reverse

from touchbase.core.mail import mail_send
from touchbase.core.models import User, Workspace
from touchbase.core.signing import absolute_url
from touchbase.publishing.models import Draft, Review

TEMPLATES = {
    "review_requested": "publishing/email/review_requested",
    "new_version": "publishing/email/new_version",
    "review_given": "publishing/email/review_given",
    "held": "publishing/email/held",
    "notice_old": "publishing/email/notice_old",
}


def publishing_mail_send(
    *, kind: str, workspace_id: int, draft_id: int | None, user_ids: list[int],
    review_id: int | None = None,
) -> int:  # fmt: skip
    workspace = Workspace.objects.get(pk=workspace_id)
    context: dict[str, object] = {"workspace": workspace}
    if draft_id is not None:
        draft = Draft.objects.filter(pk=draft_id, workspace=workspace).first()
        if draft is None:
            return 0
        context["draft"] = draft
        context["link"] = absolute_url(path=reverse("publishing:draft", args=[draft.pk]))
    else:
        context["link"] = absolute_url(path=reverse("publishing:notice"))
    if review_id is not None:
        context["review"] = Review.objects.filter(pk=review_id).select_related("reviewer").first()
    sent = 0
    for user in User.objects.filter(pk__in=user_ids, memberships__workspace=workspace):
        if not user.email:
            continue
        sent += mail_send(to=[user.email], template=TEMPLATES[kind],
                          context={**context, "user": user}, language=user.language)  # fmt: skip
    return sent
