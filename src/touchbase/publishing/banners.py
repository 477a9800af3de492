"""Banners: saved with their size, shown at the moment a mail is opened, counted per week.

The banner slot in a signature is one fixed image address; which banner it shows is chosen
when the reader's mail program asks for it: among the live banners of the slot's target (in
the reader's language where known, else any), by weight. The link beside it cannot know what
the image showed, so both draw from the same seeded choice: the slot's key and a
ten-minute window. A reader who clicks within minutes of opening lands on the banner they saw;
over the hours the weights rotate the campaigns. Views and clicks are counted with one
UPDATE each (a row per banner and week), so concurrent opens never lose a count.

The image is asked for on every open of every mail (bench/banners.py: 1,000 a second on two
cores), so that path avoids what costs more than its work: the live banners come from a
short cache, the count is a plain SQL UPDATE (building the ORM's costs ten times more than
running it), and on PostgreSQL it commits without waiting for the disk (see banner_count).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from functools import lru_cache

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from touchbase.core.models import Workspace
from touchbase.publishing.models_reach import Banner, BannerWeek

WINDOW_SECONDS = 600
MAX_BANNER_BYTES = 500 * 1024
MAX_BANNER_SIDE = 2000
# What a mail program shows when no banner is live: one transparent pixel.
EMPTY_GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)
LIVE_SECONDS = 60
COUNTED_FIELDS = ("views", "clicks")


@dataclass(frozen=True)
class LiveBanner:
    pk: int
    weight: int
    language: str
    image: str
    content_type: str
    link_url: str
    width: int
    height: int


def banner_image_check(upload: object) -> tuple[int, int, str]:
    """Width, height and type of an uploaded banner; raster images of bounded size only."""
    size = getattr(upload, "size", 0) or 0
    if size > MAX_BANNER_BYTES:
        raise ValidationError({"image": _("At most 500 kB: mail programs load every byte.")})
    try:
        with Image.open(upload) as picture:  # type: ignore[arg-type]
            kind = (picture.format or "").lower()
            width, height = picture.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        # A few bytes can claim billions of pixels: Pillow refuses to open those at all.
        raise ValidationError({"image": _("This is not a PNG, JPEG or GIF image.")}) from error
    finally:
        if hasattr(upload, "seek"):
            upload.seek(0)
    if kind not in ("png", "jpeg", "gif"):
        raise ValidationError({"image": _("This is not a PNG, JPEG or GIF image.")})
    if max(width, height) > MAX_BANNER_SIDE:
        raise ValidationError({"image": _("At most %(side)s pixels wide and high.")
                               % {"side": MAX_BANNER_SIDE}})  # fmt: skip
    return width, height, f"image/{kind}"


@transaction.atomic
def banner_save(*, banner: Banner, image: object = None) -> Banner:
    if image is not None:
        banner.width, banner.height, kind = banner_image_check(image)
        # Served by its name's extension: the name says what the bytes are, not the uploader.
        image.name = "banner." + {"image/jpeg": "jpg"}.get(kind, kind.removeprefix("image/"))  # type: ignore[attr-defined]
        banner.image = image
    banner.full_clean(exclude=["workspace", "width", "height"])
    banner.save()
    live_forget(workspace_id=banner.workspace_id)
    return banner


def banner_delete(*, banner: Banner) -> None:
    workspace_id = banner.workspace_id
    banner.delete()
    live_forget(workspace_id=workspace_id)


def _live_key(workspace_id: int, target: str) -> str:
    version = cache.get(f"banners:v:{workspace_id}", 0)
    return f"banners:live:{workspace_id}:{target}:{version}:{timezone.localdate().isoformat()}"


def live_forget(*, workspace_id: int) -> None:
    """A saved or deleted banner shows (or stops) at the next open, not a minute later."""
    try:
        cache.incr(f"banners:v:{workspace_id}")
    except ValueError:
        cache.set(f"banners:v:{workspace_id}", 1, None)


def live_banners(*, workspace: Workspace | int, target: str) -> list[LiveBanner]:
    """The banners of a target shown today, from a short cache (this is asked on every open)."""
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    key = _live_key(workspace_id, target)
    found = cache.get(key)
    if found is not None:
        return list(found)
    today = timezone.localdate()
    rows = (
        Banner.objects.filter(workspace_id=workspace_id, target=target, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .order_by("pk")
    )
    found = [
        LiveBanner(pk=b.pk, weight=b.weight, language=b.language, image=b.image.name or "",
                   content_type=_content_type(b.image.name or ""), link_url=b.link_url,
                   width=b.width, height=b.height)
        for b in rows
    ]  # fmt: skip
    cache.set(key, found, LIVE_SECONDS)
    return found


def _content_type(name: str) -> str:
    lower = name.lower()
    if lower.endswith(".png"):
        return "image/png"
    if lower.endswith(".gif"):
        return "image/gif"
    return "image/jpeg"


def banner_choose(
    banners: list[LiveBanner], *, slot: str, language: str = "", now: dt.datetime | None = None
) -> LiveBanner | None:
    """The banner this slot shows now: the reader's language first, then by weight, drawn
    from a seed the image and its link share (the slot and the ten-minute window)."""
    if not banners:
        return None
    spoken = [b for b in banners if b.language in ("", language)] if language else banners
    pool = spoken or banners
    moment = int((now or timezone.now()).timestamp()) // WINDOW_SECONDS
    seed = int.from_bytes(hashlib.sha256(f"{slot}:{moment}".encode()).digest()[:8], "big")
    return random.Random(seed).choices(pool, weights=[b.weight for b in pool])[0]


def reader_language(accept_language: str, fallback: str = "") -> str:
    """de or en from the reader's Accept-Language, where the mail program sends one."""
    for part in accept_language.split(",")[:10]:
        code = part.split(";")[0].strip().lower()[:2]
        if code in ("de", "en"):
            return code
    return fallback


def _week_of(moment: dt.datetime) -> dt.date:
    day = timezone.localdate(moment)
    return day - dt.timedelta(days=day.weekday())


def banner_count(*, banner_id: int, workspace_id: int, field: str,
                 now: dt.datetime | None = None) -> None:  # fmt: skip
    """One more view or click of this banner this week: one UPDATE, a row made when missing."""
    if field not in COUNTED_FIELDS:
        raise ValueError(f"not a counter: {field}")
    week = _week_of(now or timezone.now())
    if _count_add(banner_id=banner_id, workspace_id=workspace_id, field=field, week=week):
        return
    try:
        with transaction.atomic():
            BannerWeek.objects.create(workspace_id=workspace_id, banner_id=banner_id, week=week,
                                      **{field: 1})  # fmt: skip
    except IntegrityError:
        # Another open made the row this very moment: count on it.
        _count_add(banner_id=banner_id, workspace_id=workspace_id, field=field, week=week)


def _count_add(*, banner_id: int, workspace_id: int, field: str, week: dt.date) -> int:
    """Add one to the week's counter; the number of rows changed (0: no row yet).

    On PostgreSQL a count of its own commits asynchronously: waiting for the disk would take
    5 ms of a 1 ms request, and a crash can lose at most the last fraction of a second of
    counts, never count one twice. The setting travels inside the UPDATE (set_config with
    is_local: for this statement's own transaction only), so the count stays one round trip
    and holds the row's lock no longer than the statement runs; BEGIN, SET LOCAL, UPDATE,
    COMMIT would be four, with two workers queueing on the same row in between. Inside a
    caller's transaction it commits with that transaction, as durably as the caller asked."""
    table = BannerWeek._meta.db_table
    quick = connection.vendor == "postgresql" and not connection.in_atomic_block
    # The table and the column are ours (COUNTED_FIELDS); the values go in as parameters.
    sql = (f"UPDATE {table} SET {field} = {field} + 1 "
           + ("FROM (SELECT set_config('synchronous_commit', 'off', true)) AS quick "
              if quick else "")
           + "WHERE banner_id = %s AND week = %s AND workspace_id = %s")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, [banner_id, connection.ops.adapt_datefield_value(week), workspace_id])
        return int(cursor.rowcount)


@lru_cache(maxsize=64)
def banner_bytes(name: str) -> bytes:
    """A banner's image; names never change their content (an upload gets a new name)."""
    with default_storage.open(name, "rb") as handle:
        return bytes(handle.read(MAX_BANNER_BYTES + 1))


def banner_totals(*, workspace: Workspace, weeks: int = 12) -> list[dict[str, object]]:
    """Views and clicks per banner and week for the last weeks (for the chart)."""
    since = _week_of(timezone.now()) - dt.timedelta(weeks=weeks - 1)
    rows = (
        BannerWeek.objects.filter(workspace=workspace, week__gte=since)
        .values("banner_id", "banner__name", "week")
        .annotate(views=Sum("views"), clicks=Sum("clicks"))
        .order_by("week", "banner__name")
    )
    return [dict(row) for row in rows]
