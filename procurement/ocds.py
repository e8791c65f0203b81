"""Open data (DOMAIN §5): the Open Contracting Data Standard 1.1, with the lots extension.

One contracting process is one tender document (招标文件) and the lots it covers; its ocid is
`<GGZY_OCDS_PREFIX>-<project code>-<tender id>`. Each published announcement of it is one release,
written in the transaction that publishes the announcement (release_record) and never changed:

    招标公告 tender · 变更公告 tenderAmendment · 中标公告 award · 中标公告变更 awardUpdate ·
    废标公告, 项目暂停, 恢复交易 tenderUpdate · 项目取消 tenderUpdate, or tenderCancellation once
    every lot of the process is cancelled.

A release holds the whole process as it stands when published (the tender, its lots and period,
every award so far, every announcement's sealed PDF), so a release alone answers a reader, and the
record (record_compile) is the standard's merge of them, done by ocdsmerge with the standard's own
schema (data/ocds/standard-1__1__5.zip, the published 1.1.5 schema files, Apache-2.0).

Red flags (red_flags) are computed from the releases alone, so anyone holding the public data can
recompute them; each cites its rule.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import zipfile
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import ocdsmerge
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from procurement import deadlines
from procurement.announcement_models import Announcement, AnnouncementKind, AnnouncementStatus
from procurement.models import LotStage, ProcurementMethod
from procurement.ocds_models import Release

VERSION = "1.1"
LOTS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json"
)
EXTENSIONS = [LOTS_EXTENSION]
CURRENCY = "CNY"
LANGUAGE = "zh"
STANDARD_ZIP = Path(__file__).resolve().parent / "data" / "ocds" / "standard-1__1__5.zip"
# 政府采购品目分类目录 (财库〔2013〕189号), whose codes the lots carry. No scheme code is registered
# for it in the standard's open itemClassificationScheme codelist, so it is named here.
CATALOGUE_SCHEME = "CN-GPPC"
# A party's identifier: the 统一社会信用代码 (GB 32100-2015).
PARTY_SCHEME = "CN-USCC"

# 政府采购法 art. 26: open tendering is OCDS open; invited tendering selective; negotiation,
# consultation and inquiry, where the purchaser picks whom to ask, limited; single source direct.
METHODS = {
    ProcurementMethod.OPEN: "open",
    ProcurementMethod.INVITED: "selective",
    ProcurementMethod.NEGOTIATION: "limited",
    ProcurementMethod.CONSULTATION: "limited",
    ProcurementMethod.INQUIRY: "limited",
    ProcurementMethod.SINGLE_SOURCE: "direct",
}
# 政府采购品目 codes start with A (货物), B (工程) or C (服务).
CATEGORIES = {"A": "goods", "B": "works", "C": "services"}
LOT_STATUS = {
    LotStage.DRAFT: "planned",
    LotStage.ANNOUNCED: "active",
    LotStage.EVALUATED: "active",
    LotStage.SUSPENDED: "active",
    LotStage.AWARDED: "complete",
    LotStage.FAILED: "unsuccessful",
    LotStage.TERMINATED: "cancelled",
}
DOCUMENT_TYPES = {
    AnnouncementKind.TENDER: "tenderNotice",
    AnnouncementKind.CORRECTION: "tenderNotice",
    AnnouncementKind.AWARD: "awardNotice",
    AnnouncementKind.AWARD_CHANGE: "awardNotice",
    AnnouncementKind.FAILURE: "tenderNotice",
    AnnouncementKind.SUSPENSION: "tenderNotice",
    AnnouncementKind.RESUMPTION: "tenderNotice",
    AnnouncementKind.TERMINATION: "tenderNotice",
}


def ocid_for(announcement: Announcement) -> str:
    return f"{settings.GGZY_OCDS_PREFIX}-{announcement.project.code}-{announcement.tender_id}"


# --- writing a release ------------------------------------------------------------------------------


def release_record(announcement: Announcement) -> Release:
    """The release of `announcement`, just published, inside the transaction that publishes it."""
    data = release_build(announcement)
    assert announcement.published_at is not None
    return Release.objects.create(
        ocid=data["ocid"],
        release_id=data["id"],
        announcement=announcement,
        project=announcement.project,
        date=announcement.published_at,
        data=data,
    )


def release_build(announcement: Announcement) -> dict[str, Any]:
    published = announcement.published_at
    assert published is not None, "a release is of a published announcement"
    project, tender = announcement.project, announcement.tender
    ocid = ocid_for(announcement)
    lots = list(tender.lots.order_by("number"))
    shown = _published(tender_id=tender.pk, until=announcement)
    awards = _awards(shown, lots)
    buyer = _party(project.purchaser_name, project.purchaser_code, "buyer")
    agency = announcement.agency.subject
    procuring = _party(agency.name, agency.code, "procuringEntity")
    suppliers = [_party(a.winner_name, a.winner_code, "supplier") for a in shown if a.winner_name]
    statuses = {LOT_STATUS[LotStage(lot.stage)] for lot in lots}
    tender_data: dict[str, Any] = {
        "id": str(tender.pk),
        "title": project.name,
        "status": _tender_status(statuses),
        "procuringEntity": {"id": procuring["id"], "name": procuring["name"]},
        "tenderPeriod": {"startDate": _time(tender.documents_from), "endDate": _time(tender.bid_deadline)},
        "lots": [_lot(lot) for lot in lots],
        "items": [_item(lot) for lot in lots],
        "documents": [_document(a) for a in shown],
    }
    if project.method:
        tender_data["procurementMethod"] = METHODS[ProcurementMethod(project.method)]
        tender_data["procurementMethodDetails"] = ProcurementMethod(project.method).label
    categories = {CATEGORIES.get(lot.catalogue_code[:1]) for lot in lots}
    if len(categories) == 1 and None not in categories:
        tender_data["mainProcurementCategory"] = categories.pop()
    if project.budget is not None:
        tender_data["value"] = _money(project.budget)
    amendments = [_amendment(a) for a in shown if a.kind == AnnouncementKind.CORRECTION]
    if amendments:
        tender_data["amendments"] = amendments
    release: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-{announcement.kind}-{announcement.pk}",
        "date": _time(published),
        "tag": [_tag(announcement, statuses)],
        "initiationType": "tender",
        "language": LANGUAGE,
        "parties": _parties([buyer, procuring, *suppliers]),
        "tender": tender_data,
    }
    if project.purchaser_name:
        release["buyer"] = {"id": buyer["id"], "name": buyer["name"]}
    if awards:
        release["awards"] = awards
    return release


def _published(*, tender_id: int, until: Announcement) -> list[Announcement]:
    """The process's published announcements up to `until`, in the order they were published."""
    found = list(
        Announcement.objects.filter(tender_id=tender_id, status=AnnouncementStatus.PUBLISHED)
        .exclude(pk=until.pk)
        .filter(published_at__lte=until.published_at)
        .select_related("document", "lot")
        .order_by("published_at", "pk")
    )
    return [*found, until]


# Each kind's releaseTag; the ones not named are tenderUpdate (废标, 暂停, 恢复交易, 项目取消 of a lot).
TAGS = {
    AnnouncementKind.TENDER: "tender",
    AnnouncementKind.CORRECTION: "tenderAmendment",
    AnnouncementKind.AWARD: "award",
    AnnouncementKind.AWARD_CHANGE: "awardUpdate",
}


def _tag(announcement: Announcement, statuses: set[str]) -> str:
    if announcement.kind == AnnouncementKind.TERMINATION and statuses == {"cancelled"}:
        return "tenderCancellation"  # every lot of the process is cancelled
    return TAGS.get(AnnouncementKind(announcement.kind), "tenderUpdate")


def _tender_status(statuses: set[str]) -> str:
    if "active" in statuses or "planned" in statuses:
        return "active"
    if statuses == {"cancelled"}:
        return "cancelled"
    if "complete" in statuses:
        return "complete"
    return "unsuccessful"


def _lot(lot: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": str(lot.number),
        "title": lot.name or f"第{lot.number}包",
        "status": LOT_STATUS[LotStage(lot.stage)],
    }
    if lot.budget is not None:
        found["value"] = _money(lot.budget)
    return found


def _item(lot: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"id": str(lot.number), "description": lot.name or f"第{lot.number}包"}
    if lot.catalogue_code:
        item["classification"] = {
            "scheme": CATALOGUE_SCHEME,
            "id": lot.catalogue_code,
            "description": lot.catalogue_name or lot.catalogue_code,
        }
    item["relatedLot"] = str(lot.number)
    return item


def _document(announcement: Announcement) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": f"announcement-{announcement.pk}",
        "documentType": DOCUMENT_TYPES[AnnouncementKind(announcement.kind)],
        "title": announcement.document.title,
        "description": announcement.get_kind_display(),
        # A path of this site; whoever serves the release makes it absolute (links_absolute).
        "url": reverse("procurement_published:pdf", args=[announcement.pk]),
        "datePublished": _time(announcement.published_at),
        "format": "application/pdf",
        "language": LANGUAGE,
    }
    if announcement.lot is not None:
        found["relatedLots"] = [str(announcement.lot.number)]
    return found


def _amendment(announcement: Announcement) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": f"announcement-{announcement.pk}",
        "date": _time(announcement.published_at),
        "description": announcement.content or announcement.get_kind_display(),
    }
    if announcement.old_bid_deadline and announcement.new_bid_deadline:
        found["rationale"] = (
            f"投标截止时间由 {deadlines.format_time(announcement.old_bid_deadline)} "
            f"变更为 {deadlines.format_time(announcement.new_bid_deadline)}"
        )
    return found


def _awards(shown: list[Announcement], lots: list[Any]) -> list[dict[str, Any]]:
    """Every award published so far: the lot's latest is active, the ones it replaced cancelled;
    a lot that failed is an unsuccessful award without supplier."""
    latest: dict[int, Announcement] = {}
    for announcement in shown:
        if announcement.lot_id is not None and announcement.kind in (
            AnnouncementKind.AWARD,
            AnnouncementKind.AWARD_CHANGE,
            AnnouncementKind.FAILURE,
        ):
            latest[announcement.lot_id] = announcement
    awards = []
    for announcement in shown:
        if announcement.lot_id not in latest or announcement.lot is None:
            continue
        kind = announcement.kind
        if kind not in (AnnouncementKind.AWARD, AnnouncementKind.AWARD_CHANGE, AnnouncementKind.FAILURE):
            continue
        current = latest[announcement.lot_id].pk == announcement.pk
        award: dict[str, Any] = {
            "id": f"announcement-{announcement.pk}",
            "title": announcement.document.title,
            "date": _time(announcement.awarded_at or announcement.published_at),
            "relatedLots": [str(announcement.lot.number)],
        }
        if kind == AnnouncementKind.FAILURE:
            award["status"] = "unsuccessful" if current else "cancelled"
            award["description"] = announcement.get_failure_reason_display() or announcement.content
        else:
            award["status"] = "active" if current else "cancelled"
            award["suppliers"] = [
                {
                    "id": _party_id(announcement.winner_name, announcement.winner_code),
                    "name": announcement.winner_name,
                }
            ]
            if announcement.price is not None:
                award["value"] = _money(announcement.price)
        awards.append(award)
    return awards


def _party_id(name: str, code: str) -> str:
    return f"{PARTY_SCHEME}-{code}" if code else name


def _party(name: str, code: str, role: str) -> dict[str, Any]:
    party: dict[str, Any] = {"id": _party_id(name, code), "name": name, "roles": [role]}
    if code:
        party["identifier"] = {"scheme": PARTY_SCHEME, "id": code, "legalName": name}
    return party


def _parties(parties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per organisation, with all its roles."""
    merged: dict[str, dict[str, Any]] = {}
    for party in parties:
        if not party["name"]:
            continue
        found = merged.setdefault(party["id"], {**party, "roles": []})
        for role in party["roles"]:
            if role not in found["roles"]:
                found["roles"].append(role)
    return list(merged.values())


def _money(amount: Decimal) -> dict[str, Any]:
    return {
        "amount": int(amount) if amount == amount.to_integral_value() else float(amount),
        "currency": CURRENCY,
    }


def _time(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


# --- reading: packages, records -----------------------------------------------------------------------


def releases_of(ocid: str) -> list[dict[str, Any]]:
    return [r.data for r in Release.objects.filter(ocid=ocid).order_by("date", "id")]


@functools.cache
def _merger() -> ocdsmerge.Merger:
    with zipfile.ZipFile(STANDARD_ZIP) as bundle:
        schema = json.loads(bundle.read("standard-1__1__5/schema/release-schema.json"))
    return ocdsmerge.Merger(schema=schema)


def record_compile(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """The record of one ocid: its releases, the compiled release by the standard's merge rules, and
    the red flags computed from them."""
    compiled = _merger().create_compiled_release(releases)
    return {
        "ocid": releases[0]["ocid"],
        "releases": releases,
        "compiledRelease": compiled,
        "redFlags": [asdict(flag) for flag in red_flags(releases)],
    }


def package_meta(*, uri: str, published: dt.datetime | None) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": VERSION,
        "publishedDate": _time(published or timezone.now()),
        "publisher": {"name": settings.GGZY_OCDS_PUBLISHER},
        "extensions": EXTENSIONS,
    }


def links_absolute(data: Any, base: str) -> Any:
    """`data` with every document url, stored as a path of this site, made absolute under `base`."""
    if isinstance(data, dict):
        return {
            key: (
                base + value
                if key == "url" and isinstance(value, str) and value.startswith("/")
                else links_absolute(value, base)
            )
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [links_absolute(item, base) for item in data]
    return data


# --- red flags ------------------------------------------------------------------------------------

FLAG_SHORT_PERIOD = "short_tender_period"
FLAG_SHORTENED = "deadline_shortened"
FLAG_OVER_CEILING = "award_over_ceiling"
FLAG_LATE_AWARD = "award_notice_late"
FLAG_TITLES = {
    FLAG_SHORT_PERIOD: "投标期限短于法定最短期限",
    FLAG_SHORTENED: "变更公告提前了投标截止时间",
    FLAG_OVER_CEILING: "中标金额超过分包最高限价",
    FLAG_LATE_AWARD: "中标公告晚于法定期限发布",
}
# The platform rule the 衡阳 manual states (a changed announcement may only move times later).
SHORTENED_REASON = (
    "依据交易平台规则，变更公告只能推迟投标截止时间；发布 {release} 时投标截止时间由 {before} 提前至 {after}"
)
OVER_CEILING_REASON = "第{lot}包中标金额 {price} 元，超过该包预算金额/最高限价 {ceiling} 元；依据《政府采购货物和服务招标投标管理办法》（财政部令第87号）第六十三条，报价超过预算金额或者最高限价的投标无效"


@dataclass(frozen=True)
class RedFlag:
    code: str
    title: str
    reason: str
    release: str  # the id of the release that shows it


def red_flags(releases: list[dict[str, Any]]) -> list[RedFlag]:
    """What looks wrong in one process, from its releases alone (oldest first), each with its rule."""
    flags: list[RedFlag] = []
    previous_end: str | None = None
    for release in releases:
        tender = release.get("tender", {})
        period = tender.get("tenderPeriod", {})
        end = period.get("endDate")
        if release["tag"] == ["tender"]:
            flags += _short_period(release, tender)
        changes = release["tag"][0] in ("tenderAmendment", "tenderUpdate")
        if (
            changes
            and previous_end
            and end
            and dt.datetime.fromisoformat(end) < dt.datetime.fromisoformat(previous_end)
        ):
            reason = SHORTENED_REASON.format(
                release=release["id"],
                before=deadlines.format_time(dt.datetime.fromisoformat(previous_end)),
                after=deadlines.format_time(dt.datetime.fromisoformat(end)),
            )
            flags.append(_flag(FLAG_SHORTENED, reason, release))
        previous_end = end or previous_end
        if release["tag"][0] in ("award", "awardUpdate"):
            flags += _award_flags(release, tender)
    return flags


def _flag(code: str, reason: str, release: dict[str, Any]) -> RedFlag:
    return RedFlag(code=code, title=FLAG_TITLES[code], reason=reason, release=release["id"])


def _short_period(release: dict[str, Any], tender: dict[str, Any]) -> list[RedFlag]:
    method = next((m for m in ProcurementMethod if m.label == tender.get("procurementMethodDetails")), None)
    rule = deadlines.response_deadline_rule(method) if method else None
    period = tender.get("tenderPeriod", {})
    if rule is None or not period.get("startDate") or not period.get("endDate"):
        return []
    refusal = deadlines.check(
        rule, dt.datetime.fromisoformat(period["startDate"]), dt.datetime.fromisoformat(period["endDate"])
    )
    return [_flag(FLAG_SHORT_PERIOD, refusal, release)] if refusal else []


def _award_flags(release: dict[str, Any], tender: dict[str, Any]) -> list[RedFlag]:
    flags = []
    ceilings = {lot["id"]: lot.get("value", {}).get("amount") for lot in tender.get("lots", [])}
    # The award this release publishes; the older ones were flagged by their own releases.
    own = f"announcement-{release['id'].rsplit('-', 1)[-1]}"
    newest = [award for award in release.get("awards", []) if award["id"] == own]
    for award in newest:
        price = award.get("value", {}).get("amount")
        lot = award.get("relatedLots", [""])[0]
        ceiling = ceilings.get(lot)
        if price is not None and ceiling is not None and price > ceiling:
            reason = OVER_CEILING_REASON.format(lot=lot, price=f"{price:,.2f}", ceiling=f"{ceiling:,.2f}")
            flags.append(_flag(FLAG_OVER_CEILING, reason, release))
        late = deadlines.check(
            deadlines.AWARD_ANNOUNCEMENT,
            dt.datetime.fromisoformat(award["date"]),
            dt.datetime.fromisoformat(release["date"]),
        )
        if late:
            flags.append(_flag(FLAG_LATE_AWARD, late, release))
    return flags
