"""`touchbase create-workspace NAME --owner USER`: a new workspace with its owner."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from touchbase.core.choices import Role
from touchbase.core.models import Workspace
from touchbase.core.services import member_add, workspace_create


class Command(BaseCommand):
    help = "Create a workspace and its owner."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name")
        parser.add_argument("--owner", required=True, help="username of the owner")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="asked for when left out")
        parser.add_argument("--time-zone", default="Europe/Berlin")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or getpass.getpass("Owner's password: ")
        if not password:
            raise CommandError("A password is needed.")
        try:
            workspace = self._create(password, options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Workspace {workspace.name} ({workspace.slug})."))

    @staticmethod
    @transaction.atomic
    def _create(password: str, options: dict[str, Any]) -> Workspace:
        """Workspace and owner together, or neither when the password is refused."""
        workspace = workspace_create(name=options["name"], time_zone=options["time_zone"])
        member_add(
            workspace=workspace,
            username=options["owner"],
            password=password,
            role=Role.OWNER,
            email=options["email"],
            check_password=True,
        )
        return workspace
