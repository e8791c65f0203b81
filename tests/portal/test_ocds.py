"""Open data (procurement/ocds.py, portal/ocds_views.py): each published announcement is an OCDS
release; the packages, the record and the feed validate with libcoveocds with zero errors; the record
is what ocdskit compiles; the feed never skips a late commit; red flags are computed with their rule."""

import datetime as dt
import html
import io
import json
import zipfile
from decimal import Decimal

import ocdskit.combine
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from procurement import ocds
from procurement.announcement_models import Announcement, AnnouncementKind
from procurement.ocds_models import Release
from tests.portal import ocdsparts
from tests.procurement.announcement_factories import make, publish

pytestmark = pytest.mark.django_db


def package(client, name, ocid):
    response = client.get(f"/ocds/{name}/{ocid}.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


def test_each_published_announcement_is_one_release_of_its_process(client, lifecycle):
    releases = list(Release.objects.order_by("date", "id"))
    published = Announcement.objects.filter(status="published").count()
    assert len(releases) == published == 5
    ocid = releases[0].ocid
    assert ocid == f"{settings.GGZY_OCDS_PREFIX}-{lifecycle.project.code}-{lifecycle.pk}"
    assert {r.ocid for r in releases} == {ocid}
    assert [r.data["tag"] for r in releases] == [
        ["tender"], ["tenderAmendment"], ["award"], ["tenderUpdate"], ["awardUpdate"]
    ]  # fmt: skip
    last = releases[-1].data
    assert last["tender"]["status"] == "complete"
    assert {lot["id"]: lot["status"] for lot in last["tender"]["lots"]} == {
        "1": "complete",
        "2": "unsuccessful",
    }
    awards = {a["id"]: a for a in last["awards"]}
    statuses = sorted(
        (a["relatedLots"][0], a["status"], a.get("value", {}).get("amount")) for a in awards.values()
    )
    assert statuses == [("1", "active", 97000), ("1", "cancelled", 98000.5), ("2", "unsuccessful", None)]
    assert {p["name"]: p["roles"] for p in last["parties"]}[lifecycle.project.purchaser_name] == ["buyer"]
    # Published data never changes: a release written once stays as it was.
    first = releases[0].data
    assert "awards" not in first and first["tender"]["status"] == "active"


def test_the_packages_validate_with_libcoveocds_with_zero_errors(client, lifecycle, tmp_path, monkeypatch):
    ocid = Release.objects.values_list("ocid", flat=True).first()
    releases = package(client, "releases", ocid)
    assert releases["extensions"] == [ocds.LOTS_EXTENSION]
    report = ocdsparts.cove(releases, tmp_path / "releases", monkeypatch)
    assert ocdsparts.problems(report) == {}
    # The one code outside the standard's lists is in an open one: the catalogue's scheme.
    assert list(report["additional_open_codelist_values"]) == ["releases/tender/items/classification/scheme"]
    assert (report["count"], report["unique_ocids_count"]) == (5, 1)
    # The document links are absolute URLs of this site, and they answer with the sealed PDF.
    url = releases["releases"][0]["tender"]["documents"][0]["url"]
    assert url.startswith("http://testserver/")
    pdf = client.get(url.removeprefix("http://testserver"))
    assert (
        pdf.status_code == 200
        and b"".join(pdf.streaming_content if pdf.streaming else [pdf.content])[:5] == b"%PDF-"
    )
    records = package(client, "records", ocid)
    report = ocdsparts.cove(records, tmp_path / "records", monkeypatch)
    assert ocdsparts.problems(report) == {}


def test_the_record_is_what_ocdskit_compiles(client, lifecycle):
    ocid = Release.objects.values_list("ocid", flat=True).first()
    releases = package(client, "releases", ocid)
    record = package(client, "records", ocid)["records"][0]
    # ocdskit's merge with the standard's schema (the copy the platform ships), from the public package.
    compiled = next(iter(ocdskit.combine.merge([releases], schema=_schema())))
    assert record["compiledRelease"] == compiled
    assert record["compiledRelease"]["tag"] == ["compiled"]
    assert record["compiledRelease"]["tender"]["lots"][1]["status"] == "unsuccessful"


def _schema():
    with zipfile.ZipFile(ocds.STANDARD_ZIP) as bundle:
        return json.loads(bundle.read("standard-1__1__5/schema/release-schema.json"))


def test_an_unknown_ocid_is_404(client, announced):
    assert client.get(f"/ocds/releases/{settings.GGZY_OCDS_PREFIX}-NO-SUCH-1.json").status_code == 404
    assert client.get(f"/ocds/records/{settings.GGZY_OCDS_PREFIX}-NO-SUCH-1.json").status_code == 404
    assert client.get("/ocds/releases/not-an-ocid.json").status_code == 404


# --- the daily bulk files ---------------------------------------------------------------------------


def test_a_day_is_downloadable_in_json_lines_once_it_is_over(client, lifecycle):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    noon = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(12)))
    first = Release.objects.order_by("id").first()
    Release.objects.filter(pk=first.pk).update(created_at=noon)
    index = client.get("/ocds/bulk/").json()["files"]
    assert [(f["date"], f["count"]) for f in index] == [(yesterday.isoformat(), 1)]
    response = client.get(f"/ocds/bulk/{yesterday.isoformat()}.jsonl")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/x-ndjson")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [first.release_id]
    # Today is not over: its file would still grow.
    assert client.get(f"/ocds/bulk/{timezone.localdate().isoformat()}.jsonl").status_code == 404
    assert client.get("/ocds/bulk/2026-13-40.jsonl").status_code == 404


# --- red flags ---------------------------------------------------------------------------------------


def test_red_flags_are_computed_from_the_releases_with_their_rule(lifecycle):
    releases = ocds.releases_of(Release.objects.values_list("ocid", flat=True).first())
    assert ocds.red_flags(releases) == []  # the platform refused every one of these at the source
    tender, amendment, award = (json.loads(json.dumps(r)) for r in releases[:3])
    period = tender["tender"]["tenderPeriod"]
    period["endDate"] = (dt.datetime.fromisoformat(period["startDate"]) + dt.timedelta(days=10)).isoformat()
    amendment["tender"]["tenderPeriod"]["endDate"] = (
        dt.datetime.fromisoformat(period["startDate"]) + dt.timedelta(days=5)
    ).isoformat()
    own = next(a for a in award["awards"] if a["status"] == "active")
    ceiling = next(
        lot["value"]["amount"] for lot in award["tender"]["lots"] if lot["id"] == own["relatedLots"][0]
    )
    own["value"]["amount"] = ceiling + 1
    own["date"] = (dt.datetime.fromisoformat(award["date"]) - dt.timedelta(days=10)).isoformat()
    flags = ocds.red_flags([tender, amendment, award])
    assert [f.code for f in flags] == [
        ocds.FLAG_SHORT_PERIOD, ocds.FLAG_SHORTENED, ocds.FLAG_OVER_CEILING, ocds.FLAG_LATE_AWARD
    ]  # fmt: skip
    short, shortened, over, late = flags
    assert "《中华人民共和国政府采购法》第三十五条" in short.reason and short.release == tender["id"]
    assert "提前至" in shortened.reason and shortened.release == amendment["id"]
    assert "第六十三条" in over.reason and f"{ceiling + 1:,.2f}" in over.reason
    assert "第六十九条" in late.reason


def test_the_announcement_page_shows_its_red_flags_and_open_data(client, lifecycle):
    notice = Announcement.objects.get(kind=AnnouncementKind.TENDER)
    ocid = Release.objects.get(announcement=notice).ocid
    page = client.get(f"/announcements/{notice.pk}/").content.decode()
    assert "风险提示" in page and "未发现风险提示" in page
    assert f"/ocds/records/{ocid}.json" in page
    assert client.get("/ocds/").status_code == 200


def test_announcements_published_before_open_data_are_backfilled_once(client, announced):
    notice = Announcement.objects.get(kind=AnnouncementKind.TENDER)
    stored = Release.objects.get(announcement=notice).data
    Release.objects.all().delete()
    Announcement.objects.filter(pk=notice.pk).update(search_text="", search_facets="", budget=None)
    assert "共 0 条" in client.get("/announcements/", {"q": "第一中学"}).content.decode()
    out = io.StringIO()
    call_command("opendata_backfill", stdout=out)
    assert out.getvalue().strip() == "opendata_backfill: 1 announcements indexed, 1 releases written"
    assert Release.objects.get(announcement=notice).data == stored  # nothing happened since
    assert "共 1 条" in client.get("/announcements/", {"q": "第一中学"}).content.decode()
    again = io.StringIO()
    call_command("opendata_backfill", stdout=again)
    assert again.getvalue() == "" and Release.objects.count() == 1


def test_a_late_award_notice_is_flagged_on_its_page_and_in_its_record(
    client, agency, evaluated, key, changde_reviewer
):
    """The platform warns and still publishes an award notice later than 87号令 art. 69 allows; the
    public sees the flag with its reason, and the record carries it."""
    account, entry = agency
    tender, lot = evaluated
    long_ago = timezone.now() - dt.timedelta(days=10)
    lot.evaluations.update(ended_at=long_ago - dt.timedelta(hours=1))
    award = {"winner": entry, "price": Decimal("1"), "awarded_at": long_ago}
    made = publish(
        account, make(account, entry, AnnouncementKind.AWARD, tender, lot, **award), key, changde_reviewer
    )
    page = html.unescape(client.get(f"/announcements/{made.pk}/").content.decode())
    assert "中标公告晚于法定期限发布" in page and "第六十九条" in page
    ocid = Release.objects.get(announcement=made).ocid
    flags = package(client, "records", ocid)["records"][0]["redFlags"]
    assert [(f["code"], f["release"]) for f in flags] == [(ocds.FLAG_LATE_AWARD, made.release.release_id)]
