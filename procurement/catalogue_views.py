"""The catalogue's autocomplete: GET /procurement/catalogue/?q=… for a lot's 采购目录 field."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from procurement.catalogue import Item, catalogue_search

# The longest name in the catalogue has 23 characters and a code 9: a longer query finds nothing
# and is refused before it is compared with 4,000 names.
QUERY_MAX = 50
RESULTS_MAX = 20

LOGIN_REQUIRED = "请先登录后再查询采购目录。"
QUERY_EMPTY = "请输入品目编码或名称，如 A02010105 或 台式计算机。"
QUERY_TOO_LONG = f"查询内容过长，请输入不超过 {QUERY_MAX} 个字的品目编码或名称。"


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


def _as_json(item: Item) -> dict[str, str | int | None]:
    return {
        "code": item.code,
        "name": item.name,
        "kind": item.kind,
        "level": item.level,
        "parent": item.parent,
    }


@require_GET
def catalogue_lookup(request: HttpRequest) -> JsonResponse:
    # A page's script asks this, not a person: login_required's redirect to the login page would
    # reach the script as an HTML page, so an anonymous request gets its refusal as JSON instead.
    if not request.user.is_authenticated:
        return _error(LOGIN_REQUIRED, 401)
    query = request.GET.get("q", "").strip()
    if not query:
        return _error(QUERY_EMPTY, 400)
    if len(query) > QUERY_MAX:
        return _error(QUERY_TOO_LONG, 400)
    return JsonResponse(
        {"ok": True, "items": [_as_json(item) for item in catalogue_search(query, RESULTS_MAX)]}
    )
