"""Web views: thin adapters from HTTP to the relationship services and selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page as DjangoPage
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touchbase.core import registry
from touchbase.core.capabilities import Capability, capability_required, has_capability
from touchbase.core.forms import apply_errors
from touchbase.core.htmx import render_page
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import id_or_none, owned_or_404
from touchbase.core.timeutil import local_today
from touchbase.relationships import selectors, services
from touchbase.relationships.choices import DueKind
from touchbase.relationships.forms import (
    AccountForm,
    CadencePolicyForm,
    CallSheetForm,
    ContactForm,
    SnoozeForm,
    TouchpointForm,
)
from touchbase.relationships.models import Account, CadencePolicy, Contact, Touchpoint

PAGE_SIZE = 50
MAX_PAGE = 10**9


def _page_number(request: HttpRequest) -> int:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    # Past this no offset fits a BIGINT, and no list is that long anyway.
    return min(max(1, page), MAX_PAGE)


# --- due list -------------------------------------------------------------------------------


@capability_required(Capability.CRM_VIEW)
def due_list(request: MemberRequest) -> HttpResponse:
    """My due list, or the team's: who to contact now."""
    scope = "team" if request.GET.get("scope") == "team" else "mine"
    kind = request.GET.get("kind") or None
    kind = DueKind(kind) if kind in DueKind.values else None
    page = _page_number(request)
    owner = None if scope == "team" else request.user
    today = local_today(request.workspace.zone)
    items = selectors.due_list(
        workspace=request.workspace,
        owner=owner,
        kind=kind,
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
        today=today,
    )
    context = {
        "items": items[:PAGE_SIZE],
        "has_next": len(items) > PAGE_SIZE,
        "page": page,
        "scope": scope,
        "kind": kind or "",
        "today": today,
        "counts": selectors.due_counts(workspace=request.workspace, owner=owner, today=today),
    }
    return render_page(
        request, "relationships/due_list.html", "relationships/partials/_due_table.html", context
    )


def _due_row(request: MemberRequest, kind: str, pk: int) -> Account | Contact:
    if kind == DueKind.ACCOUNT:
        return owned_or_404(Account, pk, workspace=request.workspace)
    return owned_or_404(Contact, pk, workspace=request.workspace)


@capability_required(Capability.CRM_EDIT)
def due_snooze(request: MemberRequest, kind: str, pk: int) -> HttpResponse:
    """Snooze one due customer with a reason."""
    row = _due_row(request, kind, pk)
    form = SnoozeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.due_snooze(
                row=row,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
                workspace=request.workspace,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Snoozed “%(name)s”.") % {"name": row})
            if request.htmx:
                response = HttpResponse("")
                response["HX-Trigger"] = "due-changed"
                return response
            return redirect("relationships:due-list")
    context = {"form": form, "row": row, "kind": kind}
    return render_page(
        request, "relationships/snooze.html", "relationships/partials/_snooze_form.html", context
    )


# --- accounts -------------------------------------------------------------------------------


@capability_required(Capability.CRM_VIEW)
def account_list(request: MemberRequest) -> HttpResponse:
    """All accounts, searchable, filterable and sortable."""
    params: dict[str, Any] = {
        "search": request.GET.get("q", "").strip(),
        "segment": request.GET.get("segment", ""),
        "owner_id": id_or_none(request.GET.get("owner")),
        "key_only": request.GET.get("key") == "1",
        "sort": request.GET.get("sort", "name"),
    }
    accounts = selectors.account_list(workspace=request.workspace, **params)
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.account_list(
        workspace=request.workspace, page=_rows_of(page), **params
    )
    context = {
        "page_obj": page,
        "params": params,
        "segments": selectors.segments(workspace=request.workspace),
        "owners": selectors.members(workspace=request.workspace),
        "today": local_today(request.workspace.zone),
        "query": request.GET.copy(),
    }
    return render_page(
        request,
        "relationships/account_list.html",
        "relationships/partials/_account_table.html",
        context,
    )


def _rows_of(page: DjangoPage[Any]) -> selectors.Page:
    """The rows of a paginator's page, for the selector to load (a search loads them faster)."""
    return selectors.Page(offset=(page.number - 1) * PAGE_SIZE, limit=PAGE_SIZE)


def erased_redirect(request: HttpRequest, contact: Contact) -> HttpResponse:
    """Back to the read-only page of an erased person, saying why."""
    messages.error(request, _("This person's data was erased; the record is read-only."))
    return redirect("relationships:contact-detail", pk=contact.pk)


@capability_required(Capability.CRM_VIEW)
def account_detail(request: MemberRequest, pk: int) -> HttpResponse:
    """Master data, contacts and the one timeline of an account."""
    account = owned_or_404(
        Account.objects.select_related("owner", "executive_sponsor"),
        pk=pk,
        workspace=request.workspace,
    )
    context = _timeline_context(request, account=account)
    context.update(
        account=account,
        row=account,
        contacts=account.contacts.order_by("last_name", "first_name"),
        touchpoint_form=TouchpointForm(workspace=request.workspace),
        touchpoint_url=reverse("relationships:account-touchpoint", args=[account.pk]),
    )
    return render_page(
        request,
        "relationships/account_detail.html",
        "relationships/partials/_timeline.html",
        context,
    )


TIMELINE_ENTRY = "relationships/partials/_timeline_entry.html"


def timeline_entries(touchpoints: list[Touchpoint]) -> list[tuple[Touchpoint, str]]:
    """Each touchpoint with the template its source kind registered, or the plain one."""
    entries = []
    for touchpoint in touchpoints:
        kind = registry.timeline_kinds.get(touchpoint.source_kind)
        entries.append((touchpoint, kind.template if kind else TIMELINE_ENTRY))
    return entries


def panels(
    slot: registry.Slot[registry.Panel], request: MemberRequest, contact: Contact
) -> list[dict[str, Any]]:
    """The cards other apps registered for this screen, each with its own context."""
    return [
        {"template": panel.template, **panel.context(request, contact)}
        for panel in slot
        if not panel.capability or has_capability(request, panel.capability)
    ]


def _timeline_context(request: MemberRequest, **target: Any) -> dict[str, Any]:
    """One page of the timeline: every moment any app recorded, newest first."""
    page = _page_number(request)
    offset = (page - 1) * 25
    rows = selectors.timeline(workspace=request.workspace, limit=26, offset=offset, **target)
    return {
        "touchpoints": rows[:25],
        "entries": timeline_entries(rows[:25]),
        "timeline_page": page,
        "has_more": len(rows) > 25,
    }


@capability_required(Capability.CRM_EDIT)
def account_edit(request: MemberRequest, pk: int | None = None) -> HttpResponse:
    """Create or edit an account."""
    account = owned_or_404(Account, pk, workspace=request.workspace) if pk else None
    form = AccountForm(request.POST or None, instance=account, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        saved = _save_with_tags(request, form, services.account_save, "account", account)
        if saved is not None:
            messages.success(request, _("Saved “%(name)s”.") % {"name": saved})
            return redirect("relationships:account-detail", pk=saved.pk)
    return render(request, "relationships/account_form.html", {"form": form, "account": account})


def _save_with_tags(
    request: MemberRequest,
    form: AccountForm | ContactForm,
    save: Any,
    keyword: str,
    instance: Model | None,
) -> Any:
    fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
    try:
        fields["tags"] = services.tags_from_names(
            workspace=request.workspace, names=form.cleaned_data["tag_names"]
        )
    except ValidationError as error:
        form.add_error("tag_names", error.message_dict["tags"])
        return None
    try:
        return save(workspace=request.workspace, fields=fields, **{keyword: instance})
    except ValidationError as error:
        apply_errors(form, error)
        return None


# --- contacts -------------------------------------------------------------------------------


@capability_required(Capability.CRM_VIEW)
def contact_list(request: MemberRequest) -> HttpResponse:
    """All contacts, searchable and sortable."""
    params: dict[str, Any] = {
        "search": request.GET.get("q", "").strip(),
        "owner_id": id_or_none(request.GET.get("owner")),
        "sort": request.GET.get("sort", "name"),
        "newsletter_only": request.GET.get("newsletter") == "1",
    }
    contacts = selectors.contact_list(workspace=request.workspace, **params)
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.contact_list(
        workspace=request.workspace, page=_rows_of(page), **params
    )
    context = {
        "page_obj": page,
        "params": params,
        "owners": selectors.members(workspace=request.workspace),
        "today": local_today(request.workspace.zone),
        "query": request.GET.copy(),
    }
    return render_page(
        request,
        "relationships/contact_list.html",
        "relationships/partials/_contact_table.html",
        context,
    )


@capability_required(Capability.CRM_VIEW)
def contact_detail(request: MemberRequest, pk: int) -> HttpResponse:
    """Master data, consent and the timeline of a contact."""
    contact = owned_or_404(
        Contact.objects.select_related("account", "owner"), pk, workspace=request.workspace
    )
    context = _timeline_context(request, contact=contact)
    consents = list(contact.consents.select_related("recorded_by").order_by("-recorded_at", "-id"))
    context.update(
        contact=contact,
        row=contact,
        consent=consents[0] if consents else None,
        consents=consents,
        panels=[] if contact.is_erased else panels(registry.contact_panels, request, contact),
        touchpoint_form=TouchpointForm(workspace=request.workspace),
        touchpoint_url=reverse("relationships:contact-touchpoint", args=[contact.pk]),
    )
    return render_page(
        request,
        "relationships/contact_detail.html",
        "relationships/partials/_timeline.html",
        context,
    )


@capability_required(Capability.CRM_EDIT)
def contact_edit(request: MemberRequest, pk: int | None = None) -> HttpResponse:
    """Create or edit a contact."""
    contact = owned_or_404(Contact, pk, workspace=request.workspace) if pk else None
    if contact is not None and contact.is_erased:
        return erased_redirect(request, contact)
    initial = {}
    if contact is None and request.GET.get("account"):
        initial["account"] = id_or_none(request.GET["account"])
    form = ContactForm(
        request.POST or None, instance=contact, initial=initial, workspace=request.workspace
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_with_tags(request, form, services.contact_save, "contact", contact)
        if saved is not None:
            messages.success(request, _("Saved “%(name)s”.") % {"name": saved})
            return redirect("relationships:contact-detail", pk=saved.pk)
    return render(request, "relationships/contact_form.html", {"form": form, "contact": contact})


# --- touchpoints ----------------------------------------------------------------------------


@capability_required(Capability.CRM_EDIT)
@require_POST
def account_touchpoint(request: MemberRequest, pk: int) -> HttpResponse:
    account = owned_or_404(Account, pk, workspace=request.workspace)
    return _touchpoint_create(request, account=account)


@capability_required(Capability.CRM_EDIT)
@require_POST
def contact_touchpoint(request: MemberRequest, pk: int) -> HttpResponse:
    contact = owned_or_404(Contact, pk, workspace=request.workspace)
    return _touchpoint_create(request, contact=contact)


def _touchpoint_create(request: MemberRequest, **target: Any) -> HttpResponse:
    """Log a touchpoint and answer with the refreshed timeline and an empty form."""
    form = TouchpointForm(request.POST, workspace=request.workspace)
    if form.is_valid():
        try:
            services.touchpoint_log(
                workspace=request.workspace, logged_by=request.user, **target, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            form = TouchpointForm(workspace=request.workspace)
            messages.success(request, _("Touchpoint logged."))
    row = next(iter(target.values()))
    row.refresh_from_db()
    key = "account" if "account" in target else "contact"
    url_name = f"relationships:{key}-touchpoint"
    context = _timeline_context(request, **target)
    context.update(
        {
            key: row,
            "row": row,
            "touchpoint_form": form,
            "touchpoint_url": reverse(url_name, args=[row.pk]),
        }
    )
    if not request.htmx:
        if form.is_bound and form.errors:
            return render(request, f"relationships/{key}_detail.html", context, status=400)
        return redirect(f"relationships:{key}-detail", pk=row.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "relationships/partials/_touchpoint_panel.html", context, status=status)


# --- call sheet -----------------------------------------------------------------------------


@capability_required(Capability.CRM_EDIT)
def call_sheet(request: MemberRequest, pk: int) -> HttpResponse:
    """Prepare and log a call: history, check-in questions, master data updates."""
    contact = owned_or_404(
        Contact.objects.select_related("account", "owner"), pk, workspace=request.workspace
    )
    if contact.is_erased:
        return erased_redirect(request, contact)
    form = CallSheetForm(request.POST or None, contact=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_sheet_submit(contact=contact, answers=form.answers(), by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Call logged and master data updated."))
            return redirect("relationships:contact-detail", pk=contact.pk)
    context = {
        "contact": contact,
        "form": form,
        "entries": timeline_entries(
            selectors.timeline(
                workspace=request.workspace, contact=contact, limit=5, personal_only=True
            )
        ),
        "consent": contact.consents.order_by("-recorded_at", "-id").first(),
        "panels": panels(registry.call_sheet_panels, request, contact),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "relationships/call_sheet.html", context, status=status)


# --- cadence policies and team view ---------------------------------------------------------


@capability_required(Capability.CRM_VIEW)
def policy_list(request: MemberRequest) -> HttpResponse:
    context = {
        "policies": selectors.policies(workspace=request.workspace),
        "default_days": request.workspace.default_cadence_days,
    }
    return render(request, "relationships/policy_list.html", context)


@capability_required(Capability.CADENCE_MANAGE)
def policy_edit(request: MemberRequest, pk: int | None = None) -> HttpResponse:
    """Create or change a cadence policy; due dates follow at once."""
    policy = owned_or_404(CadencePolicy, pk, workspace=request.workspace) if pk else None
    form = CadencePolicyForm(request.POST or None, instance=policy, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        candidate = form.save(commit=False)
        candidate.workspace = request.workspace
        try:
            services.cadence_policy_save(policy=candidate)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Policy saved; due dates updated."))
            return redirect("relationships:policy-list")
    context = {
        "form": form,
        "policy": policy,
        "segments": selectors.segments(workspace=request.workspace),
    }
    return render(request, "relationships/policy_form.html", context)


@capability_required(Capability.CADENCE_MANAGE)
@require_POST
def policy_delete(request: MemberRequest, pk: int) -> HttpResponse:
    policy = owned_or_404(CadencePolicy, pk, workspace=request.workspace)
    services.cadence_policy_delete(policy=policy)
    messages.success(request, _("Policy deleted; due dates updated."))
    return redirect("relationships:policy-list")


@capability_required(Capability.CRM_VIEW)
def team_view(request: MemberRequest) -> HttpResponse:
    """Coverage per owner and segment, and leaders' touches of key accounts this quarter."""
    workspace = request.workspace
    today = local_today(workspace.zone)
    context = {
        "today": today,
        "by_owner": selectors.coverage(workspace=workspace, by="owner", model=Account, today=today),
        "by_segment": selectors.coverage(
            workspace=workspace, by="segment", model=Account, today=today
        ),
        "contacts_by_owner": selectors.coverage(
            workspace=workspace, by="owner", model=Contact, today=today
        ),
        "key_accounts": selectors.key_account_leader_touches(workspace=workspace, today=today),
    }
    return render(request, "relationships/team.html", context)
