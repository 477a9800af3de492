from __future__ import annotations

from django.urls import path

from touchbase.care import views

app_name = "care"

urlpatterns = [
    path("contacts/<id:pk>/consent/", views.consent_change, name="consent-change"),
    path("contacts/<id:pk>/bounced/", views.email_bounce, name="email-bounce"),
    path("contacts/<id:pk>/personal-data/", views.personal_data, name="personal-data"),
    path("contacts/<id:pk>/erase/", views.contact_erase, name="contact-erase"),
    path("contacts/<id:pk>/voucher/", views.voucher_issue, name="voucher-issue"),
    path("freshness/", views.freshness, name="freshness"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/search/", views.duplicate_scan, name="duplicate-scan"),
    path("duplicates/<id:pk>/", views.duplicate_preview, name="duplicate-preview"),
    path("duplicates/<id:pk>/dismiss/", views.duplicate_dismiss, name="duplicate-dismiss"),
    path("vouchers/", views.voucher_list, name="voucher-list"),
    path("vouchers/<id:pk>/redeem/", views.voucher_redeem, name="voucher-redeem"),
    path("advice/", views.advice_list, name="advice-list"),
    path("advice/new/", views.advice_edit, name="advice-create"),
    path("advice/<id:pk>/", views.advice_edit, name="advice-edit"),
    path("advice/<id:pk>/delete/", views.advice_delete, name="advice-delete"),
]
