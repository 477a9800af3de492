"""API: alerts with their delivery state, and where alerts go."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Query, Schema

from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.choices import Language
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.listening import alerting, selectors, services
from touchbase.listening.api.base import router
from touchbase.listening.choices import AlertKind
from touchbase.listening.models import Alert, ListeningSettings


class WebhookStateOut(Schema):
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str
    delivered_at: dt.datetime | None
    next_attempt_at: dt.datetime | None
    attempt_log: list[dict[str, Any]]


class AlertOut(Schema):
    id: int
    kind: AlertKind
    message: str = Field(description="In the caller's language")
    params: dict[str, Any]
    link_path: str
    product_id: int | None
    mention_id: int | None
    created_at: dt.datetime
    emailed_at: dt.datetime | None
    email_recipients: int
    email_error: str
    webhook: WebhookStateOut | None

    @staticmethod
    def resolve_webhook(alert: Alert) -> Any:
        return alert.webhook_delivery


class AlertPage(Schema):
    items: list[AlertOut]
    next_offset: int | None


class AlertSettingsOut(Schema):
    alert_emails: list[str]
    alert_language: Language
    alert_webhook_url: str

    @staticmethod
    def resolve_alert_emails(settings: ListeningSettings) -> list[str]:
        return [line for line in settings.alert_emails.splitlines() if line]


class AlertSettingsIn(Schema):
    alert_emails: list[Annotated[str, Field(max_length=254)]] = Field(
        default_factory=list, max_length=alerting.MAX_RECIPIENTS
    )
    alert_language: Language = Language.GERMAN
    alert_webhook_url: str = Field("", max_length=2000)


class AlertSecretOut(Schema):
    alert_webhook_secret: str


@router.get("/listening/alerts", response=AlertPage, summary="Alerts, newest first")
@api_capability(Capability.LISTENING_VIEW)
def alert_list(request: MemberRequest, page: Query[PageParams]) -> dict[str, Any]:
    rows = selectors.alert_list(
        workspace=request.workspace, limit=page.limit + 1, offset=page.offset
    )
    return page_of_rows(rows, page)


@router.get("/listening/alerts/{alert_id}", response=AlertOut, summary="One alert")
@api_capability(Capability.LISTENING_VIEW)
def alert_get(request: MemberRequest, alert_id: Id) -> Alert:
    return owned_or_404(
        Alert.objects.select_related("webhook_delivery"), alert_id, workspace=request.workspace
    )


@router.get("/listening/alert-settings", response=AlertSettingsOut, summary="Where alerts go")
@api_capability(Capability.LISTENING_MANAGE)
def alert_settings_get(request: MemberRequest) -> ListeningSettings:
    return services.listening_settings(workspace=request.workspace)


@router.put(
    "/listening/alert-settings", response=AlertSettingsOut, summary="Change where alerts go"
)
@api_capability(Capability.LISTENING_MANAGE)
def alert_settings_put(request: MemberRequest, payload: AlertSettingsIn) -> ListeningSettings:
    return alerting.alert_settings_save(
        workspace=request.workspace, alert_emails="\n".join(payload.alert_emails),
        alert_webhook_url=payload.alert_webhook_url, alert_language=payload.alert_language,
    )  # fmt: skip


@router.post(
    "/listening/alert-settings/secret", response=AlertSecretOut,
    summary="Make a new secret for the alert webhook (shown in this answer)",
)  # fmt: skip
@api_capability(Capability.LISTENING_MANAGE)
def alert_secret_rotate(request: MemberRequest) -> dict[str, str]:
    return {"alert_webhook_secret": alerting.alert_secret_rotate(workspace=request.workspace)}
