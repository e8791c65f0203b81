"""招标文件 and 答疑文件 pages (004 §3.5, §3.6) over HTTP: choose a project and lots, the form keeps
the input on a refusal (the clock's included), seal and 确认提交, 新增答疑文件."""

import datetime as dt

import pytest
from django.utils import timezone

from procurement import deadlines, tenders
from procurement import tender_rules as rules
from procurement.tender_models import TenderDocument, TenderStatus
from tests.centers.factories import trust_center_cas, unit_key, use_own_tsa
from tests.procurement.factories import licensed_agency, make_project
from tests.procurement.tender_factories import make_tender, seal_as_agency
from tests.procurement.venue_factories import approved_project
from tests.review.parts import actor_of, demo_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(agency):
    account, entry = agency
    return approved_project(account, entry, actor_of(demo_staff("changde_reviewer")))


@pytest.fixture
def client_of(agency, certificate_client):
    return certificate_client(agency[0])


def typed(value: dt.datetime) -> str:
    return deadlines.local(value).strftime("%Y-%m-%dT%H:%M")


def day(days: int, hour: int = 9) -> dt.datetime:
    """A local time `days` days from today, as a user would type it."""
    return timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(hour))
    )


def form_data(project, **overrides):
    start = day(2)
    data = {
        "lots": [str(lot.pk) for lot in project.lots.all()],
        "source": "template",
        "template": "open_goods",
        "documents_from": typed(start),
        "documents_until": typed(day(25, 17)),
        "bid_deadline": typed(day(40, 9)),
        "opening_place": "第一开标室",
        "bid_validity": "自提交投标文件截止之日起90日",
        "factors": "投标报价|30|价格分\n技术|70|技术分",
    }
    return data | overrides


def test_the_list_and_the_choice_of_an_approved_project(client_of, agency, project, changde):
    account, entry = agency
    draft = make_project(account, entry, name="未提交的项目")
    page = client_of.get(f"/centers/{changde.code}/tenders/")
    assert page.status_code == 200
    assert "新增交易文件" in page.content.decode()
    page = client_of.get(f"/centers/{changde.code}/tenders/new/").content.decode()
    assert project.name in page and draft.name not in page
    assert client_of.get(f"/centers/{changde.code}/tenders/new/{draft.pk}/").status_code == 404
    form = client_of.get(f"/centers/{changde.code}/tenders/new/{project.pk}/").content.decode()
    assert "选择分包" in form and "最早可定于" in form and "procurement_tenders.js" in form


def test_a_methods_without_template_says_only_upload(client_of, agency, changde):
    account, entry = agency
    inquiry = approved_project(account, entry, actor_of(demo_staff("changde_reviewer")), method="inquiry")
    page = client_of.get(f"/centers/{changde.code}/tenders/new/{inquiry.pk}/").content.decode()
    assert "询价通知书，没有范本，只能上传" in page


def test_a_clock_refusal_keeps_the_input(client_of, project, changde):
    start, early = day(2), day(10)
    response = client_of.post(
        f"/centers/{changde.code}/tenders/new/{project.pk}/", form_data(project, bid_deadline=typed(early))
    )
    assert response.status_code == 400
    page = response.content.decode()
    message = deadlines.check(deadlines.BID_DEADLINE, start, early)
    assert message and message.split("，最早")[0] in page
    assert deadlines.format_time(deadlines.earliest(deadlines.BID_DEADLINE, start)) in page
    assert 'value="第一开标室"' in page
    assert "价格分" in page
    assert not TenderDocument.objects.exists()


def test_save_seal_submit_and_clarify(client_of, agency, project, changde, tmp_path, settings):
    account, _ = agency
    response = client_of.post(
        f"/centers/{changde.code}/tenders/new/{project.pk}/",
        form_data(project, factors="投标报价|30|价格分\n技术|70|技术分"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    tender = TenderDocument.objects.get()
    assert tender.fields["factors"][1] == {"name": "技术", "points": "70", "criteria": "技术分"}
    detail = client_of.get(response.url).content.decode()
    assert "去签章（新窗口）" in detail and "我已签章，刷新状态" in detail and "确认提交" in detail
    refused = client_of.post(f"/centers/{changde.code}/tenders/{tender.pk}/submit/", follow=True)
    assert rules.NOT_SEALED.format(name=account.subject.name) in refused.content.decode()
    use_own_tsa(settings)
    key = unit_key(trust_center_cas(tmp_path / "trust")["demo-rsa"], account)
    seal_as_agency(account, tender.document, key)
    done = client_of.post(f"/centers/{changde.code}/tenders/{tender.pk}/submit/", follow=True)
    assert rules.TENDER_SUBMITTED in done.content.decode()
    tender.refresh_from_db()
    assert tender.status == TenderStatus.SUBMITTED
    assert client_of.get(f"/centers/{changde.code}/tenders/{tender.pk}/edit/").status_code == 302
    page = client_of.get(f"/centers/{changde.code}/tenders/{tender.pk}/clarifications/new/").content.decode()
    assert "第1次澄清" in page
    empty = client_of.post(f"/centers/{changde.code}/tenders/{tender.pk}/clarifications/new/", {})
    assert empty.status_code == 400
    assert rules.CLARIFICATION_CONTENT_REQUIRED in empty.content.decode()
    made = client_of.post(
        f"/centers/{changde.code}/tenders/{tender.pk}/clarifications/new/",
        {"content": "第1包交货期改为45日。"},
    )
    assert made.status_code == 302
    clarification = tender.clarifications.get()
    seal_as_agency(account, clarification.document, key)
    submitted = client_of.post(
        f"/centers/{changde.code}/tenders/{tender.pk}/clarifications/1/submit/", follow=True
    ).content.decode()
    assert rules.CLARIFICATION_SUBMITTED.format(number=1) in submitted


def test_someone_elses_tender_is_not_found(client_of, changde, certificate_client):
    other_account, other_entry = licensed_agency(changde, name="另一招标代理有限公司")
    other_project = approved_project(other_account, other_entry, actor_of(demo_staff("changde_reviewer")))
    now = timezone.now()
    tender = make_tender(
        other_account,
        other_entry,
        other_project,
        now=now,
        documents_from=day(2),
        documents_until=day(25, 17),
        bid_deadline=day(40),
    )
    assert client_of.get(f"/centers/{changde.code}/tenders/{tender.pk}/").status_code == 404
    assert tenders.tender_seal(tender) is None
