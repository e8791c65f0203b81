"""An agency's practitioner (从业人员), from 新增 to acting for the agency with a personal
certificate, in a real browser with the real certificate agent (000 §6.2, 001 §5; issue 5).

The agency logs in with its unit key (a SoftHSM2 token), adds a 工程建设 practitioner with the
documents and submits; a 常德 reviewer works the queue in another browser; the agency then reads
the person's own certificate (a soft certificate "inserted" after the unit key was read) and
activates it; the person logs in with it at the one login page, lands at 常德 acting for the
agency, may do what the unit's people may do (audited in the person's name), and is refused
what only the unit may do.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from centers import people_rules
from centers.models import CertificateActivation, Practitioner, PractitionerStatus
from centers.people_login import acting_label
from centers.views_sync import RESYNC_REQUESTED
from core.models import AuditEntry
from democa import issuing
from pki import rules as pki_rules
from registry.identifiers import check_resident_id
from registry.samples import pdf_bytes, png_bytes
from review import rules as review_rules
from review.models import ReviewItem, ReviewStatus, StaffRole
from tests.e2e.agentparts import (
    PIN,
    agent_status,
    button,
    certificate_option,
    choose_certificate,
    enter_pin,
    field,
    flash,
    log_in_by_certificate,
    serial,
    start_signing,
)
from tests.e2e.centerparts import (
    accept_confirm,
    another_browser,
    center_staff,
    current_file,
    field_error,
    known_unit,
    log_in_by_password,
    seeded_center,
    side_link,
    table_row,
    upload,
    who,
)
from tests.factories import new_resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENCY = "常德武陵招标代理有限公司"
PERSON = "王芳"
PHONE = "13907361234"


@pytest.fixture
def documents(tmp_path: Path) -> dict[str, Path]:
    """The practitioner's 电子件 as files on the agency's computer."""
    folder = tmp_path / "documents"
    folder.mkdir()
    made = {
        "id_card": (f"{PERSON}身份证.png", png_bytes("id card")),
        "qualification": ("执业资格证书.pdf", pdf_bytes("qualification")),
        "social_security": ("社保缴纳证明.pdf", pdf_bytes("social security")),
    }
    paths = {}
    for slot, (name, content) in made.items():
        paths[slot] = folder / name
        paths[slot].write_bytes(content)
    return paths


@pytest.fixture(autouse=True)
def _own_queue(settings, tmp_path):
    # 重新同步 queues a delivery: into this test's own queue file, never the developer's var/.
    settings.GGZY_QUEUE_URL = f"sqlite:///{tmp_path / 'queue.sqlite3'}"


def test_agency_adds_a_practitioner_who_is_reviewed_and_acts_with_a_personal_certificate(
    browser: Browser, live_server, page: Page, shot, soft, documents, trusted, token, agent
):
    changde = seeded_center("changde")
    account, entry = known_unit(changde, AGENCY)
    unit = account.subject
    unit_pem = issuing.token_certificate(
        trusted["rsa"], token_label=token, pin=PIN, name=unit.name, code=unit.code
    )
    center_staff("changde_reviewer", changde, StaffRole.REVIEWER, name="周敏")
    id_number = new_resident_id()
    wrong_id = id_number[:17] + ("0" if id_number[17] != "0" else "1")

    # 1. The agency logs in with its unit certificate and goes to 常德.
    log_in_by_certificate(page, agent, serial(unit_pem))
    page.wait_for_url(re.compile(r"/registry/basic/$"))
    expect(flash(page)).to_contain_text(pki_rules.LOGGED_IN)
    page.goto(f"/centers/{changde.code}/")
    expect(page.locator(".side-name")).to_have_text(AGENCY)
    shot(page, "agency-at-changde")

    # 2. 工程建设从业人员 → 新增从业人员; a wrong check digit is said, and nothing typed is lost.
    side_link(page, "从业人员")
    expect(page.get_by_role("heading", name="工程建设从业人员")).to_be_visible()
    expect(page.locator("table tbody")).to_contain_text("还没有工程建设从业人员")
    page.get_by_role("link", name="新增从业人员").click()
    expect(page.get_by_role("heading", name="新增工程建设从业人员")).to_be_visible()
    field(page, "姓名").fill(PERSON)
    field(page, "身份证号码").fill(wrong_id)
    field(page, "手机号码").fill(PHONE)
    field(page, "职务").fill("项目负责人")
    field(page, "职称").fill("高级工程师")
    field(page, "执业资格证书编号").fill("湘143070801234")
    files = documents
    upload(page, "id_card", files["id_card"])
    upload(page, "qualification", files["qualification"])
    upload(page, "social_security", files["social_security"])
    shot(page, "new-practitioner-filled")
    button(page, "下一步").click()

    expected_error = people_rules.ID_NUMBER_INVALID.format(error=check_resident_id(wrong_id).error)
    expect(field_error(page, "id_number")).to_have_text(expected_error)
    expect(page.locator(".alert-error")).to_contain_text("没有保存")
    expect(field(page, "姓名")).to_have_value(PERSON)
    expect(field(page, "身份证号码")).to_have_value(wrong_id)
    expect(field(page, "手机号码")).to_have_value(PHONE)
    expect(field(page, "执业资格证书编号")).to_have_value("湘143070801234")
    # The files chosen were kept: the person does not choose them again.
    expect(current_file(page, "id_card")).to_contain_text(files["id_card"].name)
    expect(current_file(page, "qualification")).to_contain_text(files["qualification"].name)
    expect(current_file(page, "social_security")).to_contain_text(files["social_security"].name)
    shot(page, "wrong-check-digit-input-kept")
    assert not Practitioner.objects.at(changde).exists()

    field(page, "身份证号码").fill(id_number)
    button(page, "下一步").click()
    expect(page.get_by_role("heading", name="提交信息")).to_be_visible()
    expect(page.locator(".alert-warning")).to_have_count(0)  # nothing missing
    summary = page.locator("main")
    expect(summary).to_contain_text(PERSON)
    expect(summary).to_contain_text(files["social_security"].name)
    shot(page, "submit-page")
    accept_confirm(page)
    button(page, "提交信息").click()
    expect(flash(page)).to_contain_text(
        people_rules.PRACTITIONER_SUBMITTED.format(department=changde.review_department)
    )
    expect(page.locator(".head-badges")).to_contain_text("待审核")
    shot(page, "submitted")
    practitioner = Practitioner.objects.at(changde).get(center_subject=entry)
    assert practitioner.status == PractitionerStatus.SUBMITTED
    assert practitioner.id_number == id_number
    assert sorted(practitioner.documents) == ["id_card", "qualification", "social_security"]
    title = people_rules.REVIEW_TITLE.format(
        field="工程建设", name=PERSON, id_number=people_rules.mask_id_number(id_number)
    )

    # 3. A 常德 reviewer, at another computer: claim; a rejection needs an opinion; approve.
    with another_browser(browser, live_server.url, shot, "reviewer") as desk:
        log_in_by_password(desk, "changde_reviewer", "/backoffice/queue/")
        row = table_row(desk, title)
        expect(row).to_contain_text(AGENCY)
        shot(desk, "reviewer-queue")
        row.get_by_role("button", name="认领").click()
        expect(flash(desk)).to_contain_text(review_rules.CLAIMED.format(title=title))
        content = desk.locator(".bo-grid")
        expect(content).to_contain_text(f"{AGENCY}（{unit.code}）")
        expect(content).to_contain_text(id_number)
        expect(content.get_by_role("link", name=re.compile(r"^身份证扫描件："))).to_have_count(1)
        expect(content.get_by_role("link", name=re.compile(r"^社保缴纳证明："))).to_have_count(1)
        button(desk, "退回").click()
        expect(desk.locator("#decision")).to_contain_text(review_rules.OPINION_REQUIRED)
        shot(desk, "reject-without-opinion")
        desk.get_by_label("审核意见").fill("材料齐全，同意。")
        button(desk, "审核通过").click()
        expect(desk).to_have_url(re.compile(r"/backoffice/queue/$"))
        expect(flash(desk)).to_contain_text(review_rules.APPROVED.format(title=title))
        shot(desk, "approved")
    item = ReviewItem.objects.get(target_id=str(practitioner.pk), target_type="centers.practitioner")
    assert item.status == ReviewStatus.APPROVED and item.opinion == "材料齐全，同意。"

    # 4. CA证书激活: the unit key is read first; the person's key, once inserted, is read and activated.
    page.reload()
    expect(page.locator(".head-badges")).to_contain_text("审核通过")
    side_link(page, "CA证书激活")
    expect(table_row(page, PERSON)).to_contain_text("未激活")
    table_row(page, PERSON).get_by_role("link", name="激活证书").click()
    expect(page.get_by_role("heading", name=f"{PERSON}的个人CA证书")).to_be_visible()
    expect(agent_status(page)).to_contain_text("找到 1 张证书")

    # The unit's own certificate is not the person's: refused, saying whose it is.
    popup = start_signing(page, "激活", agent)
    enter_pin(popup, PIN)
    expect(agent_status(page)).to_contain_text(f"读取到的证书属于{unit.name}")
    expect(agent_status(page)).to_contain_text(f"与从业人员{PERSON}的身份证号")
    shot(page, "activation-unit-certificate-refused")

    person_pem = issuing.soft_certificate(
        trusted["p256"],
        directory=agent.config.soft_store,
        stem="wangfang",
        pin=PIN,
        name=PERSON,
        code=id_number,
        kind="person",
    )
    person_serial = serial(person_pem)
    button(page, "读取证书").click()
    expect(agent_status(page)).to_contain_text("找到 2 张证书")
    expect(certificate_option(page, person_serial)).to_contain_text(f"{PERSON}（序列号 {person_serial}")
    choose_certificate(page, person_serial)
    shot(page, "activation-person-certificate-read")
    popup = start_signing(page, "激活", agent)
    expect(popup.locator("main")).to_contain_text(person_serial)
    enter_pin(popup, PIN)
    expect(flash(page)).to_contain_text(people_rules.ACTIVATED.format(name=PERSON, serial=person_serial))
    activated = page.locator("table.cert-table tbody tr")
    expect(activated).to_have_count(1)
    expect(activated).to_contain_text(person_serial)
    expect(activated).to_contain_text("已激活")
    expect(activated).to_contain_text("旅程测试CA（P-256）")
    shot(page, "activated")
    side_link(page, "CA证书激活")
    expect(table_row(page, PERSON)).to_contain_text(person_serial)
    shot(page, "activation-list")
    activation = CertificateActivation.objects.at(changde).get(practitioner=practitioner)
    assert activation.holder_code == id_number and activation.revoked_at is None

    # 5. The person logs in with their own certificate, at their own computer, and acts for the agency.
    label = acting_label(PERSON, id_number)
    with another_browser(browser, live_server.url, shot, "person") as own:
        log_in_by_certificate(own, agent, person_serial)
        own.wait_for_url(re.compile(rf"/centers/{changde.code}/$"))
        expect(flash(own)).to_contain_text(
            people_rules.PRACTITIONER_LOGGED_IN.format(name=PERSON, unit=AGENCY, center=changde.name)
        )
        expect(who(own)).to_contain_text(people_rules.ACTING_BANNER.format(name=PERSON, unit=AGENCY))
        expect(who(own)).to_contain_text("CA证书登录")
        shot(own, "person-acting-at-changde")

        # Reading is theirs: the list, with no 新增 for them.
        side_link(own, "从业人员")
        expect(table_row(own, PERSON)).to_contain_text("审核通过")
        expect(own.get_by_role("link", name="新增从业人员")).to_have_count(0)
        expect(own.locator(".alert-info")).to_contain_text("您正以从业人员个人证书代表本单位登录")
        shot(own, "person-reads-practitioners")

        # What only the unit may do is refused with the rule's message, even by the address.
        own.goto(f"/centers/{changde.code}/practitioners/construction/new/")
        expect(own).to_have_url(re.compile(rf"/centers/{changde.code}/practitioners/construction/$"))
        expect(flash(own)).to_contain_text(
            people_rules.UNIT_ONLY.format(action=people_rules.ACTION_PRACTITIONERS)
        )
        shot(own, "person-refused-unit-only")

        # A write the unit's people may do (000 §5 情况2 重新同步): done, in the person's name.
        own.goto("/centers/")
        button(own, "重新同步").click()
        expect(flash(own)).to_contain_text(RESYNC_REQUESTED)
        shot(own, "person-resync")

    login_row = AuditEntry.objects.get(action="centers.practitioner_login", subject_id=unit.pk)
    soft.check(
        "the login is audited as the agency's, by certificate, naming the person",
        lambda: _assert_acting(login_row, account, label),
    )
    resync_row = AuditEntry.objects.get(action="registry.subject_resync_requested", subject_id=unit.pk)
    soft.check(
        "the person's 重新同步 is audited in the person's name",
        lambda: _assert_acting(resync_row, account, label),
    )
    unit_rows = AuditEntry.objects.filter(subject_id=unit.pk, action__startswith="centers.practitioner_")
    soft.check(
        "what the unit did itself names nobody acting",
        lambda: _assert_no_acting(unit_rows.exclude(action="centers.practitioner_login")),
    )
    soft.assert_all_passed()


def _assert_acting(row: AuditEntry, account, label: str) -> None:
    assert row.actor_id == account.pk, row
    assert row.auth_method == "certificate", row.auth_method
    assert row.data.get("acting_person") == label, row.data


def _assert_no_acting(rows) -> None:
    actions = [row.action for row in rows]
    assert "centers.practitioner_created" in actions and "centers.practitioner_submitted" in actions, actions
    assert all("acting_person" not in row.data for row in rows), [row.data for row in rows]
