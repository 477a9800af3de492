"""`touchbase import FILE --workspace SLUG`: dry run by default, `--commit` to import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from touchbase.core.models import Workspace
from touchbase.core.tenancy import workspace_scope
from touchbase.imports.planner import import_plan
from touchbase.imports.writer import import_apply


class Command(BaseCommand):
    help = "Check (and with --commit import) accounts and contacts from CSV, XLSX or vCard."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--workspace", required=True, help="workspace slug")
        parser.add_argument("--commit", action="store_true", help="import when the file is clean")
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
        mapping = self._mapping(options["map"])
        with self._progress(console) as progress:
            task = progress.add_task("Checking", total=None)
            plan = import_plan(
                workspace=workspace, data=data, filename=path.name, mapping=mapping,
                progress=lambda n: progress.advance(task, n),
            )  # fmt: skip
        self._report(console, plan)
        if not plan.is_valid:
            raise CommandError("Nothing was imported: fix the errors above.")
        if not options["commit"]:
            console.print("Dry run only. Run again with [bold]--commit[/] to import.")
            return
        with self._progress(console) as progress:
            task = progress.add_task("Importing", total=len(plan.rows))
            try:
                result = import_apply(workspace=workspace, plan=plan, by=None,
                                      progress=lambda n: progress.advance(task, n))  # fmt: skip
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        console.print(f"Imported: {vars(result)}")

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
    def _report(console: Console, plan: Any) -> None:
        for error in plan.file_errors:
            console.print(f"[red]{error}[/]")
        if plan.file_errors:
            return
        delimiter = f", delimiter {plan.delimiter!r}" if plan.delimiter else ""
        console.print(f"Read as {plan.kind} ({plan.encoding or 'binary'}{delimiter}).")
        console.print("Columns: " + ", ".join(f"{h} → {f}" for h, f in plan.mapping.items()))
        console.print(f"Would do: {plan.counts()}")
        if plan.errors:
            table = Table("line", "column", "reason")
            for error in plan.errors:
                table.add_row(str(error.line), error.field, error.reason)
            console.print(table)
