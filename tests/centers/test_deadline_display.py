"""One deadline, one day: what a unit is told about a 解绑申请's time limit and what technical
support sees in the queue both come from review.calendar.last_day, in local time."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from centers import rules
from registry.samples import pdf_bytes, png_bytes
from review import calendar
from tests.centers.factories import center
from tests.centers.people_factories import (
    bind_unit_key,
    make_agency,
    make_support,
    make_unbind_request,
    open_item,
    trust_all,
)

pytestmark = pytest.mark.django_db


def shown_days(text: str, pattern: str = r"(\d{4})[-年](\d{1,2})[-月](\d{1,2})") -> set[dt.date]:
    """Every date in the text, written 2026-12-04 or 2026年12月4日."""
    return {dt.date(int(y), int(m), int(d)) for y, m, d in re.findall(pattern, text)}


def test_the_unit_and_technical_support_see_the_same_last_day(tmp_path, password_client):
    account, entry = make_agency(center())
    bound = bind_unit_key(trust_all(tmp_path / "trust")["rsa"], account)
    made = make_unbind_request(account, entry, bound)
    item = open_item(made)
    last = calendar.last_day(item.due_at)

    unit_page = password_client(account).get(f"/centers/changde/unbind/{made.pk}/").content.decode()
    support = Client()
    support.force_login(make_support(entry.center).user)
    staff_page = support.get("/backoffice/queue/").content.decode()

    assert shown_days(staff_page, r"(\d{4})-(\d{2})-(\d{2}) 当日") == {last}
    waiting = unit_page.split("等待", 1)[1].split("</div>", 1)[0]
    assert shown_days(waiting) == {last}
    assert rules.due_label(item.due_at) in waiting


def test_the_submitted_message_names_the_end_of_the_same_day(tmp_path, password_client):
    account, entry = make_agency(center())
    bound = bind_unit_key(trust_all(tmp_path / "trust")["rsa"], account)
    client = password_client(account)
    page = client.post(
        "/centers/changde/unbind/new/",
        {
            "certificate": bound.pk,
            "reason": "lost",
            "explanation": "证书遗失",
            "letter__file": SimpleUploadedFile("解绑申请书.pdf", pdf_bytes("letter")),
            "licence__file": SimpleUploadedFile("营业执照.png", png_bytes("licence")),
        },
        follow=True,
    ).content.decode()
    due_at = calendar.due_at(timezone.now(), entry.center.review_working_days)
    message = page.split("解绑申请已提交", 1)[1].split("。", 1)[0]
    assert shown_days(message) == {calendar.last_day(due_at)}
    assert f"{rules.due_label(due_at)}24时前" in message
