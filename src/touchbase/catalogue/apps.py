from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "touchbase.catalogue"
    label = "catalogue"
    verbose_name = _("Product catalogue")

    def ready(self) -> None:
        from touchbase.catalogue.demo import demo_catalogue
        from touchbase.core import registry

        registry.demo_steps.register(registry.DemoStep(name="catalogue", run=demo_catalogue))
