"""The password rule: one validator, one help line, every message in Chinese.

Django's four validators each add an English help line (and English errors wherever the browser
asks for English), and the attribute-similarity one never looked at the name: an Account keeps it
in display_name, not first_name/last_name, so "the name plus two characters" passed. This one
validator checks what the help line promises, in the words units read.
"""

import functools
import re
import unicodedata
from typing import Any

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

PASSWORD_MIN_LENGTH = 8
# A password this few edits (insert, delete, replace a character) from a name or code is "similar".
SIMILAR_MAX_EDITS = 3

PASSWORD_RULE = (
    "密码至少8位，须同时包含字母和数字；不能是常见密码；不能包含名称、代码（账号）或邮箱用户名，"
    "也不能与它们只差3个字符以内（不区分大小写）。"
)
PASSWORD_TOO_SHORT = "密码太短：至少需要8位，您输入了{length}位。"
PASSWORD_NEEDS_MIX = "密码需同时包含字母和数字（可以再加符号）。"
PASSWORD_TOO_COMMON = "这个密码过于常见，容易被猜中，请换一个。"
PASSWORD_SIMILAR = "密码不能包含{what}，也不能与{what}只差几个字符，请换一个与之无关的密码。"

# Parts shorter than these are too common inside unrelated passwords to refuse on ("co", "abc").
_MIN_ASCII_PART = 4
_MIN_OTHER_PART = 2
# A number in a name ("第2026", "1998") is as often a year typed for its own sake; only a long one
# (a licence or phone number) says the password was made from the name.
_MIN_DIGITS_PART = 6


def _normal(text: str) -> str:
    """Case-folded, full-width letters made ASCII, spaces and punctuation dropped."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def _parts(text: str) -> set[str]:
    """The whole value and its runs of ASCII letters/digits and of other (Chinese) characters:
    "ABC建设有限公司" gives itself, "abc" (too short) and "建设有限公司"."""
    whole = _normal(text)
    runs = [whole, *re.findall(r"[a-z0-9]+|[^a-z0-9]+", whole)]
    return {run for run in runs if len(run) >= _least(run)}


def _least(run: str) -> int:
    if run.isdigit():
        return _MIN_DIGITS_PART
    return _MIN_ASCII_PART if run.isascii() else _MIN_OTHER_PART


def _edits(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it must exceed limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def similar(password: str, value: str) -> bool:
    """Contains the value (or one of its parts), lies inside it, or is a few edits from it."""
    typed = _normal(password)
    if not typed:
        return False
    for part in _parts(value):
        if part in typed or (len(typed) >= _MIN_ASCII_PART and typed in part):
            return True
        if _edits(typed, part, SIMILAR_MAX_EDITS) <= SIMILAR_MAX_EDITS:
            return True
    return False


def _attributes(user: Any) -> list[tuple[str, str]]:
    """(what the message calls it, value) of everything the password must not resemble."""
    if user is None:
        return []
    subject = getattr(user, "subject", None) if getattr(user, "subject_id", None) else None
    email = getattr(user, "email", "") or ""
    values = [
        ("名称", getattr(user, "display_name", "") or ""),
        ("名称", getattr(subject, "name", "") or ""),
        ("代码（账号）", getattr(user, "username", "") or ""),
        ("代码（账号）", getattr(subject, "code", "") or ""),
        ("邮箱用户名", email.split("@", 1)[0]),
    ]
    return [(what, value) for what, value in values if value.strip()]


@functools.cache
def _common_passwords() -> frozenset[str]:
    # Django's list of 20,000 leaked passwords, read once per process.
    return frozenset(CommonPasswordValidator().passwords)


def password_problems(password: str, user: Any = None) -> list[str]:
    """Every way the password breaks the rule, so the page can say them all at once."""
    problems = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append(PASSWORD_TOO_SHORT.format(length=len(password)))
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        problems.append(PASSWORD_NEEDS_MIX)
    if password.lower().strip() in _common_passwords():
        problems.append(PASSWORD_TOO_COMMON)
    named = []
    for what, value in _attributes(user):
        if what not in named and similar(password, value):
            named.append(what)
    if named:
        problems.append(PASSWORD_SIMILAR.format(what="、".join(named)))
    return problems


class PasswordRuleValidator:
    """The only entry of AUTH_PASSWORD_VALIDATORS: registration, reset and staff accounts alike."""

    def validate(self, password: str, user: Any = None) -> None:
        problems = password_problems(password, user)
        if problems:
            raise ValidationError([ValidationError(p, code="password_rule") for p in problems])

    def get_help_text(self) -> str:
        return PASSWORD_RULE


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id at one of the OWASP Password Storage Cheat Sheet's configurations (46 MiB, one
    pass, one lane): memory-hard against GPU guessing, and about 60 ms here where PBKDF2 at
    Django's 1,000,000 rounds took 350-400 ms of every registration and login."""

    time_cost = 1
    memory_cost = 47104
    parallelism = 1
