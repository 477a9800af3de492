"""`touchbase create-user WORKSPACE USERNAME --role staff`: add a person to a workspace."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from touchbase.core.choices import Language, Role
from touchbase.core.models import Membership, Workspace
from touchbase.core.services import member_add


class Command(BaseCommand):
    help = "Create a user (if new) and add them to a workspace with a role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("workspace", help="workspace slug")
        parser.add_argument("username")
        parser.add_argument("--role", choices=Role.values, default=Role.STAFF)
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--language", choices=Language.values, default=Language.ENGLISH)
        parser.add_argument("--password", help="asked for when left out")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace with slug {options['workspace']!r}.")
        password = options["password"] or getpass.getpass("Password: ")
        try:
            membership = self._add(workspace, password, options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"{membership.user} is {membership.role}."))

    @staticmethod
    def _add(workspace: Workspace, password: str, options: dict[str, Any]) -> Membership:
        return member_add(
            workspace=workspace,
            username=options["username"],
            password=password,
            role=options["role"],
            email=options["email"],
            first_name=options["first_name"],
            last_name=options["last_name"],
            language=options["language"],
            check_password=True,
        )
