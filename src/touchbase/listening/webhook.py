"""Mentions by webhook: a signed JSON body, checked before anything in it is trusted.

Body: one mention object, a list of them, or {"mentions": [...]}; at most MAX_ITEMS items
and MAX_BODY_BYTES bytes. Fields are read like a file's columns (text, title, stars, author,
author_email, author_handle, url, id, date, language, product, reply …), so a platform's own
payload usually works as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from touchbase.listening.ingest import Draft, DraftReader, drafts_store
from touchbase.listening.layouts import layout_for
from touchbase.listening.models import Source
from touchbase.listening.readers import Record, flatten

MAX_BODY_BYTES = 1024 * 1024
MAX_ITEMS = 500


class BodyRejected(ValueError):
    pass


@dataclass
class Receipt:
    stored: int = 0
    duplicates: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def webhook_items(body: bytes) -> list[Any]:
    """The items of a webhook body; BodyRejected when it is no JSON of the accepted shapes."""
    if len(body) > MAX_BODY_BYTES:
        raise BodyRejected(f"The body may have at most {MAX_BODY_BYTES} bytes.")
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise BodyRejected(f"The body is no JSON: {error}") from error
    if isinstance(document, dict) and isinstance(document.get("mentions"), list):
        items = document["mentions"]
    elif isinstance(document, list):
        items = document
    elif isinstance(document, dict):
        items = [document]
    else:
        raise BodyRejected('Send a mention object, a list of them or {"mentions": [...]}.')
    if len(items) > MAX_ITEMS:
        raise BodyRejected(f"At most {MAX_ITEMS} mentions per call.")
    return list(items)


def webhook_store(*, source: Source, items: list[Any]) -> Receipt:
    """Store the good items at once (one transaction); report the bad ones by index."""
    receipt = Receipt()
    drafts: list[Draft] = []
    now = timezone.now()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            receipt.errors.append({"index": index, "message": "Each mention must be an object."})
            continue
        fields = flatten(item)
        reader = DraftReader(
            layout_for(list(fields), [fields]), zone=source.workspace.zone, now=now,
            channel=source.channel,
        )  # fmt: skip
        try:
            drafts.append(reader.draft(Record(index, fields)))
        except ValueError as error:
            receipt.errors.append({"index": index, "message": str(error)})
    with transaction.atomic():
        receipt.stored = drafts_store(source=source, drafts=drafts)
    receipt.duplicates = len(drafts) - receipt.stored
    return receipt
