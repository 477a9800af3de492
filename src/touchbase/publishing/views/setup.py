"""Publishing's settings screens: the channels and their chart, the sensitive topics, the news
page's settings, the reachability notice with everything to copy from it, and the moderation of
the news page's comments.

They live under /publishing/…, beside the drafts; the public news page is /news/<slug>/….
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from touchbase.core.capabilities import Capability, capability_required, has_capability
from touchbase.core.forms import apply_errors
from touchbase.core.htmx import render_page
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.publishing import outputs, rules, selectors, services
from touchbase.publishing.choices import ChannelKind, CommentState
from touchbase.publishing.models import Channel, NewsComment, SensitiveTopic
from touchbase.publishing.setup_forms import (
    ACTION_SHOW,
    MAX_SCORE,
    MAX_TRY_LENGTH,
    MIN_SCORE,
    ChannelForm,
    ModerateForm,
    NewsSettingsForm,
    NoticeForm,
    ReplyForm,
    TopicForm,
)

# The chart's square (selectors.channel_chart places the dots in it).
CHART_SIZE = 440
CHART_MARGIN = 50
# The risky corner starts where one channel alone asks for this many reviewers.
RISKY_FROM = 5
SHOWN_LIMIT = 100
TAB_WAITING = "waiting"
TAB_SHOWN = "shown"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]


# --- channels -----------------------------------------------------------------------------------


def _channel_found(request: MemberRequest, pk: int) -> Channel:
    return owned_or_404(Channel, pk, workspace=request.workspace)


def _channels(request: MemberRequest) -> QuerySet[Channel]:
    return Channel.objects.filter(workspace=request.workspace)


@dataclass(frozen=True)
class Dot:
    point: selectors.ChartPoint
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class Tick:
    value: int
    at: float


Box = tuple[float, float, float, float]
# Where a label may stand beside its dot (dx, dy of the baseline, text-anchor), best first.
LABEL_SPOTS_RIGHT = [
    (8, 4, "start"),
    (8, -8, "start"),
    (8, 16, "start"),
    (0, -9, "middle"),
    (0, 19, "middle"),
    (-8, 4, "end"),
    (-8, -8, "end"),
    (-8, 16, "end"),
]
LABEL_SPOTS_LEFT = [
    (-8, 4, "end"),
    (-8, -8, "end"),
    (-8, 16, "end"),
    (0, -9, "middle"),
    (0, 19, "middle"),
    (8, 4, "start"),
    (8, -8, "start"),
    (8, 16, "start"),
]
# An estimate of the width of one character at the chart's font size (11px).
CHAR_WIDTH = 6.4
DOT_RADIUS = 5


def _to_x(control: float) -> float:
    return round(CHART_MARGIN + (control - 1) / 9 * (CHART_SIZE - 2 * CHART_MARGIN), 1)


def _to_y(permanence: float) -> float:
    return round(
        CHART_SIZE - CHART_MARGIN - (permanence - 1) / 9 * (CHART_SIZE - 2 * CHART_MARGIN), 1
    )


def _overlaps(box: Box, others: list[Box]) -> bool:
    return any(
        box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]
        for other in others
    )


def _label_box(x: float, y: float, anchor: str, text: str) -> Box:
    width = len(text) * CHAR_WIDTH
    start = {"start": x, "end": x - width, "middle": x - width / 2}[anchor]
    return (start, y - 10, start + width, y + 2)


def _dots(points: list[selectors.ChartPoint], width: float, height: float) -> list[Dot]:
    """Each dot with a label beside it, placed where it covers no other dot or label.

    Steps: mark every dot as taken; for each point try the spots beside it (towards the
    middle first), take the first whose box stays inside the chart and meets nothing taken;
    when none is free, the first spot is used anyway.
    """
    taken: list[Box] = [
        (p.x - DOT_RADIUS, p.y - DOT_RADIUS, p.x + DOT_RADIUS, p.y + DOT_RADIUS) for p in points
    ]
    dots = []
    for point in points:
        spots = LABEL_SPOTS_LEFT if point.x > width / 2 else LABEL_SPOTS_RIGHT
        choice = spots[0]
        for spot in spots:
            box = _label_box(point.x + spot[0], point.y + spot[1], spot[2], point.channel.name)
            inside = box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
            if inside and not _overlaps(box, taken):
                choice = spot
                break
        dx, dy, anchor = choice
        taken.append(_label_box(point.x + dx, point.y + dy, anchor, point.channel.name))
        dots.append(Dot(point, round(point.x + dx, 1), round(point.y + dy, 1), anchor))
    return dots


def _chart(request: MemberRequest) -> dict[str, Any]:
    """The dots from the selector and what the SVG draws around them, in its coordinates.

    The risky corner is where permanence − control reaches RISKY_FROM: a triangle at the
    top left, from (control 1, permanence 1 + RISKY_FROM) up to (control 10 − RISKY_FROM, 10).
    Its label stands above the plot, where no dot can cover it.
    """
    points = selectors.channel_chart(
        workspace=request.workspace, size=CHART_SIZE, margin=CHART_MARGIN
    )
    left, right = _to_x(MIN_SCORE), _to_x(MAX_SCORE)
    top, bottom = _to_y(MAX_SCORE), _to_y(MIN_SCORE)
    corner = [
        (left, _to_y(MIN_SCORE + RISKY_FROM)),
        (left, top),
        (_to_x(MAX_SCORE - RISKY_FROM), top),
    ]
    width, height = CHART_SIZE + CHART_MARGIN, CHART_SIZE
    return {
        "width": width, "height": height,
        "left": left, "right": right, "top": top, "bottom": bottom,
        "middle_x": round((left + right) / 2, 1), "middle_y": round((top + bottom) / 2, 1),
        "dots": _dots(points, width, height),
        "corner": " ".join(f"{x},{y}" for x, y in corner),
        "corner_label_x": left, "corner_label_y": top - 12,
        "tick_x_y": bottom + 16, "tick_y_x": left - 8, "axis_x_y": bottom + 36,
        "axis_y_x": 14,
        "ticks_x": [Tick(value, _to_x(value)) for value in range(MIN_SCORE, MAX_SCORE + 1)],
        "ticks_y": [Tick(value, _to_y(value)) for value in range(MIN_SCORE, MAX_SCORE + 1)],
    }  # fmt: skip


@capability_required(Capability.PUBLISHING_VIEW)
def channel_list(request: MemberRequest) -> HttpResponse:
    """Every channel with its two scores, as a table and placed on a chart."""
    services.channels_ensure(workspace=request.workspace)
    context = {
        "channels": _channels(request),
        "chart": _chart(request),
        "can_manage": has_capability(request, Capability.PUBLISHING_MANAGE),
    }
    return render(request, "publishing/setup/channel_list.html", context)


def _channel_form_page(
    request: MemberRequest, channel: Channel | None, initial: dict[str, Any]
) -> HttpResponse:
    form = ChannelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.channel_save(
                workspace=request.workspace, channel=channel, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Channel “%(name)s” saved.") % {"name": saved.name})
            return redirect("publishing:channel-list")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "channel": channel}
    return render(request, "publishing/setup/channel_form.html", context, status=status)


@capability_required(Capability.PUBLISHING_MANAGE)
@require_http_methods(["GET", "POST"])
def channel_new(request: MemberRequest) -> HttpResponse:
    initial = {"kind": ChannelKind.OTHER, "permanence": 5, "control": 5}
    return _channel_form_page(request, None, initial)


@capability_required(Capability.PUBLISHING_MANAGE)
@require_http_methods(["GET", "POST"])
def channel_edit(request: MemberRequest, pk: int) -> HttpResponse:
    channel = _channel_found(request, pk)
    initial = {
        "name": channel.name, "kind": channel.kind, "permanence": channel.permanence,
        "control": channel.control, "explanation": channel.explanation,
    }  # fmt: skip
    return _channel_form_page(request, channel, initial)


@capability_required(Capability.PUBLISHING_MANAGE)
@require_http_methods(["GET", "POST"])
def channel_delete(request: MemberRequest, pk: int) -> HttpResponse:
    """Ask first; drafts that went to the channel keep their versions and publication records."""
    channel = _channel_found(request, pk)
    if request.method == "POST":
        services.channel_delete(channel=channel)
        messages.success(request, _("Channel “%(name)s” deleted.") % {"name": channel.name})
        return redirect("publishing:channel-list")
    drafts = channel.drafts.count()
    context = {"channel": channel, "drafts": drafts}
    return render(request, "publishing/setup/channel_delete.html", context)


# --- sensitive topics ---------------------------------------------------------------------------


def _topics(request: MemberRequest) -> QuerySet[SensitiveTopic]:
    return SensitiveTopic.objects.filter(workspace=request.workspace).order_by("phrase")


def _topic_context(request: MemberRequest, form: TopicForm | None = None) -> dict[str, Any]:
    text = request.GET.get("text", "")[:MAX_TRY_LENGTH]
    topics = _topics(request)
    return {
        "topics": topics,
        "form": form or TopicForm(),
        "can_manage": has_capability(request, Capability.PUBLISHING_MANAGE),
        "try_text": text,
        "try_found": rules.topics_found(text, [t.phrase for t in topics]) if text else [],
        "max_try_length": MAX_TRY_LENGTH,
    }


@capability_required(Capability.PUBLISHING_VIEW)
def topic_list(request: MemberRequest) -> HttpResponse:
    """The words and phrases that ask for one more reviewer, and a box to try them on a text."""
    return render(request, "publishing/setup/topic_list.html", _topic_context(request))


@capability_required(Capability.PUBLISHING_MANAGE)
@require_POST
def topic_add(request: MemberRequest) -> HttpResponse:
    form = TopicForm(request.POST)
    if form.is_valid():
        try:
            topic = services.topic_add(
                workspace=request.workspace, phrase=form.cleaned_data["phrase"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("“%(phrase)s” added.") % {"phrase": topic.phrase})
            return redirect("publishing:topic-list")
    context = _topic_context(request, form)
    return render(request, "publishing/setup/topic_list.html", context, status=422)


@capability_required(Capability.PUBLISHING_MANAGE)
@require_POST
def topic_remove(request: MemberRequest, pk: int) -> HttpResponse:
    topic = owned_or_404(SensitiveTopic, pk, workspace=request.workspace)
    services.topic_remove(topic=topic)
    messages.success(request, _("“%(phrase)s” removed.") % {"phrase": topic.phrase})
    return redirect("publishing:topic-list")


@capability_required(Capability.PUBLISHING_VIEW)
@require_GET
def topic_try(request: MemberRequest) -> HttpResponse:
    """Which topics the rule finds in a text typed in (htmx: only the result)."""
    return render_page(
        request, "publishing/setup/topic_list.html", "publishing/setup/_setup_topic_try.html",
        _topic_context(request),
    )  # fmt: skip


# --- the news page's settings -------------------------------------------------------------------


@capability_required(Capability.PUBLISHING_MANAGE)
@require_http_methods(["GET", "POST"])
def news_settings(request: MemberRequest) -> HttpResponse:
    """Open or close the news page, its title and welcome text, and whether it takes comments."""
    row = services.news_settings(workspace=request.workspace)
    form = NewsSettingsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        services.news_settings_save(settings=row, changes=form.cleaned_data)
        messages.success(request, _("News page settings saved."))
        return redirect("publishing:news-settings")
    status = 422 if request.method == "POST" else 200
    news_url = f"/news/{request.workspace.slug}/"
    context = {"form": form, "settings": row, "news_url": news_url}
    return render(request, "publishing/setup/news_settings.html", context, status=status)


# --- the reachability notice --------------------------------------------------------------------


def _language(request: MemberRequest) -> str:
    wanted = request.GET.get("lang", "")
    codes = [code for code, _name in LANGUAGES]
    if wanted in codes:
        return wanted
    current = (get_language() or "en")[:2]
    return current if current in codes else "en"


def _notice_page(request: MemberRequest, form: NoticeForm, status: int = 200) -> HttpResponse:
    notice = services.notice_get(workspace=request.workspace)
    language = _language(request)
    frame_url = request.build_absolute_uri(
        f"/news/{request.workspace.slug}/notice/?lang={language}"
    )
    text = outputs.notice_text(notice, language=language)
    context = {
        "form": form,
        "notice": notice,
        "is_old": services.notice_is_old(notice),
        "language": language,
        "languages": LANGUAGES,
        "snippet_html": outputs.notice_html(notice, language=language),
        "signature_html": outputs.notice_signature_html(notice, language=language),
        "frame_html": format_html(
            '<iframe src="{}" title="{}" width="100%" height="240" style="border:0" '
            'loading="lazy"></iframe>',
            frame_url,
            _("How to reach us now"),
        ),  # fmt: skip
        "notice_text": text,
        "text_length": outputs.text_length(text),
    }
    return render(request, "publishing/setup/notice.html", context, status=status)


@capability_required(Capability.PUBLISHING_MANAGE)
@require_http_methods(["GET", "POST"])
def notice(request: MemberRequest) -> HttpResponse:
    """Edit the notice (saving counts as a review) and copy it for the website, mails, posts."""
    row = services.notice_get(workspace=request.workspace)
    form = NoticeForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_update(
                workspace=request.workspace, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Notice saved."))
            return redirect("publishing:notice")
    # A failed form leaves its values on the row in memory; the outputs show the saved ones.
    status = 422 if request.method == "POST" else 200
    return _notice_page(request, form, status=status)


@capability_required(Capability.PUBLISHING_MANAGE)
@require_POST
def notice_confirm(request: MemberRequest) -> HttpResponse:
    services.notice_confirm(workspace=request.workspace, actor=request.user)
    messages.success(request, _("Marked as still true."))
    return redirect("publishing:notice")


# --- comments on the news page ------------------------------------------------------------------


def _comment_found(request: MemberRequest, pk: int) -> NewsComment:
    return owned_or_404(
        NewsComment.objects.select_related("draft"), pk, workspace=request.workspace
    )


def _tab(value: str) -> str:
    return TAB_SHOWN if value == TAB_SHOWN else TAB_WAITING


def _comments_back(request: MemberRequest) -> HttpResponse:
    url = reverse("publishing:comment-list")
    if _tab(request.POST.get("tab", "")) == TAB_SHOWN:
        url += f"?tab={TAB_SHOWN}"
    return redirect(url)


def _comments_shown(request: MemberRequest) -> list[NewsComment]:
    return list(
        NewsComment.objects.filter(workspace=request.workspace, state=CommentState.SHOWN)
        .select_related("draft", "visitor", "member", "reply_to")
        .order_by("-created_at", "-pk")[:SHOWN_LIMIT]
    )


def _reply_form(comment: NewsComment, data: Any = None) -> ReplyForm:
    """One reply form per comment on the page, each with its own element ids."""
    return ReplyForm(data, auto_id=f"reply-{comment.pk}-%s")


def _comments_page(
    request: MemberRequest, tab: str, reply_forms: dict[int, ReplyForm] | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    waiting = selectors.comments_waiting(workspace=request.workspace)
    comments = _comments_shown(request) if tab == TAB_SHOWN else list(waiting)
    forms = reply_forms or {}
    context = {
        "tab": tab,
        "waiting_count": waiting.count(),
        "rows": [(comment, forms.get(comment.pk) or _reply_form(comment)) for comment in comments],
        "states": CommentState,
        "shown_limit": SHOWN_LIMIT,
    }
    return render(request, "publishing/setup/comment_list.html", context, status=status)


@capability_required(Capability.PUBLISHING_MODERATE)
def comment_list(request: MemberRequest) -> HttpResponse:
    """Comments waiting for a moderator, and (second tab) the latest shown ones."""
    return _comments_page(request, _tab(request.GET.get("tab", "")))


@capability_required(Capability.PUBLISHING_MODERATE)
@require_POST
def comment_moderate(request: MemberRequest, pk: int) -> HttpResponse:
    comment = _comment_found(request, pk)
    form = ModerateForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose show or reject."))
    show = form.cleaned_data["action"] == ACTION_SHOW
    try:
        services.comment_moderate(comment=comment, actor=request.user, show=show)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The comment is shown.") if show else _("The comment is rejected.")
        )
    return _comments_back(request)


@capability_required(Capability.PUBLISHING_MODERATE)
@require_POST
def comment_delete(request: MemberRequest, pk: int) -> HttpResponse:
    comment = _comment_found(request, pk)
    services.comment_delete(comment=comment)
    messages.success(request, _("The comment is deleted."))
    return _comments_back(request)


@capability_required(Capability.PUBLISHING_MODERATE)
@require_POST
def comment_reply(request: MemberRequest, pk: int) -> HttpResponse:
    """Answer in public; a waiting comment answered is shown with the answer."""
    comment = _comment_found(request, pk)
    form = _reply_form(comment, request.POST)
    if form.is_valid():
        try:
            services.comment_reply(
                draft=comment.draft, member=request.user, text=form.cleaned_data["text"],
                reply_to=comment,
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your reply is on the news page."))
            return _comments_back(request)
    tab = _tab(request.POST.get("tab", ""))
    return _comments_page(request, tab, {comment.pk: form}, status=422)


urlpatterns: list[URLPattern] = [
    path("publishing/channels/", channel_list, name="channel-list"),
    path("publishing/channels/new/", channel_new, name="channel-new"),
    path("publishing/channels/<id:pk>/edit/", channel_edit, name="channel-edit"),
    path("publishing/channels/<id:pk>/delete/", channel_delete, name="channel-delete"),
    path("publishing/topics/", topic_list, name="topic-list"),
    path("publishing/topics/add/", topic_add, name="topic-add"),
    path("publishing/topics/try/", topic_try, name="topic-try"),
    path("publishing/topics/<id:pk>/remove/", topic_remove, name="topic-remove"),
    path("publishing/news-settings/", news_settings, name="news-settings"),
    path("publishing/notice/", notice, name="notice"),
    path("publishing/notice/confirm/", notice_confirm, name="notice-confirm"),
    path("publishing/comments/", comment_list, name="comment-list"),
    path("publishing/comments/<id:pk>/moderate/", comment_moderate, name="comment-moderate"),
    path("publishing/comments/<id:pk>/delete/", comment_delete, name="comment-delete"),
    path("publishing/comments/<id:pk>/reply/", comment_reply, name="comment-reply"),
]
