from __future__ import annotations

from django.urls import path

from touchbase.relationships import pickers, views

app_name = "relationships"

urlpatterns = [
    path("", views.due_list, name="due-list"),
    path("due/<str:kind>/<id:pk>/snooze/", views.due_snooze, name="due-snooze"),
    path("due/snooze/undo/", views.due_snooze_undo, name="due-snooze-undo"),
    path("accounts/", views.account_list, name="account-list"),
    path("accounts/new/", views.account_edit, name="account-create"),
    path("accounts/suggest/", pickers.account_autocomplete, name="account-autocomplete"),
    path("accounts/<id:pk>/", views.account_detail, name="account-detail"),
    path("accounts/<id:pk>/edit/", views.account_edit, name="account-edit"),
    path("accounts/<id:pk>/delete/", views.account_delete, name="account-delete"),
    path("accounts/<id:pk>/touchpoints/", views.account_touchpoint, name="account-touchpoint"),
    path("contacts/", views.contact_list, name="contact-list"),
    path("contacts/new/", views.contact_edit, name="contact-create"),
    path("contacts/<id:pk>/", views.contact_detail, name="contact-detail"),
    path("contacts/<id:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("contacts/<id:pk>/delete/", views.contact_delete, name="contact-delete"),
    path("contacts/<id:pk>/touchpoints/", views.contact_touchpoint, name="contact-touchpoint"),
    path("contacts/<id:pk>/call/", views.call_sheet, name="call-sheet"),
    path("touchpoints/<id:pk>/delete/", views.touchpoint_delete, name="touchpoint-delete"),
    path("cadence/", views.policy_list, name="policy-list"),
    path("cadence/new/", views.policy_edit, name="policy-create"),
    path("cadence/<id:pk>/", views.policy_edit, name="policy-edit"),
    path("cadence/<id:pk>/delete/", views.policy_delete, name="policy-delete"),
    path("team/", views.team_view, name="team"),
]
