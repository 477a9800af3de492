"""`touchbase import FILE --workspace SLUG`: dry run by default, `--commit` to import.

Imported accounts and contacts get an owner, as in the browser: `--owner USERNAME`, else the
workspace's first owner (said in the output), so they land on someone's due list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from touchbase.core.choices import Role
from touchbase.core.models import Membership, User, Workspace
from touchbase.core.tenancy import workspace_scope
from touchbase.imports.error_rows import error_rows_csv
from touchbase.imports.planner import ImportPlan, import_plan
from touchbase.imports.writer import import_apply


class Command(BaseCommand):
    help = "Check (and with --commit import) accounts and contacts from CSV, XLSX or vCard."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--workspace", required=True, help="workspace slug")
        parser.add_argument(
            "--commit", action="store_true",
            help="import (warnings never stop it; rows with errors do, unless --skip-errors)",
        )  # fmt: skip
        parser.add_argument(
            "--owner", metavar="USERNAME",
            help="member who owns what is imported (default: the workspace's first owner)",
        )  # fmt: skip
        parser.add_argument(
            "--skip-errors", action="store_true",
            help="import the rows without errors and leave the others out",
        )  # fmt: skip
        parser.add_argument(
            "--error-rows", metavar="CSV",
            help="write the rows with errors, with their reasons, to this CSV file",
        )  # fmt: skip
        parser.add_argument(
            "--map", action="append", default=[], metavar="COLUMN=FIELD",
            help="map a column by hand, e.g. --map 'Firma 2=account_name'",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self.stdout)  # type: ignore[arg-type]  # OutputWrapper passes writes through
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace with slug {options['workspace']!r}.")
        with workspace_scope(workspace):
            self._run(console, workspace, options)

    def _run(self, console: Console, workspace: Workspace, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        data = path.read_bytes()
        owner = self._owner(console, workspace, options["owner"])
        mapping = self._mapping(options["map"])
        with self._progress(console) as progress:
            task = progress.add_task("Checking", total=None)
            plan = import_plan(
                workspace=workspace, data=data, filename=path.name, mapping=mapping,
                progress=lambda n: progress.advance(task, n),
            )  # fmt: skip
        self._report(console, plan)
        if options["error_rows"] and plan.error_rows:
            Path(options["error_rows"]).write_bytes(error_rows_csv(plan))
            console.print(f"Rows with errors written to {options['error_rows']}.")
        skip = options["skip_errors"]
        if not plan.importable(skip_errors=skip):
            raise CommandError(
                "Nothing was imported: fix the errors above, or leave those rows out with "
                "--skip-errors."
            )
        if not options["commit"]:
            console.print("Dry run only. Run again with [bold]--commit[/] to import.")
            return
        with self._progress(console) as progress:
            task = progress.add_task("Importing", total=len(plan.rows))
            try:
                result = import_apply(workspace=workspace, plan=plan, by=owner, skip_errors=skip,
                                      progress=lambda n: progress.advance(task, n))  # fmt: skip
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        console.print(f"Imported: {vars(result)}")

    @staticmethod
    def _owner(console: Console, workspace: Workspace, username: str | None) -> User:
        """The member named by --owner, else the workspace's first owner, said aloud."""
        members = Membership.objects.filter(workspace=workspace).select_related("user")
        if username:
            found = members.filter(user__username__iexact=username).first()
            if found is None:
                raise CommandError(f"{username!r} is no member of workspace {workspace.slug!r}.")
            return found.user
        first = members.filter(role=Role.OWNER).order_by("pk").first() or members.order_by(
            "pk").first()  # fmt: skip
        if first is None:
            raise CommandError(f"Workspace {workspace.slug!r} has no members; give --owner.")
        console.print(f"Owner of what is imported: {first.user.username} (the workspace's first "
                      "owner; choose another with --owner).")  # fmt: skip
        return first.user

    @staticmethod
    def _mapping(pairs: list[str]) -> dict[str, str] | None:
        if not pairs:
            return None
        mapping = {}
        for pair in pairs:
            column, _sep, target = pair.rpartition("=")
            if not column:
                raise CommandError(f"--map needs COLUMN=FIELD, got {pair!r}")
            mapping[column] = target
        return mapping

    @staticmethod
    def _progress(console: Console) -> Progress:
        return Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=console, transient=True,
        )  # fmt: skip

    @staticmethod
    def _report(console: Console, plan: ImportPlan) -> None:
        for error in plan.file_errors:
            console.print(f"[red]{error}[/]")
        if plan.file_errors:
            return
        delimiter = f", delimiter {plan.delimiter!r}" if plan.delimiter else ""
        console.print(f"Read as {plan.kind} ({plan.encoding or 'binary'}{delimiter}).")
        console.print("Columns: " + ", ".join(f"{h} → {f}" for h, f in plan.mapping.items()))
        for note in plan.notes:
            console.print(note)
        if plan.unmapped:
            columns = ", ".join(
                f"{h} ({n} value{'' if n == 1 else 's'})" for h, n in plan.unmapped.items()
            )
            console.print(f"[yellow]These columns are not imported: {columns}[/]")
        console.print(f"Would do: {plan.counts()}")
        if plan.due_at_once:
            console.print(f"{plan.due_at_once} new customers have no last-contact date and would "
                          "be due at once.")  # fmt: skip
        for title, issues, total in (("Errors (rows left out)", plan.errors, plan.error_count),
                                     ("Warnings", plan.warnings, plan.warning_count)):  # fmt: skip
            if not issues:
                continue
            table = Table("line", "column", "reason", "value", title=f"{title}: {total}")
            for issue in issues:
                table.add_row(str(issue.line), issue.field, issue.reason, issue.value)
            console.print(table)
