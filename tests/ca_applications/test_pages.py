"""The 「CA申请信息」 panel of the basic information page, the confirmation step and 撤销."""

import pytest

from registry import ca_applications as ca
from registry.models import CAApplication, CAApplicationStatus, RecordStatus
from tests.conftest import actor
from tests.factories import basic_record

from .conftest import form_post, save_basic

pytestmark = pytest.mark.django_db

BASIC = "/registry/basic/"
APPLY = "/registry/basic/ca-application/"
WITHDRAW = "/registry/basic/ca-application/withdraw/"
SUBMIT_BUTTON = 'value="submit">提交</button>'


def test_the_basic_page_offers_a_ca_application(unit, password_client):
    page = password_client(unit).get(BASIC).content.decode()
    assert "CA申请信息" in page
    assert "尚未申请办理CA锁" in page
    assert f'href="{APPLY}"' in page and "CA办理申请</a>" in page
    assert SUBMIT_BUTTON in page


def test_confirmation_names_what_is_missing_and_offers_no_confirm(unit, password_client):
    page = password_client(unit).get(APPLY).content.decode()
    assert ca.UNIT_INCOMPLETE.format(fields="法定代表人姓名、法定代表人身份证号、法定代表人手机") in page
    assert "确定</button>" not in page


def test_confirmation_shows_what_will_be_sent(ready_unit, password_client):
    page = password_client(ready_unit).get(APPLY).content.decode()
    assert "将发送给CA公司的信息" in page
    assert ready_unit.subject.code in page
    assert "<dt>法定代表人姓名</dt><dd>王五</dd>" in page
    assert "确定</button>" in page
    assert not CAApplication.objects.exists()  # looking is not applying


def test_applying_with_missing_details_says_why_on_the_basic_page(unit, password_client):
    client = password_client(unit)
    response = client.post(APPLY)
    assert response["Location"] == BASIC
    page = client.get(BASIC).content.decode()
    assert "请先完善法人和法定代表人基本信息：法定代表人姓名" in page
    assert not CAApplication.objects.exists()


def test_while_pending_the_page_offers_only_save_and_withdrawal(ready_unit, password_client):
    client = password_client(ready_unit)
    response = client.post(APPLY)
    assert response["Location"] == BASIC
    page = client.get(BASIC).content.decode()
    # Nothing commits inside this test's transaction, so the post to the CA has not run yet.
    assert ca.APPLIED_QUEUED in page
    assert "待审核" in page and "正在发送给CA公司" in page
    assert CAApplication.objects.get().reference in page
    assert SUBMIT_BUTTON not in page
    assert 'value="save">保存</button>' in page
    assert ca.PENDING_BLOCKS_SUBMIT in page
    assert f'action="{WITHDRAW}"' in page and "撤销</button>" in page
    assert f'href="{APPLY}"' not in page


def test_a_submit_posted_while_pending_is_refused_and_the_input_kept(ready_unit, password_client):
    client = password_client(ready_unit)
    client.post(APPLY)
    record = basic_record(ready_unit)
    post = form_post(
        record.draft.data, contact_name="新联系人", revision=record.draft.revision, action="submit"
    )
    response = client.post(BASIC, post)
    assert response["Location"] == BASIC
    assert ca.PENDING_BLOCKS_SUBMIT in client.get(BASIC).content.decode()
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT
    assert record.draft.data["contact_name"] == "新联系人"  # saved, not submitted


def test_withdrawal_brings_submit_back(ready_unit, password_client):
    client = password_client(ready_unit)
    client.post(APPLY)
    response = client.post(WITHDRAW)
    assert response["Location"] == BASIC
    page = client.get(BASIC).content.decode()
    assert ca.WITHDRAWN in page
    assert "已撤销" in page
    assert SUBMIT_BUTTON in page
    assert CAApplication.objects.get().status == CAApplicationStatus.WITHDRAWN


def test_withdrawal_needs_a_post(ready_unit, password_client):
    client = password_client(ready_unit)
    client.post(APPLY)
    assert client.get(WITHDRAW).status_code == 405
    assert CAApplication.objects.get().status == CAApplicationStatus.PENDING


def test_the_panel_shows_the_ca_answer(ready_unit, password_client):
    application = ca.ca_application_submit(actor=actor(ready_unit), subject=ready_unit.subject)
    ca.ca_application_answer(
        reference=application.reference, accepted=False, message="法定代表人身份证已过期"
    )
    page = password_client(ready_unit).get(BASIC).content.decode()
    assert "已驳回" in page
    assert "法定代表人身份证已过期" in page
    assert "审核时间" in page
    assert SUBMIT_BUTTON in page
    assert f'href="{APPLY}"' in page  # a rejected applicant may apply again


def test_a_person_is_asked_for_personal_details(person, password_client):
    client = password_client(person)
    assert "请先完善并「保存」个人基本信息" in client.get(BASIC).content.decode()
    assert ca.PERSON_INCOMPLETE.format(fields="手机号码") in client.get(APPLY).content.decode()


def test_each_subject_sees_only_its_own_application(ready_unit, outsider, password_client):
    save_basic(outsider)
    ca.ca_application_submit(actor=actor(ready_unit), subject=ready_unit.subject)
    client = password_client(outsider)
    page = client.get(BASIC).content.decode()
    assert "尚未申请办理CA锁" in page
    client.post(WITHDRAW)
    assert CAApplication.objects.get().status == CAApplicationStatus.PENDING


def test_staff_and_visitors_cannot_apply(reviewer, client, password_client):
    assert client.post(APPLY)["Location"].startswith("/registry/login/")
    assert password_client(reviewer.account).post(APPLY).status_code == 404
    assert not CAApplication.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_page_says_the_application_reached_the_ca(ready_unit, password_client, ca_at_receiver):
    client = password_client(ready_unit)
    client.post(APPLY)
    assert len(ca_at_receiver.requests) == 1
    assert ca_at_receiver.requests[0]["json"]["action"] == "submit"
    page = client.get(BASIC).content.decode()
    assert ca.APPLIED_SENT in page
    assert "已发送给CA公司，请等待审核" in page
