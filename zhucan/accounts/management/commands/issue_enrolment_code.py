"""Issue an enrolment code from the server, for the first administrator (nobody above them
can issue one on the people pages)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from zhucan.accounts.enrolment import issue_enrolment_code, readable
from zhucan.accounts.models import User
from zhucan.core.errors import DomainError


class Command(BaseCommand):
    help = "Issue a one-time code with which USERNAME sets up their authenticator app."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username__iexact=options["username"].strip()).first()
        if user is None:
            raise CommandError(f"No account with the user name {options['username']!r}.")
        try:
            with transaction.atomic():
                code = issue_enrolment_code(by=None, user=user)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(readable(code))
