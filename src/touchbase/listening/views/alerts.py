"""Alerts: the list with each one's delivery state, and where alerts go (for managers)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touchbase.core.capabilities import Capability, capability_required, has_capability
from touchbase.core.forms import apply_errors
from touchbase.core.requests import MemberRequest
from touchbase.listening import alerting, selectors, services
from touchbase.listening.choices import AlertKind
from touchbase.listening.forms import AlertSettingsForm

PAGE_SIZE = 100


@capability_required(Capability.LISTENING_VIEW)
def alert_list(request: MemberRequest) -> HttpResponse:
    """The alerts raised, newest first: whether the e-mail went out, how the webhook fared."""
    page = request.GET.get("page", "")
    number = min(int(page), 10_000) if page.isdigit() and int(page) > 0 else 1
    rows = selectors.alert_list(
        workspace=request.workspace, limit=PAGE_SIZE + 1, offset=(number - 1) * PAGE_SIZE
    )
    context = {
        "alerts": rows[:PAGE_SIZE],
        "next_page": number + 1 if len(rows) > PAGE_SIZE else None,
        "previous_page": number - 1 if number > 1 else None,
        "can_manage": has_capability(request, Capability.LISTENING_MANAGE),
    }
    return render(request, "listening/alert_list.html", context)


def _settings_context(request: MemberRequest, form: AlertSettingsForm) -> dict[str, Any]:
    settings = services.listening_settings(workspace=request.workspace)
    return {"form": form, "settings": settings}


@capability_required(Capability.LISTENING_MANAGE)
def alert_settings(request: MemberRequest) -> HttpResponse:
    """Where alerts go: e-mail addresses, a webhook URL and its secret."""
    settings = services.listening_settings(workspace=request.workspace)
    initial = {
        "alert_emails": settings.alert_emails, "alert_webhook_url": settings.alert_webhook_url,
        "alert_language": settings.alert_language,
    }  # fmt: skip
    form = AlertSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            alerting.alert_settings_save(workspace=request.workspace, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("listening:alert-settings")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "listening/alert_settings.html", _settings_context(request, form), status=status
    )


@capability_required(Capability.LISTENING_MANAGE)
@require_POST
def alert_secret_rotate(request: MemberRequest) -> HttpResponse:
    alerting.alert_secret_rotate(workspace=request.workspace)
    messages.success(request, _("New secret made; the old one no longer works."))
    return redirect("listening:alert-settings")


@capability_required(Capability.LISTENING_MANAGE)
@require_POST
def alert_test(request: MemberRequest) -> HttpResponse:
    """Send a test alert the way real ones go, to check the addresses and the webhook."""
    alerting.alert_raise(
        workspace=request.workspace, kind=AlertKind.TEST,
        message_params={"workspace": request.workspace.name},
        link_path=reverse("listening:alert-list"),
    )  # fmt: skip
    messages.success(request, _("Test alert sent."))
    return redirect("listening:alert-list")


urlpatterns = [
    path("listening/alerts/", alert_list, name="alert-list"),
    path("listening/alerts/settings/", alert_settings, name="alert-settings"),
    path("listening/alerts/settings/secret/", alert_secret_rotate, name="alert-secret"),
    path("listening/alerts/test/", alert_test, name="alert-test"),
]
