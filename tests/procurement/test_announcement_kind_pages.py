"""The pages of 变更公告, 中标公告 and 废标公告, and the back-office's 「录入评标结果」: the manual's
steps (选择招标公告 / 选择分包, the kind's form, 「检索」 and 「选择」 of the winner), every refusal
on the same page with what was typed kept."""

import datetime as dt
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from procurement import announcement_rules as rules
from procurement import deadlines, lot_rules, tender_rules
from procurement.announcement_models import Announcement, AnnouncementKind
from procurement.models import LotStage
from registry.models import SubjectStatus
from registry.samples import pdf_bytes
from tests.procurement.announcement_factories import opened
from tests.review.parts import demo_staff

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_each_kind_has_its_list_in_the_menu(agency, certificate_client, changde):
    account, _ = agency
    client = certificate_client(account)
    page = text(client.get(f"/centers/{changde.code}/announcements/corrections/"))
    for label in ("招标公告", "变更公告", "中标公告", "废标公告"):
        assert f">{label}</a>" in page
    assert "新增变更公告：选择招标公告" in page
    assert "新增中标公告：选择分包" in text(client.get(f"/centers/{changde.code}/announcements/awards/"))
    assert "新增废标公告：选择分包" in text(client.get(f"/centers/{changde.code}/announcements/failures/"))


def test_a_correction_refused_for_an_earlier_deadline_keeps_what_was_typed(
    agency, announced, certificate_client, changde
):
    account, _ = agency
    client = certificate_client(account)
    listed = text(client.get(f"/centers/{changde.code}/announcements/corrections/"))
    url = f"/centers/{changde.code}/announcements/correction/new/{announced.pk}/"
    assert url in listed
    earlier = timezone.localtime(announced.bid_deadline - dt.timedelta(days=1))
    answer = client.post(
        url, {"content": "提前开标。", "new_bid_deadline": f"{earlier:%Y-%m-%dT%H:%M}", "save": "1"}
    )
    page = text(answer)
    old = deadlines.format_time(announced.bid_deadline)
    refusal = tender_rules.NEW_DEADLINE_NOT_LATER.format(new=deadlines.format_time(earlier), old=old)
    assert answer.status_code == 400 and refusal in page
    assert "提前开标。" in page and f"{earlier:%Y-%m-%dT%H:%M}" in page
    assert not Announcement.objects.filter(kind=AnnouncementKind.CORRECTION).exists()
    made = client.post(url, {"content": "联系人变更为王敏。", "save": "1"})
    correction = Announcement.objects.get(kind=AnnouncementKind.CORRECTION)
    assert made.status_code == 302 and made["Location"].endswith(f"/announcements/{correction.pk}/")
    detail = text(client.get(made["Location"]))
    assert rules.CREATED.format(kind="变更公告") in detail and "是否有答疑澄清文件" in detail


def test_the_winner_is_found_by_search_and_chosen_with_the_input_kept(
    agency, evaluated, certificate_client, changde
):
    account, entry = agency
    _, lot = evaluated
    client = certificate_client(account)
    url = f"/centers/{changde.code}/announcements/award/new/{lot.pk}/"
    assert url in text(client.get(f"/centers/{changde.code}/announcements/awards/"))
    typed = {"price": "12345.60", "awarded_at": f"{timezone.localtime():%Y-%m-%dT%H:%M}", "content": "备注一"}
    found = text(client.post(url, {**typed, "q": entry.subject.name[:4], "search": "1"}))
    assert entry.subject.code in found and "选择" in found and 'value="12345.60"' in found
    picked = text(client.post(url, {**typed, "q": entry.subject.name[:4], "pick": entry.subject.code}))
    assert f'value="{entry.subject.code}"' in picked and "备注一" in picked
    assert not Announcement.objects.filter(kind=AnnouncementKind.AWARD).exists()
    made = client.post(url, {**typed, "winner_code": entry.subject.code, "save": "1"})
    award = Announcement.objects.get(kind=AnnouncementKind.AWARD)
    assert made.status_code == 302 and award.winner_id == entry.pk and str(award.price) == "12345.60"
    # A code that is no unit of the center, and a unit no longer 有效, are refused at the field.
    save = f"/centers/{changde.code}/announcements/{award.pk}/save/"
    nobody = client.post(save, {**typed, "winner_code": "X", "save": "1"})
    assert nobody.status_code == 400 and rules.WINNER_REQUIRED in text(nobody)
    entry.subject.status = SubjectStatus.INVALID
    entry.subject.save(update_fields=["status"])
    invalid = client.post(save, {**typed, "winner_code": entry.subject.code, "save": "1"})
    assert rules.WINNER_NOT_VALID.format(name=entry.subject.name) in text(invalid)


def test_a_failure_stores_the_conclusion_even_when_another_field_is_wrong(
    agency, evaluated, certificate_client, changde
):
    account, _ = agency
    _, lot = evaluated
    client = certificate_client(account)
    url = f"/centers/{changde.code}/announcements/failure/new/{lot.pk}/"
    scan = SimpleUploadedFile(
        "conclusion.pdf", pdf_bytes("committee conclusion"), content_type="application/pdf"
    )
    answer = client.post(
        url, {"failure_reason": "", "content": "仅2家。", "conclusion__file": scan, "save": "1"}
    )
    page = text(answer)
    assert answer.status_code == 400 and rules.REASON_REQUIRED in page and "conclusion.pdf" in page
    stored = page.split('name="conclusion" value="')[1].split('"')[0]
    made = client.post(
        url, {"failure_reason": "too_few", "content": "仅2家。", "conclusion": stored, "save": "1"}
    )
    failure = Announcement.objects.get(kind=AnnouncementKind.FAILURE)
    assert made.status_code == 302 and failure.attachments[rules.MATERIAL_SLOT]["id"] == int(stored)


def test_staff_record_the_evaluation_result_in_the_back_office(client, announced, changde):
    reviewer = demo_staff("changde_reviewer")
    client.force_login(reviewer.account)
    page = text(client.get("/backoffice/evaluations/"))
    assert "没有待录入评标结果的分包" in page
    tender = opened(announced)
    lot = tender.lots.order_by("number").first()
    page = text(client.get("/backoffice/evaluations/"))
    assert tender.project.code in page and "录入评标结果" in page
    url = f"/backoffice/evaluations/{changde.code}/{lot.pk}/"
    future = timezone.localtime() + dt.timedelta(hours=2)
    refused = client.post(
        url, {"outcome": "candidates", "ended_at": f"{future:%Y-%m-%dT%H:%M}", "note": "说明一"}
    )
    in_future = lot_rules.ENDED_IN_FUTURE.format(
        ended=deadlines.format_time(future.replace(second=0, microsecond=0))
    )
    assert refused.status_code == 400 and in_future in text(refused) and "说明一" in text(refused)
    ended = timezone.localtime() - dt.timedelta(minutes=5)
    done = client.post(url, {"outcome": "candidates", "ended_at": f"{ended:%Y-%m-%dT%H:%M}"}, follow=True)
    lot.refresh_from_db()
    assert lot.stage == LotStage.EVALUATED
    assert lot_rules.EVALUATION_RECORDED.format(
        number=lot.number, outcome="评标结束，已推荐中标候选人"
    ) in text(done)
    # Another center's staff do not find the lot.
    other = demo_staff("hengyang_reviewer")
    client.force_login(other.account)
    assert (
        client.post(url, {"outcome": "candidates", "ended_at": f"{ended:%Y-%m-%dT%H:%M}"}).status_code == 404
    )


def test_a_lot_is_suspended_from_the_exceptions_page_with_the_purchasers_decision(
    agency, announced, certificate_client, changde
):
    account, _ = agency
    client = certificate_client(account)
    lot = announced.lots.order_by("number").first()
    listed = text(client.get(f"/centers/{changde.code}/announcements/exceptions/"))
    url = f"/centers/{changde.code}/announcements/suspension/new/{lot.pk}/"
    assert "新增分包异常：选择分包" in listed and url in listed and "项目取消" in listed
    scan = SimpleUploadedFile("decision.pdf", pdf_bytes("purchaser decision"), content_type="application/pdf")
    answer = client.post(url, {"content": "", "decision__file": scan, "save": "1"})
    page = text(answer)
    assert answer.status_code == 400 and rules.REASON_TEXT_REQUIRED in page and "decision.pdf" in page
    stored = page.split('name="decision" value="')[1].split('"')[0]
    made = client.post(url, {"content": "预算调整。", "decision": stored, "save": "1"})
    suspension = Announcement.objects.get(kind=AnnouncementKind.SUSPENSION)
    assert made.status_code == 302 and suspension.attachments[rules.DECISION_SLOT]["id"] == int(stored)
    detail = text(client.get(made["Location"]))
    assert "变更公告（项目暂停）" in detail and "decision.pdf" in detail
    # While it waits, the lot is not offered again.
    assert url not in text(client.get(f"/centers/{changde.code}/announcements/exceptions/"))


def test_a_postponing_correction_offers_the_room_change_filled_in(
    agency, issued, announced, certificate_client, changde
):
    account, _ = agency
    client = certificate_client(account)
    later = timezone.localtime(announced.bid_deadline + dt.timedelta(days=7))
    url = f"/centers/{changde.code}/announcements/correction/new/{announced.pk}/"
    made = client.post(
        url, {"content": "延期开标。", "new_bid_deadline": f"{later:%Y-%m-%dT%H:%M}", "save": "1"}
    )
    page = text(client.get(made["Location"]))
    change = (
        f"/centers/{changde.code}/venues/{issued.booking.pk}/change/?day={later:%Y-%m-%d}&start={later:%H:%M}"
    )
    assert "申请场地变更" in page and change in page
