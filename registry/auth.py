"""Password login: by full name, code or username; lockout after repeated failures.

How a session authenticated is kept in the session (AUTH_METHOD_KEY): password or certificate.
The rules of 003 §4 (what only a certificate login may submit) read it through actor_for().
"""

import ipaddress
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
    """Django's backend, looking the account up by any of its login names, behind the lockout:
    whatever form asks authenticate() (Django's admin, a test client, a form added later), a
    wrong password counts toward the lock and a locked account is refused."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kw: Any
    ) -> Account | None:
        if not username or password is None:
            return None
        try:
            account = password_check(request, login=username, password=password)
        except DomainError:
            return None
        return account if self.user_can_authenticate(account) else None


def client_ip(request: HttpRequest) -> str | None:
    """The address the audit log records. Behind GGZY_PROXY_COUNT reverse proxies each appends the
    address it got the request from to X-Forwarded-For, so the client's is that many from the right;
    anything further left was written by the client and proves nothing."""
    proxies = settings.GGZY_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies and _is_address(forwarded[-proxies]):
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def _is_address(text: str) -> bool:
    # A proxy set up wrongly passes on whatever the client wrote; the audit column takes addresses only.
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


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


def password_check(request: HttpRequest | None, *, login: str, password: str) -> Account:
    """The account these credentials open, or DomainError saying why not (and how long a lock
    lasts). Every password form goes through here (the registry's and back-office's login, Django's
    admin login, LoginNameBackend), so failures anywhere count toward one lock
    (settings.LOGIN_MAX_FAILURES, LOGIN_LOCK_MINUTES), and a locked account gets in nowhere, not
    even with the right password, until the lock ends or the password is reset by e-mail."""
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
    if account.failed_logins or account.locked_until:
        Account.objects.filter(pk=account.pk).update(failed_logins=0, locked_until=None)
        account.failed_logins, account.locked_until = 0, None
    return account


def login_audit(request: HttpRequest | None, account: Account, **data: Any) -> None:
    audit_log(
        actor=Actor(user=account, auth_method=PASSWORD, ip=client_ip(request) if request else None),
        action=rules.AUDIT_ACCOUNT_LOGGED_IN,
        target=account,
        subject_id=account.subject_id,
        data=data or None,
    )


def password_login(request: HttpRequest, *, login: str, password: str) -> Account:
    """Log the request in, or raise DomainError saying why not (and how long a lock lasts)."""
    # Not one transaction with the audit row: a refusal raises, and must not roll back the
    # failure it has just counted.
    account = password_check(request, login=login, password=password)
    with transaction.atomic():
        login_audit(request, account)
    account.backend = "registry.auth.LoginNameBackend"
    django_login(request, account)
    request.session.pop(ACTING_PERSON_KEY, None)  # see pki.sessions.start_certificate_session
    request.session[AUTH_METHOD_KEY] = PASSWORD
    return account


def _record_failure(account: Account, request: HttpRequest | None, now: Any) -> None:
    with transaction.atomic():
        Account.objects.filter(pk=account.pk).update(failed_logins=F("failed_logins") + 1)
        account.refresh_from_db(fields=["failed_logins"])
        locked = account.failed_logins >= settings.LOGIN_MAX_FAILURES
        if locked:
            Account.objects.filter(pk=account.pk).update(
                locked_until=now + timedelta(minutes=settings.LOGIN_LOCK_MINUTES), failed_logins=0
            )
        audit_log(
            actor=Actor(user=None, auth_method=PASSWORD, ip=client_ip(request) if request else None),
            action=rules.AUDIT_ACCOUNT_LOCKED if locked else rules.AUDIT_ACCOUNT_LOGIN_FAILED,
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
                action=rules.AUDIT_ACCOUNT_PASSWORD_RESET,
                target=account,
                subject_id=account.subject_id,
            )
        return account
