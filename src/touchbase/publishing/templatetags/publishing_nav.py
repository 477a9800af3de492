"""One menu for all of publishing, with what waits for the member: drafts to review, comments."""

from __future__ import annotations

from django import template
from django.template.context import Context

from touchbase.publishing import services
from touchbase.publishing.choices import CommentState
from touchbase.publishing.models import NewsComment

register = template.Library()


@register.inclusion_tag("publishing/_nav.html", takes_context=True)
def publishing_nav(context: Context) -> dict[str, object]:
    request = context["request"]
    can = context.get("can") or set()
    workspace = request.workspace
    waiting = 0
    if "publishing.moderate" in can:
        waiting = NewsComment.objects.filter(
            workspace=workspace, state=CommentState.WAITING
        ).count()
    to_review = 0
    if "publishing.review" in can:
        to_review = services.review_queue(user=request.user, workspace=workspace).count()
    return {"request": request, "can": can, "waiting": waiting, "to_review": to_review}
