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
        from touchbase.imports import personal_data, services

        registry.data_sections.register(registry.SettingsSection(
            name="import", label=_("Import"), url_name="imports:import-start",
            capability=Capability.IMPORT, order=200))  # fmt: skip
        registry.periodic_jobs.register(
            registry.PeriodicJob(name="expired imports", run=lambda: services.import_jobs_expire())
        )
        registry.personal_data.register(registry.PersonalDataHandler(
            name="pending_imports", export=personal_data.pending_imports_export,
            erase=personal_data.pending_imports_erase))  # fmt: skip
