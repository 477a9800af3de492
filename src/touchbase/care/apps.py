from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # Models cannot be imported before the app registry is ready.
    from touchbase.core.models import Workspace


class CareConfig(AppConfig):
    name = "touchbase.care"
    label = "care"
    verbose_name = _("Data care")

    def ready(self) -> None:
        from touchbase.care import demo, panels
        from touchbase.care.services import (
            VOUCHER_ISSUED,
            VOUCHER_REDEEMED,
            duplicate_scans_schedule,
        )
        from touchbase.core import registry
        from touchbase.core.capabilities import Capability

        partials = "care/partials/"
        for kind in (VOUCHER_ISSUED, VOUCHER_REDEEMED):
            registry.timeline_kinds.register(
                registry.TimelineKind(name=kind, template=partials + "_timeline_voucher.html")
            )
        registry.contact_panels.register(registry.Panel(
            name="consent", template=partials + "_consent_panel.html",
            context=panels.consent_panel, order=10))  # fmt: skip
        registry.contact_panels.register(registry.Panel(
            name="vouchers", template=partials + "_voucher_panel.html",
            context=panels.voucher_panel, order=20))  # fmt: skip
        registry.contact_panels.register(registry.Panel(
            name="duplicates", template=partials + "_duplicate_panel.html",
            context=panels.duplicate_panel, capability=Capability.MERGE, order=5))  # fmt: skip
        registry.contact_panels.register(registry.Panel(
            name="personal-data", template=partials + "_personal_data_panel.html",
            context=panels.personal_data_panel, capability=Capability.PERSONAL_DATA, order=90,
        ))  # fmt: skip
        registry.call_sheet_panels.register(registry.Panel(
            name="regional-advice", template=partials + "_advice_panel.html",
            context=panels.advice_panel, order=10))  # fmt: skip
        registry.customers_imported.register(
            registry.Hook(name="duplicates", run=_scan_after_import)
        )
        registry.periodic_jobs.register(registry.PeriodicJob(
            name="duplicates", run=lambda: duplicate_scans_schedule()))  # fmt: skip
        registry.demo_steps.register(registry.DemoStep(name="data care", run=demo.demo_care))
        for name, label, url_name, capability in (
            ("freshness", _("Data freshness"), "care:freshness", Capability.CRM_VIEW),
            ("duplicates", _("Duplicates"), "care:duplicates", Capability.MERGE),
            ("vouchers", _("Vouchers"), "care:voucher-list", Capability.CRM_VIEW),
            ("advice", _("Regional advice"), "care:advice-list", Capability.CRM_VIEW),
        ):
            registry.data_sections.register(registry.SettingsSection(
                name=name, label=label, url_name=url_name, capability=capability))  # fmt: skip


def _scan_after_import(*, workspace: Workspace) -> None:
    """New customers may duplicate old ones: the worker looks once the import is committed."""
    from touchbase.care.services import duplicate_scan_request

    duplicate_scan_request(workspace=workspace, by=None, trigger="import")
