"""Importing accounts and contacts: a dry run with errors and warnings, then all-or-nothing.

Steps of `import_plan`: read the file (readers), map columns (mapping), validate and normalise
each row, match it against the workspace (e-mail, then phone, then name at the account) and
against earlier rows of the same file, and decide create / update / unchanged / merged.
An error means a row cannot be imported (neither a name nor a company); a warning means a
value was kept as written or dropped. `import_apply` writes a plan in one transaction, with
or without the rows in error as the user chose; any failure leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from touchbase.core.capabilities import Capability, roles_with
from touchbase.core.models import Membership, Workspace
from touchbase.core.phone import phone_normalize
from touchbase.imports.countries import country_code
from touchbase.imports.countries import is_placeholder as is_country_placeholder
from touchbase.imports.countries import normalize as normalize_country
from touchbase.imports.mapping import FIELDS, guess_mapping
from touchbase.imports.readers import ImportFileError, Table, read_table
from touchbase.imports.values import (
    excel_serial_date,
    is_placeholder,
    is_placeholder_email,
    is_placeholder_name,
    language_code,
    postal_code_ok,
    slashed_date,
    slashed_date_parts,
    unambiguous_date,
    yes_no,
)
from touchbase.relationships.models import Account, Contact

MAX_REPORTED_ERRORS = 1000
MAX_REPORTED_WARNINGS = 1000
EMAIL_LENGTH = 254
BATCH = 2000

SOUTH_TYROL = {"sudtirol", "suedtirol", "southtyrol", "altoadige"}


@dataclass(slots=True)
class RowIssue:
    """Something about one cell: an error (the row cannot be imported) or a warning."""

    line: int
    field: str
    reason: str
    value: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "reason": self.reason,
                "value": self.value}  # fmt: skip


RowError = RowIssue


@dataclass(slots=True)
class PlannedRow:
    """One importable row: what it will do and to which record."""

    line: int
    action: str  # create | update | unchanged | merged
    account_key: str
    contact_fields: dict[str, Any]
    account_fields: dict[str, Any]
    tags: list[str]
    contact_id: int | None = None
    # Mapped owner (a member's user id), None for the import's default owner.
    owner_id: int | None = None
    # When the customer was last contacted, from the file: becomes an imported touchpoint.
    last_contact: dt.datetime | None = None


@dataclass
class ImportPlan:
    """The dry-run report: errors, warnings and what the importable rows would do."""

    kind: str
    headers: list[str]
    mapping: dict[str, str]
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowIssue] = field(default_factory=list)
    error_count: int = 0
    warnings: list[RowIssue] = field(default_factory=list)
    warning_count: int = 0
    # Warnings by column, counted in full even when the list is cut short.
    warning_columns: dict[str, int] = field(default_factory=dict)
    file_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    accounts_to_create: int = 0
    # Existing accounts whose segment, value or notes the file changes: key → new values.
    account_updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Columns no field takes, with how many cells hold a value: never silently lost.
    unmapped: dict[str, int] = field(default_factory=dict)
    # Rows with errors as the file has them, with their reasons, for the download.
    error_rows: list[tuple[int, dict[str, str], list[str]]] = field(default_factory=list)
    # New customers without a last-contact date: due the day they are imported.
    due_at_once: int = 0
    last_contacts: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and not self.error_count

    def importable(self, *, skip_errors: bool = False) -> bool:
        """Clean, or with rows in error the user chose to leave out."""
        return not self.file_errors and (skip_errors or not self.error_count)

    def counts(self) -> dict[str, int]:
        result = {"create": 0, "update": 0, "unchanged": 0, "merged": 0}
        for row in self.rows:
            result[row.action] += 1
        result["accounts_create"] = self.accounts_to_create
        result["accounts_update"] = len(self.account_updates)
        result["errors"] = self.error_count
        result["error_rows"] = len(self.error_rows)
        result["warnings"] = self.warning_count
        result["due_at_once"] = self.due_at_once
        result["last_contacts"] = self.last_contacts
        return result

    def add_error(self, line: int, field_name: str, reason: str, value: str = "") -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowIssue(line, field_name, str(reason), _shown(value)))

    def warn(self, line: int, field_name: str, reason: str, value: str = "") -> None:
        self.warning_count += 1
        self.warning_columns[field_name] = self.warning_columns.get(field_name, 0) + 1
        if len(self.warnings) < MAX_REPORTED_WARNINGS:
            self.warnings.append(RowIssue(line, field_name, str(reason), _shown(value)))

    def summary(self) -> dict[str, Any]:
        """A JSON-safe report for storage, the API and the CLI."""
        return {
            "kind": self.kind,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "headers": self.headers,
            "mapping": self.mapping,
            "counts": self.counts(),
            "file_errors": self.file_errors,
            "notes": self.notes,
            "errors": [issue.as_dict() for issue in self.errors],
            "errors_truncated": self.error_count > len(self.errors),
            "warnings": [issue.as_dict() for issue in self.warnings],
            "warnings_truncated": self.warning_count > len(self.warnings),
            "warning_columns": self.warning_columns,
            "unmapped": [{"column": h, "values": n} for h, n in self.unmapped.items()],
        }


def _shown(value: str) -> str:
    """A cell as the report quotes it: one line, at most 80 characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= 80 else text[:79] + "…"


def import_plan(
    *,
    workspace: Workspace,
    data: bytes,
    filename: str,
    mapping: dict[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
    on_read: Callable[[int], None] | None = None,
) -> ImportPlan:
    """Read, map, validate and match a file without writing anything.

    `on_read` learns how many rows the file has once it is read; `progress` then learns
    how many more rows were checked, every thousand rows.
    """
    try:
        table = read_table(data, filename)
    except ImportFileError as error:
        plan = ImportPlan(kind="", headers=[], mapping={})
        plan.file_errors.append(str(error))
        return plan
    if on_read:
        on_read(len(table.rows))
    mapping = _clean_mapping(mapping, table)
    plan = ImportPlan(
        kind=table.kind, headers=table.headers, mapping=mapping, notes=list(table.notes),
        encoding=table.encoding, delimiter=table.delimiter,
    )  # fmt: skip
    _check_required_columns(plan)
    if plan.file_errors:
        return plan
    _plan_rows(plan, table, workspace, progress)
    return plan


def _clean_mapping(mapping: dict[str, str] | None, table: Table) -> dict[str, str]:
    if table.kind == "vcard":
        return {header: header for header in table.headers if header in FIELDS}
    chosen = guess_mapping(table.headers) if mapping is None else mapping
    return {h: f for h, f in chosen.items() if h in table.headers and f in FIELDS}


def _check_required_columns(plan: ImportPlan) -> None:
    targets = set(plan.mapping.values())
    if not targets & {"last_name", "full_name", "account_name", "first_name"}:
        plan.file_errors.append(
            _(
                "No column for the name: map one column to Last name (Nachname), Full name or "
                "Company (Firma)."
            )  # fmt: skip
        )
    duplicates = {t for t in targets if list(plan.mapping.values()).count(t) > 1}
    for target in sorted(duplicates):
        plan.file_errors.append(
            _("Two columns are mapped to “%(field)s”; choose one.") % {"field": FIELDS[target]}
        )


class _Matcher:
    """Existing contacts and accounts of the workspace, indexed for matching."""

    def __init__(self, workspace: Workspace) -> None:
        self.by_email: dict[str, int] = {}
        self.by_phone: dict[str, int] = {}
        self.by_name: dict[tuple[str, str, str], int] = {}
        self.current: dict[int, dict[str, Any]] = {}
        rows = Account.objects.filter(workspace=workspace).values(
            "id", "name", "last_personal_at", *ACCOUNT_COLUMNS, *ACCOUNT_FILLED_COLUMNS
        )
        self.account_rows = {row["name"].casefold(): row for row in rows}
        self.accounts = {key: row["id"] for key, row in self.account_rows.items()}
        accounts = {row["id"]: row["name"] for row in self.account_rows.values()}
        columns = ["id", "account_id", "owner_id", "notes", "last_personal_at", *CONTACT_COLUMNS]
        for row in Contact.objects.filter(workspace=workspace).values(*columns).iterator():
            self.current[row["id"]] = row
            if row["email"]:
                self.by_email.setdefault(row["email"].casefold(), row["id"])
            for number in (row["phone"], row["mobile"]):
                if number:
                    self.by_phone.setdefault(number, row["id"])
            account_name = accounts.get(row["account_id"], "")
            key = _name_key(row["first_name"], row["last_name"], account_name)
            self.by_name.setdefault(key, row["id"])

    def find(self, fields: dict[str, Any], account_name: str) -> int | None:
        """The contact of the same e-mail, else phone, else name at the account; a contact
        of another name is another person, however much they share (info@, a switchboard)."""
        email = (fields.get("email") or "").casefold()
        found = [(self.by_email.get(email), _is_role_address(email))]
        numbers = [fields.get("phone"), fields.get("mobile")]
        found += [(self.by_phone.get(number), True) for number in numbers if number]
        for contact_id, strict in found:
            if contact_id is None:
                continue
            if _same_person(self.current[contact_id], fields, strict=strict):
                return contact_id
        key = _name_key(fields.get("first_name", ""), fields.get("last_name", ""), account_name)
        return self.by_name.get(key)


class _Members:
    """The workspace's members by username, e-mail and full name, for an owner column."""

    def __init__(self, workspace: Workspace) -> None:
        self.found: dict[str, int | None] = {}
        # Only who may see customers can look after them (as the customer services check).
        members = Membership.objects.filter(
            workspace=workspace, role__in=roles_with(Capability.CRM_VIEW)
        ).select_related("user")
        for membership in members:
            user = membership.user
            for key in {user.username, user.email, f"{user.first_name} {user.last_name}",
                        f"{user.last_name}, {user.first_name}", f"{user.last_name} "
                        f"{user.first_name}"}:  # fmt: skip
                self._add(key, user.pk)

    def _add(self, key: str, user_id: int) -> None:
        key = " ".join(key.split()).casefold()
        if not key or key == ",":
            return
        # Two members of the same name: the name says neither of them.
        self.found[key] = user_id if self.found.get(key, user_id) == user_id else None

    def user_id(self, text: str) -> int | None:
        return self.found.get(" ".join(text.split()).casefold())


CONTACT_COLUMNS = [
    "salutation", "first_name", "last_name", "job_title", "email", "phone", "mobile", "street",
    "postal_code", "city", "region", "country", "language",
]  # fmt: skip
ACCOUNT_COLUMNS = ["segment", "value", "notes", "owner_id", "is_key_account"]
# What a company-only row brings beside its name: the account's own address and numbers.
ACCOUNT_CONTACT_COLUMNS = ["street", "postal_code", "city", "region", "country", "phone",
                           "email"]  # fmt: skip
# Of those, what an existing account takes from the file where it has nothing yet.
ACCOUNT_FILLED_COLUMNS = ["street", "postal_code", "city", "region", "phone", "email"]


def _name_key(first: str, last: str, account: str) -> tuple[str, str, str]:
    return (first.strip().casefold(), last.strip().casefold(), account.strip().casefold())


def _plan_rows(
    plan: ImportPlan,
    table: Table,
    workspace: Workspace,
    progress: Callable[[int], None] | None,
) -> None:
    matcher = _Matcher(workspace)
    parser = _RowParser(plan, workspace)
    mapped = _mapped_contact_fields(plan.mapping)
    seen_in_file: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
    new_accounts: set[str] = set()
    unmapped = [h for h in table.headers if h not in plan.mapping]
    filled = dict.fromkeys(unmapped, 0)
    for index, (line, raw) in enumerate(table.records(), start=1):
        if progress and index % 1000 == 0:
            progress(1000)
        for header in unmapped:
            if str(raw.get(header, "")).strip():
                filled[header] += 1
        if "__error__" in raw:
            reason = _("Unreadable vCard: %(reason)s") % {"reason": raw["__error__"]}
            _row_error(plan, line, raw, "vcard", reason)
            continue
        values = {plan.mapping[h]: str(raw.get(h, "")) for h in plan.mapping}
        if not any(value.strip() for value in raw.values()):
            continue  # an empty line between blocks of rows
        if total := _total_line(raw):
            reason = _("“%(value)s” is a total line, not a customer; left out.") % {
                "value": total}  # fmt: skip
            plan.warn(line, next(h for h, v in raw.items() if str(v).strip()), reason, total)
            continue
        parsed = parser.parse(line, values, raw)
        if parsed is None:
            continue
        account_name = parsed.account_name
        contact_fields = {k: v for k, v in parsed.fields.items() if k in mapped}
        if parsed.contact_notes:
            contact_fields["notes"] = parsed.contact_notes
        # Values the row gave beside its columns: "D-80331"'s country, "Dr. Weiß"'s title.
        contact_fields.update({name: parsed.fields[name] for name in parsed.derived})
        if parsed.owner_id is not None:
            contact_fields["owner_id"] = parsed.owner_id
        if account_name:
            _plan_account_update(plan, matcher, account_name.casefold(), parsed.account_fields)
        if not parsed.fields.get("last_name"):
            # A company without a person: the row is the account, with its own address.
            key = account_name.casefold()
            is_new = key not in matcher.accounts and key not in new_accounts
            new_accounts.add(key)
            planned = PlannedRow(line, "create" if is_new else "unchanged", key, {},
                                 parsed.account_fields, parsed.tags, None, parsed.owner_id,
                                 parsed.last_contact)  # fmt: skip
            parser.attach(parsed, planned)
            plan.rows.append(planned)
            continue
        if account_name and account_name.casefold() not in matcher.accounts:
            new_accounts.add(account_name.casefold())
        planned = PlannedRow(line, "create", account_name.casefold(), contact_fields,
                             parsed.account_fields, parsed.tags, None, parsed.owner_id,
                             parsed.last_contact)  # fmt: skip
        parser.attach(parsed, planned)
        identity = _file_identity(contact_fields, account_name)
        earlier = seen_in_file.get(identity)
        strict = identity[0] == "phone" or _is_role_address(identity[1])
        if earlier is not None and not _same_person(earlier[1], contact_fields, strict=strict):
            # Colleagues sharing a switchboard number or info@: each is a person of their own.
            identity = _name_identity(contact_fields, account_name)
            earlier = seen_in_file.get(identity)
        if earlier is not None:
            planned.action, planned.contact_id = "merged", earlier[0]
        else:
            seen_in_file[identity] = (line, contact_fields)
            existing = matcher.find(contact_fields, account_name)
            if existing is not None:
                planned.contact_id = existing
                same = _unchanged(matcher.current[existing], contact_fields)
                planned.action = "unchanged" if same else "update"
        plan.rows.append(planned)
    parser.finish()
    _latest_contact_of_merged_rows(plan)
    plan.accounts_to_create = len(new_accounts - set(matcher.accounts))
    plan.unmapped = {header: count for header, count in filled.items() if count}
    plan.due_at_once = _due_at_once(plan, new_accounts - set(matcher.accounts))
    plan.last_contacts = _new_last_contacts(plan, matcher)


TOTAL_LINE = re.compile(r"(summe|gesamt|insgesamt|anzahl|total|sum|count)\b\W*\d", re.I)


def _total_line(raw: dict[str, str]) -> str:
    """The text of a spreadsheet's closing "Summe: 2" or "Total 120" line, else ""."""
    cells = [str(value).strip() for value in raw.values() if str(value).strip()]
    if len(cells) == 1 and TOTAL_LINE.match(cells[0]):
        return cells[0]
    return ""


def _latest_contact_of_merged_rows(plan: ImportPlan) -> None:
    """The same person twice in a file: their latest last-contact date counts."""
    merged = [row for row in plan.rows if row.action == "merged" and row.last_contact]
    if not merged:
        return
    first = {row.line: row for row in plan.rows if row.action != "merged"}
    for row in merged:
        earlier = first.get(row.contact_id or 0)  # a merged row names the line it joins
        if earlier is not None and row.last_contact is not None:
            earlier.last_contact = max(earlier.last_contact or row.last_contact, row.last_contact)


def _new_last_contacts(plan: ImportPlan, matcher: _Matcher) -> int:
    """Last-contact dates that will become activities: a date not after the customer's last
    personal contact is history (the writer skips it), so importing again counts none."""
    count = 0
    for row in plan.rows:
        if not row.last_contact or row.action == "merged":
            continue
        if row.contact_fields and row.contact_id and row.action != "create":
            known = matcher.current.get(row.contact_id, {}).get("last_personal_at")
        elif not row.contact_fields and row.account_key in matcher.account_rows:
            known = matcher.account_rows[row.account_key]["last_personal_at"]
        else:
            known = None
        count += known is None or known < row.last_contact
    return count


def _due_at_once(plan: ImportPlan, new_accounts: set[str]) -> int:
    """New contacts and accounts with no last-contact date: all due on the day of import."""
    contacts = sum(
        1
        for row in plan.rows
        if row.action == "create" and row.contact_fields and not row.last_contact
    )
    contacted = {row.account_key for row in plan.rows if row.last_contact}
    return contacts + len(new_accounts - contacted)  # fmt: skip


def _row_error(
    plan: ImportPlan, line: int, raw: dict[str, str], field_name: str, reason: str
) -> None:
    """A row that cannot be imported: reported, and kept as written for the download."""
    plan.add_error(line, field_name, reason)
    plan.error_rows.append((line, {k: str(v) for k, v in raw.items()}, [reason]))


def _plan_account_update(
    plan: ImportPlan, matcher: _Matcher, key: str, account_fields: dict[str, Any]
) -> None:
    """An existing account takes the file's segment, value, notes, owner and flag, and its
    address, phone and e-mail where it has none yet."""
    current = matcher.account_rows.get(key)
    if current is None or key in plan.account_updates:
        return
    changes = {
        name: account_fields[name]
        for name in ACCOUNT_COLUMNS
        if name != "notes"
        and account_fields.get(name) not in ("", None)
        and account_fields[name] != current[name]
    }  # fmt: skip
    notes = account_fields.get("notes") or ""
    if notes and notes not in current["notes"]:
        # What the team wrote about the company stays; the file's notes come after it.
        changes["notes"] = "\n\n".join(filter(None, [current["notes"], notes]))
    changes.update({name: account_fields[name] for name in ACCOUNT_FILLED_COLUMNS
                    if account_fields.get(name) and not current[name]})  # fmt: skip
    if changes:
        plan.account_updates[key] = {"id": current["id"], **changes}


def _mapped_contact_fields(mapping: dict[str, str]) -> set[str]:
    """Contact fields the file speaks about; an update never touches the others."""
    targets = set(mapping.values())
    if "full_name" in targets:
        targets |= {"first_name", "last_name"}
    if "first_name" in targets:
        targets.add("last_name")
    if "country" in targets:
        targets.add("region")
    return targets & set(CONTACT_COLUMNS)


def _file_identity(fields: dict[str, Any], account_name: str) -> tuple[str, str]:
    if fields.get("email"):
        return ("email", fields["email"].casefold())
    if fields.get("phone"):
        return ("phone", fields["phone"])
    return _name_identity(fields, account_name)


def _name_identity(fields: dict[str, Any], account_name: str) -> tuple[str, str]:
    return ("name", "|".join(_name_key(fields.get("first_name", ""), fields["last_name"],
                                       account_name)))  # fmt: skip


def _same_person(one: dict[str, Any], other: dict[str, Any], *, strict: bool) -> bool:
    """Whether two records sharing an e-mail address or a phone number may be one person.

    Not when their first names differ (colleagues at one switchboard or info@ address).
    A personal address with another last name is the same person renamed (married); a
    shared number or a role address ("info@", `strict`) with another last name is not.
    """
    names = ("first_name", "last_name") if strict else ("first_name",)
    for name in names:
        mine, theirs = _name_part(one, name), _name_part(other, name)
        if mine and theirs and mine != theirs:
            return False
    return True


# Mailboxes of a company rather than of a person: shared by colleagues in exports.
ROLE_MAILBOXES = frozenset({
    "info", "office", "kontakt", "contact", "mail", "post", "service", "support", "team",
    "sales", "vertrieb", "einkauf", "buchhaltung", "verwaltung", "zentrale", "empfang",
    "hello", "hallo", "admin", "sekretariat", "rechnung", "rechnungen", "invoice", "bestellung",
})  # fmt: skip


def _is_role_address(email: str) -> bool:
    return email.partition("@")[0].casefold() in ROLE_MAILBOXES


def _name_part(fields: dict[str, Any], name: str) -> str:
    """A name to compare; one that only repeats the e-mail address (an entry without a name)
    says nothing."""
    value = " ".join(str(fields.get(name) or "").split()).casefold()
    return "" if value == str(fields.get("email") or "").casefold() else value


def _unchanged(current: dict[str, Any], fields: dict[str, Any]) -> bool:
    for name, value in fields.items():
        if value == "":
            continue
        if name == "notes":
            if value not in (current.get("notes") or ""):
                return False
        elif current.get(name) != value:
            return False
    return True


@dataclass
class _ParsedRow:
    fields: dict[str, Any]
    account_fields: dict[str, Any]
    account_name: str
    tags: list[str]
    contact_notes: str = ""
    owner_id: int | None = None
    last_contact: dt.datetime | None = None
    row: PlannedRow | None = None  # its plan, for a date read once the whole file is seen
    # Fields read from another column: the country of "D-80331", the title of "Dr. Weiß".
    derived: set[str] = field(default_factory=set)


class _RowParser:
    """Validates and normalises rows; what it cannot use becomes a warning, never a refusal.

    Only a row with neither a name nor a company is an error. A value that cannot be
    checked is kept as written in the contact's notes (phone numbers, e-mail addresses,
    countries); placeholders ("n/a", "-", "noreply@…") are dropped; both with a warning.
    """

    def __init__(self, plan: ImportPlan, workspace: Workspace) -> None:
        self.plan = plan
        self.workspace = workspace
        self.home_country = workspace.home_country
        self.members = _Members(workspace) if "owner" in plan.mapping.values() else None
        self.now = timezone.now()
        # Dates like 3/5/2024 wait for the file's other dates to tell day from month.
        self.slashed: list[tuple[_ParsedRow, tuple[int, int, int], str, int, str]] = []
        self.month_first_seen = self.day_first_seen = False

    @staticmethod
    def attach(parsed: _ParsedRow, row: PlannedRow) -> None:
        """The planned row takes a date read later, once the whole file is seen."""
        parsed.row = row

    def parse(self, line: int, values: dict[str, str], raw: dict[str, str]) -> _ParsedRow | None:
        self.line, self.values, self.kept = line, values, list[str]()
        first, last = (self._name(name) for name in ("first_name", "last_name"))
        full = self._name("full_name", 250)
        account_name = self._text("account_name", 200)
        if is_placeholder(account_name):
            account_name = ""
        title = ""
        # Google's "Name" is the display name, the company's name on a company's entry.
        if not last and full and full.casefold() != account_name.casefold():
            title, full_first, last = split_full_name(full)
            last = self._cut(last, 100, "full_name")
            # A first-name column beside the full name ("Paul" and "Paul") says it once.
            first = full_first or ("" if first.casefold() == last.casefold() else first)
            first = self._cut(first, 100, "full_name")
        if not last and first:
            first, last = "", first  # only one name: it is the name
        if not last and not account_name:
            last = self._name_from_email()
        if not last and not account_name:
            column = _column(self.plan, "last_name", "full_name", "account_name")
            _row_error(self.plan, line, raw, column, _("Neither a name nor a company."))
            return None
        fields: dict[str, Any] = {"first_name": first, "last_name": last}
        country, region = self._country()
        fields.update(country=country, region=self._cut(region, 80, "region"))
        for name, limit in (("salutation", 40), ("job_title", 120), ("street", 200),
                            ("city", 120)):  # fmt: skip
            fields[name] = self._text(name, limit)
        title = "" if fields["salutation"] else title
        fields["salutation"] = fields["salutation"] or title
        fields["postal_code"] = self._postal_code(country)
        fields["language"] = self._language()
        fields["email"] = self._email()
        phone_country = country or self.home_country
        fields["phone"] = self._phone("phone", phone_country)
        fields["mobile"] = self._phone("mobile", phone_country)
        account_fields = self._account_fields(account_name, fields)
        notes = values.get("notes", "").strip()
        contact_notes = "\n".join([*([notes] if notes and not account_name else []),
                                   *self.kept])  # fmt: skip
        parsed = _ParsedRow(fields, account_fields, account_name, self._tags(), contact_notes)
        found = {"country": self.country_from_postal_code, "salutation": bool(title)}
        parsed.derived = {name for name, is_found in found.items() if is_found}
        parsed.owner_id = self._owner()
        if parsed.owner_id and account_name and not last:
            account_fields["owner_id"] = parsed.owner_id  # the company's own row names its owner
        self._last_contact(parsed)
        if not last and self.kept:
            # A company-only row: what could not be checked stays with the account.
            account_fields["notes"] = "\n".join(filter(None, [account_fields["notes"],
                                                              *self.kept]))  # fmt: skip
        return parsed

    def finish(self) -> None:
        """Read the dates left open, day or month first as the file's other dates say."""
        if not self.slashed:
            return
        month_first = self._month_first()
        for parsed, parts, column, line, raw in self.slashed:
            day = slashed_date(parts, month_first=month_first)
            if day is None:
                reason = _("“%(value)s” is not a date; no last contact is recorded.") % {
                    "value": raw}  # fmt: skip
                self.plan.warn(line, column, reason, raw)
                continue
            parsed.last_contact = self._moment(day, column, line, raw)
            if parsed.row is not None:
                parsed.row.last_contact = parsed.last_contact

    # --- one field at a time ------------------------------------------------------------

    def _name(self, name: str, limit: int = 100) -> str:
        """A name as written; "-" or "n/a" in a name column is no name."""
        text = self.values.get(name, "").strip()
        return "" if is_placeholder_name(text) else self._cut(text, limit, name)

    def _text(self, name: str, limit: int) -> str:
        return self._cut(self.values.get(name, "").strip(), limit, name)

    def _cut(self, text: str, limit: int, name: str) -> str:
        if len(text) <= limit:
            return text
        self._warn(name, _("Longer than %(count)d characters; shortened.") % {"count": limit},
                   text)  # fmt: skip
        return text[:limit]

    def _warn(self, name: str, reason: str, value: str = "") -> None:
        self.plan.warn(self.line, _column(self.plan, name), reason, value)

    def _keep(self, name: str, value: str) -> None:
        """A value that could not be checked, kept as written in the notes under its column."""
        self.kept.append(f"{_column(self.plan, name)}: {value}")

    def _name_from_email(self) -> str:
        """A row with only an e-mail address (Gmail's "other contacts") is that address's
        person: the address stands for the name, with a warning, rather than lost."""
        email = _first_email(self.values.get("email", ""))
        if not email or is_placeholder_email(email) or len(email) > 100:
            return ""
        try:
            validate_email(email)
        except ValidationError:
            return ""
        self._warn("email", _("No name and no company; the e-mail address “%(value)s” is used "
                              "as the name.") % {"value": email}, email)  # fmt: skip
        return email

    def _country(self) -> tuple[str, str]:
        raw = self.values.get("country", "").strip()
        if is_placeholder(raw):
            raw = ""
        self.country_from_postal_code = False
        if not raw:
            # "D-80331", "A-1010", "CH-8001": old letters name the country before the code.
            raw = _postal_prefix_country(self.values.get("postal_code", ""))
            self.country_from_postal_code = bool(raw)
        country, region = _country(raw, self.values.get("region", ""),
                                   home_country=self.home_country)  # fmt: skip
        if country is None:
            reason = _("Unknown country “%(value)s”; the country is left empty and the value "
                       "kept in the notes.") % {"value": raw}  # fmt: skip
            self._warn("country", reason, raw)
            self._keep("country", raw)
            return "", region
        return country, region

    def _postal_code(self, country: str) -> str:
        code = _postal_code(self._text("postal_code", 20), country)
        if code and not postal_code_ok(code, country):
            self._warn("postal_code", _("“%(value)s” is not a postal code of %(country)s; kept "
                                        "as written.") % {"value": code, "country": country},
                       code)  # fmt: skip
        return code

    def _language(self) -> str:
        raw = self.values.get("language", "").strip()
        if not raw or is_placeholder(raw):
            return "de"
        code = language_code(raw)
        if code is None:
            self._warn("language", _("“%(value)s” is not a language; German is used.") % {
                "value": raw}, raw)  # fmt: skip
            return "de"
        return code

    def _email(self) -> str:
        raw = self.values.get("email", "").strip()
        email = _first_email(raw)
        if not email:
            return ""
        if is_placeholder_email(email):
            self._warn("email", _("“%(value)s” is a placeholder, not an e-mail address; "
                                  "dropped.") % {"value": email}, email)  # fmt: skip
            return ""
        try:
            validate_email(email)
        except ValidationError:
            self._warn("email", _("“%(value)s” is not a valid e-mail address; kept in the notes."
                                  ) % {"value": email}, email)  # fmt: skip
            self._keep("email", email)
            return ""
        if len(email) > EMAIL_LENGTH:
            # The column holds 254 characters (RFC 5321's path limit); longer fails the write.
            reason = _("The e-mail address is longer than %(count)d characters; kept in the "
                       "notes.") % {"count": EMAIL_LENGTH}  # fmt: skip
            self._warn("email", reason, email)
            self._keep("email", email)
            return ""
        return email

    def _phone(self, name: str, country: str) -> str:
        """Read by the row's country, then the home country; else kept as written."""
        raw = self.values.get(name, "").strip()
        if not raw:
            return ""
        if is_placeholder(raw):
            self._warn(name, _("“%(value)s” is a placeholder, not a phone number; dropped.") % {
                "value": raw}, raw)  # fmt: skip
            return ""
        number, extension = _phone_extension(raw)
        for region in dict.fromkeys((country, self.home_country)):
            try:
                normalized = phone_normalize(number, country=region)
            except ValidationError:
                continue
            if extension:
                # The field holds a dialable number; the extension would silently vanish.
                self._warn(name, _("The extension of “%(value)s” is kept in the notes.") % {
                    "value": raw}, raw)  # fmt: skip
                self._keep(name, raw)
            return normalized
        self._warn(name, _("“%(value)s” is not a valid phone number; kept in the notes as "
                           "written, not verified.") % {"value": raw}, raw)  # fmt: skip
        self._keep(name, raw)
        return ""

    def _account_fields(self, account_name: str, fields: dict[str, Any]) -> dict[str, Any]:
        account: dict[str, Any] = {"name": account_name,
                                   "segment": self._text("segment", 60) if account_name else "",
                                   "notes": self.values.get("notes", "").strip()
                                   if account_name else ""}  # fmt: skip
        value = self.values.get("value", "").strip()
        if value and account_name and not is_placeholder(value):
            number = _number(value)
            if number is None:
                self._warn("value", _("“%(value)s” is not a number; left out.") % {
                    "value": value}, value)  # fmt: skip
            else:
                account["value"] = number
        flag = self.values.get("key_account", "").strip()
        if flag and not account_name and yes_no(flag):
            self._warn("key_account", _("Only a company can be a key account; left out."), flag)
        if flag and account_name:
            key_account = yes_no(flag)
            if key_account is None:
                self._warn("key_account", _("“%(value)s” is neither yes nor no; left out.") % {
                    "value": flag}, flag)  # fmt: skip
            else:
                account["is_key_account"] = key_account
        if account_name and not fields["last_name"]:
            account.update({name: fields[name] for name in ACCOUNT_CONTACT_COLUMNS
                            if fields.get(name)})  # fmt: skip
            if not account.get("phone") and fields.get("mobile"):
                account["phone"] = fields["mobile"]
        return account

    def _tags(self) -> list[str]:
        names = self.values.get("tags", "").replace(";", ",").split(",")
        return [self._cut(name.strip(), 60, "tags") for name in names if name.strip()]

    def _owner(self) -> int | None:
        raw = self.values.get("owner", "").strip()
        if not raw or self.members is None or is_placeholder(raw):
            return None
        user_id = self.members.user_id(raw)
        if user_id is None:
            self._warn("owner", _("“%(value)s” is no member of this workspace (by username, "
                                  "e-mail or name); the import's owner is used.") % {
                "value": raw}, raw)  # fmt: skip
        return user_id

    def _last_contact(self, parsed: _ParsedRow) -> None:
        raw = self.values.get("last_contact", "").strip()
        if not raw or is_placeholder(raw):
            return
        day = unambiguous_date(raw)
        if day is None and self.plan.kind == "xlsx":
            day = excel_serial_date(raw)
        if day is None and (parts := slashed_date_parts(raw)):
            first, second, _year = parts
            self.month_first_seen |= second > 12
            self.day_first_seen |= first > 12
            column = _column(self.plan, "last_contact")
            self.slashed.append((parsed, parts, column, self.line, raw))
            return
        if day is None:
            self._warn("last_contact", _("“%(value)s” is not a date; no last contact is "
                                         "recorded.") % {"value": raw}, raw)  # fmt: skip
            return
        parsed.last_contact = self._moment(day, _column(self.plan, "last_contact"), self.line,
                                           raw)  # fmt: skip

    def _moment(self, day: dt.date, column: str, line: int, raw: str) -> dt.datetime | None:
        """Noon of the day in the workspace's time zone; never in the future, nor before 1900."""
        moment = dt.datetime.combine(day, dt.time(12), tzinfo=self.workspace.zone)
        if day > timezone.localdate(self.now, self.workspace.zone):
            self.plan.warn(line, column, _("The last contact “%(value)s” lies in the future; "
                                           "left out.") % {"value": raw}, raw)  # fmt: skip
            return None
        if day.year < 1900:
            self.plan.warn(line, column, _("The last contact “%(value)s” lies before 1900; "
                                           "left out.") % {"value": raw}, raw)  # fmt: skip
            return None
        return min(moment, self.now)

    def _month_first(self) -> bool:
        """3/5/2024: the file's other dates decide (13/5 or 5/13), else the user's language."""
        if self.month_first_seen != self.day_first_seen:
            month_first = self.month_first_seen
            reason = _("as the file's other dates show")
        else:
            month_first = (get_language() or "").lower() in ("en", "en-us")
            reason = _("as usual in your language")
        example = _("month/day/year") if month_first else _("day/month/year")
        self.plan.notes.append(_("Dates like 3/5/2024 were read as %(order)s, %(reason)s.") % {
            "order": example, "reason": reason})  # fmt: skip
        return month_first


# "Durchwahl 12" / "DW 12" is German for the direct line: its digits follow the number.
DIRECT_DIAL = re.compile(r"[\s,;/-]*\b(?:durchwahl|dw)\b\.?:?[\s-]*(\d+)\s*$", re.I)
# "ext. 12", "x12", "App. 12", "Nebenstelle 12": an extension the number alone cannot reach.
EXTENSION = re.compile(
    r"[\s,;/]*(?:\b(?:ext|extension|app|apparat|nebenstelle|nst)\b\.?:?|\bx|#)\s*(\d+)\s*$",
    re.I,
)


def _phone_extension(raw: str) -> tuple[str, str]:
    """The number to dial and its extension: "089 123456 Durchwahl 12" → ("089 123456 12",
    ""), "+1 212 555 0100 ext. 7" → ("+1 212 555 0100", "7")."""
    if match := DIRECT_DIAL.search(raw):
        return f"{raw[: match.start()]} {match.group(1)}", ""
    if match := EXTENSION.search(raw):
        return raw[: match.start()], match.group(1)
    return raw, ""


def _first_email(raw: str) -> str:
    """One address from cells like "mailto:a@b.de" or "a@b.de; c@d.de"."""
    text = raw.strip().removeprefix("mailto:").removeprefix("MAILTO:").strip()
    for separator in (";", ",", " "):
        if separator in text:
            text = text.split(separator)[0].strip()
    return text


# Country letters before a postal code ("D-80331"): the old vehicle codes and ISO codes.
POSTAL_PREFIXES = {"D": "DE", "DE": "DE", "A": "AT", "AT": "AT", "CH": "CH", "I": "IT",
                   "IT": "IT", "F": "FR", "FR": "FR", "FL": "LI", "LI": "LI", "B": "BE",
                   "BE": "BE", "L": "LU", "LU": "LU", "NL": "NL", "DK": "DK", "PL": "PL",
                   "CZ": "CZ", "H": "HU", "HU": "HU", "SLO": "SI", "SI": "SI"}  # fmt: skip


def _postal_prefix_country(raw: str) -> str:
    """ "D-80331" → "DE"; "" when the code names no country."""
    prefix, dash, rest = raw.strip().partition("-")
    if dash and rest.strip()[:1].isdigit():
        return POSTAL_PREFIXES.get(prefix.strip().upper(), "")
    return ""


# Words before or after a name that are no part of it: titles and suffixes.
NAME_TITLES = ("prof. dr.", "prof.", "dr. med.", "dr.", "dipl.-ing.", "herr", "frau", "mr.",
               "mrs.", "ms.", "mr", "mrs", "ms")  # fmt: skip
NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "mba", "phd", "ph.d.", "md",
                           "m.a.", "b.a.", "msc", "bsc", "ll.m."})  # fmt: skip


def split_full_name(full: str) -> tuple[str, str, str]:
    """Title, first and last name of one cell: "Müller, Jürgen" is last name first (as ERPs
    and Outlook's "File As" write it), "Jürgen Müller" last name last; "Dr." is a title."""
    text = " ".join(full.split())
    head, comma, tail = text.partition(",")
    if comma and tail.strip() and tail.strip().casefold() not in NAME_SUFFIXES:
        title, last = _title(head.strip())
        title_after, first = _title(tail.strip())
        return title or title_after, first, last
    title, text = _title(head.strip())
    first, _sep, last = text.rpartition(" ")
    suffix = f", {tail.strip()}" if comma and tail.strip() else ""
    return title, first, last + suffix  # "Smith, Jr.": the suffix stays with the name


def _title(text: str) -> tuple[str, str]:
    """ "Dr. Weiß" → ("Dr.", "Weiß"); a title alone is a name ("Herr" stays)."""
    for title in NAME_TITLES:
        if text.casefold().startswith(title + " "):
            return text[: len(title)], text[len(title) :].strip()
    return "", text


def _postal_code(raw: str, country: str) -> str:
    """Spreadsheets drop leading zeros: 1067 Dresden was 01067, 100 Rome was 00100.

    Old letters put the country before the code ("D-80331", "A-6020", "CH-8001"): dropped.
    """
    code = raw.strip()
    prefix, dash, rest = code.partition("-")
    if dash and _postal_prefix_country(code) and rest:
        code = rest.strip()
    if code.isdigit() and country in ("DE", "IT", "FR") and len(code) < 5:
        return code.zfill(5)
    return code


def _column(plan: ImportPlan, *targets: str) -> str:
    """The user's column name for a field, so the report speaks their language."""
    for header, target in plan.mapping.items():
        if target in targets:
            return header
    return str(FIELDS.get(targets[0], targets[0]))


def _country(raw: str, region: str, *, home_country: str) -> tuple[str | None, str]:
    """The row's country code (None when unknown) and region; South Tyrol is Italy's region."""
    key = normalize_country(raw)
    if not key or is_country_placeholder(raw):
        return home_country, region.strip()
    if key in SOUTH_TYROL:
        return "IT", region.strip() or "Südtirol"
    return country_code(raw), region.strip()


def _number(text: str) -> int | None:
    """German and English number formats: 12.500,00 / 12,500.00 / 12500 € → 12500."""
    cleaned = text.replace("€", "").replace("EUR", "").replace(" ", "").replace("'", "")
    if "," in cleaned and "." in cleaned:
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        head, _sep, tail = cleaned.rpartition(",")
        cleaned = f"{head}.{tail}" if len(tail) != 3 else head + tail
    elif cleaned.count(".") == 1 and len(cleaned.rpartition(".")[2]) == 3:
        cleaned = cleaned.replace(".", "")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return int(round(number)) if number >= 0 else None
