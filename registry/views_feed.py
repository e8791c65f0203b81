"""The registry's change feed of subjects, for centers deployed apart (centers/follow.py).

GET /registry/feed/subjects/?after=<cursor>&limit=<n> with `Authorization: Bearer <GGZY_FEED_TOKEN>`:
the events after the cursor, oldest first, and the cursor to ask with next. Read-only; what may be
served and why a reader never skips an event is in registry/events.subject_feed_page.
"""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from core.outbox import bearer_token_ok
from registry.events import FEED_LIMIT_DEFAULT, FEED_LIMIT_MAX, subject_feed_page

BAD_AFTER = "after must be a cursor (a whole number ≥ 0) from an earlier answer's next"
BAD_LIMIT = f"limit must be a whole number from 1 to {FEED_LIMIT_MAX}"


@require_GET
def subject_feed(request: HttpRequest) -> JsonResponse:
    if not bearer_token_ok(request.headers.get("Authorization", ""), settings.GGZY_FEED_TOKEN):
        response = JsonResponse({"error": "unauthorized"}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="ggzy subject feed"'
        return response
    after = _whole(request.GET.get("after", "0"))
    if after is None:
        return JsonResponse({"error": BAD_AFTER}, status=400)
    limit = _whole(request.GET.get("limit", str(FEED_LIMIT_DEFAULT)))
    if limit is None or not 1 <= limit <= FEED_LIMIT_MAX:
        return JsonResponse({"error": BAD_LIMIT}, status=400)
    page = subject_feed_page(after=after, limit=limit)
    return JsonResponse(
        {
            "events": [event.as_json() for event in page.events],
            "next": page.next,
            "watermark": page.watermark.isoformat(),
        },
        json_dumps_params={"ensure_ascii": False},
    )


# A cursor is a bigint: more digits than this cannot be one, and would overflow the query.
WHOLE_DIGITS_MAX = 18


def _whole(value: str) -> int | None:
    if not (value.isascii() and value.isdigit()) or len(value) > WHOLE_DIGITS_MAX:
        return None
    return int(value)
