"""电子签章 in a real browser with the installed agent as its own process: seals made, the 诚信承诺书
sealed by the unit and its legal representative with keys on a SoftHSM2 token (RSA and P-256) and
checked by poppler's pdfsig and the public verification page, and on the detection page 一键检测
(which signs a seal as well as a login) and 签章检测 (000 §3.3, §7; 004 3.7.5-3.7.6)."""

import re

import pytest
from playwright.sync_api import Page, expect

from core.audit import Actor
from democa import issuing
from registry.identifiers import resident_id_check_char
from signing import pdfsign, rules
from signing import services as signing_services
from signing.models import Document
from tests.e2e.agentparts import (
    PIN,
    agent_status,
    button,
    choose_certificate,
    enter_pin,
    flash,
    log_in_by_certificate,
    serial,
    start_signing,
)
from tests.factories import make_unit
from tests.pdftools import pdfsig

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEGAL_REP_ID = "43042119800202123" + resident_id_check_char("43042119800202123")


def side_link(page: Page, name: str) -> None:
    page.locator(".side-nav").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()


def seal_document(page: Page, agent, *, seal: str, place: str, certificate: str, opinion: str = "") -> Page:
    box = page.locator("[data-agent-seal]")
    box.locator(".js-seal").select_option(label=seal)
    box.locator(".js-place").select_option(value=place)
    if opinion:
        box.locator(".js-opinion").fill(opinion)
    expect(box.locator(".js-certificate option")).to_have_count(1)
    expect(box.locator(".js-certificate option")).to_contain_text(certificate)
    return start_signing(page, "签章", agent)


def test_unit_and_legal_representative_seal_the_commitment(page: Page, shot, trusted, token, agent, tmp_path):
    account = make_unit(name="衡阳签章旅程建设有限公司")
    unit = account.subject
    unit_pem = issuing.token_certificate(
        trusted["rsa"], token_label=token, pin=PIN, name=unit.name, code=unit.code
    )
    rep_pem = issuing.token_certificate(
        trusted["p256"], token_label=token, pin=PIN, name="李四", code=LEGAL_REP_ID, kind="person"
    )

    log_in_by_certificate(page, agent, serial(unit_pem))
    page.wait_for_url(re.compile(r"/registry/basic/$"))

    # 电子印章: the unit's round seal from its registered name; the bound certificate may apply it.
    side_link(page, "电子印章")
    button(page, "生成单位公章").click()
    expect(flash(page)).to_contain_text(f"已生成单位公章「{unit.name}」")
    expect(page.locator("table")).to_contain_text(serial(unit_pem))
    shot(page, "unit-seal")

    # The legal representative's seal, tied to the person's own certificate read from the USB key.
    side_link(page, "电子印章")
    page.get_by_label("姓名").fill("李四")
    page.get_by_label("身份证号码").fill(LEGAL_REP_ID)
    button(page, "生成个人印章").click()
    expect(flash(page)).to_contain_text("已生成个人印章「李四」")
    choose_certificate(page, serial(rep_pem))
    button(page, "添加所选证书").click()
    expect(flash(page)).to_contain_text(f"证书（序列号 {serial(rep_pem)}）现在可以使用该印章")
    shot(page, "personal-seal")

    # 签章文件: the 诚信承诺书 (made at a center's page, as centers.profiles.commitment_generate does),
    # sealed twice; each seal says who, when and that it is intact.
    commitment = signing_services.document_create(
        actor=Actor(user=account, auth_method="certificate"),
        subject=unit,
        kind="integrity_commitment",
        title=f"诚信承诺书（衡阳·{unit.name}）",
        context={
            "center_name": "衡阳市公共资源交易中心",
            "subject_name": unit.name,
            "subject_code": unit.code,
        },
        center_code="hengyang",
        subject_name=unit.name,
    )
    side_link(page, "签章文件")
    page.get_by_role("row", name=commitment.title).get_by_role("link", name="查看与签章").click()
    expect(page.locator(".doc-side")).to_contain_text(rules.NO_SEALS)
    shot(page, "commitment-unsealed")
    popup = seal_document(
        page,
        agent,
        seal=f"单位公章 · {unit.name}",
        place="unit",
        certificate=serial(unit_pem),
        opinion="同意，承诺内容真实有效。",
    )
    expect(popup.locator("dt:text-is('用途') + dd")).to_have_text("电子签章")
    expect(popup.locator("main")).to_contain_text("诚信承诺书")
    expect(popup.locator("main")).to_contain_text("文件摘要")
    shot(popup, "agent-pin-seal")
    enter_pin(popup, PIN)
    expect(flash(page)).to_contain_text("签章完成")
    expect(page.locator(".doc-side")).to_contain_text(rules.ALL_VALID.format(count=1))

    popup = seal_document(
        page,
        agent,
        seal="个人印章 · 李四（法定代表人）",
        place="legal_representative",
        certificate=serial(rep_pem),
    )
    enter_pin(popup, PIN)
    expect(page.locator(".doc-side")).to_contain_text(rules.ALL_VALID.format(count=2))
    report = page.locator(".doc-side .seal-check")
    expect(report).to_have_count(2)
    expect(report.nth(0)).to_contain_text(unit.name)
    expect(report.nth(0)).to_contain_text("同意，承诺内容真实有效。")
    expect(report.nth(1)).to_contain_text("李四")
    expect(page.locator(".doc-side")).to_contain_text("可信时间戳")
    shot(page, "commitment-sealed")

    document = Document.objects.get(subject=unit)
    assert document.version == 3 and document.signatures.count() == 2
    # The sealed PDF as the unit downloads it from the page (「下载PDF」, with the browser's session).
    downloaded = page.request.get(page.get_by_role("link", name="下载PDF").get_attribute("href"))
    assert downloaded.ok and downloaded.headers["content-type"] == "application/pdf"
    sealed = tmp_path / "sealed.pdf"
    sealed.write_bytes(downloaded.body())
    assert sealed.read_bytes() == bytes(document.pdf)

    # A verifier nobody here wrote: poppler's pdfsig, trusting the two issuers, finds both seals good.
    report = pdfsig(sealed, [trusted["rsa"].certificate, trusted["p256"].certificate], tmp_path)
    assert report.count("Signature Validation: Signature is Valid.") == 2, report
    assert report.count("Certificate Validation: Certificate is Trusted.") == 2, report
    assert unit.name in report and "李四" in report, report
    assert report.count("ETSI.CAdES.detached") == 2, report

    # Anyone can check it on the public page, logged out.
    button(page, "退出").click()
    page.goto("/signing/verify/")
    page.get_by_label("PDF文件").set_input_files(str(sealed))
    button(page, "验证").click()
    checks = page.locator(".seal-check")
    expect(checks).to_have_count(2)
    expect(checks.locator(".badge")).to_have_text(["签章有效", "签章有效"])
    expect(checks.nth(0)).to_contain_text(unit.name)
    expect(checks.nth(1)).to_contain_text("李四")
    shot(page, "public-verify")

    tampered = tmp_path / "tampered.pdf"
    data = bytearray(sealed.read_bytes())
    at = data.index(b"/Producer")
    data[at + 1 : at + 2] = b"Q"
    tampered.write_bytes(bytes(data))
    page.get_by_label("PDF文件").set_input_files(str(tampered))
    button(page, "验证").click()
    expect(page.locator(".seal-check .badge").first).to_have_text("文件已被修改")
    shot(page, "public-verify-tampered")


def test_detection_page_signs_a_seal_in_one_click_and_seals_a_sample(page: Page, shot, trusted, token, agent):
    pem = issuing.token_certificate(
        trusted["p256"], token_label=token, pin=PIN, name="签章检测科技有限公司", code="91430100MA4L00001J"
    )
    page.goto("/pki/detect/")

    # 一键检测: one PIN signs the login text and a seal on the sample page; both are checked.
    popup = start_signing(page, "一键检测", agent)
    expect(popup.locator("main")).to_contain_text("2. 签章签名检测")
    expect(popup.locator("main")).to_contain_text("电子签章检测样张")
    enter_pin(popup, PIN)
    expect(agent_status(page)).to_have_text("检测通过")
    seal_check = page.locator(".js-checks li").filter(has_text="签章签名")
    expect(seal_check).to_have_class(re.compile(r"\bok\b"))
    expect(seal_check).to_contain_text("✔ 签章签名 签章成功：签章检测科技有限公司，签章有效")
    shot(page, "one-click-detection")

    # 签章检测: the sample page sealed and shown.
    box = page.locator("[data-agent-seal-detect]")
    expect(box.locator(".js-certificate option")).to_have_count(1)
    popup = start_signing(page, "签章检测", agent)
    expect(popup.locator("main")).to_contain_text("电子签章检测样张")
    enter_pin(popup, PIN)
    expect(box.locator(".js-agent-status")).to_contain_text("✔ 签章成功：签章检测科技有限公司，签章有效")
    image = box.locator(".js-seal-result img")
    expect(image).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    expect(box.locator(".js-certificate option")).to_contain_text(serial(pem))
    shot(page, "detect-seal")


def test_one_click_detection_fails_for_a_certificate_that_cannot_seal(page: Page, shot, trusted, agent):
    """An SM2 certificate logs in, but PDF seals need RSA or P-256: 一键检测 must not say 检测通过."""
    issuing.soft_certificate(
        trusted["sm2"],
        directory=agent.config.soft_store,
        stem="sm2-unit",
        pin=PIN,
        name="国密检测科技有限公司",
        code="91430100MA4L00002M",
    )
    page.goto("/pki/detect/")
    popup = start_signing(page, "一键检测", agent)
    expect(popup.locator("dt:text-is('用途') + dd")).to_have_text("证书检测")
    expect(popup.locator("main")).not_to_contain_text("签章签名检测")  # nothing to seal for this one
    enter_pin(popup, PIN)
    expect(agent_status(page)).to_have_text("检测未通过，请按提示处理")
    checks = page.locator(".js-checks li")
    expect(checks.filter(has_text="登录签名")).to_have_class(re.compile(r"\bok\b"))
    seal_check = checks.filter(has_text="签章签名")
    expect(seal_check).to_have_class(re.compile(r"\berror\b"))
    expect(seal_check).to_contain_text(f"✘ 签章签名 {pdfsign.SM2_NOT_SUPPORTED}")
    shot(page, "one-click-detection-sm2")
