"""GET /procurement/deadlines/: the statutory clock as a page's date field asks it, live. Logged-in
users only; bad input is a 400 with a Chinese message, never a 5xx."""

import datetime as dt

import pytest
from django.test import Client

from procurement import deadline_views, deadlines
from review.calendar import local_zone

pytestmark = pytest.mark.django_db

URL = "/procurement/deadlines/"


def _beijing(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=local_zone())


@pytest.fixture
def client(agency, certificate_client):
    return certificate_client(agency[0])


def test_anonymous_users_are_refused_in_json():
    answer = Client().get(URL, {"rule": "bid_deadline", "from": "2026-12-26T09:00:00+08:00"})
    assert answer.status_code == 401
    assert answer.json() == {"ok": False, "error": deadline_views.LOGIN_REQUIRED, "field": None}


def test_the_earliest_bid_deadline_across_the_new_year(client):
    # Issued 26 December 2026 09:00 + 20 days: Friday 15 January 2027 09:00 (see test_deadlines).
    answer = client.get(URL, {"rule": "bid_deadline", "from": "2026-12-26T09:00:00+08:00"})
    assert answer.status_code == 200
    assert answer.json() == {
        "ok": True,
        "rule": "bid_deadline",
        "measures": "招标文件开始发出至投标截止",
        "limit": "不少于20日",
        "earliest": "2027-01-15T09:00:00+08:00",
        "latest": None,
        "earliest_text": "2027年1月15日09:00",
        "latest_text": None,
        "provisional": True,
        "note": deadlines.PROVISIONAL_NOTE.format(years="2027"),
        "citation": "《中华人民共和国政府采购法》第三十五条",
        "problem": None,
    }


def test_a_value_that_breaks_the_rule_comes_back_as_the_problem(client):
    start, value = "2026-12-26T09:00", "2027-01-14T17:00"  # no offset: Beijing time
    answer = client.get(URL, {"rule": "bid_deadline", "from": start, "value": value}).json()
    assert answer["earliest"] == "2027-01-15T09:00:00+08:00"
    assert answer["problem"] == deadlines.check("bid_deadline", _beijing(start), _beijing(value))
    assert answer["problem"].endswith(
        "最早可定于 2027年1月15日09:00（2027年节假日安排尚未公布，按暂定日历计算）"
    )
    fine = client.get(URL, {"rule": "bid_deadline", "from": start, "value": "2027-01-15T09:00"}).json()
    assert fine["problem"] is None


def test_a_within_rule_has_a_latest_time(client):
    # 2 working days from Wednesday 30 September 2026: Thursday 8 and Friday 9 October.
    answer = client.get(URL, {"rule": "evaluation_report", "from": "2026-09-30T16:00+08:00"}).json()
    assert answer["earliest"] == "2026-09-30T16:00:00+08:00"
    assert answer["latest"] == "2026-10-09T23:59:59+08:00"
    assert answer["latest_text"] == "2026年10月9日24:00前"
    assert answer["provisional"] is False and answer["note"] == ""


def test_an_offset_sent_unencoded_reads_as_meant(client):
    # "+08:00" typed into a URL arrives as " 08:00"; UTC ("Z") is read in Beijing time.
    raw = client.get(f"{URL}?rule=bid_deadline&from=2026-12-26T09:00:00+08:00").json()
    utc = client.get(URL, {"rule": "bid_deadline", "from": "2026-12-26T01:00:00Z"}).json()
    assert raw["earliest"] == utc["earliest"] == "2027-01-15T09:00:00+08:00"


@pytest.mark.parametrize(
    ("query", "message", "field"),
    [
        ({"from": "2026-12-26T09:00"}, deadline_views.RULE_UNKNOWN.format(rule=""), "rule"),
        (
            {"rule": "nope", "from": "2026-12-26T09:00"},
            deadline_views.RULE_UNKNOWN.format(rule="nope"),
            "rule",
        ),
        ({"rule": "bid_deadline"}, deadline_views.FROM_REQUIRED, "from"),
        ({"rule": "bid_deadline", "from": "  "}, deadline_views.FROM_REQUIRED, "from"),
        (
            {"rule": "bid_deadline", "from": "2026-13-26T09:00"},
            deadline_views.TIME_INVALID.format(value="2026-13-26T09:00"),
            "from",
        ),
        (
            {"rule": "bid_deadline", "from": "2026-12-26T09:00", "value": "明天上午"},
            deadline_views.TIME_INVALID.format(value="明天上午"),
            "value",
        ),
        (
            {"rule": "bid_deadline", "from": "9" * 500},
            deadline_views.TIME_INVALID.format(value="9" * 40 + "…"),
            "from",
        ),
        (
            {"rule": "bid_deadline", "from": "9999-12-31T23:59"},
            deadline_views.TIME_OUT_OF_RANGE.format(value="9999-12-31T23:59", first=2000, last=2099),
            "from",
        ),
        (
            {"rule": "bid_deadline", "from": "0001-01-01T00:00+14:00"},
            deadline_views.TIME_OUT_OF_RANGE.format(value="0001-01-01T00:00+14:00", first=2000, last=2099),
            "from",
        ),
    ],
)
def test_bad_input_is_a_400_with_a_message(client, query, message, field):
    answer = client.get(URL, query)
    assert answer.status_code == 400
    assert answer.json() == {"ok": False, "error": message, "field": field}


def test_only_get_is_answered(client):
    assert client.post(URL, {"rule": "bid_deadline", "from": "2026-12-26T09:00"}).status_code == 405
