"""What the procurement journeys (project, venue, tender, and the agency's whole way through them)
share: the project's files, how a person fills a lot, ticks a lot, seals a document, and the
dates a tender is typed with."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from centers.grants import permissions_grant
from centers.models import Center, CenterSubject
from core.audit import Actor
from democa import issuing
from pki import services as pki_services
from procurement import deadlines, tenders
from procurement.models import Project
from procurement.tender_models import TenderDocument
from procurement.venue_models import Booking, Room
from registry.models import Account
from registry.samples import pdf_bytes
from review import rules as review_rules
from review.models import StaffRole
from tests.centers.factories import unit_key, unit_seal
from tests.centers.people_factories import unit_actor
from tests.e2e.agentparts import PIN, button, enter_pin, flash, start_signing
from tests.e2e.centerparts import (
    another_browser,
    center_staff,
    known_unit,
    log_in_by_password,
    seeded_center,
    table_row,
)
from tests.procurement.tender_factories import make_tender, seal_as_agency
from tests.procurement.venue_factories import (
    approved_booking,
    approved_project,
    center_admin,
    from_today,
    make_room,
)
from tests.review.parts import actor_of

# How a datetime-local input is typed.
TYPED = "%Y-%m-%dT%H:%M"


def project_files(folder: Path) -> dict[str, Path]:
    """The project's two documents (采购计划, 委托代理协议) as real PDFs, keyed by slot."""
    folder.mkdir(exist_ok=True)
    made = {"approval": "政府采购计划.pdf", "entrustment": "委托代理协议.pdf"}
    paths = {}
    for slot, name in made.items():
        paths[slot] = folder / name
        paths[slot].write_bytes(pdf_bytes(slot))
    return paths


def fill_lot(page: Page, index: int, name: str, code: str, budget: str, deposit: str) -> None:
    lot = page.locator("[data-lot]").nth(index)
    lot.get_by_label("分包名称").fill(name)
    lot.get_by_label("采购目录").fill(code)
    lot.get_by_label("预算金额/最高限价（元）").fill(budget)
    lot.get_by_label("保证金金额（元）").fill(deposit)
    lot.get_by_label("评标办法").select_option(label="综合评分法")


def lot_box(page: Page | Locator, number: int) -> Locator:
    """A lot's checkbox (选择分包), named 「第N包 …」."""
    return page.get_by_role("checkbox", name=re.compile(rf"^第{number}包"))


def next_monday(hour: int) -> dt.datetime:
    today = timezone.localdate()
    day = today + dt.timedelta(days=7 - today.weekday())
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def seal_on_signing_page(
    page: Page, context: BrowserContext, agent, unit: str, place: str, shot, name: str
) -> None:
    """「去签章（新窗口）」: the unit's seal at `place`, the PIN in the agent's window, back again."""
    with context.expect_page() as opened:
        page.get_by_role("link", name="去签章（新窗口）").first.click()
    signing = opened.value
    box = signing.locator("[data-agent-seal]")
    box.locator(".js-seal").select_option(label=f"单位公章 · {unit}")
    option = box.locator(".js-place option", has_text=place)
    expect(option).to_have_count(1)
    box.locator(".js-place").select_option(option.get_attribute("value"))
    box.get_by_label("签署意见").fill("同意发布。")
    popup = start_signing(signing, "签章", agent)
    shot(popup, f"{name}-agent-pin")
    enter_pin(popup, PIN)
    expect(flash(signing)).to_contain_text("签章完成", timeout=15_000)
    shot(signing, f"{name}-sealed")
    signing.close()


def approve_in_queue(
    browser: Browser, base_url: str, shot, name: str, title: str, reads: str, opinion: str, agency: str
) -> None:
    """常德's reviewer, at another computer, claims `title` in the queue, reads it and approves."""
    with another_browser(browser, base_url, shot, "reviewer") as desk:
        log_in_by_password(desk, "changde_reviewer", "/backoffice/queue/")
        row = table_row(desk, title)
        expect(row).to_contain_text(agency)
        row.get_by_role("button", name="认领").click()
        expect(desk.locator(".bo-grid")).to_contain_text(reads)
        shot(desk, f"reviewer-reads-{name}")
        desk.get_by_label("审核意见").fill(opinion)
        button(desk, "审核通过").click()
        expect(flash(desk)).to_contain_text(review_rules.APPROVED.format(title=title))


def outside_the_browsers_loop(call: Callable[[], object]) -> None:
    """Runs `call` in a thread of its own: sealing runs pyHanko's asyncio, which cannot start in
    this thread, where Playwright's event loop is running."""

    def run() -> None:
        try:
            call()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


@dataclass(frozen=True)
class TenderReady:
    center: Center
    account: Account
    entry: CenterSubject
    reviewer: Actor
    unit_pem: str
    soft_key: Any  # a soft certificate of the unit's, tied to its seal as the USB key's is
    project: Project
    room: Room
    booking: Booking
    tender: TenderDocument


def tender_ready(trusted: dict[str, Any], token: str, agency: str) -> TenderReady:
    """What the announcement journeys start from, made through the services (the agency journey
    walks those pages): at 常德, a licensed agency whose USB key's certificate is bound, with a
    unit seal; its project approved, the opening room approved at the earliest lawful bid
    deadline, and the tender document sealed and submitted."""
    changde = seeded_center("changde")
    account, entry = known_unit(changde, agency)
    permissions_grant(center=changde, center_subject=entry, because="主体信息审核通过", now=timezone.now())
    reviewer = actor_of(center_staff("changde_reviewer", changde, StaffRole.REVIEWER, name="周敏"))
    unit = account.subject
    unit_pem = issuing.token_certificate(
        trusted["rsa"], token_label=token, pin=PIN, name=unit.name, code=unit.code
    )
    pki_services.certificate_bind(
        actor=unit_actor(account, "certificate"),
        subject=unit,
        holder=pki_services.certificate_check(certificate=unit_pem),
        how="first_login",
    )
    soft_key = unit_key(trusted["rsa"], account)
    unit_seal(account)
    project = approved_project(account, entry, reviewer, name="常德市第一中学教学设备采购项目")
    room = make_room(center_admin(changde), changde, name="公告测试开标室")
    issued = from_today(1, 9)
    opening = deadlines.earliest(deadlines.BID_DEADLINE, issued)
    booking = approved_booking(account, project, room, opening, reviewer, lots=list(project.lots.all()))
    tender = make_tender(
        account,
        entry,
        project,
        now=timezone.now(),
        documents_from=issued,
        documents_until=from_today(12, 17),
        bid_deadline=opening,
    )
    outside_the_browsers_loop(lambda: seal_as_agency(account, tender.document, soft_key))
    tender = tenders.tender_submit(actor=unit_actor(account), tender=tender)
    return TenderReady(changde, account, entry, reviewer, unit_pem, soft_key, project, room, booking, tender)


def published_and_verified(
    page: Page, browser: Browser, base_url: str, announcement: Any, folder: Path, unit: str, shot, name: str
) -> None:
    """The announcement's published PDF, fetched from its page's link as anyone may: the version
    sealed and submitted, byte for byte; pdfsig finds its seal valid, and so does the public
    verify page in a browser with no session."""
    link = page.get_by_role("link", name="已发布的公告（PDF）").first
    published = page.request.get(link.get_attribute("href") or "")
    assert published.status == 200
    assert hashlib.sha256(published.body()).hexdigest() == announcement.submitted_sha256
    path = folder / f"{name}-published.pdf"
    path.write_bytes(published.body())
    checked = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature is Valid" in checked.stdout, checked.stdout
    with another_browser(browser, base_url, shot, "public") as anyone:
        anyone.goto("/signing/verify/")
        anyone.get_by_label("PDF文件").set_input_files(str(path))
        button(anyone, "验证").click()
        check = anyone.locator(".seal-check")
        expect(check).to_have_count(1)
        expect(check.locator(".badge")).to_have_text("签章有效")
        expect(check).to_contain_text(unit)
        shot(anyone, f"{name}-public-verify")
