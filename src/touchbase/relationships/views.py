"""Web views: thin adapters from HTTP to the relationship services and selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page as DjangoPage
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext
from django.views.decorators.http import require_POST

from touchbase.core import registry
from touchbase.core.capabilities import Capability, capability_required, has_capability
from touchbase.core.forms import apply_errors
from touchbase.core.htmx import render_page
from touchbase.core.requests import MemberRequest
from touchbase.core.signing import LinkExpired, LinkInvalid, link_sign, link_verify
from touchbase.core.tenancy import id_or_none, owned_or_404
from touchbase.core.timeutil import local_today
from touchbase.relationships import selectors, services
from touchbase.relationships.choices import UNREACHED_OUTCOMES, DueKind
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
        "items": selectors.due_with_hints(workspace=request.workspace, items=items[:PAGE_SIZE]),
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
    previous = (row.snoozed_until, row.snooze_reason)
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
            messages.success(request, snooze_message(request, kind, row, previous))
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
        account_people(request, account),
        account=account,
        row=account,
        touchpoint_form=TouchpointForm(
            workspace=request.workspace, account=account, user=request.user
        ),
        touchpoint_url=reverse("relationships:account-touchpoint", args=[account.pk]),
    )
    return render_page(
        request,
        "relationships/account_detail.html",
        "relationships/partials/_timeline.html",
        context,
    )


def account_people(request: MemberRequest, account: Account) -> dict[str, Any]:
    """The account's contacts for its page, with how many of them are overdue."""
    today = local_today(request.workspace.zone)
    return {
        "today": today,
        "contacts": account.contacts.order_by("last_name", "first_name"),
        "overdue_contacts": selectors.overdue_contact_count(account=account, today=today),
    }


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


def just_saved(touchpoint: Touchpoint, shown: list[Touchpoint]) -> dict[str, Any]:
    """Mark where the page shows the touchpoint just logged, for app.js to scroll to: its
    entry, or the timeline itself when it belongs on a later page (logged for long ago)."""
    return {"just_saved": touchpoint.pk, "just_saved_elsewhere": touchpoint not in shown}


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
    form = AccountForm(
        request.POST or None, instance=account, workspace=request.workspace, user=request.user
    )
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
    hint = selectors.human_first_hint(workspace=request.workspace, contact=contact)
    context.update(
        contact=contact,
        human_first=hint,
        human_first_text=hint.text(contact.full_name) if hint else "",
        row=contact,
        consent=consents[0] if consents else None,
        consents=consents,
        panels=[] if contact.is_erased else panels(registry.contact_panels, request, contact),
        touchpoint_form=TouchpointForm(workspace=request.workspace, user=request.user),
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
        request.POST or None,
        instance=contact,
        initial=initial,
        workspace=request.workspace,
        user=request.user,
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
    # On an account the form asks which of its people it was with.
    account = target.get("account")
    form = TouchpointForm(
        request.POST, workspace=request.workspace, account=account, user=request.user
    )
    logged = None
    if form.is_valid():
        try:
            logged = services.touchpoint_log(
                workspace=request.workspace, logged_by=request.user, **target, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _touchpoint_logged_message(form))
            form = TouchpointForm(workspace=request.workspace, account=account, user=request.user)
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
    if logged is not None:
        context.update(just_saved(logged, context["touchpoints"]))
    if account is not None:
        # Whoever was spoken with is no longer overdue: their badge changes beside the timeline.
        context.update(account_people(request, account), contacts_oob=bool(request.htmx))
    if not request.htmx:
        if form.is_bound and form.errors:
            return render(request, f"relationships/{key}_detail.html", context, status=400)
        return redirect(f"relationships:{key}-detail", pk=row.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "relationships/partials/_touchpoint_panel.html", context, status=status)


def _touchpoint_logged_message(form: TouchpointForm) -> str:
    if not form.personal_cleared:
        return _("Touchpoint logged.")
    channel = dict(form.fields["channel"].choices)[form.cleaned_data["channel"]]  # type: ignore[attr-defined]
    return _(
        "Touchpoint logged, not as personal contact: %(channel)s is a mass channel and does "
        "not reset the customer's clock."
    ) % {"channel": channel}


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
            answers = form.answers()
            services.call_sheet_submit(contact=contact, answers=answers, by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _call_saved_message(answers))
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


def _call_saved_message(answers: services.CheckinAnswers) -> str:
    """Say what the save did: an unanswered call changes no master data."""
    if answers.outcome not in UNREACHED_OUTCOMES:
        return _("Call logged and master data updated.")
    if answers.follow_up_on is None:
        return _("Attempt logged; the master data was not changed.")
    return _("Attempt logged; the master data was not changed. Try again on %(day)s.") % {
        "day": date_format(answers.follow_up_on, "SHORT_DATE_FORMAT")
    }


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
    twin = None
    if request.method == "POST" and form.is_valid():
        candidate = form.save(commit=False)
        candidate.workspace = request.workspace
        try:
            services.cadence_policy_save(policy=candidate)
        except ValidationError as error:
            apply_errors(form, error)
            # The rule for the same customers, to change instead of adding a second one.
            twin = selectors.policy_same_target(policy=candidate)
        else:
            messages.success(request, _("Policy saved; due dates updated."))
            _warn_unknown_segment(request, candidate)
            return redirect("relationships:policy-list")
    context = {
        "form": form,
        "policy": policy,
        "twin": twin,
        "segments": selectors.segments(workspace=request.workspace),
    }
    return render(request, "relationships/policy_form.html", context)


def _warn_unknown_segment(request: MemberRequest, policy: CadencePolicy) -> None:
    """A segment nobody has yet may be a typo ("Hotell"), or a segment still to come."""
    if policy.segment and not selectors.segment_in_use(
        workspace=request.workspace, segment=policy.segment
    ):
        messages.warning(
            request,
            _("No customer has the segment “%(segment)s” yet.") % {"segment": policy.segment},
        )


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


# --- undo and confirm -----------------------------------------------------------------------
# A change that loses nothing (a snooze) happens at once and offers Undo for a while;
# deleting loses data, so it is confirmed first on a page that names what goes along.

SNOOZE_UNDO = "snooze-undo"
UNDO_WINDOW = dt.timedelta(minutes=10)


def snooze_message(
    request: MemberRequest, kind: str, row: Account | Contact, previous: tuple[Any, str]
) -> str:
    """ "Snoozed … until …" with an Undo button that brings back the state before."""
    row.refresh_from_db()
    until, reason = previous
    payload = {"w": request.workspace.pk, "u": request.user.pk, "k": kind, "i": row.pk,
               "s": row.snoozed_until.isoformat() if row.snoozed_until else None,
               "p": until.isoformat() if until else None, "r": reason if until else ""}  # fmt: skip
    try:
        token = link_sign(purpose=SNOOZE_UNDO, payload=payload, max_age=UNDO_WINDOW)
    except ValueError:
        token = ""  # a long earlier reason does not fit a token: the snooze stays as made
    context = {"row": row, "token": token}
    # The template escapes the customer's name; the message keeps its Undo form.
    return mark_safe(  # noqa: S308 - rendered by the template with autoescape on
        render_to_string("relationships/partials/_undo_snooze.html", context, request)
    )


@capability_required(Capability.CRM_EDIT)
@require_POST
def due_snooze_undo(request: MemberRequest) -> HttpResponse:
    """Take back a snooze made in the last minutes by this member in this workspace."""
    try:
        payload = link_verify(purpose=SNOOZE_UNDO, token=request.POST.get("token", ""))
    except LinkExpired:
        return _undo_refused(request, _("Too late to undo: the snooze stays."))
    except LinkInvalid:
        return _undo_refused(request, _("This cannot be undone here."))
    if payload.get("w") != request.workspace.pk or payload.get("u") != request.user.pk:
        return _undo_refused(request, _("This cannot be undone here."))
    row = _due_row(request, payload["k"], payload["i"])
    previous = payload["p"]
    try:
        services.due_snooze_undo(
            row=row,
            snoozed_until=dt.date.fromisoformat(payload["s"]),
            previous_until=dt.date.fromisoformat(previous) if previous else None,
            previous_reason=payload["r"],
            workspace=request.workspace,
        )
    except ValidationError as error:
        return _undo_refused(request, " ".join(error.messages))
    messages.success(request, _("Snooze of “%(name)s” undone.") % {"name": row})
    if request.htmx:
        response = HttpResponse("")
        response["HX-Trigger"] = "due-changed"
        return response
    return redirect("relationships:due-list")


def _undo_refused(request: MemberRequest, reason: str) -> HttpResponse:
    messages.error(request, reason)
    # For htmx a 200, so the message is swapped in where the user is.
    return HttpResponse("") if request.htmx else redirect("relationships:due-list")


def _confirm_page(request: MemberRequest, confirm: dict[str, Any]) -> HttpResponse:
    """The one confirm step of every destructive action: in place for htmx, else a page."""
    return render_page(request, "confirm.html", "partials/_confirm.html", {"confirm": confirm})


def _deleted(request: MemberRequest, url: str) -> HttpResponse:
    """After a delete the page is gone: go to the list (htmx follows HX-Redirect)."""
    if request.htmx:
        response = HttpResponse("")
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _with_contacts(count: int) -> str:
    """ "3 contacts" as it follows "with" (German: dative, "mit 3 Kontakten")."""
    return npgettext("with", "%(count)d contact", "%(count)d contacts", count) % {"count": count}


def _with_touchpoints(count: int) -> str:
    """ "41 touchpoints" as it follows "with"."""
    text = npgettext("with", "%(count)d touchpoint", "%(count)d touchpoints", count)
    return text % {"count": count}


@capability_required(Capability.CRM_DELETE)
def account_delete(request: MemberRequest, pk: int) -> HttpResponse:
    """Confirm (GET), then delete (POST) an account with its contacts and touchpoints."""
    account = owned_or_404(Account, pk, workspace=request.workspace)
    preview = services.account_delete_preview(account=account)
    contacts = _with_contacts(preview.contacts)
    touchpoints = _with_touchpoints(preview.touchpoints)
    if request.method == "POST":
        services.account_delete(account=account, by=request.user)
        counts = {"name": account.name, "contacts": contacts, "touchpoints": touchpoints}
        messages.success(
            request, _("Deleted “%(name)s” with %(contacts)s and %(touchpoints)s.") % counts
        )
        return _deleted(request, reverse("relationships:account-list"))
    names = list(account.contacts.order_by("last_name", "first_name")[:10])
    consequences = [
        _("Its contacts are deleted: %(names)s.") % {"names": ", ".join(map(str, names))}
        + ("…" if preview.contacts > len(names) else "")
        if names
        else _("It has no contacts."),
        _("Its touchpoints are deleted; the due list and the team's figures forget them."),
        _("Vouchers issued to it stay, without a customer."),
        _("This cannot be undone."),
    ]
    return _confirm_page(request, {
        "question": _("Delete “%(name)s” with %(contacts)s and %(touchpoints)s?")
        % {"name": account.name, "contacts": contacts, "touchpoints": touchpoints},
        "consequences": consequences,
        "action": reverse("relationships:account-delete", args=[account.pk]),
        "cancel": reverse("relationships:account-detail", args=[account.pk]),
    })  # fmt: skip


@capability_required(Capability.CRM_DELETE)
def contact_delete(request: MemberRequest, pk: int) -> HttpResponse:
    """Confirm (GET), then delete (POST) a person; their account keeps its history."""
    contact = owned_or_404(
        Contact.objects.select_related("account"), pk, workspace=request.workspace
    )
    preview = services.contact_delete_preview(contact=contact)
    touchpoints = _with_touchpoints(preview.touchpoints)
    if request.method == "POST":
        services.contact_delete(contact=contact, by=request.user)
        messages.success(request, _("Deleted “%(name)s”.") % {"name": contact})
        return _deleted(request, reverse("relationships:contact-list"))
    consequences = []
    if preview.kept_touchpoints:
        consequences.append(
            ngettext(
                "%(count)d touchpoint stays on its account's timeline, without the person.",
                "%(count)d touchpoints stay on their accounts' timelines, without the person.",
                preview.kept_touchpoints,
            )
            % {"count": preview.kept_touchpoints}
        )
    consequences += [
        _("Their newsletter consents and tags are deleted; vouchers stay, without a customer."),
        _("To remove a person's data but keep the figures, erase them instead (Data care)."),
        _("This cannot be undone."),
    ]
    return _confirm_page(request, {
        "question": _("Delete “%(name)s” with %(touchpoints)s?")
        % {"name": contact, "touchpoints": touchpoints},
        "consequences": consequences,
        "action": reverse("relationships:contact-delete", args=[contact.pk]),
        "cancel": reverse("relationships:contact-detail", args=[contact.pk]),
    })  # fmt: skip


@capability_required(Capability.CRM_EDIT)
def touchpoint_delete(request: MemberRequest, pk: int) -> HttpResponse:
    """Confirm (GET), then delete (POST) one touchpoint; its customer's clock is re-derived."""
    touchpoint = owned_or_404(
        Touchpoint.objects.select_related("contact", "account"), pk, workspace=request.workspace
    )
    if not services.touchpoint_deletable(touchpoint=touchpoint, user=request.user):
        raise PermissionDenied
    # Which timeline the member is on: that panel is answered after the delete.
    key = request.POST.get("on") or request.GET.get("on")
    if key not in ("account", "contact") or getattr(touchpoint, f"{key}_id") is None:
        key = "contact" if touchpoint.contact_id else "account"
    row = getattr(touchpoint, key)
    moves_due_date = services.touchpoint_moves_due_date(touchpoint)
    if request.method == "POST":
        services.touchpoint_delete(touchpoint=touchpoint, by=request.user)
        if moves_due_date:
            messages.success(
                request, _("Touchpoint deleted; the next-due date is worked out again.")
            )
        else:
            messages.success(request, _("Touchpoint deleted."))
        if request.htmx:
            return _panel(request, key, row)
        return redirect(f"relationships:{key}-detail", pk=row.pk)
    customers = " · ".join(str(c) for c in (touchpoint.contact, touchpoint.account) if c)
    return _confirm_page(request, {
        "question": _("Delete the touchpoint “%(channel)s” of %(day)s?") % {
            "channel": touchpoint.get_channel_display(),
            "day": date_format(
                timezone.localtime(touchpoint.occurred_at, request.workspace.zone),
                "SHORT_DATETIME_FORMAT",
            ),
        },
        "consequences": [
            *([_("The next-due date of %(customers)s is worked out again without it.")
               % {"customers": customers}] if moves_due_date else []),
            _("This cannot be undone."),
        ],
        "action": reverse("relationships:touchpoint-delete", args=[touchpoint.pk]),
        "cancel": reverse(f"relationships:{key}-detail", args=[row.pk]),
        "hidden": [("on", key)],
        "hx_target": "#touchpoint-panel",
    })  # fmt: skip


def _panel(request: MemberRequest, key: str, row: Account | Contact) -> HttpResponse:
    """The timeline panel again, with the row's new next-due date."""
    row.refresh_from_db()
    context = _timeline_context(request, **{key: row})
    context.update({
        key: row,
        "row": row,
        "touchpoint_form": TouchpointForm(workspace=request.workspace),
        "touchpoint_url": reverse(f"relationships:{key}-touchpoint", args=[row.pk]),
    })  # fmt: skip
    return render(request, "relationships/partials/_touchpoint_panel.html", context)
