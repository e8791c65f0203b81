"""招标公告 (004 §3.7): made from a submitted tender document, sealed by the agency's unit, submitted
with a 签署意见, reviewed, and published on approval as it was sealed — byte for byte; every
precondition, transition and refusal, and the statutory clock at submission and at publication."""

import datetime as dt
import hashlib
import html
import subprocess

import pytest
from django.utils import timezone

from core.errors import DomainError
from core.models import AuditEntry
from procurement import announcement_rules as rules
from procurement import announcements, deadlines, tender_selectors
from procurement.announcement_models import Announcement, AnnouncementStatus
from procurement.clarifications import clarification_create, clarification_submit
from review import services as review_services
from review.models import ReviewItem, ReviewKind, ReviewStatus
from signing.models import DocumentVersion
from tests.centers.people_factories import decide, open_item, unit_actor
from tests.procurement.tender_factories import make_tender, seal_as_agency
from tests.procurement.venue_factories import from_today

pytestmark = pytest.mark.django_db


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    return error.value.message


def create(account, entry, tender, **kw) -> Announcement:
    return announcements.announcement_create(
        actor=unit_actor(account), center=entry.center, agency=entry, tender=tender, **kw
    )


def submit(account, announcement, opinion="同意发布。", **kw) -> Announcement:
    return announcements.announcement_submit(
        actor=unit_actor(account), announcement=announcement, opinion=opinion, **kw
    )


@pytest.fixture
def sealed(agency, issued, key) -> Announcement:
    account, entry = agency
    made = create(account, entry, issued.tender, other_matters="本项目专门面向中小企业采购。")
    seal_as_agency(account, made.document, key)
    return made


def test_a_tender_notice_is_made_from_a_submitted_tender_document_as_a_draft(agency, issued):
    account, entry = agency
    made = create(account, entry, issued.tender, other_matters="本项目专门面向中小企业采购。\n\n")
    assert made.status == AnnouncementStatus.DRAFT and made.other_matters == "本项目专门面向中小企业采购。"
    assert made.document.kind == "announcement" and made.document.places.get("agency")
    assert announcements.announcement_seal(made) is None
    assert AuditEntry.objects.filter(action=rules.AUDIT_CREATED, target_id=str(made.pk)).exists()
    # One 招标公告 per tender document; a correction is a 变更公告 after publication.
    assert refused(create, account, entry, issued.tender) == rules.TENDER_NOTICE_EXISTS.format(
        status="编辑中"
    )


def test_a_draft_tender_document_is_not_announced(agency, project):
    account, entry = agency
    issued_from = from_today(1, 9)
    draft = make_tender(
        account,
        entry,
        project,
        now=timezone.now(),
        documents_from=issued_from,
        documents_until=from_today(12, 17),
        bid_deadline=deadlines.earliest(deadlines.BID_DEADLINE, issued_from),
    )
    assert refused(create, account, entry, draft) == rules.TENDER_NOT_SUBMITTED.format(status="编辑中")
    assert not Announcement.objects.exists()


def test_without_an_approved_opening_room_there_is_no_announcement(agency, issued, changde_reviewer):
    account, entry = agency
    # The booking withdrawn by the agency: the tender document stays submitted, the room is gone.
    from procurement import venues

    venues.booking_withdraw(actor=unit_actor(account), booking=issued.booking)
    assert refused(create, account, entry, issued.tender) == rules.OPENING_NOT_BOOKED


def test_an_opening_left_behind_by_a_moved_deadline_must_follow_first(agency, issued, key):
    account, entry = agency
    moved = clarification_create(
        actor=unit_actor(account),
        tender=issued.tender,
        affects_bids=True,
        content="技术参数修改。",
        new_bid_deadline=issued.opening + dt.timedelta(days=7),
        now=timezone.now(),
    )
    seal_as_agency(account, moved.document, key)
    clarification_submit(actor=unit_actor(account), clarification=moved, now=timezone.now())
    issued.tender.refresh_from_db()
    message = refused(create, account, entry, issued.tender)
    assert message.endswith(rules.OPENING_FIRST) and "第三十九条" in message


def test_submitting_needs_the_units_seal_and_a_signing_opinion(agency, issued):
    account, entry = agency
    made = create(account, entry, issued.tender)
    assert refused(submit, account, made, opinion="  ") == rules.OPINION_REQUIRED
    assert refused(submit, account, made, opinion="意" * 201) == rules.OPINION_TOO_LONG
    assert refused(submit, account, made) == rules.NOT_SEALED.format(
        kind="招标公告", name=account.subject.name
    )
    made.refresh_from_db()
    assert made.status == AnnouncementStatus.DRAFT
    assert not ReviewItem.objects.filter(kind=ReviewKind.ANNOUNCEMENT).exists()


def test_a_seal_over_old_content_is_not_carried_to_the_saved_announcement(agency, sealed):
    account, _ = agency
    assert announcements.announcement_seal(sealed) is not None
    saved = announcements.announcement_save(
        actor=unit_actor(account), announcement=sealed, data={"other_matters": "补充：本项目不接受进口产品。"}
    )
    assert saved.document_id != sealed.document_id
    assert announcements.announcement_seal(saved) is None
    assert refused(submit, account, saved) == rules.NOT_SEALED.format(
        kind="招标公告", name=account.subject.name
    )


def test_submit_queues_it_and_approval_publishes_the_sealed_version_byte_for_byte(
    agency, sealed, changde_reviewer, client
):
    account, _ = agency
    done = submit(account, sealed)
    assert done.status == AnnouncementStatus.SUBMITTED and done.opinion == "同意发布。"
    assert (done.submitted_version, done.submitted_sha256) == (done.document.version, done.document.sha256)
    item = open_item(done)
    assert item.kind == ReviewKind.ANNOUNCEMENT
    # Nothing is edited while it waits.
    assert refused(
        announcements.announcement_save,
        actor=unit_actor(account),
        announcement=done,
        data={"other_matters": "x"},
    ) == rules.STATE.format(kind="招标公告", status="待审核", action="修改")
    assert client.get(f"/procurement/announcements/{done.pk}/pdf/").status_code == 404

    decide(changde_reviewer, done, approve=True, opinion="同意发布。")
    done.refresh_from_db()
    assert done.status == AnnouncementStatus.PUBLISHED and done.published_at is not None
    published = client.get(f"/procurement/announcements/{done.pk}/pdf/")
    assert published.status_code == 200 and published["Content-Type"] == "application/pdf"
    version = DocumentVersion.objects.get(document=done.document, number=done.submitted_version)
    assert published.content == bytes(version.pdf)
    assert hashlib.sha256(published.content).hexdigest() == done.submitted_sha256
    assert AuditEntry.objects.filter(action=rules.AUDIT_PUBLISHED, target_id=str(done.pk)).exists()


def test_the_published_pdf_verifies_in_a_reader_nobody_here_wrote(
    agency, sealed, changde_reviewer, client, tmp_path
):
    account, _ = agency
    done = submit(account, sealed)
    decide(changde_reviewer, done, approve=True)
    path = tmp_path / "published.pdf"
    path.write_bytes(client.get(f"/procurement/announcements/{done.pk}/pdf/").content)
    answer = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature #1" in answer.stdout
    assert (
        "Signature is Valid." in answer.stdout or "Signature Validation: Signature is Valid" in answer.stdout
    )


def test_a_rejected_announcement_is_edited_sealed_again_and_resubmitted(
    agency, sealed, changde_reviewer, key
):
    account, _ = agency
    done = submit(account, sealed)
    decide(changde_reviewer, done, approve=False, opinion="其他补充事宜请写明联系人。")
    done.refresh_from_db()
    assert (
        done.status == AnnouncementStatus.REJECTED and done.decision_opinion == "其他补充事宜请写明联系人。"
    )
    saved = announcements.announcement_save(
        actor=unit_actor(account), announcement=done, data={"other_matters": "联系人：王敏 0736-7788123"}
    )
    assert saved.status == AnnouncementStatus.REJECTED
    seal_as_agency(account, saved.document, key)
    again = submit(account, saved)
    assert again.status == AnnouncementStatus.SUBMITTED and again.decision_opinion == ""


def test_withdrawing_takes_it_out_of_the_queue(agency, sealed):
    account, _ = agency
    done = submit(account, sealed)
    back = announcements.announcement_withdraw(actor=unit_actor(account), announcement=done)
    assert back.status == AnnouncementStatus.DRAFT
    assert ReviewItem.objects.get(kind=ReviewKind.ANNOUNCEMENT).status == ReviewStatus.WITHDRAWN
    assert refused(
        announcements.announcement_withdraw, actor=unit_actor(account), announcement=back
    ) == rules.STATE.format(kind="招标公告", status="编辑中", action="撤回")


def test_publishing_too_late_for_the_documents_period_is_refused_citing_the_article(agency, issued):
    """Counted from the moment of publishing: documents available until 12 days from today leave
    fewer than 5 working days when publishing 10 days from now."""
    later = timezone.now() + dt.timedelta(days=10)
    refusal = announcements.check_clock(issued.tender, publishing_at=later)
    assert refusal == deadlines.check(deadlines.DOCUMENTS_AVAILABLE, later, issued.tender.documents_until)
    assert "第三十一条" in refusal
    assert announcements.check_clock(issued.tender, publishing_at=timezone.now()) is None


def test_the_reviewer_cannot_publish_a_document_sealed_again_after_submission(
    agency, sealed, changde_reviewer, key
):
    account, _ = agency
    done = submit(account, sealed)
    seal_as_agency(account, done.document, key)  # a second seal after 「提交信息」
    done.document.refresh_from_db()
    item = open_item(done)
    review_services.review_claim(actor=changde_reviewer, pk=item.pk)
    message = refused(
        review_services.review_decide, actor=changde_reviewer, pk=item.pk, approve=True, opinion="同意"
    )
    assert message == rules.CHANGED_SINCE_SUBMIT.format(
        now=done.document.version, then=done.submitted_version
    )
    done.refresh_from_db()
    assert done.status == AnnouncementStatus.SUBMITTED and done.published_at is None


def test_the_agency_pages_make_seal_submit_and_show_it(agency, issued, key, certificate_client, changde):
    account, _ = agency
    client = certificate_client(account)
    base = f"/centers/{changde.code}/announcements/"
    listed = html.unescape(client.get(base).content.decode())
    assert issued.tender.project.code in listed and "新增招标公告" in listed
    made = client.post(f"{base}new/{issued.tender.pk}/")
    announcement = Announcement.objects.get()
    assert made.status_code == 302 and made["Location"] == f"{base}{announcement.pk}/"
    detail = html.unescape(client.get(made["Location"]).content.decode())
    assert rules.CREATED.format(kind="招标公告") in detail and "去签章（新窗口）" in detail
    # Unsealed: refused on the page, the opinion typed kept.
    answer = client.post(f"{base}{announcement.pk}/submit/", {"opinion": "同意发布，请审核。"})
    page = html.unescape(answer.content.decode())
    assert (
        answer.status_code == 400
        and rules.NOT_SEALED.format(kind="招标公告", name=account.subject.name) in page
    )
    assert 'value="同意发布，请审核。"' in page
    seal_as_agency(account, announcement.document, key)
    done = client.post(f"{base}{announcement.pk}/submit/", {"opinion": "同意发布，请审核。"}, follow=True)
    assert rules.SUBMITTED.format(kind="招标公告", center=changde.name) in html.unescape(
        done.content.decode()
    )
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.SUBMITTED
    assert tender_selectors.opening_to_move(issued.tender) is None


def test_another_agency_neither_sees_nor_reaches_it(agency, sealed, certificate_client, changde):
    from tests.procurement.factories import licensed_agency

    other, _ = licensed_agency(changde, name="另一家招标代理有限公司")
    client = certificate_client(other)
    base = f"/centers/{changde.code}/announcements/"
    assert client.get(f"{base}{sealed.pk}/").status_code == 404
    assert client.post(f"{base}{sealed.pk}/submit/", {"opinion": "同意"}).status_code == 404
    assert client.post(f"{base}new/{sealed.tender_id}/").status_code == 404
    assert sealed.project.code not in client.get(base).content.decode()
