from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # Models cannot be imported before the app registry is ready.
    from touchbase.core.models import Membership, Workspace


class RelationshipsConfig(AppConfig):
    name = "touchbase.relationships"
    label = "relationships"
    verbose_name = _("Relationships")

    def ready(self) -> None:
        from touchbase.core import registry
        from touchbase.core.capabilities import Capability
        from touchbase.relationships.digest import digests_enqueue_due

        registry.workspace_updated.register(
            registry.Hook(name="cadence", run=_recompute_on_new_default)
        )
        registry.member_changed.register(registry.Hook(name="ownership", run=_release_customers))
        registry.settings_sections.register(
            registry.SettingsSection(
                name="cadence", label=_("Cadence policies"), url_name="relationships:policy-list",
                capability=Capability.CRM_VIEW, order=20,
            )
        )  # fmt: skip
        registry.periodic_jobs.register(
            registry.PeriodicJob(name="digests", run=lambda: digests_enqueue_due())
        )
        post_migrate.connect(_search_index_ensure, sender=self)


SEARCHED_TABLES = ("relationships_account", "relationships_contact")


def _search_index_ensure(*, using: str = "default", **_kwargs: Any) -> None:
    """Re-create the SQLite search triggers a table rebuild dropped, and refill the index.

    Django rebuilds a SQLite table for most column changes and its triggers go with it; a
    search index that silently stops following its table would find stale names.
    """
    from touchbase.core.search import search_index_install

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in SEARCHED_TABLES:
            if table not in existing:
                continue
            columns = connection.introspection.get_table_description(cursor, table)
            if any(column.name == "search_text" for column in columns):
                search_index_install(connection, table)


def _recompute_on_new_default(*, workspace: Workspace, changed: set[str]) -> None:
    """A new default cadence moves the due dates of everyone no policy covers."""
    from touchbase.relationships.services import cadence_recompute

    if "default_cadence_days" in changed:
        cadence_recompute(workspace=workspace)


def _release_customers(*, membership: Membership, removed: bool) -> None:
    """Someone who leaves or no longer works with customers owns and sponsors none of them."""
    from touchbase.core.capabilities import Capability, role_has
    from touchbase.relationships.services import customers_release

    if removed or not role_has(membership.role, Capability.CRM_VIEW):
        customers_release(workspace=membership.workspace, user=membership.user)
