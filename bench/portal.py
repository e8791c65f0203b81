"""Issue 16: the public search (/announcements/) at national scale, and the OCDS change feed.

PostgreSQL only: the figure is of the GIN index of migration 0008_announcement_search, which SQLite
(the embedded default, scanning) does not have. Set BENCH_DATABASE_URL to measure it.

Search. `announcements` published rows are generated in SQL (INSERT … SELECT over generate_series):
titles as the centers write them (「常德市第一中学智慧教室建设项目公开招标公告」) from purchasers of
the three seeded centers, items with their 政府采购品目, every kind and 采购方式 in realistic
shares, budgets spread log-uniformly over 10^4–10^8 元, published over five years; `search_text` and
`search_facets` as publishing stores them (procurement.announcement_search: the same fold, facets and
levels). Their foreign keys point at one announcement bench/announcements.py published through the
services (its project, tender and document): the list shows each row's title from its document, so
every row costs the page the same. The GIN index is dropped for the load and built afterwards with
the migration's own SQL, then ANALYZE (which fills the terms' statistics of migration 0009), as a
live database's autovacuum would leave it.

Each search is the whole page through django.test.Client (form, selector, the page of results with
count, the rows and the template), once untimed (checked, and warming caches), then timed.

Feed. Releases are written one per transaction, as publishing writes them (the feed pages by the
writing transaction, core/feed.py), each a copy of a real release built by procurement.ocds, older
than the watermark; /ocds/feed/ is then read from the start, page after page, as a mirror catching up.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.db import connection
from django.test import Client
from django.utils import timezone

from bench.figures import show, spread, time_ms
from centers.models import Center
from procurement.announcement_models import Announcement, AnnouncementKind, AnnouncementStatus, FailureReason
from procurement.announcement_search import catalogue_facets, fold, region_facets
from procurement.models import ProcurementMethod
from procurement.ocds_models import Release

LIMIT = "p95 ≤ 50 ms"
BATCH = 250_000  # announcements per INSERT … SELECT: each commit stays moderate
RELEASES = 200_000
FEED_PAGES = {100: 200, 500: 40}  # releases a page: pages read (20,000 releases either way)
YEARS = 5
INDEX = "procurement_announcement_search"
MIGRATION = "procurement.migrations.0008_announcement_search"

# Purchasers (采购人) by center, with the 行政区划代码 their 统一社会信用代码 carries.
PURCHASERS = {
    "changde": [
        ("常德市第一中学", "430702"),
        ("常德市第一人民医院", "430702"),
        ("常德市武陵区人民政府", "430702"),
        ("常德职业技术学院", "430702"),
        ("常德市鼎城区教育局", "430703"),
        ("常德市公安局", "430700"),
        ("安乡县农业农村局", "430721"),
        ("汉寿县自然资源局", "430722"),
        ("澧县第一中学", "430723"),
        ("桃源县人民医院", "430725"),
        ("石门县城市管理局", "430726"),
        ("津市市人民医院", "430781"),
    ],
    "hengyang": [
        ("衡阳市中心医院", "430405"),
        ("衡阳市珠晖区教育局", "430405"),
        ("衡阳市雁峰区卫生健康局", "430406"),
        ("衡阳市第八中学", "430407"),
        ("衡阳市石鼓区城市管理局", "430407"),
        ("衡阳市蒸湘区人民政府", "430408"),
        ("衡阳师范学院", "430400"),
        ("衡南县人民医院", "430422"),
        ("衡山县第一中学", "430423"),
        ("耒阳市自然资源局", "430481"),
        ("常宁市教育局", "430482"),
    ],
    "fengtai": [
        ("北京市丰台区人民政府", "110106"),
        ("北京市丰台区教育委员会", "110106"),
        ("北京市丰台区卫生健康委员会", "110106"),
        ("北京市丰台区城市管理委员会", "110106"),
        ("北京市丰台区园林绿化局", "110106"),
        ("北京市第十二中学", "110106"),
        ("北京市丰台医院", "110106"),
        ("首都医科大学附属北京佑安医院", "110106"),
    ],
}
# What is bought, and the 政府采购品目 (code, name) of its lot.
ITEMS = [
    ("智慧教室建设", "A02010105", "台式计算机"),
    ("多媒体教室改造", "A02091000", "教学仪器"),
    ("教学设备采购", "A02091000", "教学仪器"),
    ("实验室仪器设备采购", "A02100000", "仪器仪表"),
    ("办公家具采购", "A05010000", "家具"),
    ("办公设备采购", "A02021000", "打印设备"),
    ("医疗设备采购", "A02320000", "医疗设备"),
    ("彩色多普勒超声诊断仪采购", "A02320800", "超声诊断设备"),
    ("公务用车采购", "A02030500", "乘用车"),
    ("图书采购", "A05040100", "图书"),
    ("视频监控系统建设", "A02061800", "视频监控设备"),
    ("道路维修工程", "B02010000", "道路工程"),
    ("校舍维修改造工程", "B08000000", "装修工程"),
    ("物业管理服务", "C21040000", "物业管理服务"),
    ("信息系统运维服务", "C16070000", "运行维护服务"),
    ("食堂食材配送服务", "C23090000", "餐饮服务"),
    ("绿化养护服务", "C21100000", "园林绿化管护服务"),
    ("保安服务", "C21060000", "安全服务"),
    ("年度财务审计服务", "C23030000", "审计服务"),
    ("环卫作业服务", "C21050000", "环境卫生服务"),
]
WINNERS = [
    "湖南湘江信息科技有限公司",
    "常德市建设工程有限公司",
    "衡阳市华康医疗器械有限公司",
    "北京中关村信息技术有限公司",
    "湖南长城物业管理有限公司",
    "北京博雅家具有限公司",
    "湖南省第六工程有限公司",
    "衡阳市恒远信息科技有限公司",
]
# Shares out of 100, and what a row of the kind says beyond its title.
KINDS = [
    (AnnouncementKind.TENDER, 40, "", ""),
    (AnnouncementKind.CORRECTION, 14, "投标截止时间和开标时间延期，其他内容不变。", ""),
    (AnnouncementKind.AWARD, 30, "", ""),
    (AnnouncementKind.AWARD_CHANGE, 3, "中标人放弃中标，依法确定排名第二的中标候选人为中标人。", ""),
    (AnnouncementKind.FAILURE, 8, FailureReason.TOO_FEW.label, FailureReason.TOO_FEW.value),
    (AnnouncementKind.SUSPENSION, 2, "因投诉处理，本项目暂停。", ""),
    (AnnouncementKind.TERMINATION, 2, "因采购需求发生重大变化，本项目终止。", ""),
    (AnnouncementKind.RESUMPTION, 1, "投诉处理完毕，本项目恢复。", ""),
]
AWARDED = {AnnouncementKind.AWARD, AnnouncementKind.AWARD_CHANGE}
METHODS = [
    (ProcurementMethod.OPEN, 50, "公开招标公告"),
    (ProcurementMethod.CONSULTATION, 18, "竞争性磋商公告"),
    (ProcurementMethod.INQUIRY, 12, "询价公告"),
    (ProcurementMethod.NEGOTIATION, 10, "竞争性谈判公告"),
    (ProcurementMethod.SINGLE_SOURCE, 6, "单一来源采购公示"),
    (ProcurementMethod.INVITED, 4, "邀请招标公告"),
]

# One row per generated announcement. The random draws sit in their own subquery (OFFSET 0 keeps
# the planner from inlining it), so each is drawn once per row however often it is used.
LOAD = """
INSERT INTO procurement_announcement (
  center_id, agency_id, project_id, tender_id, document_id, kind, lot_id, other_matters, content,
  affects_bids, has_clarification, winner_name, winner_code, price, awarded_at, failure_reason,
  attachments, status, opinion, submitted_at, submitted_version, submitted_sha256, decided_at,
  decision_opinion, published_at, search_text, search_facets, budget, created_at, updated_at
)
SELECT
  w.p_center_id[x.p], %(agency)s, %(project)s, %(tender)s, %(document)s, w.kind[x.k], NULL, '',
  w.kind_content[x.k], false, false,
  CASE WHEN w.kind_awarded[x.k] THEN w.winner[x.v] ELSE '' END,
  CASE WHEN w.kind_awarded[x.k] THEN w.winner_code[x.v] ELSE '' END,
  CASE WHEN w.kind_awarded[x.k] THEN round(x.budget * 0.93, 2) END,
  CASE WHEN w.kind_awarded[x.k] THEN x.published_at - interval '3 days' END,
  w.kind_failure[x.k], '{}', 'published', '同意发布。', x.published_at - interval '1 day', 1,
  %(sha256)s, x.published_at, '同意发布。', x.published_at,
  concat_ws(' ',
    w.p_name_f[x.p] || w.i_name_f[x.i] || '项目'
      || CASE WHEN w.kind[x.k] = 'tender' THEN w.m_title_f[x.m] ELSE w.kind_title_f[x.k] END,
    w.p_name_f[x.p] || w.i_name_f[x.i] || '项目',
    lower(w.p_center[x.p]) || '-zc-' || to_char(x.published_at, 'YYYY') || '-' || lpad(x.n::text, 7, '0'),
    w.p_name_f[x.p],
    '第1包',
    w.i_cat_f[x.i],
    nullif(w.kind_content_f[x.k], ''),
    CASE WHEN w.kind_awarded[x.k] THEN w.winner_f[x.v] END
  ),
  ' ' || concat_ws(' ', 'center:' || w.p_center[x.p], 'kind:' || w.kind[x.k], 'method:' || w.method[x.m],
    w.p_regions[x.p], w.i_cats[x.i]) || ' ',
  x.budget, x.published_at - interval '2 days', x.published_at
FROM (
  SELECT %(p_center_id)s::bigint[] AS p_center_id, %(p_center)s::text[] AS p_center,
    %(p_name_f)s::text[] AS p_name_f, %(p_regions)s::text[] AS p_regions,
    %(i_name_f)s::text[] AS i_name_f, %(i_cat_f)s::text[] AS i_cat_f, %(i_cats)s::text[] AS i_cats,
    %(kind)s::text[] AS kind, %(kind_pick)s::int[] AS kind_pick, %(kind_title_f)s::text[] AS kind_title_f,
    %(kind_content)s::text[] AS kind_content, %(kind_content_f)s::text[] AS kind_content_f,
    %(kind_failure)s::text[] AS kind_failure, %(kind_awarded)s::boolean[] AS kind_awarded,
    %(method)s::text[] AS method, %(method_pick)s::int[] AS method_pick, %(m_title_f)s::text[] AS m_title_f,
    %(winner)s::text[] AS winner, %(winner_f)s::text[] AS winner_f, %(winner_code)s::text[] AS winner_code
) AS w
CROSS JOIN LATERAL (
  SELECT g AS n,
    1 + floor(random() * cardinality(w.p_center))::int AS p,
    1 + floor(random() * cardinality(w.i_name_f))::int AS i,
    w.kind_pick[1 + floor(random() * 100)::int] AS k,
    w.method_pick[1 + floor(random() * 100)::int] AS m,
    1 + floor(random() * cardinality(w.winner))::int AS v,
    round((10 ^ (4 + 4 * random()))::numeric, -2) AS budget,
    now() - random() * %(span)s::interval AS published_at
  FROM generate_series(%(first)s::int, %(last)s::int) AS g
  OFFSET 0
) AS x
"""

# One release per transaction, as publishing writes them: the feed's position is the transaction.
RELEASES_PROCEDURE = """
CREATE PROCEDURE bench_releases_load(template jsonb, ocid text, project bigint, first_id bigint, count int)
LANGUAGE plpgsql AS $$
DECLARE
  announcement record;
BEGIN
  FOR announcement IN
    SELECT id, kind, published_at FROM procurement_announcement WHERE id >= first_id ORDER BY id LIMIT count
  LOOP
    INSERT INTO procurement_release (ocid, release_id, announcement_id, project_id, date, data, created_at)
    VALUES (
      ocid || '-' || announcement.id,
      ocid || '-' || announcement.id || '-' || announcement.kind,
      announcement.id, project, announcement.published_at,
      jsonb_set(jsonb_set(jsonb_set(template,
        '{ocid}', to_jsonb(ocid || '-' || announcement.id)),
        '{id}', to_jsonb(ocid || '-' || announcement.id || '-' || announcement.kind)),
        '{date}', to_jsonb(announcement.published_at)),
      now() - interval '1 hour'
    );
    COMMIT;
  END LOOP;
END $$;
"""


def run(*, runs: int, announcements: int) -> None:
    if connection.vendor != "postgresql":
        show("portal", "search and ocds feed", "not measured: needs PostgreSQL (set BENCH_DATABASE_URL)")
        return
    model = Announcement.objects.filter(status=AnnouncementStatus.PUBLISHED).order_by("pk").first()
    if model is None:
        raise SystemExit("bench/portal.py needs an announcement published by bench/announcements.py first.")
    first_id = _load(model, announcements)
    _search(runs, first_id, announcements)
    _feed(model, first_id, min(RELEASES, announcements))


def _load(model: Announcement, count: int) -> int:
    """`count` published announcements after `model`; returns the first one's id."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {INDEX}")
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM procurement_announcement")
        first_id = cursor.fetchone()[0]
        params = _words(model)
        started = time.perf_counter()
        for first in range(1, count + 1, BATCH):
            cursor.execute(LOAD, {**params, "first": first, "last": min(first + BATCH - 1, count)})
        loaded = time.perf_counter() - started
        show(
            "setup",
            f"portal: {count} announcements generated",
            f"{loaded:.1f} s ({count / loaded:,.0f} rows/s)",
        )

        # The migration's own SQL (function and index), so the figure is of the index deployed.
        terms = importlib.import_module(MIGRATION).TERMS
        cursor.execute("SHOW maintenance_work_mem")
        memory = cursor.fetchone()[0]
        started = time.perf_counter()
        cursor.execute(terms)
        built = time.perf_counter() - started
        cursor.execute(
            "SELECT pg_relation_size(%s), pg_relation_size('procurement_announcement'), count(*) "
            "FROM procurement_announcement WHERE status = 'published'",
            [INDEX],
        )
        index_bytes, table_bytes, rows = cursor.fetchone()
        show(
            "setup",
            f"portal: search index built over {rows} published",
            f"{built:.1f} s (maintenance_work_mem {memory})",
        )
        per_million = index_bytes / rows * 1_000_000 / 2**20
        show(
            "setup",
            "portal: search index size",
            f"{index_bytes / 2**20:.0f} MB ({per_million:.0f} MB per million announcements; "
            f"table {table_bytes / 2**20:.0f} MB)",
        )
        started = time.perf_counter()
        cursor.execute("ANALYZE procurement_announcement")
        show("setup", "portal: ANALYZE announcements", f"{time.perf_counter() - started:.1f} s")
    return first_id


def _words(model: Announcement) -> dict[str, Any]:
    """The word lists as SQL array parameters: display text as is, search text folded as publishing
    folds it, facets as publishing writes them."""
    centers = dict(Center.objects.filter(code__in=PURCHASERS).values_list("code", "pk"))
    purchasers = [(code, name, region) for code, rows in PURCHASERS.items() for name, region in rows]
    kinds_pick = [n for n, (_, share, _, _) in enumerate(KINDS, start=1) for _ in range(share)]
    methods_pick = [n for n, (_, share, _) in enumerate(METHODS, start=1) for _ in range(share)]
    assert len(kinds_pick) == 100 and len(methods_pick) == 100
    return {
        "agency": model.agency_id,
        "project": model.project_id,
        "tender": model.tender_id,
        "document": model.document_id,
        "sha256": model.submitted_sha256,
        "span": f"{YEARS * 365} days",
        "p_center_id": [centers[code] for code, _, _ in purchasers],
        "p_center": [code for code, _, _ in purchasers],
        "p_name_f": [fold(name) for _, name, _ in purchasers],
        # A 统一社会信用代码 of a 事业单位 registered in the region: positions 3–8 are what counts.
        "p_regions": [" ".join(region_facets(f"12{region}MB0000000X")) for _, _, region in purchasers],
        "i_name_f": [fold(name) for name, _, _ in ITEMS],
        "i_cat_f": [fold(catalogue) for _, _, catalogue in ITEMS],
        "i_cats": [" ".join(catalogue_facets(code)) for _, code, _ in ITEMS],
        "kind": [kind.value for kind, _, _, _ in KINDS],
        "kind_pick": kinds_pick,
        "kind_title_f": [fold(kind.label) for kind, _, _, _ in KINDS],
        "kind_content": [content for _, _, content, _ in KINDS],
        "kind_content_f": [fold(content) for _, _, content, _ in KINDS],
        "kind_failure": [failure for _, _, _, failure in KINDS],
        "kind_awarded": [kind in AWARDED for kind, _, _, _ in KINDS],
        "method": [method.value for method, _, _ in METHODS],
        "method_pick": methods_pick,
        "m_title_f": [fold(title) for _, _, title in METHODS],
        "winner": WINNERS,
        "winner_f": [fold(name) for name in WINNERS],
        "winner_code": [f"914304{n:02d}MA4L16JQ9D" for n in range(len(WINNERS))],
    }


def _cases(first_id: int, count: int) -> list[tuple[str, dict[str, str]]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_text FROM procurement_announcement WHERE id = %s", [first_id + count // 2]
        )
        text = cursor.fetchone()[0]
    code = next(word for word in text.split() if re.fullmatch(r"[a-z]+-zc-\d{4}-\d{7}", word)).upper()
    a_month = timezone.localdate() - dt.timedelta(days=400)
    return [
        ("no criteria, first page", {}),
        ("2-character word 「教室」", {"q": "教室"}),
        ("4-character name 「智慧教室」", {"q": "智慧教室"}),
        (f"rare exact project code {code}", {"q": code}),
        ("very common word 「采购」", {"q": "采购"}),
        ("filters only (中标公告, 常德市)", {"kind": "award", "region": "4307"}),
        (
            "words+filters+budget (「医疗设备」, 衡阳, 公开招标, 100万–500万)",
            {
                "q": "医疗设备",
                "center": "hengyang",
                "method": "open",
                "budget_min": "1000000",
                "budget_max": "5000000",
            },
        ),
        ("date range (one month)", {"since": f"{a_month}", "until": f"{a_month + dt.timedelta(days=30)}"}),
        ("deep page 40 of 「采购」", {"q": "采购", "page": "40"}),
    ]


def _search(runs: int, first_id: int, count: int) -> None:
    client = Client()
    url = "/announcements/"
    for figure, params in _cases(first_id, count):
        response = client.get(url, params)
        page = response.content.decode()
        # The page counts nothing: the total shows on the last page only, else 「第 N 页」.
        total = re.search(r"共 (\d+) 条", page)
        if response.status_code != 200 or "没有符合条件的公告" in page:
            raise SystemExit(f"{url}?{params} found nothing (HTTP {response.status_code}).")
        samples = [time_ms(lambda p=params: client.get(url, p)) for _ in range(runs)]
        matches = f"{total.group(1)} matches" if total else "more matches than the page"
        show("portal", f"search {figure}, {matches}", spread(samples), LIMIT)


def _feed(model: Announcement, first_id: int, count: int) -> None:
    """`count` releases, one for each generated announcement from `first_id` on, then the feed read."""
    template = Release.objects.filter(announcement__project=model.project).order_by("pk").first()
    if template is None:
        raise SystemExit("The bench's published announcement has no OCDS release.")
    ocid = f"{template.ocid}-B"
    with connection.cursor() as cursor:
        cursor.execute(RELEASES_PROCEDURE)
        cursor.execute("SELECT octet_length(%s::jsonb::text)", [_json(template.data)])
        size = cursor.fetchone()[0]
        cursor.execute("SET synchronous_commit = off")  # a loader's shortcut; the feed reads committed rows
        started = time.perf_counter()
        cursor.execute(
            "CALL bench_releases_load(%s::jsonb, %s, %s, %s, %s)",
            [_json(template.data), ocid, model.project_id, first_id, count],
        )
        loaded = time.perf_counter() - started
        cursor.execute("RESET synchronous_commit")
        cursor.execute("DROP PROCEDURE bench_releases_load")
        cursor.execute("ANALYZE procurement_release")
    show(
        "setup",
        f"ocds: {count} releases of {size / 1024:.1f} KB, one transaction each",
        f"{loaded:.1f} s ({count / loaded:,.0f} releases/s)",
    )
    client = Client()
    for limit, pages in FEED_PAGES.items():
        client.get("/ocds/feed/", {"after": 0, "limit": limit})  # warm-up
        after, served, samples = "0", 0, []
        for _ in range(pages):
            started = time.perf_counter()
            response = client.get("/ocds/feed/", {"after": after, "limit": limit})
            samples.append((time.perf_counter() - started) * 1000)
            body = response.json()
            served += len(body["releases"])
            after = parse_qs(urlsplit(body["links"]["next"]).query)["after"][0]
            if not body["releases"]:
                break  # caught up, or held back by a transaction still running elsewhere
        seconds = sum(samples) / 1000
        show(
            "ocds",
            f"feed limit={limit}",
            f"{len(samples) / seconds:.1f} pages/s ({served / len(samples):.0f} releases a page, "
            f"{served / seconds:,.0f} releases/s; page {spread(samples)})",
        )


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)
