"""The audit log. Services call audit_log inside their transaction; nothing else writes it."""

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from core.models import AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who acts and how they proved it. Built by views from the request, by tests directly."""

    user: Any = None  # an Account, or None for the system itself
    auth_method: str = "system"
    ip: str | None = None
    # A practitioner acting for the unit with their own activated certificate (centers): the
    # session is the unit's, the audit row also names the person, as "姓名（身份证号）".
    acting_person: str = ""

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None


SYSTEM = Actor()


def audit_log(
    *,
    actor: Actor,
    action: str,
    target: models.Model,
    subject_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    if not transaction.get_connection().in_atomic_block:
        # A row written outside the change's transaction could survive a rolled-back change.
        raise RuntimeError("audit_log must run inside the transaction of the change it records")
    return AuditEntry.objects.create(
        actor=actor.user,
        auth_method=actor.auth_method,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        subject_id=subject_id,
        data={**(data or {}), **({"acting_person": actor.acting_person} if actor.acting_person else {})},
        ip=actor.ip,
    )
