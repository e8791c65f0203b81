"""The statutory clock, live: GET /procurement/deadlines/?rule=…&from=…[&value=…].

A page's date field asks this as the user types and shows the answer beside the field: the
earliest (or latest) allowed time, the article, whether the calendar is provisional, and the
refusal when `value` breaks the rule. Nothing is stored; the forms check again on submit.
"""

from __future__ import annotations

import datetime as dt
import re

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from core.http import RequestRefused
from procurement import deadlines
from review import calendar

LOGIN_REQUIRED = "请先登录后再计算期限。"
RULE_UNKNOWN = "未知的期限规则「{rule}」，请刷新页面后重试。"
FROM_REQUIRED = "请提供起算时间（from），如 2026-12-26T09:00。"
TIME_INVALID = "时间「{value}」格式不正确，请使用如 2026-12-26T09:00 的日期时间。"
TIME_OUT_OF_RANGE = "时间「{value}」超出范围，只能计算 {first} 年至 {last} 年的期限。"

# The years the official calendar is kept for; beyond them a date means a typing slip.
YEAR_FIRST, YEAR_LAST = 2000, 2099
TEXT_MAX = 40  # "2026-12-26T09:00:00.000000+08:00" has 32 characters
# A "+08:00" sent unencoded in a query string arrives as " 08:00".
_UNENCODED_PLUS = re.compile(r"(.*T.*\d) (\d{2}:?\d{2})")


def _error(message: str, status: int, field: str | None = None) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message, "field": field}, status=status)


def _time(raw: str, field: str) -> dt.datetime:
    """A datetime from the query string, in local time when it names no offset."""
    text = raw.strip()
    shown = text if len(text) <= TEXT_MAX else text[:TEXT_MAX] + "…"
    if len(text) > TEXT_MAX:
        raise RequestRefused(TIME_INVALID.format(value=shown), field=field)
    if unencoded := _UNENCODED_PLUS.fullmatch(text):
        text = f"{unencoded[1]}+{unencoded[2]}"
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise RequestRefused(TIME_INVALID.format(value=shown), field=field) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=calendar.local_zone())
    # Checked before any conversion: 0001-01-01 at +14:00 has no local time to convert to.
    if not YEAR_FIRST <= value.year <= YEAR_LAST:
        raise RequestRefused(
            TIME_OUT_OF_RANGE.format(value=shown, first=YEAR_FIRST, last=YEAR_LAST), field=field
        )
    return value


def _iso(value: dt.datetime | None) -> str | None:
    return deadlines.local(value).isoformat() if value is not None else None


@require_GET
def deadline_lookup(request: HttpRequest) -> JsonResponse:
    # A page's script asks this, not a person: login_required's redirect to the login page would
    # reach the script as an HTML page, so an anonymous request gets its refusal as JSON instead.
    if not request.user.is_authenticated:
        return _error(LOGIN_REQUIRED, 401)
    key = request.GET.get("rule", "").strip()
    rule = deadlines.RULES.get(key)
    if rule is None:
        return _error(RULE_UNKNOWN.format(rule=key[:TEXT_MAX]), 400, "rule")
    try:
        if not request.GET.get("from", "").strip():
            raise RequestRefused(FROM_REQUIRED, field="from")
        start = _time(request.GET["from"], "from")
        value = _time(request.GET["value"], "value") if request.GET.get("value", "").strip() else None
    except RequestRefused as refused:
        return _error(refused.message, refused.status, refused.field)
    limit = deadlines.limit_for(rule, start)
    return JsonResponse(
        {
            "ok": True,
            "rule": rule.key,
            "measures": rule.measures,
            "limit": rule.limit_text,
            "earliest": _iso(limit.earliest),
            "latest": _iso(limit.latest),
            "earliest_text": limit.earliest_text,
            "latest_text": limit.latest_text,
            "provisional": limit.provisional,
            "note": limit.note,
            "citation": rule.citation,
            "problem": deadlines.check(rule, start, value) if value is not None else None,
        }
    )
