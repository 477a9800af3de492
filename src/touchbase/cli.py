"""The `touchbase` command: a thin front for the management commands.

`touchbase worker`, `touchbase demo`, `touchbase create-workspace` and friends map to
Django management commands; anything else is passed through (`touchbase migrate`).
"""

from __future__ import annotations

import os
import sys

ALIASES = {
    "worker": "run_worker",
    "demo": "load_demo",
    "create-workspace": "create_workspace",
    "create-user": "create_member",
    "serve": "runserver",
    "send-digests": "send_digests",
    "import": "import_customers",
    "ingest": "ingest_mentions",
    "evaluate-sentiment": "evaluate_sentiment",
}


def main(argv: list[str] | None = None) -> None:
    """Run a touchbase command."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "touchbase.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    execute_from_command_line(["touchbase", *args])


if __name__ == "__main__":
    main()
