"""The demo CA's writes: take in what the platform sends, answer it through the outbox."""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.audit import SYSTEM, Actor, audit_log
from core.errors import DomainError, StateError
from core.outbox import outbox_enqueue
from democa.models import ReceivedApplication, ReceivedStatus

ALREADY_HANDLED = "该申请当前状态为「{status}」，不能再处理。"
REASON_REQUIRED = "驳回时请填写驳回原因，申请人会在基本信息页面看到这段说明。"
ACCEPTED_SENT = "已受理，结果已发送给交易平台。"
REJECTED_SENT = "已驳回，结果已发送给交易平台。"
NOT_DELIVERED = "结果暂时未能送达交易平台，系统将自动重试。"

TOPIC_ANSWERED = "democa.answered"


def intake_receive(*, action: str, reference: str, payload: dict[str, Any]) -> ReceivedApplication:
    """A message from the platform: an application ("submit") or its withdrawal ("withdraw").

    Deliveries may repeat and may arrive out of order (a withdrawal can overtake an application
    whose first delivery failed), so both are applied by reference and a repeat changes nothing.
    """
    now = timezone.now()
    with transaction.atomic():
        application = ReceivedApplication.objects.select_for_update().filter(reference=reference).first()
        if application is None:
            withdrawn = action == "withdraw"
            application = ReceivedApplication.objects.create(
                reference=reference,
                payload=payload if not withdrawn else {},
                status=ReceivedStatus.WITHDRAWN if withdrawn else ReceivedStatus.RECEIVED,
                withdrawn_at=now if withdrawn else None,
            )
        elif action == "submit" and not application.payload:
            application.payload = payload
            application.save(update_fields=["payload"])
        elif action == "withdraw" and application.status != ReceivedStatus.WITHDRAWN:
            # The platform's word is final: even an answer still on its way is void now.
            application.status = ReceivedStatus.WITHDRAWN
            application.withdrawn_at = now
            application.save(update_fields=["status", "withdrawn_at"])
        else:
            return application
        audit_log(
            actor=SYSTEM,
            action=f"democa.{action}_received",
            target=application,
            data={"reference": reference},
        )
    return application


def application_answer(
    *, actor: Actor, application: ReceivedApplication, accepted: bool, message: str
) -> ReceivedApplication:
    """「受理」/「驳回」: record the decision and send it to the platform's callback."""
    message = message.strip()
    if not accepted and not message:
        raise DomainError(REASON_REQUIRED, field="message")
    with transaction.atomic():
        application = ReceivedApplication.objects.select_for_update().get(pk=application.pk)
        if application.status != ReceivedStatus.RECEIVED:
            raise StateError(ALREADY_HANDLED.format(status=application.get_status_display()))
        application.status = ReceivedStatus.ACCEPTED if accepted else ReceivedStatus.REJECTED
        application.answered_at = timezone.now()
        application.answer_message = message
        application.answer_outbox = outbox_enqueue(
            topic=TOPIC_ANSWERED,
            url=settings.GGZY_CA_CALLBACK_URL,
            payload={
                "reference": application.reference,
                "result": "accepted" if accepted else "rejected",
                "message": message,
            },
            token_setting="GGZY_CA_CALLBACK_TOKEN",
        )
        application.save(update_fields=["status", "answered_at", "answer_message", "answer_outbox"])
        audit_log(
            actor=actor,
            action=f"democa.{application.status}",
            target=application,
            data={"reference": application.reference, "message": message},
        )
    return application
