"""What the journeys at a trading center share: the center's rows after a transactional test wiped
them, a unit the center knows, a staff member, another person's browser, and how a person finds
things on the center's and the back-office's pages."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from centers.models import Center, CenterSubject, SubjectType
from registry.models import Account, Subject, SubjectStatus
from review.models import StaffMember
from tests.centers import factories as center_factories
from tests.e2e.agentparts import button
from tests.factories import PASSWORD, make_unit
from tests.review import parts as review_parts

# --- data: what the registry and the sync would have left ------------------------------------------


def seeded_center(code: str) -> Center:
    """The center as its data migration made it. A transactional test starts after earlier ones
    flushed every table, the migrations' rows (centers, the working-day calendar) included."""
    review_parts.reseed()
    return Center.objects.get(code=code)


def known_unit(
    at: Center, name: str, types: tuple[str, ...] = (SubjectType.AGENCY,)
) -> tuple[Account, CenterSubject]:
    """A unit registered in the registry, 有效 there, and known at the center with these types.

    The centers take only valid subjects (registry.models.SubjectStatus); the status and the
    center's copy stand in for the registry review and the sync, which their own tests cover.
    """
    account = make_unit(name=name)
    Subject.objects.filter(pk=account.subject.pk).update(status=SubjectStatus.VALID)
    account.subject.refresh_from_db()
    return account, center_factories.enter(account, at, types)


def center_staff(username: str, at: Center, *roles: str, name: str) -> StaffMember:
    """A staff member of the center with these roles, logging in with tests.factories.PASSWORD."""
    return review_parts.staff(username, at.code, *roles, name=name)


# --- browsers ----------------------------------------------------------------------------------


@contextmanager
def another_browser(
    browser: Browser, base_url: str, shot: Callable[[Page, str], Any] | None = None, person: str = "other"
) -> Iterator[Page]:
    """Another person at another computer: a context of its own (no shared cookies). When the
    block fails, `shot` keeps what each of its tabs showed, as tests/e2e/conftest.py does for the
    test's own browser."""
    context: BrowserContext = browser.new_context(
        base_url=base_url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 900},
    )
    try:
        yield context.new_page()
    except BaseException:
        if shot is not None:
            for number, open_page in enumerate(context.pages, start=1):
                shot(open_page, f"failed-{person}-tab{number}")
        raise
    finally:
        context.close()


def log_in_by_password(page: Page, username: str, where: str, password: str = PASSWORD) -> None:
    """Opens `where`, is sent to the login page, logs in with 账号/密码 and comes back."""
    page.goto(where)
    expect(page).to_have_url(re.compile(r"/registry/login/"))
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(password)
    button(page, "登录").click()
    expect(page).to_have_url(re.compile(re.escape(where) + "$"))


def accept_confirm(page: Page) -> None:
    """The next window.confirm (data-confirm buttons) is answered 「确定」, as a person would."""
    page.once("dialog", lambda dialog: dialog.accept())


# --- the center's pages --------------------------------------------------------------------------


def side_link(page: Page, name: str) -> None:
    page.locator(".side-nav").get_by_role("link", name=name, exact=True).click()


def who(page: Page) -> Locator:
    """The header's 「account · how logged in · who is acting」."""
    return page.locator(".topbar .who")


def upload(page: Page, slot: str, path: Any) -> None:
    page.set_input_files(f"input[name='{slot}__file']", str(path))


def current_file(page: Page, slot: str) -> Locator:
    """The 「已上传：name」 line of an attachment slot."""
    return page.locator(f"#field-{slot} .attachment-current")


def field_error(page: Page, name: str) -> Locator:
    return page.locator(f"#field-{name} .error:not(.js-size-error)")


def table_row(page: Page, text: str) -> Locator:
    return page.locator("table tbody tr", has_text=text)
