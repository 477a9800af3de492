from __future__ import annotations

from django.urls import path

from touchbase.care import views

app_name = "care"

urlpatterns = [
    path("contacts/<int:pk>/consent/", views.consent_change, name="consent-change"),
    path("contacts/<int:pk>/bounced/", views.email_bounce, name="email-bounce"),
    path("contacts/<int:pk>/personal-data/", views.personal_data, name="personal-data"),
    path("contacts/<int:pk>/erase/", views.contact_erase, name="contact-erase"),
    path("contacts/<int:pk>/voucher/", views.voucher_issue, name="voucher-issue"),
    path("contacts/merge/", views.contact_merge, name="contact-merge"),
    path("freshness/", views.freshness, name="freshness"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("vouchers/", views.voucher_list, name="voucher-list"),
    path("vouchers/<int:pk>/redeem/", views.voucher_redeem, name="voucher-redeem"),
    path("advice/", views.advice_list, name="advice-list"),
    path("advice/new/", views.advice_edit, name="advice-create"),
    path("advice/<int:pk>/", views.advice_edit, name="advice-edit"),
    path("advice/<int:pk>/delete/", views.advice_delete, name="advice-delete"),
]
