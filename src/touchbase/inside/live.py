"""The live question list of an AMA session, cheap enough for thousands polling it.

Everyone in a session sees the same list, bar two things: which questions they voted for and
which are their own. So the list is rendered once per (session, version, language, moderator
or not) and kept ready in the process, with everyone's default where a viewer's own state goes
and where that stands; each viewer's copy changes only the few places that are theirs. The
version is raised by every change of the list (see ama.py), so a kept list is never stale for
its version.

The template marks those places ``<~kind pk~>``: what participants type is escaped before it
is rendered, so nobody can write a marker into a question.

A new version differs from the last in a question or two (a vote, an answer), so each question's
piece is kept too, under all it shows: a new version re-renders only what changed.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from touchbase.inside import ama, selectors
from touchbase.inside.models import AmaParticipant, AmaQuestion, AmaSession

MARK = re.compile(r"<~([pvm])(\d*)~>")
POLL_MS = 1500
# All a list item shows, read as plain values: making ~500 model objects per version would cost
# more than the rest of the list. A question's piece is kept under these values.
SHOWN = (
    "pk", "state", "pinned", "votes", "text", "answer", "anonymous", "author_id", "author__name",
    "author__user__first_name", "author__user__last_name", "author__user__username",
)  # fmt: skip
# The rendered pieces, in process memory (not Django's cache: it pickles each one, and a list
# reads hundreds per version). A changed question is a new key; the oldest go first.
PIECES_MAX = 20000


@dataclass(frozen=True)
class Viewer:
    """Who looks at the list and where their clicks go."""

    participant: AmaParticipant | None
    moderator: bool
    # The start of a question action's address: the question's id and the action follow.
    actions: str
    # The fragment's own address up to its version: it ends in "?" or "&" and v=<version>
    # follows.
    poll: str
    # The addresses are this viewer's alone (a guest's personal link): few such copies are kept.
    own_addresses: bool = False


@dataclass(frozen=True)
class Shared:
    """The list as everyone sees it at one version: each vote button unpressed and each "your
    question" badge hidden, with where those words stand, so a viewer's copy changes only the
    few that are theirs; action addresses still carry the ``<~p~>`` marker."""

    html: str
    pressed_at: dict[int, int]  # question id -> where its button's "false" stands
    mine_at: dict[int, int]  # question id -> where its badge's " hidden" stands
    # the whole fragment as sent, per (actions' address, poll address, out of band)
    wrapped: dict[tuple[str, str, bool], SafeString] = field(default_factory=dict)
    # the same, encoded for the fast answer (see ready_list)
    encoded: dict[tuple[str, str, bool], bytes] = field(default_factory=dict)


# The last few lists, ready to use. Not in Django's cache: it pickles, and unpickling a large
# list for each of hundreds of polls would cost more than the rest of the answer.
_recent: OrderedDict[str, Shared] = OrderedDict()
RECENT_MAX = 16
# Guests with personal links each have their own actions' address: keep a few, as a list of
# 500 questions is some 300 KB (members share one address; other guests wrap their own copy).
WRAPPED_MAX = 8
_recent_lock = threading.Lock()


def _key(
    session_id: int, created_at: dt.datetime | None, version: int, language: str, moderator: bool
) -> str:
    # The creation time too: a database rebuilt (tests, a restore) may give an id out again.
    made = int(created_at.timestamp() * 1000) if created_at else 0
    return f"inside:ama-list:{session_id}:{made}:{version}:{language}:{int(moderator)}"


def shared_list(*, session: AmaSession, version: int, moderator: bool) -> Shared:
    language = get_language() or "de"
    key = _key(session.pk, session.created_at, version, language, moderator)
    found = _recent.get(key) or _shared_render(session, moderator)
    with _recent_lock:
        _recent[key] = found
        _recent.move_to_end(key)  # the least recently used go first
        while len(_recent) > RECENT_MAX:
            _recent.popitem(last=False)
    return found


def ready_list(
    *, session_id: int, created_at: dt.datetime, version: int, language: str, moderator: bool,
    actions: str, poll: str,
) -> bytes | None:  # fmt: skip
    """The list as a poll gets it, when this process has it made already; else None."""
    key = _key(session_id, created_at, version, language, moderator)
    shared = _recent.get(key)
    slot = (actions, poll, False)
    if shared is None or slot not in shared.wrapped:
        return None
    with _recent_lock:
        if key in _recent:
            _recent.move_to_end(key)
    found = shared.encoded.get(slot)
    if found is None:
        found = shared.encoded[slot] = shared.wrapped[slot].encode()
    return found


# Where the items go in the list's template, split there once per list.
ITEMS = "<~items~>"


@dataclass(frozen=True)
class Piece:
    """A question's part of the shared list, each viewer's marker already everyone's default,
    and where those defaults stand in it: (offset, "v" or "m", question id)."""

    html: str
    marks: tuple[tuple[int, str, int], ...]


def _shared_render(session: AmaSession, moderator: bool) -> Shared:
    pieces = _items(session, moderator=moderator, closed=session.is_closed)
    template = "inside/partials/_question_items.html"
    if not pieces:
        return Shared(render_to_string(template, {"items": ""}), {}, {})
    head, tail = render_to_string(template, {"items": mark_safe(ITEMS)}).split(ITEMS)  # noqa: S308
    parts, length = [head], len(head)
    pressed_at: dict[int, int] = {}
    mine_at: dict[int, int] = {}
    for piece in pieces:
        for offset, kind, pk in piece.marks:
            (pressed_at if kind == "v" else mine_at)[pk] = length + offset
        parts.append(piece.html)
        length += len(piece.html)
    parts.append(tail)
    return Shared("".join(parts), pressed_at, mine_at)


def _piece(rendered: str) -> Piece:
    parts: list[str] = []
    marks: list[tuple[int, str, int]] = []
    length = last = 0
    for match in MARK.finditer(rendered):
        kind, number = match.group(1), match.group(2)
        if kind == "p":
            continue
        text = rendered[last : match.start()]
        parts.append(text)
        length += len(text)
        marks.append((length, kind, int(number)))
        default = "false" if kind == "v" else " hidden"
        parts.append(default)
        length += len(default)
        last = match.end()
    parts.append(rendered[last:])
    return Piece("".join(parts), tuple(marks))


# Keyed by what the piece shows and how (language, moderator, closed): plain values, no digest.
PieceKey = tuple[object, ...]
_pieces: OrderedDict[PieceKey, Piece] = OrderedDict()
_pieces_lock = threading.Lock()


def _shown(question: AmaQuestion) -> tuple[object, ...]:
    """What SHOWN reads, from a question object (in SHOWN's order)."""
    author = question.author
    user = author.user if author else None
    return (
        question.pk, question.state, question.pinned, question.votes, question.text,
        question.answer, question.anonymous, question.author_id, author.name if author else None,
        user.first_name if user else None, user.last_name if user else None,
        user.username if user else None,
    )  # fmt: skip


def _items(session: AmaSession, *, moderator: bool, closed: bool) -> list[Piece]:
    """Each question's piece of the list; only those changed since they were kept are made."""
    listed = selectors.questions(session=session, moderator=moderator)
    how = (get_language() or "de", moderator, closed)
    keys = [(*how, *row) for row in listed.values_list(*SHOWN)]
    # .get, not "in" then [ ]: another thread may drop a piece between the two.
    found = {key: piece for key in keys if (piece := _pieces.get(key)) is not None}
    missing = [key[3] for key in keys if key not in found]
    by_pk: dict[int, Piece] = {}
    if missing:
        made: dict[PieceKey, Piece] = {}
        for question in listed.filter(pk__in=missing):
            context = {"question": question, "moderator": moderator, "closed": closed}
            rendered = render_to_string("inside/partials/_question_item.html", context)
            # Under the key of what was rendered: it may be newer than what the list read.
            made[(*how, *_shown(question))] = by_pk[question.pk] = _piece(rendered)
        _pieces_keep(made)
    return [found.get(key) or by_pk.get(key[3], Piece("", ())) for key in keys]


def _pieces_keep(made: dict[PieceKey, Piece]) -> None:
    with _pieces_lock:
        _pieces.update(made)
        while len(_pieces) > PIECES_MAX:
            _pieces.popitem(last=False)


def question_list(
    *, session: AmaSession, version: int, viewer: Viewer, oob: bool = False,
    personal: bool = False,
) -> SafeString:  # fmt: skip
    """The list fragment. Personal (a page's first render): the viewer's votes and questions
    marked in the text. Else the same text for everyone who sees the list alike, made once per
    version, and the page's script marks the viewer's own from #ama-me (see viewer_state): so
    hundreds of polls after a vote cost a lookup each, not a render each."""
    shared = shared_list(session=session, version=version, moderator=viewer.moderator)
    if personal:
        return _wrapped(_personal(shared, session, viewer), session, version, viewer, oob)
    slot = (viewer.actions, viewer.poll, oob)
    found = shared.wrapped.get(slot)
    if found is None:
        items = shared.html.replace("<~p~>", viewer.actions)
        found = _wrapped(items, session, version, viewer, oob)
        if not viewer.own_addresses or len(shared.wrapped) < WRAPPED_MAX:
            shared.wrapped[slot] = found
    return found


def _wrapped(
    items: str, session: AmaSession, version: int, viewer: Viewer, oob: bool
) -> SafeString:
    context = {
        "items": mark_safe(items),  # noqa: S308 - rendered by our template, user text escaped
        "version": version,
        "poll": viewer.poll,
        "poll_ms": POLL_MS,
        "live": not session.is_closed,
        "oob": oob,
    }
    return mark_safe(render_to_string("inside/partials/_questions.html", context))  # noqa: S308


def _own(session: AmaSession, viewer: Viewer) -> tuple[set[int], set[int]]:
    """The questions the viewer voted for, and those they asked."""
    participant = viewer.participant
    if participant is None:
        return set(), set()
    asked = AmaQuestion.objects.filter(
        session=session, pseudonym=ama.pseudonym(session=session, participant=participant)
    )
    return selectors.voted_ids(participant=participant), set(asked.values_list("pk", flat=True))


def _personal(shared: Shared, session: AmaSession, viewer: Viewer) -> str:
    voted, mine = _own(session, viewer)
    changes = sorted(
        [(shared.pressed_at[pk], len("false"), "true") for pk in voted if pk in shared.pressed_at]
        + [(shared.mine_at[pk], len(" hidden"), "") for pk in mine if pk in shared.mine_at]
    )
    parts, last = [], 0
    for where, length, text in changes:
        parts += [shared.html[last:where], text]
        last = where + length
    parts.append(shared.html[last:])
    return "".join(parts).replace("<~p~>", viewer.actions)


def viewer_state(*, session: AmaSession, viewer: Viewer, oob: bool = False) -> SafeString:
    """What the page's script marks in a shared list: the viewer's votes and questions."""
    voted, mine = _own(session, viewer)
    return format_html(
        '<div id="ama-me" hidden data-voted="{}" data-mine="{}"{}></div>',
        " ".join(str(pk) for pk in sorted(voted)),
        " ".join(str(pk) for pk in sorted(mine)),
        mark_safe(' hx-swap-oob="outerHTML"') if oob else "",  # noqa: S308 - a constant
    )
