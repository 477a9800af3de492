"""The public news page: posts, tags, one post with its comments, the Atom feed, the notice.

A stranger's front door, so:
- only the published copy of a post is ever read (`on_news`, `public_*`); a draft's own
  title and text never reach these pages; a closed news page answers 404 everywhere;
- the post's HTML was sanitised when it was published and is the only thing shown unescaped;
  comments, names, titles and tags go through Django's autoescape;
- writing follows the idea portal's visitor flow: a remembered visitor's comment waits for a
  moderator, a typed address first gets a confirmation link (visitors.confirmation_send),
  every write counts toward rate limits, a filled-in honeypot is thanked and dropped, a
  blocked address gets 403;
- the list, the tag pages, the feed and the notice are cached as rendered bytes, keyed by
  the workspace, NewsSettings.cache_version (bumped by every change that shows) and what
  the page depends on; a cache hit costs two queries (the workspace, its settings). The
  CSRF token in the layout is a slot filled per request, so no visitor's token is cached;
- only the notice page may be framed (it carries no script and its CSP says so).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import partial, wraps
from typing import Any, cast

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone, translation
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override, csp_report_only_override
from django.views.decorators.http import require_http_methods, require_safe

from touchbase.core.models import Workspace
from touchbase.core.requests import WorkspaceRequest
from touchbase.core.tenancy import public_page
from touchbase.publishing import outputs, selectors, services
from touchbase.publishing.feeds import FEED_CONTENT_TYPE, news_feed
from touchbase.publishing.files import image_response
from touchbase.publishing.models import Draft, NewsComment, NewsSettings, ReachabilityNotice
from touchbase.publishing.news_forms import MAX_PAGE, MAX_TAG_LENGTH, CommentForm
from touchbase.visitors import services as visitors
from touchbase.visitors.models import Visitor

View = Callable[..., HttpResponse]

CACHE_SECONDS = 600
# Rendered in place of the CSRF token into cached pages, replaced by the visitor's own token.
CSRF_SLOT = "tbcsrfslot" * 6 + "0000"
HTML = "text/html; charset=utf-8"
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
LANGUAGES = ("de", "en")
# The notice page is made to sit in an <iframe> on the company's own website: any site may
# frame it, and it may run nothing (no script-src: default-src 'none' forbids scripts).
NOTICE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "frame-ancestors": ["*"],
}


def news_page(view: View, *, even_when_closed: bool = False) -> View:
    """A page of an open news page: the slug's workspace, in its time zone. The notice is
    served even when the news page is closed: a company may frame it on its own website
    without keeping a news page."""

    @public_page
    @wraps(view)
    def wrapper(request: WorkspaceRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        workspace = request.workspace
        assert workspace is not None
        settings = _news_settings(workspace)
        if not settings.enabled and not even_when_closed:
            raise Http404(_("Not found."))
        with timezone.override(workspace.zone):
            return view(request, workspace, settings, *args, **kwargs)

    return wrapper


# --- small reads -------------------------------------------------------------------------------


def _news_settings(workspace: Workspace) -> NewsSettings:
    """The workspace's news settings, read by one plain SELECT: every request, cached or not,
    asks for them (the cache version is in them), and building the ORM query would cost more
    than running it. Created through the service the first time."""
    table = NewsSettings._meta.db_table
    with connection.cursor() as cursor:
        # The table name is ours; the workspace id goes in as a parameter.
        cursor.execute(
            f"SELECT id, enabled, title, intro, comments_open, cache_version FROM {table} "
            "WHERE workspace_id = %s",
            [workspace.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return services.news_settings(workspace=workspace)
    pk, enabled, title, intro, comments_open, cache_version = row
    settings = NewsSettings(
        pk=pk, workspace=workspace, enabled=bool(enabled), title=title, intro=intro,
        comments_open=bool(comments_open), cache_version=cache_version,
    )  # fmt: skip
    settings._state.adding, settings._state.db = False, connection.alias
    return settings


def _post_or_404(workspace: Workspace, pk: int) -> Draft:
    post = selectors.news_post(workspace=workspace, pk=pk)
    if post is None:
        raise Http404(_("Not found."))
    return post


def _images_public(posts: list[Draft]) -> set[int]:
    """The posts that were published with an image (the published file, never a later one)."""
    return {post.pk for post in posts if post.public_image}


def _image_public(post: Draft) -> bool:
    return bool(post.public_image)


def _notice(workspace: Workspace) -> ReachabilityNotice | None:
    """The workspace's notice if it says anything (never created by a public read)."""
    notice = ReachabilityNotice.objects.filter(workspace=workspace).first()
    return None if notice is None or notice.is_empty else notice


def _banner(workspace: Workspace) -> str:
    notice = _notice(workspace)
    if notice is None or not notice.show_banner:
        return ""
    return outputs.notice_html(notice, language=translation.get_language() or "de")


def _threads(comments: list[NewsComment]) -> list[tuple[NewsComment, list[NewsComment]]]:
    """Shown comments as threads: each comment with the replies under it (any depth, in order);
    a reply whose comment is not shown stands on its own."""
    by_pk = {comment.pk: comment for comment in comments}

    def root(comment: NewsComment) -> NewsComment:
        seen = {comment.pk}
        while comment.reply_to_id in by_pk and comment.reply_to_id not in seen:
            comment = by_pk[comment.reply_to_id]
            seen.add(comment.pk)
        return comment

    threads: dict[int, tuple[NewsComment, list[NewsComment]]] = {}
    for comment in comments:
        top = root(comment)
        if top.pk == comment.pk:
            threads.setdefault(comment.pk, (comment, []))
        else:
            threads.setdefault(top.pk, (top, []))[1].append(comment)
    return list(threads.values())


# --- the cache ---------------------------------------------------------------------------------


def _cache_key(workspace: Workspace, settings: NewsSettings, kind: str, *parts: object) -> str:
    """What a cached page depends on. The fingerprint covers what the layout shows from the
    workspace and the settings (saved without a cache bump) and tells apart workspaces that
    reuse an id (a test database rolled back)."""
    fingerprint = hashlib.blake2b(
        repr((workspace.created_at, workspace.slug, workspace.name, workspace.accent_color,
              workspace.time_zone, settings.pk, settings.title, settings.intro,
              settings.comments_open, parts)).encode(),
        digest_size=12,
    ).hexdigest()  # fmt: skip
    language = translation.get_language() or ""
    return (
        f"publishing:news:{workspace.pk}:{settings.cache_version}:{kind}:{language}:{fingerprint}"
    )


def _page(request: WorkspaceRequest) -> int:
    """The page number asked for: 1 to MAX_PAGE; anything else means the first page."""
    raw = request.GET.get("page", "")
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_PAGE)) else 0
    return number if 1 <= number <= MAX_PAGE else 1


def _cacheable(request: WorkspaceRequest) -> bool:
    """Whether this request sees what every stranger sees: not signed in (a member's layout
    shows their menu), and no query beyond a valid page number (the layout repeats the
    address, so anything else would go into the cache for everyone)."""
    if request.user.is_authenticated or not set(request.GET) <= {"page"}:
        return False
    raw = request.GET.get("page")
    return raw is None or raw == str(_page(request))


def _html(request: WorkspaceRequest, body: bytes) -> HttpResponse:
    """A cached page for this visitor: their own CSRF token in the slot."""
    token = get_token(request).encode()
    return HttpResponse(body.replace(CSRF_SLOT.encode(), token), content_type=HTML)


def _cached_page(
    request: WorkspaceRequest, workspace: Workspace, settings: NewsSettings, key: str,
    template: str, build: Callable[[], dict[str, Any]],
) -> HttpResponse:  # fmt: skip
    """The page from the cache, or rendered (and cached when every stranger would see it)."""
    cacheable = _cacheable(request)
    if cacheable and (body := cache.get(key)) is not None:
        return _html(request, body)
    context = build()
    if not cacheable:
        return render(request, template, context)
    # Nothing of this visitor goes in: their CSRF token becomes the slot, their messages wait.
    context.update(csrf_token=CSRF_SLOT, messages=())
    body = render_to_string(template, context, request).encode()
    cache.set(key, body, CACHE_SECONDS)
    return _html(request, body)


def _with_feed_link(response: HttpResponse, workspace: Workspace) -> HttpResponse:
    feed = reverse("publishing:news-feed", args=[workspace.slug])
    response["Link"] = f'<{feed}>; rel="alternate"; type="application/atom+xml"'
    return response


# --- reading -----------------------------------------------------------------------------------


def _list_page(
    request: WorkspaceRequest, workspace: Workspace, settings: NewsSettings, tag: str
) -> HttpResponse:
    page = _page(request)

    def build() -> dict[str, Any]:
        posts, more = selectors.news_posts(workspace=workspace, tag=tag, page=page)
        if not posts and (tag or page > 1):
            raise Http404(_("Not found."))
        tag_name = next(
            (str(name) for post in posts for slug, name in post.public_tags or [] if slug == tag),
            tag,
        )
        return {
            "workspace": workspace, "news": settings, "posts": posts, "more": more,
            "page": page, "tag": tag, "tag_name": tag_name, "banner": _banner(workspace),
            "with_image": _images_public(posts),
        }  # fmt: skip

    key = _cache_key(workspace, settings, "list", tag, page)
    response = _cached_page(request, workspace, settings, key, "publishing/news/list.html", build)
    return _with_feed_link(response, workspace)


@news_page
@require_safe
def news(request: WorkspaceRequest, workspace: Workspace, settings: NewsSettings) -> HttpResponse:
    return _list_page(request, workspace, settings, tag="")


@news_page
@require_safe
def news_tag(
    request: WorkspaceRequest, workspace: Workspace, settings: NewsSettings, tag: str
) -> HttpResponse:
    if len(tag) > MAX_TAG_LENGTH:
        raise Http404(_("Not found."))
    return _list_page(request, workspace, settings, tag=tag)


@news_page
@require_safe
def news_feed_view(
    request: WorkspaceRequest, workspace: Workspace, settings: NewsSettings
) -> HttpResponse:
    key = _cache_key(workspace, settings, "feed")
    # The key names everything the feed shows, so it is the feed's version: a reader that
    # already has it gets 304 without the body being read.
    etag = '"' + hashlib.blake2b(key.encode(), digest_size=12).hexdigest() + '"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return response
    body = cache.get(key)
    if body is None:
        posts = selectors.feed_posts(workspace=workspace)
        body = news_feed(workspace=workspace, settings=settings, posts=posts)
        cache.set(key, body, CACHE_SECONDS)
    response = HttpResponse(body, content_type=FEED_CONTENT_TYPE)
    response["ETag"] = etag
    return response


@news_page
@require_safe
def news_image(
    request: WorkspaceRequest, workspace: Workspace, settings: NewsSettings, pk: int
) -> HttpResponse:
    """A post's image, only while the post is on the news page, only as a raster image."""
    post = _post_or_404(workspace, pk)
    if not _image_public(post):
        raise Http404(_("Not found."))
    # Short: a withdrawn post's image should not live on in caches for long.
    response = image_response(post.public_image, cache_control="public, max-age=300")
    # public_page is typed for HttpResponse; a streamed file answers the same way to Django.
    return cast(HttpResponse, response)


@xframe_options_exempt
@csp_override(NOTICE_CSP)
@csp_report_only_override(NOTICE_CSP)
@partial(news_page, even_when_closed=True)
@require_safe
def news_notice(
    request: WorkspaceRequest, workspace: Workspace, settings: NewsSettings
) -> HttpResponse:
    """Only the reachability notice, for an <iframe> on the company's website (no script).
    Without a news page it answers only once the notice says something."""
    if not settings.enabled and _notice(workspace) is None:
        raise Http404(_("Not found."))
    wanted = request.GET.get("lang", "")
    language = wanted if wanted in LANGUAGES else (translation.get_language() or "de")[:2]
    if language not in LANGUAGES:
        language = "de"
    with translation.override(language):
        key = _cache_key(workspace, settings, "notice")
        body = cache.get(key)
        if body is None:
            notice = _notice(workspace)
            context = {
                "workspace": workspace, "language": language,
                "notice_html": outputs.notice_html(notice, language=language) if notice else "",
            }  # fmt: skip
            body = render_to_string("publishing/news/notice.html", context).encode()
            cache.set(key, body, CACHE_SECONDS)
    return HttpResponse(body, content_type=HTML)


# --- one post and its comments -----------------------------------------------------------------


def _visitor(request: WorkspaceRequest, workspace: Workspace) -> Visitor | None:
    return visitors.visitor_from_request(request, workspace=workspace)


def _context(workspace: Workspace, settings: NewsSettings, **extra: Any) -> dict[str, Any]:
    return {"workspace": workspace, "news": settings, **extra}


def _post_page(
    request: WorkspaceRequest, workspace: Workspace, settings: NewsSettings, post: Draft,
    form: CommentForm | None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    context = _context(
        workspace, settings, post=post, form=form if settings.comments_open else None,
        image_public=_image_public(post),
        threads=_threads(selectors.comments_shown(post)),
    )  # fmt: skip
    response = render(request, "publishing/news/post.html", context, status=status)
    return _with_feed_link(response, workspace)


def _answer(
    request: WorkspaceRequest, workspace: Workspace, settings: NewsSettings, template: str,
    status: int = 200, **extra: Any,
) -> HttpResponse:  # fmt: skip
    context = _context(workspace, settings, **extra)
    return render(request, f"publishing/news/{template}.html", context, status=status)


@news_page
@require_http_methods(["GET", "POST"])
def news_post(
    request: WorkspaceRequest, workspace: Workspace, settings: NewsSettings, pk: int
) -> HttpResponse:
    post = _post_or_404(workspace, pk)
    if request.method == "POST":
        return _comment(request, workspace, settings, post)
    known = _visitor(request, workspace) is not None
    return _post_page(request, workspace, settings, post, CommentForm(known=known))


def _comment(
    request: WorkspaceRequest, workspace: Workspace, settings: NewsSettings, post: Draft
) -> HttpResponse:
    """A comment: a remembered visitor's waits for a moderator; a typed address is asked to
    confirm first (the link moves the comment on, through publishing's visitor hook)."""
    if not settings.comments_open:
        return _post_page(request, workspace, settings, post, None, status=403)
    known = _visitor(request, workspace)
    form = CommentForm(request.POST, known=known is not None)
    if not form.is_valid():
        return _post_page(request, workspace, settings, post, form, status=422)
    post_path = reverse("publishing:news-post", args=[workspace.slug, post.pk])
    if form.is_robot:
        # What a robot sees: the same as a person, and nothing is kept.
        return _answer(request, workspace, settings, "check_mail", post=post)
    email = known.email if known else form.cleaned_data["email"]
    if not visitors.attempt_allowed(request, workspace=workspace, action="news-comment",
                                    email=email):  # fmt: skip
        return _answer(request, workspace, settings, "throttled", status=429, post=post)
    # The confirmation mail's own limit comes before anything is kept: a refused stranger
    # leaves no unconfirmed comment behind.
    if known is None and not visitors.attempt_allowed(
        request, workspace=workspace, action="confirm-mail", email=email
    ):
        return _answer(request, workspace, settings, "throttled", status=429, post=post)
    language = getattr(request, "LANGUAGE_CODE", "")
    name = form.cleaned_data.get("name", "")
    visitor = known or visitors.visitor_for_email(
        workspace=workspace, email=email, name=name, language=language
    )
    try:
        comment = services.comment_post(
            draft=post, visitor=visitor, text=form.cleaned_data["text"],
            verified=known is not None, name=name,
        )  # fmt: skip
    except visitors.VisitorBlocked:
        return _answer(request, workspace, settings, "blocked", status=403, post=post)
    except ValidationError as error:
        form.add_error(None, error)
        return _post_page(request, workspace, settings, post, form, status=422)
    if known is not None:
        return _answer(request, workspace, settings, "comment_waiting", post=post)
    visitors.confirmation_send(
        visitor=visitor, next_path=post_path, what=_("your comment"),
        items={"news_comment": comment.pk}, name=name, language=language,
    )  # fmt: skip
    return _answer(request, workspace, settings, "check_mail", post=post, email=visitor.email)


urlpatterns: list[URLPattern] = [
    path("news/<slug:slug>/", news, name="news"),
    path("news/<slug:slug>/feed.atom", news_feed_view, name="news-feed"),
    path("news/<slug:slug>/notice/", news_notice, name="news-notice"),
    path("news/<slug:slug>/tag/<str:tag>/", news_tag, name="news-tag"),
    path("news/<slug:slug>/<id:pk>/", news_post, name="news-post"),
    path("news/<slug:slug>/<id:pk>/image/", news_image, name="news-image"),
]
