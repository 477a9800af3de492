"""`touchbase demo`: create the Pollux demo workspace (once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from touchbase.relationships.demo import DEMO_PASSWORD, DEMO_USERNAME, demo_load


class Command(BaseCommand):
    help = "Create the demo workspace Pollux; does nothing if it exists already."

    def handle(self, *args: Any, **options: Any) -> None:
        # OutputWrapper is no IO[str] to the stubs, but hands rich's calls on to the real stream.
        console = Console(file=self.stdout)  # type: ignore[arg-type]
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
            console=console, transient=True,
        ) as progress:  # fmt: skip
            task = progress.add_task("Building the demo workspace…", total=5)

            def step(label: str, count: int) -> None:
                progress.update(task, advance=1, description=f"{label}: {count}")

            result = demo_load(progress=step)
        state = "created" if result.created else "already there, kept as it is"
        console.print(f"Demo workspace [bold]{result.workspace.name}[/] {state}.")
        console.print(f"Demo login: [bold]{DEMO_USERNAME}[/] / [bold]{DEMO_PASSWORD}[/]")
