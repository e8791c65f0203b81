"""The subject's pages over HTTP: input kept on errors, files checked by content, conflicts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registry import identifiers, rules
from registry.models import Attachment, QualificationType, Record, RecordKind, RecordStatus
from registry.samples import pdf_bytes, png_bytes
from tests.factories import basic_record, submit_basic, unit_basic_data

pytestmark = pytest.mark.django_db


def form_post(data: dict, **extra) -> dict:
    """Flatten a stored data dict into what the edit form posts (attachments by id)."""
    post = {}
    for key, value in data.items():
        if isinstance(value, dict):
            post[key] = str(value["id"])
        elif value is None:
            post[key] = ""
        else:
            post[key] = value
    post.update(extra)
    return post


def test_save_keeps_a_draft_and_the_page_shows_it(unit, password_client):
    client = password_client(unit)
    response = client.post(
        "/registry/basic/",
        {"name": unit.subject.name, "contact_name": "李四", "revision": 0, "action": "save"},
    )
    assert response.status_code == 302
    page = client.get("/registry/basic/").content.decode()
    assert "已保存草稿" in page
    assert 'value="李四"' in page


def test_failed_submit_saves_the_draft_and_marks_missing_fields(unit, password_client):
    client = password_client(unit)
    response = client.post(
        "/registry/basic/",
        {"name": unit.subject.name, "contact_name": "李四", "revision": 0, "action": "submit"},
    )
    assert response["Location"] == "/registry/basic/?missing=1"
    page = client.get(response["Location"]).content.decode()
    assert rules.MISSING_REQUIRED.split("{")[0] + "单位性质" in page
    assert 'value="李四"' in page
    assert basic_record(unit).draft.data["contact_name"] == "李四"


def test_format_error_saves_nothing_and_keeps_every_typed_value(unit, password_client):
    client = password_client(unit)
    response = client.post(
        "/registry/basic/",
        {
            "name": unit.subject.name,
            "contact_name": "李四",
            "legal_rep_id_number": "110105194912310021",
            "revision": 0,
            "action": "save",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "第18位校验码应为“X”" in body
    assert 'value="李四"' in body
    assert 'value="110105194912310021"' in body
    assert basic_record(unit).draft.revision == 0


def test_file_is_judged_by_content_not_name(unit, password_client):
    client = password_client(unit)
    fake = SimpleUploadedFile("营业执照.pdf", b"MZ\x90\x00 this is an exe, not a pdf")
    good = SimpleUploadedFile("身份证.png", png_bytes())
    response = client.post(
        "/registry/basic/",
        {"name": unit.subject.name, "contact_name": "李四", "revision": 0, "action": "save",
         "licence_scan__file": fake, "legal_rep_id_scan__file": good},
    )  # fmt: skip
    assert response.status_code == 200
    body = response.content.decode()
    assert rules.ATTACHMENT_BAD_TYPE.format(name="营业执照.pdf") in body
    assert 'value="李四"' in body
    # The good file was kept (and is shown with its name), so the user need not choose it again.
    kept = Attachment.objects.get(subject=unit.subject)
    assert kept.content_type == "image/png"
    assert "身份证.png" in body
    assert f'name="legal_rep_id_scan" value="{kept.pk}"' in body
    assert basic_record(unit).draft.revision == 0


def test_cut_off_pdf_is_refused(unit, password_client):
    client = password_client(unit)
    cut = SimpleUploadedFile("licence.pdf", pdf_bytes()[:-40])
    response = client.post(
        "/registry/basic/", {"name": "x", "revision": 0, "action": "save", "licence_scan__file": cut}
    )
    assert rules.ATTACHMENT_DAMAGED.format(name="licence.pdf") in response.content.decode()


def test_too_big_file_is_refused_with_the_limit(unit, password_client, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    client = password_client(unit)
    big = SimpleUploadedFile("big.pdf", pdf_bytes() + b"\n" * 2000 + b"%%EOF")
    response = client.post(
        "/registry/basic/", {"name": "x", "revision": 0, "action": "save", "licence_scan__file": big}
    )
    body = response.content.decode()
    assert "超过上限1000 字节" in body


def test_limit_is_shown_before_upload(unit, password_client):
    body = password_client(unit).get("/registry/basic/").content.decode()
    assert "单个文件不超过10.0 MB" in body
    assert 'data-max-bytes="10485760"' in body


def test_another_subjects_attachment_id_is_refused(unit, outsider, password_client):
    theirs = unit_basic_data(outsider)["licence_scan"]
    client = password_client(unit)
    response = client.post(
        "/registry/basic/", {"name": "x", "revision": 0, "action": "save", "licence_scan": str(theirs["id"])}
    )
    assert "所选电子件不存在" in response.content.decode()


def test_full_submit_over_http(unit, password_client):
    client = password_client(unit)
    post = form_post(unit_basic_data(unit), revision=0, action="submit")
    response = client.post("/registry/basic/", post)
    assert response["Location"] == "/registry/basic/"
    page = client.get("/registry/basic/").content.decode()
    assert "已提交，第1版现已生效" in page
    assert rules.PASSWORD_SUBMIT_PAPER_ONLY in page
    assert "变更" in page and 'name="action" value="submit"' not in page


def test_conflicting_save_keeps_the_second_tabs_input(unit, password_client):
    client = password_client(unit)
    client.post(
        "/registry/basic/", {"name": unit.subject.name, "contact_name": "甲", "revision": 0, "action": "save"}
    )
    response = client.post(
        "/registry/basic/", {"name": unit.subject.name, "contact_name": "乙", "revision": 0, "action": "save"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "这份草稿已在其他窗口" in body
    assert 'value="乙"' in body
    assert "与已保存内容不同的字段：联系人" in body
    assert 'class="field conflict" id="field-contact_name"' in body
    assert 'class="field" id="field-name"' in body
    assert 'name="revision" value="1"' in body
    assert basic_record(unit).draft.data["contact_name"] == "甲"


def test_change_then_history_shows_the_difference(unit, password_client):
    record = submit_basic(unit)
    client = password_client(unit)
    client.post(f"/registry/records/{record.pk}/change/")
    record.refresh_from_db()
    post = form_post(
        record.draft.data, contact_name="新联系人", revision=record.draft.revision, action="submit"
    )
    client.post("/registry/basic/", post)
    history = client.get("/registry/history/").content.decode()
    assert "第2版" in history and "第1版" in history
    record.refresh_from_db()
    detail = client.get(f"/registry/history/{record.current.pk}/").content.decode()
    assert "与第1版相比的变化" in detail
    assert "李四" in detail and "新联系人" in detail


def test_qualification_with_rows_over_http(unit, certificate_client):
    qt = QualificationType.objects.get(name="建筑工程施工总承包")
    client = certificate_client(unit)
    post = {
        "cert_no": "D2430001", "issuer": "湖南省住房和城乡建设厅", "issued_on": "2022-01-01", "valid_until": "2027-01-01",
        "certificate_scan__file": SimpleUploadedFile("q.pdf", pdf_bytes()),
        "items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "0",
        "items-0-qualification_type": str(qt.pk), "items-0-grade": "二级", "items-0-scope": "房屋建筑",
        "items-1-qualification_type": "", "items-1-grade": "", "items-1-scope": "",
        "action": "submit",
    }  # fmt: skip
    response = client.post("/registry/qualification/new/", post)
    record = Record.objects.get(subject=unit.subject, kind=RecordKind.QUALIFICATION)
    assert response["Location"] == f"/registry/records/{record.pk}/"
    assert record.status == RecordStatus.SUBMITTED
    assert record.current.data["items"] == [
        {"qualification_type": qt.pk, "grade": "二级", "scope": "房屋建筑"}
    ]
    page = client.get(response["Location"]).content.decode()
    assert "建筑业企业资质（施工总承包）｜建筑工程施工总承包 / 二级 / 房屋建筑" in page


def test_grade_must_belong_to_the_type(unit, certificate_client):
    qt = QualificationType.objects.get(name="建筑装修装饰工程专业承包")
    post = {
        "cert_no": "D1", "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0",
        "items-0-qualification_type": str(qt.pk), "items-0-grade": "特级", "action": "save",
    }  # fmt: skip
    body = certificate_client(unit).post("/registry/qualification/new/", post).content.decode()
    assert "“建筑装修装饰工程专业承包”没有“特级”这一等级" in body
    assert not Record.objects.filter(kind=RecordKind.QUALIFICATION).exists()


def test_password_session_gets_the_certificate_message_on_submit(unit, password_client):
    client = password_client(unit)
    response = client.post("/registry/award/new/", {"award_name": "芙蓉奖", "action": "submit"})
    page = client.get(response["Location"]).content.decode()
    assert rules.CERTIFICATE_REQUIRED.format(kind="获奖信息") in page
    assert Record.objects.get(kind=RecordKind.AWARD).status == RecordStatus.DRAFT


def test_practitioner_tabs_and_rows(unit, certificate_client):
    client = certificate_client(unit)
    page = client.get("/registry/practitioner/new/").content.decode()
    for tab in ("基本信息", "资格证书", "人员获奖", "安全生产考核证"):
        assert tab in page
    post = {
        "name": "赵六", "id_number": "360426199101010071", "phone": "13700137000",
        "id_scan__file": SimpleUploadedFile("id.png", png_bytes()),
        "certificates-TOTAL_FORMS": "1", "certificates-INITIAL_FORMS": "0",
        "certificates-0-cert_name": "一级注册建造师", "certificates-0-cert_no": "湘143000001",
        "awards-TOTAL_FORMS": "0", "awards-INITIAL_FORMS": "0",
        "action": "submit",
    }  # fmt: skip
    client.post("/registry/practitioner/new/", post)
    record = Record.objects.get(kind=RecordKind.PRACTITIONER)
    assert record.status == RecordStatus.SUBMITTED
    assert record.current.data["certificates"][0]["cert_name"] == "一级注册建造师"


def test_person_has_only_basic_information(person, password_client):
    client = password_client(person)
    assert client.get("/registry/qualification/").status_code == 404
    page = client.get("/registry/basic/").content.decode()
    assert "身份证人像面" in page and "单位资质" not in page
    born, sex = identifiers.resident_id_facts(person.subject.code)
    assert f"性别：{sex} · 出生日期：{born:%Y-%m-%d}" in page


@pytest.mark.parametrize("kind", ["qualification", "performance", "practitioner", "award"])
def test_list_pages_query_count_does_not_grow_with_rows(
    unit, certificate_client, django_assert_max_num_queries, kind
):
    client = certificate_client(unit)
    from registry import services
    from tests.conftest import actor

    for i in range(12):
        services.record_create(
            actor=actor(unit), subject=unit.subject, kind=kind, data={"award_name": f"x{i}"}
        )
    with django_assert_max_num_queries(8):
        response = client.get(f"/registry/{kind}/")
    assert response.status_code == 200


def test_saving_again_keeps_rows_nobody_touched(unit, certificate_client):
    """A change of a qualification re-posts its saved rows unchanged: they must stay."""
    qt = QualificationType.objects.get(name="建筑工程施工总承包")
    client = certificate_client(unit)
    client.post(
        "/registry/qualification/new/",
        {"cert_no": "D1", "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0",
         "items-0-qualification_type": str(qt.pk), "items-0-grade": "二级", "action": "save"},
    )  # fmt: skip
    record = Record.objects.get(kind=RecordKind.QUALIFICATION)
    page = client.get(f"/registry/records/{record.pk}/").content.decode()
    assert 'name="items-INITIAL_FORMS" value="1"' in page
    client.post(
        f"/registry/records/{record.pk}/",
        {"cert_no": "D1-改", "revision": "1", "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "1",
         "items-0-qualification_type": str(qt.pk), "items-0-grade": "二级", "action": "save"},
    )  # fmt: skip
    record.refresh_from_db()
    assert record.draft.data["cert_no"] == "D1-改"
    assert record.draft.data["items"] == [{"qualification_type": qt.pk, "grade": "二级", "scope": ""}]


def test_missing_fields_are_marked_on_the_page(unit, password_client):
    client = password_client(unit)
    client.post("/registry/basic/", {"name": unit.subject.name, "revision": 0, "action": "submit"})
    body = client.get("/registry/basic/?missing=1").content.decode()
    assert body.count(rules.MISSING_REQUIRED.split("{")[0]) == 1  # once, not again as a flash message
    assert 'class="field missing" id="field-legal_rep_name"' in body
    assert 'id="field-name"' in body and 'class="field missing" id="field-name"' not in body


def test_a_refused_save_after_a_refused_submit_shows_only_the_current_problem(unit, password_client):
    client = password_client(unit)
    client.post("/registry/basic/", {"name": unit.subject.name, "revision": 0, "action": "submit"})
    response = client.post(
        "/registry/basic/?missing=1",
        {
            "name": unit.subject.name,
            "legal_rep_name": "王五",
            "legal_rep_id_number": "123",
            "revision": 1,
            "action": "save",
        },
    )
    body = response.content.decode()
    assert rules.MISSING_REQUIRED.split("{")[0] not in body
    assert "没有保存：请修改下方标红的项目（法定代表人身份证号）" in body
    assert 'action="/registry/basic/"' in body


def test_read_only_page_links_the_files(unit, password_client):
    record = submit_basic(unit)
    body = password_client(unit).get("/registry/basic/").content.decode()
    licence = record.current.data["licence_scan"]
    assert f'<a href="/registry/attachments/{licence["id"]}/" target="_blank">licence.pdf</a>' in body


def test_deleting_a_draft_returns_to_its_list(unit, password_client):
    client = password_client(unit)
    client.post("/registry/award/new/", {"award_name": "草稿奖", "action": "save"})
    record = Record.objects.get(kind=RecordKind.AWARD)
    response = client.post(f"/registry/records/{record.pk}/delete/")
    assert response["Location"] == "/registry/award/"
    assert "已删除该草稿" in client.get("/registry/award/").content.decode()
    assert not Record.objects.filter(pk=record.pk).exists()
