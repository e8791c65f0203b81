"""审核队列 over HTTP: the one list, its filters and clock, claiming, and deciding on the item page."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from centers.models import CenterSubject, ProfileStatus
from review import calendar, rules
from review.models import ReviewItem, ReviewKind, ReviewStatus
from tests.review.parts import REFUSED, ZONE, center_subject, open_item, registered_handlers, staff

pytestmark = pytest.mark.django_db


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=ZONE)


def overdue_by(working_days: int) -> dt.datetime:
    """A due time that passed `working_days` working days ago (today counted if it is one)."""
    day = timezone.localdate()
    counted = 0
    while True:
        if calendar.is_working_day(day):
            counted += 1
            if counted == working_days:
                return midnight(day)
        day -= dt.timedelta(days=1)


def item_with_due(entry, due: dt.datetime, **options) -> ReviewItem:
    item = open_item(entry, **options)
    # Time travel: the due time set directly rather than counted from working days.
    ReviewItem.objects.filter(pk=item.pk).update(due_at=due)
    item.refresh_from_db()
    return item


def row(page: str, item: ReviewItem) -> str:
    found = re.search(rf'<tr[^>]*data-item="{item.pk}">(.*?)</tr>', page, re.S)
    assert found, f"item {item.pk} not listed"
    return found.group(1)


def test_the_queue_shows_the_centers_items_for_the_members_roles(as_staff, reviewer, support):
    mine = open_item(center_subject("hengyang", "衡阳甲建设有限公司"))
    unbind = open_item(center_subject("hengyang", "衡阳乙建设有限公司"), kind=ReviewKind.UNBIND)
    elsewhere = open_item(center_subject("changde", "常德丙建设有限公司"))

    page = as_staff(reviewer).get("/backoffice/queue/").content.decode()
    assert f'data-item="{mine.pk}"' in page
    assert f'data-item="{unbind.pk}"' not in page and f'data-item="{elsewhere.pk}"' not in page
    cells = row(page, mine)
    assert "主体信息审核：衡阳甲建设有限公司" in cells and mine.subject_code in cells and "待认领" in cells

    support_page = as_staff(support).get("/backoffice/queue/").content.decode()
    assert f'data-item="{unbind.pk}"' in support_page and f'data-item="{mine.pk}"' not in support_page


def test_the_clock_says_how_long_is_left_and_overdue_in_red(as_staff, reviewer):
    today = timezone.localdate()
    next_working = calendar.add_working_days(today, 1)
    late = item_with_due(center_subject("hengyang", "衡阳超期有限公司"), overdue_by(2))
    due_today = item_with_due(
        center_subject("hengyang", "衡阳今日有限公司"), midnight(today + dt.timedelta(days=1))
    )
    later = item_with_due(
        center_subject("hengyang", "衡阳剩余有限公司"), midnight(next_working + dt.timedelta(days=1))
    )

    page = as_staff(reviewer).get("/backoffice/queue/").content.decode()

    assert '<span class="clock clock-overdue">已超期 2 个工作日</span>' in row(page, late)
    assert "今日到期" in row(page, due_today)
    assert "剩余 1 个工作日" in row(page, later)
    # Sorted by due time: the overdue one first.
    assert (
        page.index(f'data-item="{late.pk}"')
        < page.index(f'data-item="{due_today.pk}"')
        < page.index(f'data-item="{later.pk}"')
    )
    assert "已超期 1" in page  # the count beside the filter


def test_filters_by_kind_status_mine_and_overdue(as_staff, reviewer, handlers):
    colleague = staff("hy_reviewer2", "hengyang", "reviewer", name="张伟")
    waiting = open_item(center_subject("hengyang", "衡阳待认领有限公司"))
    claimed_by_me = open_item(center_subject("hengyang", "衡阳我的有限公司"))
    claimed_by_other = open_item(center_subject("hengyang", "衡阳别人有限公司"))
    practitioner = open_item(center_subject("hengyang", "衡阳从业有限公司"), kind=ReviewKind.PRACTITIONER)
    done = open_item(center_subject("hengyang", "衡阳办结有限公司"))
    late = item_with_due(center_subject("hengyang", "衡阳超期二有限公司"), overdue_by(1))
    me, other = as_staff(reviewer), as_staff(colleague)
    for item in (claimed_by_me, done):
        me.post(f"/backoffice/queue/{item.pk}/claim/")
    other.post(f"/backoffice/queue/{claimed_by_other.pk}/claim/")
    me.post(f"/backoffice/queue/{done.pk}/", {"decision": "reject", "opinion": "请补充材料"})

    def listed(query: str) -> set[int]:
        page = me.get(f"/backoffice/queue/?{query}").content.decode()
        return {int(pk) for pk in re.findall(r'data-item="(\d+)"', page)}

    undecided = {waiting.pk, claimed_by_me.pk, claimed_by_other.pk, practitioner.pk, late.pk}
    assert listed("") == undecided
    assert listed("status=open") == {waiting.pk, practitioner.pk, late.pk}
    assert listed("status=claimed") == {claimed_by_me.pk, claimed_by_other.pk}
    assert listed("status=done") == {done.pk}
    assert listed("kind=practitioner") == {practitioner.pk}
    assert listed("mine=on") == {claimed_by_me.pk}
    assert listed("mine=on&status=done") == {done.pk}
    assert listed("overdue=on") == {late.pk}
    page = me.get("/backoffice/queue/?status=claimed").content.decode()
    assert "张伟 认领" in row(page, claimed_by_other) and "释放" not in row(page, claimed_by_other)
    assert "办理" in row(page, claimed_by_me)


def test_a_platform_administrator_sees_every_center_and_may_narrow_to_one(as_staff, admin):
    hengyang = open_item(center_subject("hengyang", "衡阳平台有限公司"))
    changde = open_item(center_subject("changde", "常德平台有限公司"))
    client = as_staff(admin)
    page = client.get("/backoffice/queue/").content.decode()
    assert f'data-item="{hengyang.pk}"' in page and f'data-item="{changde.pk}"' in page
    narrowed = client.get("/backoffice/queue/?center=changde").content.decode()
    assert f'data-item="{changde.pk}"' in narrowed and f'data-item="{hengyang.pk}"' not in narrowed


def test_the_list_takes_the_same_queries_for_few_and_many_items(
    as_staff, reviewer, django_assert_num_queries
):
    client = as_staff(reviewer)
    for number in range(2):
        open_item(center_subject("hengyang", f"衡阳少量{number}有限公司"))
    client.get("/backoffice/queue/")  # the session's first read is not the list's
    # session, account, staff member, paginator count, items, counts, calendar
    with django_assert_num_queries(7):
        assert client.get("/backoffice/queue/?status=").status_code == 200
    for number in range(25):
        item = open_item(center_subject("hengyang", f"衡阳大量{number}有限公司"))
        if number % 3 == 0:
            client.post(f"/backoffice/queue/{item.pk}/claim/")
    with django_assert_num_queries(7):
        page = client.get("/backoffice/queue/?status=").content.decode()
    assert page.count("data-item=") == 27


def test_claiming_from_the_list_and_losing_the_race(as_staff, reviewer):
    colleague = staff("hy_reviewer2", "hengyang", "reviewer", name="张伟")
    item = open_item(center_subject("hengyang"))
    first = as_staff(reviewer).post(f"/backoffice/queue/{item.pk}/claim/", {"next": "/backoffice/queue/"})
    assert first.status_code == 302 and first["Location"] == f"/backoffice/queue/{item.pk}/"

    second = as_staff(colleague)
    lost = second.post(
        f"/backoffice/queue/{item.pk}/claim/", {"next": "/backoffice/queue/?kind=profile"}, follow=True
    )
    assert lost.redirect_chain[-1][0] == "/backoffice/queue/?kind=profile"
    assert rules.ALREADY_CLAIMED.format(name="李娟") in lost.content.decode()
    # An address off this site is never followed.
    off_site = second.post(f"/backoffice/queue/{item.pk}/claim/", {"next": "https://evil.example/"})
    assert off_site["Location"] == f"/backoffice/queue/{item.pk}/"


def test_rejecting_without_an_opinion_is_refused_on_the_same_page(as_staff, reviewer, handlers):
    item = open_item(center_subject("hengyang"))
    client = as_staff(reviewer)
    client.post(f"/backoffice/queue/{item.pk}/claim/")
    response = client.post(f"/backoffice/queue/{item.pk}/", {"decision": "reject", "opinion": "  "})
    assert response.status_code == 200
    page = response.content.decode()
    assert rules.OPINION_REQUIRED in page and 'name="opinion"' in page
    assert ReviewItem.objects.get(pk=item.pk).status == ReviewStatus.CLAIMED


def test_a_refused_decision_keeps_the_typed_opinion(as_staff, reviewer):
    entry = center_subject("hengyang")
    item = open_item(entry)
    client = as_staff(reviewer)
    client.post(f"/backoffice/queue/{item.pk}/claim/")
    with registered_handlers(refuse=True):
        response = client.post(
            f"/backoffice/queue/{item.pk}/", {"decision": "approve", "opinion": "同意，材料齐全"}
        )
    page = response.content.decode()
    assert response.status_code == 200 and REFUSED in page and "同意，材料齐全</textarea>" in page
    assert CenterSubject.unscoped.get(pk=entry.pk).profile_status == ProfileStatus.SUBMITTED


def test_approving_on_the_item_page(as_staff, reviewer, handlers):
    entry = center_subject("hengyang")
    item = open_item(entry)
    client = as_staff(reviewer)
    client.post(f"/backoffice/queue/{item.pk}/claim/")
    response = client.post(
        f"/backoffice/queue/{item.pk}/", {"decision": "approve", "opinion": ""}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/backoffice/queue/"
    assert rules.APPROVED.format(title=item.title) in response.content.decode()
    assert CenterSubject.unscoped.get(pk=entry.pk).profile_status == ProfileStatus.APPROVED


def test_the_item_page_shows_what_is_decided_and_its_history(as_staff, reviewer, handlers):
    colleague = staff("hy_reviewer2", "hengyang", "reviewer", name="张伟")
    entry = center_subject("hengyang", "衡阳历史建设有限公司")
    item = open_item(entry)
    mine, theirs = as_staff(reviewer), as_staff(colleague)
    mine.post(f"/backoffice/queue/{item.pk}/claim/")
    mine.post(f"/backoffice/queue/{item.pk}/release/")
    theirs.post(f"/backoffice/queue/{item.pk}/claim/")
    theirs.post(f"/backoffice/queue/{item.pk}/", {"decision": "reject", "opinion": "法定代表人身份证过期"})

    page = mine.get(f"/backoffice/queue/{item.pk}/").content.decode()
    assert "衡阳历史建设有限公司的主体信息" in page  # the owning app's describe()
    assert "<dt>法定代表人</dt><dd>王五</dd>" in page
    assert 'href="/registry/attachments/1/"' in page and "营业执照.pdf" in page
    history = page[page.index("办理记录") :]
    steps = re.findall(r"<strong>(.*?)</strong> · ([^<\s]+)", history)
    assert steps == [
        ("提交审核", "系统"),  # open_item opens it as the system: a row with no actor
        ("认领", "李娟"),
        ("释放", "李娟"),
        ("认领", "张伟"),
        ("退回", "张伟"),
    ]
    assert "意见：法定代表人身份证过期" in history
    assert "已退回" in page and 'name="opinion"' not in page


def test_without_describe_the_page_shows_the_bare_target(as_staff, reviewer):
    entry = center_subject("hengyang")
    item = open_item(entry)
    with registered_handlers(describe=False):
        page = as_staff(reviewer).get(f"/backoffice/queue/{item.pk}/").content.decode()
    assert "<dt>对象类型</dt><dd>centers.centersubject</dd>" in page
    assert f"<dt>对象编号</dt><dd>{entry.pk}</dd>" in page


def test_items_beyond_the_members_bounds_are_not_found(as_staff, reviewer, support):
    other_center = open_item(center_subject("changde"))
    assert as_staff(reviewer).get(f"/backoffice/queue/{other_center.pk}/").status_code == 404
    assert as_staff(reviewer).post(f"/backoffice/queue/{other_center.pk}/claim/").status_code == 404
    reviewer_item = open_item(center_subject("hengyang"))
    assert as_staff(support).get(f"/backoffice/queue/{reviewer_item.pk}/").status_code == 404
    assert as_staff(reviewer).get("/backoffice/queue/999999/").status_code == 404


@pytest.mark.parametrize("posted", [{"opinion": "材料不全"}, {"decision": "maybe", "opinion": "材料不全"}])
def test_a_post_that_names_no_decision_decides_nothing(as_staff, reviewer, handlers, posted):
    """Only the two buttons decide: a POST without either (a stale form, a script) is not a 退回."""
    from backoffice.forms import DECISION_REQUIRED

    entry = center_subject("hengyang")
    item = open_item(entry)
    client = as_staff(reviewer)
    client.post(f"/backoffice/queue/{item.pk}/claim/")
    response = client.post(f"/backoffice/queue/{item.pk}/", posted)
    assert response.status_code == 200
    page = response.content.decode()
    assert DECISION_REQUIRED in page and "材料不全</textarea>" in page
    assert ReviewItem.objects.get(pk=item.pk).status == ReviewStatus.CLAIMED
    assert CenterSubject.unscoped.get(pk=entry.pk).profile_status == ProfileStatus.SUBMITTED
