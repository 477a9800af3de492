"""Mentions as tests need them: stored through the ingest path, read as the worker would."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.db import transaction
from django.utils import timezone

from touchbase.catalogue.models import Product
from touchbase.core.models import Workspace
from touchbase.listening.ingest import Draft, drafts_store
from touchbase.listening.models import Mention, MentionProduct, Source
from touchbase.listening.services import source_save


def source_make(workspace: Workspace, name: str = "Google", **fields: Any) -> Source:
    return source_save(workspace=workspace, name=name, kind=fields.pop("kind", "upload"), **fields)


def mention_make(
    source: Source,
    text: str = "Die Aurora ist prima, gern wieder.",
    *,
    sentiment: str | None = None,
    score: float | None = None,
    stars_estimated: float | None = None,
    **fields: Any,
) -> Mention:
    """Store a mention like any path does; with `sentiment`, also as the worker read it."""
    fields.setdefault("published_at", timezone.now() - dt.timedelta(hours=1))
    draft = Draft(text=text, channel=source.channel, **fields)
    with transaction.atomic():
        drafts_store(source=source, drafts=[draft])
    mention = Mention.objects.get(workspace=source.workspace, key=draft.key)
    if sentiment is not None:
        mention.sentiment = sentiment
        mention.sentiment_score = score if score is not None else _score(sentiment)
        mention.stars_estimated = stars_estimated
        mention.analysed_at = timezone.now()
        mention.save()
    return mention


def _score(sentiment: str) -> float:
    return {"negative": -0.7, "neutral": 0.0, "positive": 0.7}[sentiment]


_numbers = itertools.count(1)


def mention_about(
    product: Product,
    source: Source,
    *,
    sentiment: str = "neutral",
    stars: float | None = None,
    stars_estimated: float | None = None,
    **fields: Any,
) -> Mention:
    """An analysed mention about the product, linked to it as the worker links it."""
    text = fields.pop("text", None) or (
        f"Erfahrung Nummer {next(_numbers)} mit {product.name}, ausführlich beschrieben."
    )
    mention = mention_make(
        source, text, sentiment=sentiment, stars=stars, stars_estimated=stars_estimated, **fields
    )
    MentionProduct.objects.create(workspace=source.workspace, mention=mention, product=product)
    return mention
