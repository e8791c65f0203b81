"""Create the platform operator (平台运维人员), the account of Django's admin, in production.

The password comes from --password-file, from the GGZY_OPERATOR_PASSWORD variable, or from a
prompt; never from the command line, where `ps` and the shell's history would keep it. Run again
with the same input it changes nothing, so a deployment script may run it on every release.
"""

import getpass
import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from registry.models import Account
from registry.operators import operator_seed

PASSWORD_ENV = "GGZY_OPERATOR_PASSWORD"
DEFAULT_DISPLAY_NAME = "平台运维人员"
NO_PASSWORD = (
    f"没有密码：请用 --password-file 指定密码文件，或设置环境变量 {PASSWORD_ENV}，或在终端中运行以输入密码。"
)
PASSWORD_FILE_UNREADABLE = "读不到密码文件 {path}：{error}"
PASSWORD_FILE_EMPTY = "密码文件 {path} 的第一行是空的。"
PASSWORDS_DIFFER = "两次输入的密码不一致。"


class Command(BaseCommand):
    help = (
        "Create the platform operator of Django's admin, or bring it to the operator's grants (idempotent)."
    )
    # As Django's createsuperuser: call_command(stdin=...) stands in for the terminal in tests.
    stealth_options = ("stdin",)

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # argparse would take `--password SECRET` for an abbreviated --password-file.
        return super().create_parser(prog_name, subcommand, allow_abbrev=False, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True, help="The operator's login.")
        parser.add_argument("--display-name", default=DEFAULT_DISPLAY_NAME, help="The name the admin shows.")
        parser.add_argument(
            "--password-file",
            type=Path,
            help=f"A file whose first line is the password (else ${PASSWORD_ENV}, else a prompt).",
        )

    def handle(
        self, *args: Any, username: str, display_name: str, password_file: Path | None, **options: Any
    ) -> None:
        self.at_terminal = bool(getattr(options.get("stdin", sys.stdin), "isatty", lambda: False)())
        existed = Account.objects.filter(username=username.strip()).exists()
        try:
            operator_seed(
                username=username, display_name=display_name, password=self._password(password_file)
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        done = "already there; its grants and password are now as given" if existed else "created"
        self.stdout.write(self.style.SUCCESS(f"Platform operator {username.strip()}: {done}."))

    def _password(self, password_file: Path | None) -> str:
        if password_file is not None:
            try:
                lines = password_file.read_text(encoding="utf-8").splitlines()
            except OSError as error:
                raise CommandError(PASSWORD_FILE_UNREADABLE.format(path=password_file, error=error)) from None
            if not lines or not lines[0]:
                raise CommandError(PASSWORD_FILE_EMPTY.format(path=password_file))
            return lines[0]
        if os.environ.get(PASSWORD_ENV):
            return os.environ[PASSWORD_ENV]
        if not self.at_terminal:
            raise CommandError(NO_PASSWORD)
        password = getpass.getpass("密码: ")
        if getpass.getpass("再输入一次: ") != password:
            raise CommandError(PASSWORDS_DIFFER)
        return password
