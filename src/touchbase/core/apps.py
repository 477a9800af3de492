from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "touchbase.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from django.urls import register_converter

        from touchbase.core.tenancy import IdConverter

        # Before any URLconf is read: every app's routes take ids through it.
        register_converter(IdConverter, "id")
