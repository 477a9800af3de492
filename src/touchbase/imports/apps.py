from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "touchbase.imports"
    label = "imports"
    verbose_name = _("Imports and exports")

    def ready(self) -> None:
        from touchbase.core import registry
        from touchbase.core.capabilities import Capability

        registry.settings_sections.register(registry.SettingsSection(
            name="import", label=_("Import"), url_name="imports:import-start",
            capability=Capability.IMPORT, order=200))  # fmt: skip
