from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "touchbase.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from django.db.models import fields
        from django.urls import register_converter

        from touchbase.core import registry
        from touchbase.core.capabilities import Capability
        from touchbase.core.tenancy import IdConverter
        from touchbase.core.webhooks import webhook_deliveries_enqueue_due, webhook_receipts_purge

        # Django's own "- Select an option -" has no German translation yet; ours has.
        fields.BLANK_CHOICE_LABEL = _("— choose —")
        # Before any URLconf is read: every app's routes take ids through it.
        register_converter(IdConverter, "id")
        registry.settings_sections.register(
            registry.SettingsSection(
                name="members", label=_("Members and invitations"), url_name="core:members",
                capability=Capability.MEMBERS_MANAGE, order=10,
            )
        )  # fmt: skip
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                name="webhook-retries", run=lambda: webhook_deliveries_enqueue_due()
            )
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                name="webhook-receipts-purge", run=lambda: webhook_receipts_purge()
            )
        )
