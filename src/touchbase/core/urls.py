from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from touchbase.core import views

app_name = "core"

urlpatterns = [
    path("settings/", views.preferences, name="settings"),
    path("settings/workspace/", views.workspace_settings, name="workspace-settings"),
    path("settings/tokens/", views.token_create, name="token-create"),
    path("settings/members/", views.members, name="members"),
    path("settings/members/<id:pk>/", views.member_change, name="member-change"),
    path("settings/tokens/<id:pk>/delete/", views.token_delete, name="token-delete"),
    path("workspace/<id:pk>/switch/", views.workspace_switch, name="workspace-switch"),
    path("language/", views.language_set, name="language-set"),
]

auth_urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
