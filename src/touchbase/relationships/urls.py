from __future__ import annotations

from django.urls import path

from touchbase.relationships import views, views_care, views_data

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
    path("contacts/<int:pk>/consent/", views_care.consent_change, name="consent-change"),
    path("contacts/<int:pk>/bounced/", views_care.email_bounce, name="email-bounce"),
    path("contacts/<int:pk>/personal-data/", views_care.personal_data, name="personal-data"),
    path("contacts/<int:pk>/erase/", views_care.contact_erase, name="contact-erase"),
    path("contacts/<int:pk>/voucher/", views_care.voucher_issue, name="voucher-issue"),
    path("contacts/merge/", views_care.contact_merge, name="contact-merge"),
    path("freshness/", views_care.freshness, name="freshness"),
    path("duplicates/", views_care.duplicates, name="duplicates"),
    path("vouchers/", views_care.voucher_list, name="voucher-list"),
    path("vouchers/<int:pk>/redeem/", views_care.voucher_redeem, name="voucher-redeem"),
    path("advice/", views_care.advice_list, name="advice-list"),
    path("advice/new/", views_care.advice_edit, name="advice-create"),
    path("advice/<int:pk>/", views_care.advice_edit, name="advice-edit"),
    path("advice/<int:pk>/delete/", views_care.advice_delete, name="advice-delete"),
    path("import/", views_data.import_start, name="import-start"),
    path("contacts/export/", views_data.contact_export, name="contact-export"),
    path("accounts/export/", views_data.account_export, name="account-export"),
    path("touchpoints/export/", views_data.touchpoint_export, name="touchpoint-export"),
    path("import/<int:pk>/", views_data.import_detail, name="import-detail"),
    path("import/<int:pk>/confirm/", views_data.import_confirm, name="import-confirm"),
]
