"""A workspace's listening settings: the removal rule, the answer SLA, invitations, alerts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from touchbase.core.capabilities import Capability, capability_required
from touchbase.core.forms import apply_errors
from touchbase.core.requests import MemberRequest
from touchbase.listening import services
from touchbase.listening.forms import ListeningSettingsForm
from touchbase.listening.rules import rules_request


@capability_required(Capability.LISTENING_MANAGE)
def settings_edit(request: MemberRequest) -> HttpResponse:
    found = services.listening_settings(workspace=request.workspace)
    form = ListeningSettingsForm(
        request.POST or None, initial=ListeningSettingsForm.initial_for(found)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.listening_settings_save(workspace=request.workspace, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            # A new removal limit applies now, not at the next hourly run.
            rules_request(workspace=request.workspace)
            messages.success(request, _("Listening settings saved."))
            return redirect("listening:settings")
    status = 422 if request.method == "POST" else 200
    return render(request, "listening/settings.html", {"form": form}, status=status)


urlpatterns = [
    path("listening/settings/", settings_edit, name="settings"),
]
