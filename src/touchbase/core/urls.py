from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from touchbase.core import views
from touchbase.core.forms import ResetForm

app_name = "core"

urlpatterns = [
    path("settings/", views.preferences, name="settings"),
    path("settings/workspace/", views.workspace_settings, name="workspace-settings"),
    path("settings/tokens/", views.token_create, name="token-create"),
    path("settings/members/", views.members, name="members"),
    path("settings/members/<id:pk>/", views.member_change, name="member-change"),
    path("settings/tokens/<id:pk>/delete/", views.token_delete, name="token-delete"),
    path("settings/invitations/<id:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("workspace/<id:pk>/switch/", views.workspace_switch, name="workspace-switch"),
    path("language/", views.language_set, name="language-set"),
]

auth_urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=ResetForm, email_template_name="registration/password_reset_email.txt"
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
