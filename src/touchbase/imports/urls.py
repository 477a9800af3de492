from __future__ import annotations

from django.urls import path

from touchbase.imports import views

app_name = "imports"

urlpatterns = [
    path("import/", views.import_start, name="import-start"),
    path("contacts/export/", views.contact_export, name="contact-export"),
    path("accounts/export/", views.account_export, name="account-export"),
    path("touchpoints/export/", views.touchpoint_export, name="touchpoint-export"),
    path("import/<id:pk>/", views.import_detail, name="import-detail"),
    path("import/<id:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("import/<id:pk>/error-rows/", views.import_error_rows, name="import-error-rows"),
]
