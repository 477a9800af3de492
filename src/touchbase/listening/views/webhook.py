"""The inbound webhook of a source: signature, freshness and replay checked first."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from touchbase.core.tenancy import scopes_disabled, workspace_scope
from touchbase.core.webhooks import (
    RECEIVE_TOLERANCE,
    SIGNATURE_HEADER,
    SignatureRejected,
    signature_verify,
    webhook_receipt_claim,
)
from touchbase.listening.choices import SourceKind
from touchbase.listening.models import Source
from touchbase.listening.services import analysis_request
from touchbase.listening.webhook import MAX_BODY_BYTES, BodyRejected, webhook_items, webhook_store


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail}, status=status)


@csrf_exempt
@require_POST
def mentions_webhook(request: HttpRequest, token: uuid.UUID) -> JsonResponse:
    """Store the mentions a signed call brings; 202 with counts and the items refused."""
    with scopes_disabled():
        source = (
            Source.objects.select_related("workspace")
            .filter(token=token, kind=SourceKind.WEBHOOK)
            .first()
        )
    if source is None:
        return _error(404, "unknown_source", "No webhook source has this address.")
    if int(request.headers.get("Content-Length") or 0) > MAX_BODY_BYTES:
        return _error(413, "too_large", f"The body may have at most {MAX_BODY_BYTES} bytes.")
    body = request.body
    header = request.headers.get(SIGNATURE_HEADER, "")
    try:
        signature_verify(secret=source.webhook_secret, header=header, body=body,
                         tolerance=RECEIVE_TOLERANCE)  # fmt: skip
    except SignatureRejected as rejected:
        return _error(401, rejected.code, str(rejected))
    try:
        items = webhook_items(body)
    except BodyRejected as error:
        return _error(400, "bad_body", str(error))
    # The receipt commits with the mentions: a call that failed half-way may be sent again.
    with workspace_scope(source.workspace), translation.override("en"), transaction.atomic():
        if not webhook_receipt_claim(source=f"mentions:{source.pk}", nonce=header,
                                     ttl=2 * RECEIVE_TOLERANCE):  # fmt: skip
            return _error(409, "replayed", "This signature was used already.")
        receipt = webhook_store(source=source, items=items)
        if receipt.stored:
            analysis_request(workspace=source.workspace)
    return JsonResponse(
        {"stored": receipt.stored, "duplicates": receipt.duplicates, "errors": receipt.errors},
        status=202,
    )


urlpatterns = [
    path("hooks/mentions/<uuid:token>/", mentions_webhook, name="mentions-webhook"),
]
