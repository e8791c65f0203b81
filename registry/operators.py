"""The platform operator (平台运维人员): the account of Django's admin, staff of no center.

An operator reads subjects and their versions across the province (主体查询) and nothing more:
the view permissions of the registry and core, granted to the account itself. A center's staff
read through the back-office, bounded by their center, and hold no model permission at all.
"""

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from core.audit import SYSTEM, audit_log
from core.errors import DomainError
from registry import rules
from registry.models import Account

# The centers' staff group (review.services_admin.STAFF_GROUP; the registry does not import review).
CENTER_STAFF_GROUP = "中心工作人员"
OPERATOR_APPS = ("registry", "core")


def operator_permissions() -> QuerySet[Permission]:
    """Exactly what an operator holds: to view, never to change, the registry's and core's models."""
    return Permission.objects.filter(
        content_type__app_label__in=OPERATOR_APPS, codename__startswith="view_"
    ).select_related("content_type")


def operator_seed(*, username: str, display_name: str, password: str) -> Account:
    """Make the operator's account, or bring an existing one to exactly the operator's grants and
    the given password; a second run with the same input changes nothing and writes no audit row.

    For management commands (production's create_operator, the demo's load_demo), which run
    before anyone can log in to grant anything. A subject's account or a center staff member's is
    refused: province-wide reading would take either past the bounds of their own role."""
    username, display_name = username.strip(), display_name.strip()
    if not username:
        raise DomainError(rules.OPERATOR_USERNAME_REQUIRED, field="username")
    if not display_name:
        raise DomainError(rules.NAME_REQUIRED, field="display_name")
    with transaction.atomic():
        account = Account.objects.select_for_update().filter(username=username).first()
        made = account is None
        if account is None:
            account = Account(username=username)
        elif account.subject_id is not None:
            raise DomainError(rules.OPERATOR_IS_SUBJECT.format(username=username), field="username")
        elif hasattr(account, "staff_member"):
            raise DomainError(rules.OPERATOR_IS_CENTER_STAFF.format(username=username), field="username")

        changed = []
        for field, value in (("display_name", display_name), ("is_staff", True), ("is_active", True)):
            if getattr(account, field) != value:
                setattr(account, field, value)
                changed.append(field)
        try:
            password_validation.validate_password(password, account)
        except ValidationError as error:
            raise DomainError("".join(error.messages), field="password") from error
        # Checked rather than set on every run: a new hash would end the operator's open sessions.
        password_changed = made or not account.check_password(password)
        if password_changed:
            account.set_password(password)
        if made:
            account.save()
        elif changed or password_changed:
            account.save(update_fields=changed + (["password"] if password_changed else []))

        # Earlier demos put their operator in the centers' staff group; an operator is never in it.
        left_groups = list(account.groups.filter(name=CENTER_STAFF_GROUP).values_list("name", flat=True))
        account.groups.remove(*Group.objects.filter(name=CENTER_STAFF_GROUP))
        granted = set(operator_permissions())
        regranted = set(account.user_permissions.all()) != granted
        if regranted:
            account.user_permissions.set(granted)
        if made or changed or password_changed or left_groups or regranted:
            audit_log(
                actor=SYSTEM,
                action=rules.AUDIT_OPERATOR_SEEDED,
                target=account,
                data={
                    "username": username,
                    "made": made,
                    "changed": changed,
                    "password_changed": password_changed,
                    "left_groups": left_groups,
                    "permissions": sorted(f"{p.content_type.app_label}.{p.codename}" for p in granted),
                },
            )
    return account
