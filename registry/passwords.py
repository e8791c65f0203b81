"""Password policy beyond Django's validators: letters and digits both, as banks and CAs ask."""

import re

from django.core.exceptions import ValidationError

PASSWORD_NEEDS_MIX = "密码需同时包含字母和数字（可以再加符号），不少于8位。"


class CharacterClassValidator:
    def validate(self, password: str, user: object = None) -> None:
        if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
            raise ValidationError(PASSWORD_NEEDS_MIX, code="password_needs_mix")

    def get_help_text(self) -> str:
        return PASSWORD_NEEDS_MIX
