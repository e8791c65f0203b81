"""The agency's pages over HTTP: lists, the new-practitioner form (mistakes shown on the same page
with the input and the chosen files kept), 下一步 → 提交信息, withdraw, rejection, and 解绑申请."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from centers import people_rules as rules
from centers import rules as center_rules
from centers import unbind
from centers.models import Practitioner, PractitionerStatus, RequestStatus, UnbindRequest
from registry.identifiers import check_resident_id
from registry.models import Attachment
from registry.samples import pdf_bytes, png_bytes
from tests.centers.factories import center
from tests.centers.people_factories import (
    bind_unit_key,
    decide,
    make_agency,
    make_practitioner,
    make_support,
    make_unbind_request,
    stored,
    trust_all,
)
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

LIST = "/centers/changde/practitioners/construction/"
NEW = "/centers/changde/practitioners/construction/new/"
GOOD_ID = "360426199101010071"
BAD_ID = "360426199101010072"


def page_of(response) -> str:
    return response.content.decode()


def hidden_value(page: str, name: str) -> str:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    assert found, f"no hidden {name}"
    return found.group(1)


@pytest.fixture
def client_of(password_client):
    return password_client


# --- lists ---------------------------------------------------------------------------------------


def test_list_needs_a_login_and_the_centers_copy_of_the_subject(client, client_of):
    assert client.get(LIST).status_code == 302
    stranger = make_unit(name="未同步到常德的公司")  # the center has not received it
    assert client_of(stranger).get(LIST).status_code == 404


def test_two_lists_and_a_clear_word_for_a_unit_that_is_no_agency(agency, client_of):
    account, entry = agency
    make_practitioner(account, entry, name="工程甲")
    make_practitioner(account, entry, field="procurement", name="采购乙")
    client = client_of(account)

    assert client.get("/centers/changde/practitioners/").url == LIST
    construction = page_of(client.get(LIST))
    assert "工程甲" in construction and "采购乙" not in construction and "新增从业人员" in construction
    assert "采购乙" in page_of(client.get("/centers/changde/practitioners/procurement/"))
    assert client.get("/centers/changde/practitioners/land/").status_code == 404

    bidder, _ = make_agency(center(), name="常德投标有限公司", types=("bidder",))
    page = page_of(client_of(bidder).get(LIST))
    assert rules.NOT_AGENCY.format(center=center().name, types="投标人") in page
    assert "新增从业人员" not in page


def test_list_query_count_does_not_grow_with_the_rows(agency, client_of, django_assert_num_queries):
    account, entry = agency
    client = client_of(account)
    make_practitioner(account, entry)
    client.get(LIST)  # warm the session and the per-process caches
    with django_assert_num_queries(8) as first:
        client.get(LIST)
    for _ in range(4):
        make_practitioner(account, entry)
    with django_assert_num_queries(len(first.captured_queries)):
        page = page_of(client.get(LIST))
    assert page.count("<tr>") == 6  # the head and five people


def test_another_agencys_practitioner_is_404_everywhere(agency, client_of):
    account, entry = agency
    person = make_practitioner(account, entry, state="submitted")
    other, _ = make_agency(center(), name="另一家代理有限公司")
    client = client_of(other)
    base = f"/centers/changde/practitioners/{person.pk}/"
    assert client.get(base).status_code == 404
    assert client.get(base + "submit/").status_code == 404
    assert client.post(base + "withdraw/").status_code == 404
    assert client.post(base, {"name": "篡改"}).status_code == 404
    assert client.get(f"/centers/changde/activation/{person.pk}/").status_code == 404
    person.refresh_from_db()
    assert person.status == PractitionerStatus.SUBMITTED


# --- the form ------------------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "name": "张三",
        "id_number": GOOD_ID,
        "phone": "13907360001",
        "position": "项目负责人",
        "title": "工程师",
        "qualification_no": "",
        "action": "save",
    }
    data.update(overrides)
    return data


def test_bad_id_number_is_shown_on_the_same_page_with_input_and_files_kept(agency, client_of):
    account, _ = agency
    client = client_of(account)

    response = client.post(
        NEW,
        form_data(
            id_number=BAD_ID,
            id_card__file=SimpleUploadedFile("身份证.png", png_bytes("id")),
            social_security__file=SimpleUploadedFile("社保证明.pdf", pdf_bytes("ss")),
        ),
    )

    assert response.status_code == 200
    page = page_of(response)
    assert rules.ID_NUMBER_INVALID.format(error=check_resident_id(BAD_ID).error) in page
    assert 'value="张三"' in page and f'value="{BAD_ID}"' in page and 'value="项目负责人"' in page
    assert "身份证.png" in page and "社保证明.pdf" in page
    assert not Practitioner.objects.at(center()).exists()

    # Fixing the number alone is enough: the files chosen the first time come back as ids.
    kept = {slot: hidden_value(page, slot) for slot in ("id_card", "social_security")}
    response = client.post(NEW, form_data(action="next", **kept))
    person = Practitioner.objects.at(center()).get()
    assert response.url == f"/centers/changde/practitioners/{person.pk}/submit/"
    assert person.documents["id_card"]["name"] == "身份证.png"
    assert person.documents["social_security"]["name"] == "社保证明.pdf"


def test_a_refused_file_is_named_and_the_other_field_is_kept(agency, client_of):
    account, _ = agency
    response = client_of(account).post(
        NEW, form_data(id_card__file=SimpleUploadedFile("身份证.pdf", b"MZ not a pdf"))
    )
    page = page_of(response)
    assert "文件“身份证.pdf”不是PDF、JPG或PNG格式" in page and 'value="张三"' in page


def test_another_subjects_file_id_cannot_be_slipped_in(agency, client_of):
    account, _ = agency
    other = make_unit(name="别人家")
    theirs = stored(other, "别人的身份证.png")
    page = page_of(client_of(account).post(NEW, form_data(id_card=str(theirs.pk))))
    assert rules.DOCUMENT_NOT_OWN in page and "别人的身份证.png" not in page


def test_duplicate_person_is_refused_on_the_form(agency, client_of):
    account, entry = agency
    make_practitioner(account, entry, name="张三", id_number=GOOD_ID)
    page = page_of(client_of(account).post(NEW, form_data()))
    assert (
        rules.PRACTITIONER_DUPLICATE.format(id_number="3604**********0071", field="工程建设", name="张三")
        in page
    )


def test_next_then_submit_says_what_is_missing_then_submits(agency, client_of):
    account, _ = agency
    client = client_of(account)
    client.post(NEW, form_data(phone="", action="next"))
    person = Practitioner.objects.at(center()).get()
    submit_url = f"/centers/changde/practitioners/{person.pk}/submit/"

    page = page_of(client.get(submit_url))
    assert "手机号码、身份证扫描件、社保缴纳证明" in page

    page = page_of(client.post(submit_url))
    assert rules.SUBMIT_MISSING.format(items="手机号码、身份证扫描件、社保缴纳证明") in page
    person.refresh_from_db()
    assert person.status == PractitionerStatus.DRAFT

    client.post(
        f"/centers/changde/practitioners/{person.pk}/",
        form_data(
            action="next",
            id_card__file=SimpleUploadedFile("身份证.png", png_bytes("id")),
            social_security__file=SimpleUploadedFile("社保.pdf", pdf_bytes("ss")),
        ),
    )
    response = client.post(submit_url, follow=True)
    person.refresh_from_db()
    assert person.status == PractitionerStatus.SUBMITTED
    assert rules.PRACTITIONER_SUBMITTED.format(department="信息技术部") in page_of(response)

    # Waiting: read-only, and 撤回 brings it back.
    assert "撤回" in page_of(client.get(f"/centers/changde/practitioners/{person.pk}/"))
    page = page_of(client.post(f"/centers/changde/practitioners/{person.pk}/withdraw/", follow=True))
    assert rules.PRACTITIONER_WITHDRAWN in page
    person.refresh_from_db()
    assert person.status == PractitionerStatus.DRAFT


def test_rejected_practitioner_shows_the_opinion_in_the_form(agency, client_of):
    account, entry = agency
    person = make_practitioner(account, entry, state="rejected")
    page = page_of(client_of(account).get(f"/centers/changde/practitioners/{person.pk}/"))
    assert "社保证明不清晰" in page and "下一步" in page


def test_approved_practitioner_is_read_only(agency, client_of):
    account, entry = agency
    person = make_practitioner(account, entry, state="approved", name="通过的人")
    client = client_of(account)
    page = page_of(client.get(f"/centers/changde/practitioners/{person.pk}/"))
    assert "审核通过" in page and "下一步" not in page
    page = page_of(client.post(f"/centers/changde/practitioners/{person.pk}/", form_data(), follow=True))
    assert rules.PRACTITIONER_STATE.format(status="审核通过", action="修改") in page


def test_activation_pages_list_approved_people_and_refuse_the_others(agency, client_of):
    account, entry = agency
    approved = make_practitioner(account, entry, state="approved", name="可激活的人")
    waiting = make_practitioner(account, entry, state="submitted", name="待审核的人")
    client = client_of(account)
    page = page_of(client.get("/centers/changde/activation/"))
    assert "可激活的人" in page and "待审核的人" not in page
    page = page_of(client.get(f"/centers/changde/activation/{approved.pk}/"))
    assert "读取证书" in page and "激活" in page
    page = page_of(client.get(f"/centers/changde/activation/{waiting.pk}/"))
    assert rules.ACTIVATE_NOT_APPROVED.format(name="待审核的人", status="待审核") in page
    assert "读取证书" not in page


# --- 解绑申请 -------------------------------------------------------------------------------------


@pytest.fixture
def bound(tmp_path, agency):
    account, _ = agency
    return bind_unit_key(trust_all(tmp_path / "trust")["rsa"], account)


def test_unbind_request_with_a_missing_licence_keeps_the_letter_and_the_words(agency, bound, client_of):
    account, _ = agency
    client = client_of(account)
    assert bound.serial in page_of(client.get("/centers/changde/unbind/new/"))

    response = client.post(
        "/centers/changde/unbind/new/",
        {
            "certificate": bound.pk,
            "reason": "lost",
            "explanation": "证书遗失",
            "letter__file": SimpleUploadedFile("解绑申请书.pdf", pdf_bytes("letter")),
        },
    )
    page = page_of(response)
    assert response.status_code == 200 and rules.UNBIND_LICENCE_MISSING in page
    assert "解绑申请书.pdf" in page and "证书遗失" in page
    assert re.search(r'value="lost"[^>]*checked', page)
    assert not UnbindRequest.objects.at(center()).exists()

    response = client.post(
        "/centers/changde/unbind/new/",
        {
            "certificate": bound.pk,
            "reason": "lost",
            "explanation": "证书遗失",
            "letter": hidden_value(page, "letter"),
            "licence__file": SimpleUploadedFile("营业执照.png", png_bytes("licence")),
        },
        follow=True,
    )
    made = UnbindRequest.objects.at(center()).get()
    page = page_of(response)
    assert response.redirect_chain[-1][0] == f"/centers/changde/unbind/{made.pk}/"
    due = center_rules.due_by(unbind.unbind_due_at(made))
    assert rules.UNBIND_SUBMITTED.format(days=1, due=due) in page and "待处理" in page
    assert Attachment.objects.filter(subject=account.subject, original_name="解绑申请书.pdf").count() == 1


def test_unbind_decided_shows_the_result_and_the_opinion(agency, bound, client_of):
    account, entry = agency
    client = client_of(account)
    made = make_unbind_request(account, entry, bound)
    decide(make_support(entry.center), made, approve=True, opinion="已核对营业执照")
    page = page_of(client.get(f"/centers/changde/unbind/{made.pk}/"))
    assert "已解绑" in page and "已核对营业执照" in page
    assert "已解绑" in page_of(client.get("/centers/changde/unbind/"))
    assert bound.serial not in page_of(client.get("/centers/changde/unbind/new/"))


def test_unbind_withdraw_and_another_units_request_is_404(agency, bound, client_of):
    account, entry = agency
    made = make_unbind_request(account, entry, bound)
    other, _ = make_agency(center(), name="旁观者有限公司")
    assert client_of(other).get(f"/centers/changde/unbind/{made.pk}/").status_code == 404
    assert client_of(other).post(f"/centers/changde/unbind/{made.pk}/withdraw/").status_code == 404

    page = page_of(client_of(account).post(f"/centers/changde/unbind/{made.pk}/withdraw/", follow=True))
    assert rules.UNBIND_WITHDRAWN in page
    made.refresh_from_db()
    assert made.status == RequestStatus.WITHDRAWN
