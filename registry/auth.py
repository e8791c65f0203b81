"""Password login: by full name, code or username; lockout after repeated failures.

How a session authenticated is kept in the session (AUTH_METHOD_KEY): password or certificate.
The rules of 003 §4 (what only a certificate login may submit) read it through actor_for().
"""

import math
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import login as django_login
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from core.audit import Actor, audit_log
from core.errors import DomainError
from registry import identifiers, rules
from registry.models import Account, AuthMethod

AUTH_METHOD_KEY = "ggzy_auth_method"
# Set when a practitioner logged in with a personal certificate activated by the unit (centers):
# {"practitioner": pk, "center": code, "label": "姓名（身份证号）"}.
ACTING_PERSON_KEY = "ggzy_acting_person"
PASSWORD = AuthMethod.PASSWORD
CERTIFICATE = AuthMethod.CERTIFICATE


def find_account(login: str) -> Account | None:
    """The account a login name means: username, subject code, or subject full name."""
    login = login.strip()
    if not login:
        return None
    code = identifiers.normalize_code(login)
    account = (
        Account.objects.filter(username=login).first() or Account.objects.filter(subject__code=code).first()
    )
    if account is not None:
        return account
    by_name = list(Account.objects.filter(subject__name=login)[:2])
    if len(by_name) > 1:
        raise DomainError(rules.LOGIN_AMBIGUOUS_NAME, field="login")
    return by_name[0] if by_name else None


class LoginNameBackend(ModelBackend):
    """Django's backend, looking the account up by any of its login names."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kw: Any
    ) -> Account | None:
        if not username or password is None:
            return None
        try:
            account = find_account(username)
        except DomainError:
            return None
        if account and account.check_password(password) and self.user_can_authenticate(account):
            return account
        return None


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def actor_for(request: HttpRequest) -> Actor:
    return Actor(
        user=request.user if request.user.is_authenticated else None,
        auth_method=request.session.get(AUTH_METHOD_KEY, PASSWORD),
        ip=client_ip(request),
        acting_person=(request.session.get(ACTING_PERSON_KEY) or {}).get("label", ""),
    )


def _lock_message(account: Account, now: Any) -> str:
    left = max(0, math.ceil((account.locked_until - now).total_seconds()))
    return rules.LOGIN_LOCKED.format(minutes=left // 60, seconds=left % 60)


def password_login(request: HttpRequest, *, login: str, password: str) -> Account:
    """Log the request in, or raise DomainError saying why not (and how long a lock lasts)."""
    account = find_account(login)
    now = timezone.now()
    if account is None or not account.is_active:
        # Same words as a wrong password: nobody learns which names exist.
        raise DomainError(rules.LOGIN_FAILED, field="password")
    if account.locked_until and account.locked_until > now:
        raise DomainError(_lock_message(account, now), field="login")
    if not account.check_password(password):
        _record_failure(account, request, now)
        account.refresh_from_db(fields=["failed_logins", "locked_until"])
        if account.locked_until and account.locked_until > now:
            raise DomainError(_lock_message(account, now), field="login")
        left = settings.LOGIN_MAX_FAILURES - account.failed_logins
        if left <= 2:
            raise DomainError(
                rules.LOGIN_FAILED_LEFT.format(left=left, minutes=settings.LOGIN_LOCK_MINUTES),
                field="password",
            )
        raise DomainError(rules.LOGIN_FAILED, field="password")

    with transaction.atomic():
        Account.objects.filter(pk=account.pk).update(failed_logins=0, locked_until=None)
        audit_log(
            actor=Actor(user=account, auth_method=PASSWORD, ip=client_ip(request)),
            action="account.login",
            target=account,
            subject_id=account.subject_id,
        )
    account.backend = "registry.auth.LoginNameBackend"
    django_login(request, account)
    request.session.pop(ACTING_PERSON_KEY, None)  # see pki.sessions.start_certificate_session
    request.session[AUTH_METHOD_KEY] = PASSWORD
    return account


def _record_failure(account: Account, request: HttpRequest, now: Any) -> None:
    with transaction.atomic():
        Account.objects.filter(pk=account.pk).update(failed_logins=F("failed_logins") + 1)
        account.refresh_from_db(fields=["failed_logins"])
        locked = account.failed_logins >= settings.LOGIN_MAX_FAILURES
        if locked:
            Account.objects.filter(pk=account.pk).update(
                locked_until=now + timedelta(minutes=settings.LOGIN_LOCK_MINUTES), failed_logins=0
            )
        audit_log(
            actor=Actor(user=None, auth_method=PASSWORD, ip=client_ip(request)),
            action="account.locked" if locked else "account.login_failed",
            target=account,
            subject_id=account.subject_id,
            data={"failures": account.failed_logins},
        )


class UnlockingSetPasswordForm(SetPasswordForm):
    """Password reset by e-mail: the new password also lifts a lockout, and is audited."""

    def save(self, commit: bool = True) -> Account:
        with transaction.atomic():
            account = super().save(commit=False)
            account.failed_logins = 0
            account.locked_until = None
            account.save()
            audit_log(
                actor=Actor(user=account, auth_method="email"),
                action="account.password_reset",
                target=account,
                subject_id=account.subject_id,
            )
        return account
