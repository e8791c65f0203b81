"""The registry's change feed of subjects, for centers deployed apart (centers/follow.py).

GET /registry/feed/subjects/?after=<cursor>&limit=<n> with `Authorization: Bearer <GGZY_FEED_TOKEN>`:
the events after the cursor, oldest first, and the cursor to ask with next. Read-only; what may be
served and why a reader never skips an event is in registry/events.subject_feed_page.
"""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from core.feed import cursor_args
from core.outbox import bearer_token_ok
from registry.events import subject_feed_page


@require_GET
def subject_feed(request: HttpRequest) -> JsonResponse:
    if not bearer_token_ok(request.headers.get("Authorization", ""), settings.GGZY_FEED_TOKEN):
        response = JsonResponse({"error": "unauthorized"}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="ggzy subject feed"'
        return response
    args = cursor_args(request.GET)
    if isinstance(args, str):
        return JsonResponse({"error": args}, status=400)
    after, limit = args
    page = subject_feed_page(after=after, limit=limit)
    return JsonResponse(
        {
            "events": [event.as_json() for event in page.events],
            "next": page.next,
            "watermark": page.watermark.isoformat(),
        },
        json_dumps_params={"ensure_ascii": False},
    )
