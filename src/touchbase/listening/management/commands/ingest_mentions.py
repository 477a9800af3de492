"""`touchbase ingest FILE --source NAME`: mentions from CSV, JSON Lines or JSON into a source.

Stores as it reads, batch by batch, with a progress bar; broken lines are listed by number
and the good ones kept. Run again after an interruption, it goes on after the last stored
batch (and would skip anything stored anyway). `--dry-run` only reports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from touchbase.core.models import Workspace
from touchbase.core.tenancy import workspace_scope
from touchbase.listening import jobs
from touchbase.listening.choices import IngestStatus
from touchbase.listening.ingest import Progress as IngestProgress
from touchbase.listening.models import IngestJob, Source
from touchbase.listening.services import name_key


class Command(BaseCommand):
    help = "Store mentions from a CSV, JSON Lines or JSON file in a source."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--source", required=True, help="the source's name")
        parser.add_argument("--workspace", help="workspace slug (needed if there are several)")
        parser.add_argument("--dry-run", action="store_true", help="only report, store nothing")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self.stdout, quiet=False)  # type: ignore[arg-type]
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        workspace = self._workspace(options["workspace"])
        with workspace_scope(workspace):
            source = Source.objects.filter(
                workspace=workspace, name_key=name_key(options["source"])
            ).first()
            if source is None:
                names = ", ".join(
                    Source.objects.filter(workspace=workspace).values_list("name", flat=True)
                )
                raise CommandError(
                    f"No source named {options['source']!r}. Sources: {names or 'none'}."
                )
            job = self._job(source, path)
            if options["dry_run"]:
                self._dry_run(console, job, path)
            else:
                self._store(console, job, path, quiet=options["quiet"])

    def _workspace(self, slug: str | None) -> Workspace:
        if slug:
            workspace = Workspace.objects.filter(slug=slug).first()
            if workspace is None:
                raise CommandError(f"No workspace with slug {slug!r}.")
            return workspace
        workspaces = list(Workspace.objects.all()[:2])
        if len(workspaces) != 1:
            raise CommandError("Name the workspace: --workspace SLUG.")
        return workspaces[0]

    def _job(self, source: Source, path: Path) -> IngestJob:
        """The unfinished job of this file to go on with, or a new one."""
        size = path.stat().st_size
        with path.open("rb") as raw:
            print_ = jobs.fingerprint(raw, size)
        job = (
            IngestJob.objects.filter(source=source, fingerprint=print_, size=size, content=b"")
            .exclude(status=IngestStatus.DONE)
            .order_by("-created_at")
            .first()
        )
        if job is None:
            job = IngestJob.objects.create(
                workspace=source.workspace, source=source, filename=path.name[:255], size=size,
                fingerprint=print_, status=IngestStatus.QUEUED,
            )  # fmt: skip
        return job

    def _dry_run(self, console: Console, job: IngestJob, path: Path) -> None:
        with path.open("rb") as raw:
            job = jobs.ingest_job_check(job=job, raw=raw)
        if job.status == IngestStatus.FAILED:
            raise CommandError(job.note)
        report = job.report
        console.print(f"{path.name}: {report['kind']}, {report['encoding']}")
        for field, header in report["columns"].items():
            console.print(f"  {header!r} → {field}")
        if report["unmapped"]:
            console.print("  not read: " + ", ".join(report["unmapped"]))
        console.print(
            f"Would store {report['new']} new mentions; {report['duplicates']} are there already;"
            f" {job.error_count} lines have errors."
        )
        self._errors(console, job)

    def _store(self, console: Console, job: IngestJob, path: Path, *, quiet: bool) -> None:
        total = _count_lines(path)
        if job.lines_done:
            console.print(f"Going on after line {job.lines_done} (stored before: {job.stored}).")
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, disable=quiet) as bar:
            task = bar.add_task("Storing", total=total, completed=job.lines_done)

            def advance(progress: IngestProgress) -> None:
                bar.update(task, completed=progress.line)

            with path.open("rb") as raw:
                job = jobs.ingest_job_run(job=job, raw=raw, on_progress=advance)
            bar.update(task, completed=total)
        if job.status == IngestStatus.FAILED:
            raise CommandError(job.note)
        console.print(
            f"Stored {job.stored} new mentions; {job.duplicates} were there already;"
            f" {job.error_count} lines have errors."
        )
        self._errors(console, job)

    def _errors(self, console: Console, job: IngestJob) -> None:
        for error in job.errors[:20]:
            console.print(f"  line {error['line']}: {error['message']}")
        if job.error_count > 20:
            console.print(f"  … and {job.error_count - 20} more")


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as raw:
        while chunk := raw.read(1 << 20):
            count += chunk.count(b"\n")
    return count
