"""The outbox: messages to other systems, written with the change that causes them.

A service calls outbox_enqueue inside its own transaction. If that transaction rolls back, the
message goes with it and nothing is sent; once it commits, an on_commit hook posts the message at
once, and whatever that post misses (the receiver is down, answers 500, times out) the worker
(`manage.py run_worker`) retries with exponential backoff. So no network call ever runs inside a
transaction, and a committed change is never without its message.

Delivery is at least once: a message is claimed with a short lease before it is posted, outside
any transaction, and marked sent afterwards. A worker that dies between the receiver's answer and
that mark posts the message again once the lease runs out, so receivers deduplicate (the CA
intake and the callback do, by the application's reference).
"""

import hmac
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django import forms
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from core.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5
# Longer than a post can take, so a message being posted is not claimed by a second worker.
LEASE = timedelta(seconds=60)
RETRY_BASE = timedelta(seconds=5)
RETRY_CAP = timedelta(minutes=10)
# With the cap, 30 attempts span about four hours; then the message is marked failed for a
# person to look at (its last_error says why).
MAX_ATTEMPTS = 30
BATCH_SIZE = 100
# Client errors that a later try can cure: a token being rotated, a timeout, a rate limit. Any
# other 4xx means the receiver understood and refused; posting again would get the same answer.
RETRYABLE_CLIENT_ERRORS = frozenset({401, 403, 408, 425, 429})
ERROR_TEXT_LIMIT = 2000


def outbox_enqueue(
    *, topic: str, url: str, payload: dict[str, Any], token_setting: str = ""
) -> OutboxMessage:
    """Queue a JSON POST to `url`, sent after the caller's transaction commits.

    `token_setting` names the setting holding the bearer token (e.g. "GGZY_CA_INTAKE_TOKEN"); it is
    read when the message is posted, so the secret is never stored with the message.
    """
    if not transaction.get_connection().in_atomic_block:
        # Outside a transaction the message could be sent for a change that never happened.
        raise RuntimeError("outbox_enqueue must run inside the transaction of the change it reports")
    if token_setting and not hasattr(settings, token_setting):
        raise ValueError(f"no setting named {token_setting}")
    message = OutboxMessage.objects.create(topic=topic, url=url, payload=payload, token_setting=token_setting)
    transaction.on_commit(partial(_deliver_after_commit, message.pk))
    return message


def outbox_deliver_due(now: datetime | None = None) -> int:
    """Post every pending message that is due; returns how many were sent."""
    now = now or timezone.now()
    return sum(_post_and_record(message, now) for message in _claim(now))


def retry_delay(attempts: int) -> timedelta:
    """Wait after the attempts-th failure: 5 s, 10 s, 20 s … at most 10 minutes."""
    return min(RETRY_CAP, RETRY_BASE * 2 ** max(attempts - 1, 0))


def bearer_token_ok(authorization: str, expected: str) -> bool:
    """The receiving side of the bearer header the outbox sends. An unset token admits nobody."""
    if not expected:
        return False
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode(), expected.encode())


def receive_json(
    request: HttpRequest, *, token: str, realm: str, form_class: type[forms.Form], invalid: str
) -> forms.Form | JsonResponse:
    """The receiving side of an outbox message: bearer check, JSON body, then the form's validation.

    Returns the valid form, or the error response to send back as it is.
    """
    if not bearer_token_ok(request.headers.get("Authorization", ""), token):
        response = JsonResponse({"error": "unauthorized"}, status=401)
        response["WWW-Authenticate"] = f'Bearer realm="{realm}"'
        return response
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "body is not JSON"}, status=400)
    form = form_class(body if isinstance(body, dict) else {})
    if not form.is_valid():
        return JsonResponse({"error": invalid, "fields": form.errors.get_json_data()}, status=400)
    return form


# --- delivery ---------------------------------------------------------------------------------


def _deliver_after_commit(pk: int) -> None:
    # The change is committed whatever happens here: a failure is left to the worker, never
    # turned into an error page for the person whose change it was.
    try:
        now = timezone.now()
        for message in _claim(now, pk=pk):
            _post_and_record(message, now)
    except Exception:
        logger.exception("outbox message %s: delivery after commit failed", pk)


def _claim(now: datetime, pk: int | None = None) -> list[OutboxMessage]:
    """Take due messages for this process by moving their next attempt past a lease.

    On PostgreSQL skip_locked lets two workers claim at once without waiting for or taking each
    other's rows; SQLite runs one write transaction at a time (IMMEDIATE), which does the same.
    """
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        due = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        if pk is not None:
            due = due.filter(pk=pk)
        messages = list(
            due.order_by("next_attempt_at", "id").select_for_update(skip_locked=skip_locked)[:BATCH_SIZE]
        )
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(next_attempt_at=now + LEASE)
    return messages


@dataclass(frozen=True)
class _Failure:
    error: str
    permanent: bool = False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirected POST would come back as a GET without its body and could look like success;
    # a redirect is an error of the configured URL and is reported as one.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _post(message: OutboxMessage) -> _Failure | None:
    token = getattr(settings, message.token_setting, "") if message.token_setting else ""
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "ggzy-outbox/1",
        "X-Ggzy-Topic": message.topic,
        "X-Ggzy-Message-Id": str(message.pk),
    }
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps(message.payload, ensure_ascii=False, cls=DjangoJSONEncoder).encode("utf-8")
    request = urllib.request.Request(message.url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(1024)
    except urllib.error.HTTPError as error:
        detail = error.read(500).decode("utf-8", errors="replace")
        permanent = 400 <= error.code < 500 and error.code not in RETRYABLE_CLIENT_ERRORS
        return _Failure(f"HTTP {error.code} {error.reason}: {detail}", permanent=permanent)
    except (urllib.error.URLError, OSError, ValueError) as error:
        # Refused, unreachable, timed out, or a malformed URL.
        return _Failure(f"{type(error).__name__}: {error}")
    return None


def _post_and_record(message: OutboxMessage, now: datetime) -> bool:
    failure = _post(message)
    message.attempts += 1
    if failure is None:
        message.status = OutboxStatus.SENT
        message.sent_at = now
        message.last_error = ""
    else:
        message.last_error = failure.error[:ERROR_TEXT_LIMIT]
        if failure.permanent or message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxStatus.FAILED
            logger.error("outbox message %s (%s) failed: %s", message.pk, message.topic, failure.error)
        else:
            message.next_attempt_at = now + retry_delay(message.attempts)
            logger.warning(
                "outbox message %s (%s) attempt %s failed: %s",
                message.pk,
                message.topic,
                message.attempts,
                failure.error,
            )
    message.save(update_fields=["status", "attempts", "next_attempt_at", "last_error", "sent_at"])
    return failure is None
