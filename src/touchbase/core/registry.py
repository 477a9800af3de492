"""Extension points: product apps add themselves to shared screens and jobs from AppConfig.ready().

Core and the relationship core call what is registered here; they never import a product app.
Each kind of extension keeps its entries in registration order, and a name is registered once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar


class Named(Protocol):
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=Named)


class Slot(Generic[T]):  # noqa: UP046 - mypy with django-stubs reads the classic form
    """The entries of one extension point, by name."""

    def __init__(self) -> None:
        self._entries: dict[str, T] = {}

    def register(self, entry: T) -> T:
        """Add an entry; registering the same name again replaces it (app reloads in tests)."""
        self._entries[entry.name] = entry
        return entry

    def unregister(self, name: str) -> None:
        """Take an entry out again (tests that register one of their own)."""
        self._entries.pop(name, None)

    def __iter__(self) -> Iterator[T]:
        return iter(sorted(self._entries.values(), key=lambda e: getattr(e, "order", 100)))

    def get(self, name: str) -> T | None:
        return self._entries.get(name)


@dataclass(frozen=True)
class TimelineKind:
    """How touchpoints produced by one source kind look on the timeline."""

    name: str  # the touchpoint's source_kind
    template: str
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A card on a customer screen (contact page, call sheet); context(request, contact)."""

    name: str
    template: str
    context: Callable[[Any, Any], dict[str, Any]]
    capability: str = ""
    order: int = 100


@dataclass(frozen=True)
class PersonalDataHandler:
    """What an app holds on one person: export(contact) → JSON-safe data; erase(contact).

    erase is called before the contact's own fields are erased, so it can still find the
    person by name and e-mail.
    """

    name: str
    export: Callable[[Any], Any]
    erase: Callable[[Any], None]
    order: int = 100


@dataclass(frozen=True)
class DigestSection:
    """A part of the member's digest e-mail; context(membership) → dict, or None to skip."""

    name: str
    html_template: str
    text_template: str
    context: Callable[[Any], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class DemoStep:
    """Fills the demo workspace with an app's data: run(workspace, members, rng)."""

    name: str
    run: Callable[..., Any]
    order: int = 100


@dataclass(frozen=True)
class PeriodicJob:
    """A job the worker's scheduler runs on every tick; returns how much it enqueued."""

    name: str
    run: Callable[[], int]
    order: int = 100


@dataclass(frozen=True)
class SettingsSection:
    """A link to an app's page: a data-care tab or a settings page, for members who may use it."""

    name: str
    label: Any
    url_name: str
    capability: str = ""
    order: int = 100


@dataclass(frozen=True)
class PendingPreview:
    """What a visitor's confirmation link would publish: describe(visitor, items) → lines."""

    name: str
    describe: Callable[[Any, dict[str, Any]], list[str]]
    order: int = 100


@dataclass(frozen=True)
class Hook:
    """A function an app wants called when something in the platform changed.

    workspace_updated: run(workspace=, changed={field names});
    member_changed: run(membership=, removed=bool), after a role change or before removal;
    customers_imported: run(workspace=), inside the transaction that wrote an import;
    visitor_confirmed: run(visitor=), when a public page's visitor confirmed their address.
    """

    name: str
    run: Callable[..., None]
    order: int = 100


timeline_kinds: Slot[TimelineKind] = Slot()
contact_panels: Slot[Panel] = Slot()
call_sheet_panels: Slot[Panel] = Slot()
personal_data: Slot[PersonalDataHandler] = Slot()
digest_sections: Slot[DigestSection] = Slot()
demo_steps: Slot[DemoStep] = Slot()
periodic_jobs: Slot[PeriodicJob] = Slot()
data_sections: Slot[SettingsSection] = Slot()
settings_sections: Slot[SettingsSection] = Slot()
workspace_updated: Slot[Hook] = Slot()
member_changed: Slot[Hook] = Slot()
customers_imported: Slot[Hook] = Slot()
visitor_confirmed: Slot[Hook] = Slot()
# What an app holds on one visitor of a public page: export(visitor), erase(visitor).
visitor_data: Slot[PersonalDataHandler] = Slot()
visitor_pending: Slot[PendingPreview] = Slot()
