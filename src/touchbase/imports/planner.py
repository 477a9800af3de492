"""Importing accounts and contacts: a dry run that reports every bad row, then all-or-nothing.

Steps of `import_plan`: read the file (readers), map columns (mapping), validate and normalise
each row, match it against the workspace (e-mail, then phone, then name at the account) and
against earlier rows of the same file, and decide create / update / unchanged / merged.
`import_apply` writes a plan in one transaction; any error leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from touchbase.core.models import Workspace
from touchbase.core.phone import phone_normalize
from touchbase.imports.countries import country_code
from touchbase.imports.countries import is_placeholder as is_country_placeholder
from touchbase.imports.countries import normalize as normalize_country
from touchbase.imports.mapping import FIELDS, guess_mapping
from touchbase.imports.readers import ImportFileError, Table, read_table
from touchbase.relationships.models import Account, Contact

MAX_REPORTED_ERRORS = 1000
EMAIL_LENGTH = 254
BATCH = 2000

SOUTH_TYROL = {"sudtirol", "suedtirol", "southtyrol", "altoadige"}


@dataclass(slots=True)
class RowError:
    line: int
    field: str
    reason: str


@dataclass(slots=True)
class PlannedRow:
    """One valid row: what it will do and to which record."""

    line: int
    action: str  # create | update | unchanged | merged
    account_key: str
    contact_fields: dict[str, Any]
    account_fields: dict[str, Any]
    tags: list[str]
    contact_id: int | None = None


@dataclass
class ImportPlan:
    """The dry-run report: every bad row and what the good rows would do."""

    kind: str
    headers: list[str]
    mapping: dict[str, str]
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    file_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    accounts_to_create: int = 0
    # Existing accounts whose segment, value or notes the file changes: key → new values.
    account_updates: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and not self.error_count

    def counts(self) -> dict[str, int]:
        result = {"create": 0, "update": 0, "unchanged": 0, "merged": 0}
        for row in self.rows:
            result[row.action] += 1
        result["accounts_create"] = self.accounts_to_create
        result["accounts_update"] = len(self.account_updates)
        result["errors"] = self.error_count
        return result

    def add_error(self, line: int, field_name: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(line, field_name, str(reason)))

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
            "errors": [{"line": e.line, "field": e.field, "reason": e.reason} for e in self.errors],
            "errors_truncated": self.error_count > len(self.errors),
        }


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
        return {header: header for header in table.headers}
    chosen = guess_mapping(table.headers) if mapping is None else mapping
    return {h: f for h, f in chosen.items() if h in table.headers and f in FIELDS}


def _check_required_columns(plan: ImportPlan) -> None:
    targets = set(plan.mapping.values())
    if not targets & {"last_name", "full_name", "account_name"}:
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
        rows = Account.objects.filter(workspace=workspace).values("id", "name", *ACCOUNT_COLUMNS)
        self.account_rows = {row["name"].casefold(): row for row in rows}
        self.accounts = {key: row["id"] for key, row in self.account_rows.items()}
        accounts = {row["id"]: row["name"] for row in self.account_rows.values()}
        columns = ["id", "account_id", *CONTACT_COLUMNS]
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
        if fields.get("email") and fields["email"].casefold() in self.by_email:
            return self.by_email[fields["email"].casefold()]
        for number in (fields.get("phone"), fields.get("mobile")):
            if number and number in self.by_phone:
                return self.by_phone[number]
        key = _name_key(fields.get("first_name", ""), fields.get("last_name", ""), account_name)
        return self.by_name.get(key)


CONTACT_COLUMNS = [
    "first_name", "last_name", "job_title", "email", "phone", "mobile", "street",
    "postal_code", "city", "region", "country", "language",
]  # fmt: skip
ACCOUNT_COLUMNS = ["segment", "value", "notes"]


def _name_key(first: str, last: str, account: str) -> tuple[str, str, str]:
    return (first.strip().casefold(), last.strip().casefold(), account.strip().casefold())


def _plan_rows(
    plan: ImportPlan,
    table: Table,
    workspace: Workspace,
    progress: Callable[[int], None] | None,
) -> None:
    matcher = _Matcher(workspace)
    mapped = _mapped_contact_fields(plan.mapping)
    seen_in_file: dict[tuple[str, str], int] = {}
    new_accounts: set[str] = set()
    for index, (line, raw) in enumerate(table.records(), start=1):
        if progress and index % 1000 == 0:
            progress(1000)
        if "__error__" in raw:
            plan.add_error(line, "vcard", _("Unreadable vCard: %(reason)s") % {
                "reason": raw["__error__"]})  # fmt: skip
            continue
        values = {plan.mapping[h]: raw.get(h, "") for h in plan.mapping}
        parsed = _parse_row(plan, line, values, home_country=workspace.home_country)
        if parsed is None:
            continue
        all_fields, account_fields, account_name, tags = parsed
        contact_fields = {k: v for k, v in all_fields.items() if k in mapped}
        if account_name:
            _plan_account_update(plan, matcher, account_name.casefold(), account_fields)
        if not contact_fields.get("last_name"):
            if account_name:
                key = account_name.casefold()
                is_new = key not in matcher.accounts and key not in new_accounts
                new_accounts.add(key)
                plan.rows.append(PlannedRow(line, "create" if is_new else "unchanged", key, {},
                                            account_fields, tags))  # fmt: skip
            continue
        if account_name and account_name.casefold() not in matcher.accounts:
            new_accounts.add(account_name.casefold())
        identity = _file_identity(contact_fields, account_name)
        if identity in seen_in_file:
            plan.rows.append(PlannedRow(line, "merged", account_name.casefold(), contact_fields,
                                        account_fields, tags, seen_in_file[identity]))  # fmt: skip
            continue
        seen_in_file[identity] = line
        existing = matcher.find(contact_fields, account_name)
        action = "create"
        if existing is not None:
            action = "unchanged" if _unchanged(matcher.current[existing], contact_fields) else (
                "update")  # fmt: skip
        plan.rows.append(PlannedRow(line, action, account_name.casefold(), contact_fields,
                                    account_fields, tags, existing))  # fmt: skip
    plan.accounts_to_create = len(new_accounts - set(matcher.accounts))


def _plan_account_update(
    plan: ImportPlan, matcher: _Matcher, key: str, account_fields: dict[str, Any]
) -> None:
    """An existing account takes the file's segment, value and notes where they differ."""
    current = matcher.account_rows.get(key)
    if current is None or key in plan.account_updates:
        return
    mapped = set(plan.mapping.values())
    changes = {
        name: account_fields[name]
        for name in ACCOUNT_COLUMNS
        if name in mapped and account_fields.get(name) not in ("", None)
        and account_fields[name] != current[name]
    }  # fmt: skip
    if changes:
        plan.account_updates[key] = {"id": current["id"], **changes}


def _mapped_contact_fields(mapping: dict[str, str]) -> set[str]:
    """Contact fields the file speaks about; an update never touches the others."""
    targets = set(mapping.values())
    if "full_name" in targets:
        targets |= {"first_name", "last_name"}
    if "country" in targets:
        targets.add("region")
    return targets & set(CONTACT_COLUMNS)


def _file_identity(fields: dict[str, Any], account_name: str) -> tuple[str, str]:
    if fields.get("email"):
        return ("email", fields["email"].casefold())
    if fields.get("phone"):
        return ("phone", fields["phone"])
    return ("name", "|".join(_name_key(fields.get("first_name", ""), fields["last_name"],
                                       account_name)))  # fmt: skip


def _unchanged(current: dict[str, Any], fields: dict[str, Any]) -> bool:
    return all(current.get(name) == value for name, value in fields.items() if value != "")


def _parse_row(
    plan: ImportPlan, line: int, values: dict[str, str], *, home_country: str
) -> tuple[dict[str, Any], dict[str, Any], str, list[str]] | None:
    """Validated, normalised fields of one row, or None after recording its errors.

    A row without a country lies in the workspace's home country, and so do its phone numbers.
    """
    errors_before = plan.error_count
    fields: dict[str, Any] = {}
    first, last = values.get("first_name", "").strip(), values.get("last_name", "").strip()
    if not last and values.get("full_name", "").strip():
        first, _sep, last = values["full_name"].strip().rpartition(" ")
    fields["first_name"], fields["last_name"] = first[:100], last[:100]
    account_name = values.get("account_name", "").strip()[:200]
    if not last and not account_name:
        plan.add_error(line, _column(plan, "last_name", "full_name", "account_name"),
                       _("Neither a name nor a company."))  # fmt: skip
    country, region = _country(
        values.get("country", ""), values.get("region", ""), home_country=home_country
    )
    if country is None:
        reason = _("Unknown country “%(value)s”.") % {"value": values["country"]}
        plan.add_error(line, _column(plan, "country"), reason)
        country = home_country
    fields.update(country=country, region=region[:80])
    for name, limit in (("job_title", 120), ("street", 200), ("postal_code", 20),
                        ("city", 120), ("language", 8)):  # fmt: skip
        fields[name] = values.get(name, "").strip()[:limit]
    fields["postal_code"] = _postal_code(fields["postal_code"], country)
    fields["language"] = (fields["language"] or "de").lower()[:2]
    email = _first_email(values.get("email", ""))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            reason = _("“%(value)s” is not a valid e-mail address.") % {"value": email[:80]}
            plan.add_error(line, _column(plan, "email"), reason)
        else:
            # The column holds 254 characters (RFC 5321's path limit); longer fails the write.
            if len(email) > EMAIL_LENGTH:
                reason = _("The e-mail address is longer than %(count)d characters.") % {
                    "count": EMAIL_LENGTH}  # fmt: skip
                plan.add_error(line, _column(plan, "email"), reason)
    fields["email"] = email
    for name in ("phone", "mobile"):
        try:
            fields[name] = phone_normalize(values.get(name, ""), country=country)
        except ValidationError as error:
            plan.add_error(line, _column(plan, name), error.messages[0])
    account_fields: dict[str, Any] = {
        "name": account_name, "segment": values.get("segment", "").strip()[:60],
        "notes": values.get("notes", "").strip(),
    }  # fmt: skip
    value = values.get("value", "").strip()
    if value:
        number = _number(value)
        if number is None:
            plan.add_error(line, _column(plan, "value"),
                           _("“%(value)s” is not a number.") % {"value": value})  # fmt: skip
        else:
            account_fields["value"] = number
    tags = [t.strip()[:60] for t in values.get("tags", "").replace(";", ",").split(",")
            if t.strip()]  # fmt: skip
    if plan.error_count > errors_before:
        return None
    return fields, account_fields, account_name, tags


def _first_email(raw: str) -> str:
    """One address from cells like "mailto:a@b.de" or "a@b.de; c@d.de"."""
    text = raw.strip().removeprefix("mailto:").strip()
    for separator in (";", ",", " "):
        if separator in text:
            text = text.split(separator)[0].strip()
    return text


def _postal_code(raw: str, country: str) -> str:
    """Spreadsheets drop leading zeros: 1067 Dresden was 01067, 100 Rome was 00100."""
    code = raw.strip()
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
