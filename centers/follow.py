"""A center deployed apart, with its own database, follows the registry's change feed over HTTP.

`manage.py center_follow --feed URL --center CODE` (or the worker, when GGZY_FOLLOW_FEED_URL is set)
reads the feed from the cursor kept in FeedCursor and applies each event with the same
center_subject_apply the all-in-one deployment uses. The cursor advances in the transaction that
applies the events of its position, so a follower stopped at any moment resumes exactly where it
left off: nothing is skipped, nothing applied twice.

The registry's subjects do not exist in this database: the first event of a valid subject makes a
local mirror (a Subject and an Account with an unusable password), so the subject can log in here
with its certificate (pki.certificate_login finds it by the certificate's code).
"""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from centers import rules
from centers.models import Center, FeedCursor
from centers.sync import center_subject_apply
from core.audit import SYSTEM, audit_log
from core.errors import DomainError, NotFound
from registry.models import Account, Subject, SubjectStatus

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
PAGE_LIMIT = 500
# One call reads at most this many pages, so a tick of the worker stays short; the next continues.
MAX_PAGES = 20
# Kept in FeedCursor.last_error and shown to the center's administrators.
FEED_UNREACHABLE = "无法读取统一注册平台的变更数据：{error}"
FEED_REFUSED = "统一注册平台拒绝了读取请求（HTTP {status}），请检查 GGZY_FEED_TOKEN"
FEED_MALFORMED = "统一注册平台返回的数据无法识别：{error}"
# One event this center cannot apply stops the follower at it (nothing after it is applied out of
# order); the administrators read which one and why, and the next round tries it again.
FEED_EVENT_FAILED = "主体 {code} 的第 {seq} 号变更无法在本中心应用，已暂停同步，处理后自动从此处继续：{error}"
EVENT_ERROR_OTHER = "本中心处理出错（{kind}），详见日志"


class FeedError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FollowResult:
    applied: int
    position: int
    caught_up: bool


def feed_read(*, feed_url: str, after: int, token: str, limit: int = PAGE_LIMIT) -> dict[str, Any]:
    """One page of the feed; FeedError says why there is none."""
    query = urllib.parse.urlencode({"after": after, "limit": limit})
    separator = "&" if "?" in feed_url else "?"
    request = urllib.request.Request(
        f"{feed_url}{separator}{query}",
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            "User-Agent": "ggzy-follow/1",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        raise FeedError(FEED_REFUSED.format(status=error.code)) from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise FeedError(FEED_UNREACHABLE.format(error=error)) from error
    try:
        page = json.loads(body)
        if not isinstance(page.get("events"), list) or not isinstance(page.get("next"), int):
            raise ValueError("events or next missing")
    except (ValueError, AttributeError) as error:
        raise FeedError(FEED_MALFORMED.format(error=error)) from error
    return page


def feed_follow(
    *, feed_url: str, center: Center, token: str, limit: int = PAGE_LIMIT, max_pages: int = MAX_PAGES
) -> FollowResult:
    """Read and apply pages from the stored cursor until caught up (or max_pages were read)."""
    cursor, _ = FeedCursor.objects.get_or_create(feed_url=feed_url)
    applied = 0
    for _ in range(max_pages):
        try:
            page = feed_read(feed_url=feed_url, after=cursor.position, token=token, limit=limit)
            events = page["events"]
            for position, group in groupby(events, key=lambda event: int(event["position"])):
                applied += _apply_position(cursor.pk, center, feed_url, position, list(group))
        except FeedError as error:
            FeedCursor.objects.filter(pk=cursor.pk).update(last_error=error.message, read_at=timezone.now())
            raise
        cursor.refresh_from_db()
        if len(events) < limit:
            FeedCursor.objects.filter(pk=cursor.pk).update(read_at=timezone.now(), last_error="")
            return FollowResult(applied=applied, position=cursor.position, caught_up=True)
    return FollowResult(applied=applied, position=cursor.position, caught_up=False)


def _apply_position(
    cursor_pk: int, center: Center, feed_url: str, position: int, events: list[dict[str, Any]]
) -> int:
    """The events of one feed position and the cursor's advance past it, in one transaction.

    An event that cannot be applied (a domain refusal, a malformed payload, a constraint) rolls the
    position back and becomes a FeedError naming it: the cursor stays before it, so the follower
    stops there rather than skipping it or failing unexplained on every round."""
    event: dict[str, Any] = {}
    try:
        with transaction.atomic():
            cursor = FeedCursor.objects.select_for_update().get(pk=cursor_pk)
            if cursor.position >= position:
                return 0  # another follower of the same feed got here first
            applied = 0
            for event in events:
                payload = event["payload"]
                if _mirror(payload, feed_url) is not None:
                    center_subject_apply(center=center, event_payload=payload, seq=int(event["seq"]))
                    applied += 1
            cursor.position = position
            cursor.read_at = timezone.now()
            cursor.last_error = ""
            cursor.save(update_fields=["position", "read_at", "last_error"])
    except Exception as error:
        logger.exception("feed %s: event at position %s cannot be applied", feed_url, position)
        sent = event.get("payload")
        named: dict[str, Any] = sent if isinstance(sent, dict) else {}
        reason = (
            error.message
            if isinstance(error, DomainError)
            else EVENT_ERROR_OTHER.format(kind=type(error).__name__)
        )
        raise FeedError(
            FEED_EVENT_FAILED.format(
                code=named.get("code") or event.get("subject_code") or "?",
                seq=event.get("seq", "?"),
                error=reason,
            )
        ) from error
    return applied


def _mirror(payload: dict[str, Any], feed_url: str) -> Subject | None:
    """This database's subject for the payload, made on its first valid event, kept up to date.

    The registry is the source of the name, status and bidding scope; the rest of the data lives in
    the center's CenterSubject.registry_data. None for a subject this center has no reason to know
    (never valid, so no center takes it).
    """
    subject = Subject.objects.select_for_update().filter(code=payload["code"]).first()
    if subject is None:
        if payload.get("status") != SubjectStatus.VALID:
            return None
        subject = Subject.objects.create(
            kind=payload["kind"],
            code_type=payload["code_type"],
            code=payload["code"],
            name=payload["name"],
            status=payload["status"],
            bidding_scope=payload["bidding_scope"],
        )
        account = Account(username=subject.code, subject=subject, display_name=subject.name)
        # Logs in here with its certificate only: the password lives with the registry.
        account.set_unusable_password()
        account.save()
        audit_log(
            actor=SYSTEM,
            action=rules.AUDIT_SUBJECT_MIRRORED,
            target=subject,
            subject_id=subject.pk,
            data={"feed": feed_url, "code": subject.code},
        )
        return subject
    fields = {key: payload[key] for key in ("name", "status", "bidding_scope") if key in payload}
    if any(getattr(subject, key) != value for key, value in fields.items()):
        for key, value in fields.items():
            setattr(subject, key, value)
        subject.save(update_fields=[*fields, "updated_at"])
        Account.objects.filter(subject=subject).update(display_name=subject.name)
    return subject


def follow_configured() -> int:
    """The worker's job when this deployment is a center apart (GGZY_FOLLOW_FEED_URL is set)."""
    feed_url = settings.GGZY_FOLLOW_FEED_URL
    if not feed_url:
        return 0
    center = Center.objects.filter(code=settings.GGZY_FOLLOW_CENTER).first()
    if center is None:
        raise NotFound(f"GGZY_FOLLOW_CENTER names no center: {settings.GGZY_FOLLOW_CENTER!r}")
    try:
        result = feed_follow(feed_url=feed_url, center=center, token=settings.GGZY_FEED_TOKEN)
    except FeedError as error:
        logger.warning("following %s: %s", feed_url, error.message)
        return 0
    return result.applied
