from __future__ import annotations

from django.urls import path

from touchbase.relationships import views

app_name = "relationships"

urlpatterns = [
    path("", views.due_list, name="due-list"),
    path("due/<str:kind>/<int:pk>/snooze/", views.due_snooze, name="due-snooze"),
    path("accounts/", views.account_list, name="account-list"),
    path("accounts/new/", views.account_edit, name="account-create"),
    path("accounts/<int:pk>/", views.account_detail, name="account-detail"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account-edit"),
    path("accounts/<int:pk>/touchpoints/", views.account_touchpoint, name="account-touchpoint"),
    path("contacts/", views.contact_list, name="contact-list"),
    path("contacts/new/", views.contact_edit, name="contact-create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact-detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/touchpoints/", views.contact_touchpoint, name="contact-touchpoint"),
    path("contacts/<int:pk>/call/", views.call_sheet, name="call-sheet"),
    path("cadence/", views.policy_list, name="policy-list"),
    path("cadence/new/", views.policy_edit, name="policy-create"),
    path("cadence/<int:pk>/", views.policy_edit, name="policy-edit"),
    path("cadence/<int:pk>/delete/", views.policy_delete, name="policy-delete"),
    path("team/", views.team_view, name="team"),
]
