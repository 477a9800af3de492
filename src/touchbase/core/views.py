"""Sign-in helpers, preferences, API tokens and the health check."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touchbase.core import services
from touchbase.core.capabilities import Capability, capability_required, has_capability
from touchbase.core.choices import Language, Role
from touchbase.core.decorators import member_required
from touchbase.core.forms import (
    InviteForm,
    JoinForm,
    PreferencesForm,
    SignInForm,
    TokenForm,
    WorkspaceForm,
    apply_errors,
)
from touchbase.core.middleware import SESSION_KEY
from touchbase.core.models import ApiToken, Invitation, Membership, Workspace
from touchbase.core.navigation import home_url, redirect_back
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404


def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers with touchbase's tables, 503 otherwise."""
    try:
        # A real table, not SELECT 1: SQLite answers that from the empty file it quietly
        # creates when the real one has been removed.
        Workspace.objects.exists()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


class SignInView(auth_views.LoginView):
    """Sign in; a language picked on the sign-in page becomes the user's own choice."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return home_url(self.request.user)

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        chosen = self.request.COOKIES.get("django_language")
        user = form.get_user()
        if chosen in Language.values and chosen != user.language:
            user.language = chosen
            user.save(update_fields=["language"])
        return response


@member_required
def preferences(request: MemberRequest) -> HttpResponse:
    """Language, digest e-mail and API tokens of the signed-in member."""
    membership = request.membership
    form = PreferencesForm(
        request.POST or None,
        initial={
            "language": request.user.language,
            "digest_frequency": membership.digest_frequency,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.member_preferences_update(membership=membership, **form.cleaned_data)
        translation.activate(form.cleaned_data["language"])
        messages.success(request, _("Preferences saved."))
        return redirect("core:settings")
    return render(request, "core/settings.html", _settings_context(request, form))


def _settings_context(
    request: MemberRequest, form: PreferencesForm, **extra: object
) -> dict[str, object]:
    tokens = ApiToken.objects.filter(workspace=request.workspace, user=request.user).order_by(
        "-created_at"
    )
    context = {"form": form, "tokens": tokens, "token_form": TokenForm()}
    if has_capability(request, Capability.SETTINGS_MANAGE):
        context["workspace_form"] = WorkspaceForm(instance=request.workspace)
    return {**context, **extra}


@capability_required(Capability.SETTINGS_MANAGE)
@require_POST
def workspace_settings(request: MemberRequest) -> HttpResponse:
    """Owners change the workspace's name, time zone, home country and default cadence."""
    form = WorkspaceForm(request.POST, instance=request.workspace)
    if form.is_valid():
        services.workspace_update(workspace=request.workspace, **form.cleaned_data)
        messages.success(request, _("Workspace saved."))
        return redirect("core:settings")
    request.workspace.refresh_from_db()
    context = _settings_context(request, PreferencesForm(initial={
        "language": request.user.language,
        "digest_frequency": request.membership.digest_frequency}), workspace_form=form)  # fmt: skip
    return render(request, "core/settings.html", context, status=400)


@member_required
@require_POST
def token_create(request: MemberRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    secret = None
    if form.is_valid():
        _token, secret = services.api_token_create(
            membership=request.membership, name=form.cleaned_data["name"]
        )
    prefs = PreferencesForm(
        initial={
            "language": request.user.language,
            "digest_frequency": request.membership.digest_frequency,
        }
    )
    context = _settings_context(request, prefs, new_secret=secret)
    if not form.is_valid():
        context["token_form"] = form
    return render(request, "core/settings.html", context, status=200 if secret else 400)


@member_required
@require_POST
def token_delete(request: MemberRequest, pk: int) -> HttpResponse:
    token = owned_or_404(
        ApiToken.objects.filter(user=request.user), pk, workspace=request.workspace
    )
    token.delete()
    messages.success(request, _("Token revoked."))
    return redirect("core:settings")


@member_required
@require_POST
def workspace_switch(request: MemberRequest, pk: int) -> HttpResponse:
    membership = Membership.objects.filter(user=request.user, workspace_id=pk).first()
    if membership is None:
        raise Http404
    request.session[SESSION_KEY] = membership.workspace_id
    return redirect(home_url(request.user))


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch language; a signed-in user keeps the choice in their profile."""
    language = request.POST.get("language", "")
    response = redirect_back(request, request.POST.get("next"), "/")
    if language in Language.values:
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
        response.set_cookie(
            "django_language", language, max_age=365 * 24 * 3600, samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )  # fmt: skip
    return response


@capability_required(Capability.MEMBERS_MANAGE)
def members(request: MemberRequest) -> HttpResponse:
    """Owners see the members and open invitations, and invite people by e-mail."""
    form = InviteForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(workspace=request.workspace, by=request.user,
                                       **form.cleaned_data)  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % form.cleaned_data)
            return redirect("core:members")
    people = Membership.objects.filter(workspace=request.workspace).select_related("user")
    invitations = Invitation.objects.filter(workspace=request.workspace, accepted_at=None)
    context = {"form": form, "people": people.order_by("user__first_name", "user__username"),
               "roles": Role.choices, "invitations": invitations}  # fmt: skip
    return render(request, "core/members.html", context, status=400 if form.errors else 200)


@capability_required(Capability.MEMBERS_MANAGE)
@require_POST
def invitation_revoke(request: MemberRequest, pk: int) -> HttpResponse:
    """Withdraw an open invitation; its link stops working at once."""
    invitation = owned_or_404(Invitation, pk, workspace=request.workspace)
    try:
        services.invitation_revoke(invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Invitation withdrawn."))
    return redirect("core:members")


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: join with the signed-in account, or create one."""
    try:
        invitation = services.invitation_find(token=token)
    except ValidationError as error:
        return render(request, "core/invitation_invalid.html", {"error": error}, status=404)
    form = JoinForm(request.POST or None) if not request.user.is_authenticated else None
    if request.method == "POST":
        joined = _join(request, invitation, form)
        if joined is not None:
            login(request, joined.user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_KEY] = joined.workspace_id
            messages.success(request, _("Welcome to %(name)s.") % {"name": joined.workspace.name})
            return redirect(home_url(joined.user))
    context = {"invitation": invitation, "form": form, "token": token}
    return render(request, "core/invitation_accept.html", context)


def _join(request: HttpRequest, invitation: Invitation, form: JoinForm | None) -> Membership | None:
    """Accept as the signed-in user, or with the new account the form describes."""
    if request.user.is_authenticated:
        return services.invitation_accept(invitation=invitation, user=request.user)
    if form is None or not form.is_valid():
        return None
    try:
        return services.invitation_join(
            invitation=invitation, username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
            first_name=form.cleaned_data["first_name"], last_name=form.cleaned_data["last_name"],
        )  # fmt: skip
    except ValidationError as error:
        apply_errors(form, error)
        return None


@capability_required(Capability.MEMBERS_MANAGE)
@require_POST
def member_change(request: MemberRequest, pk: int) -> HttpResponse:
    """Change a member's role, or remove the member."""
    membership = owned_or_404(Membership, pk, workspace=request.workspace)
    try:
        if request.POST.get("action") == "remove":
            services.member_remove(membership=membership)
            messages.success(request, _("Member removed."))
        elif request.POST.get("role") in Role.values:
            services.member_role_change(membership=membership, role=request.POST["role"])
            messages.success(request, _("Role changed."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("core:members")
