"""The statutory clock (procurement.deadlines): each limit counted by 87号令 art. 85-86 over the
official calendar, its refusal citing the article and giving the computed date, the provisional
note for a year whose notice is not out, the clarification that moves the deadline, and the
bid-opening time. Every expected date is worked out by hand in the comment beside it."""

import datetime as dt

import pytest

from procurement import deadlines
from procurement.deadlines import RULES, Direction
from review.models import CalendarDay
from tests.review.parts import at

pytestmark = pytest.mark.django_db

NOTE_2027 = "（2027年节假日安排尚未公布，按暂定日历计算）"


def test_the_bid_deadline_across_the_new_year_in_the_words_of_the_law():
    # Issued Saturday 26 December 2026 09:00. Day 1 is the 27th; 27-31 December are days 1-5,
    # 1-15 January days 6-20: Friday 15 January 2027, a working day (元旦 on the 1st does not
    # matter to a count of calendar days). 2027's notice is not out: provisional.
    issued = at("2026-12-26 09:00")
    assert deadlines.earliest("bid_deadline", issued) == at("2027-01-15 09:00")
    assert deadlines.check("bid_deadline", issued, at("2027-01-15 09:00")) is None
    assert deadlines.check("bid_deadline", issued, at("2027-01-15 08:59")) == (
        "依据《中华人民共和国政府采购法》第三十五条，自招标文件开始发出之日起至投标人提交投标文件截止之日止，"
        "不得少于二十日，最早可定于 2027年1月15日09:00（2027年节假日安排尚未公布，按暂定日历计算）"
    )
    limit = deadlines.limit_for(deadlines.BID_DEADLINE, issued)
    assert limit.provisional and limit.provisional_years == (2027,) and limit.note == NOTE_2027
    assert limit.latest is None and limit.earliest_text == "2027年1月15日09:00"


@pytest.mark.parametrize(
    ("issued", "earliest"),
    [
        # Friday 11 September + 20 = Thursday 1 October, 国庆节: the 1st-7th rest (the 4th is a
        # Sunday, the 6th and 7th are paid back by 20 September and 10 October); Thursday the 8th.
        ("2026-09-11 14:30", "2026-10-08 14:30"),
        # Tuesday 27 January + 20 = Monday 16 February, 除夕: the 16th-23rd rest; Tuesday the 24th.
        ("2026-01-27 09:00", "2026-02-24 09:00"),
        # Sunday 20 September + 20 = Saturday 10 October, worked (国庆节调休上班): it stays.
        ("2026-09-20 08:00", "2026-10-10 08:00"),
        # Sunday 1 November + 20 = Saturday 21 November, a plain weekend day: it moves to Monday
        # the 23rd (this module's reading: a weekend counts as a rest day for the move).
        ("2026-11-01 09:00", "2026-11-23 09:00"),
    ],
)
def test_a_last_day_on_a_rest_day_moves_to_the_next_working_day(issued, earliest):
    limit = deadlines.limit_for("bid_deadline", at(issued))
    assert limit.earliest == at(earliest)
    assert not limit.provisional


def test_the_spring_festival_2027_is_counted_provisionally():
    # Sunday 17 January 2027 + 20 = Saturday 6 February, 初一: the 6th-10th rest by the library
    # (the weekend, 初三 on Monday, two 补假 for 初一 and 初二 falling on the weekend); Thursday
    # the 11th.
    limit = deadlines.limit_for("bid_deadline", at("2027-01-17 09:30"))
    assert limit.earliest == at("2027-02-11 09:30") and limit.note == NOTE_2027


def test_an_override_moves_a_provisional_date():
    # Staff enter 2027's notice before the library has it: the 11th rests too; Friday the 12th.
    CalendarDay.objects.create(date=dt.date(2027, 2, 11), is_working=False, note="春节")
    assert deadlines.earliest("bid_deadline", at("2027-01-17 09:30")) == at("2027-02-12 09:30")


def test_seconds_round_up_to_the_minute_shown():
    # Issued at 09:00:30: 09:00 on the last day would be 30 seconds short, so 09:01 is shown.
    assert deadlines.earliest("bid_deadline", at("2026-11-02 09:00:30")) == at("2026-11-23 09:01")


@pytest.mark.parametrize(
    ("rule", "start", "earliest"),
    [
        # 5 working days from Thursday 12 February 2026: Friday 13th (1), Saturday 14th worked (2),
        # 15th-23rd 春节, Tuesday 24th (3), Wednesday 25th (4), Thursday 26th (5).
        ("tender_notice", "2026-02-12 10:00", "2026-02-26 10:00"),
        # 5 working days from Monday 28 September: 29th (1), 30th (2), 1-7 October 国庆节,
        # Thursday 8th (3), Friday 9th (4), Saturday 10th worked (5).
        ("documents_available", "2026-09-28 09:00", "2026-10-10 09:00"),
        # 1 working day from Friday 9 October: Saturday 10th is worked.
        ("award_notice_period", "2026-10-09 10:00", "2026-10-10 10:00"),
        # 3 days from Monday 16 November: Thursday 19th (公示期 of construction projects).
        ("works_candidates_period", "2026-11-16 17:00", "2026-11-19 17:00"),
        # 5 days from Wednesday 18 November: Monday 23rd (发售期 of construction projects).
        ("works_documents_on_sale", "2026-11-18 09:00", "2026-11-23 09:00"),
    ],
)
def test_at_least_limits(rule, start, earliest):
    assert deadlines.earliest(rule, at(start)) == at(earliest)
    assert deadlines.check(rule, at(start), at(earliest)) is None


@pytest.mark.parametrize(
    ("rule", "start", "last_day"),
    [
        # 2 working days from Wednesday 30 September: 1-7 October rest; Thursday 8th (1), Friday 9th (2).
        ("evaluation_report", "2026-09-30 16:00", "2026-10-09"),
        # 5 working days from Friday 9 October: Saturday 10th (1), 12th-15th (2-5).
        ("award_decision", "2026-10-09 11:00", "2026-10-15"),
        # 2 working days from Thursday 30 April: 1-5 May 劳动节; Wednesday 6th (1), Thursday 7th (2).
        ("award_announcement", "2026-04-30 10:00", "2026-05-07"),
        # 5 working days from Friday 18 September: Sunday 20th worked (1), 21st-24th (2-5).
        ("termination_refund", "2026-09-18 10:00", "2026-09-24"),
        # 7 working days from Friday 20 November: 23rd-27th (1-5), 30th (6), 1 December (7).
        ("challenge_answer", "2026-11-20 10:00", "2026-12-01"),
        # 3 days from Thursday 19 November: Sunday 22nd, a rest day: Monday 23rd.
        ("works_objection_answer", "2026-11-19 10:00", "2026-11-23"),
        # 3 days from Tuesday 17 November: Friday 20th.
        ("works_candidates", "2026-11-17 10:00", "2026-11-20"),
    ],
)
def test_within_limits_run_to_the_end_of_the_last_day(rule, start, last_day):
    limit = deadlines.limit_for(rule, at(start))
    assert limit.earliest == at(start)
    assert limit.latest == at(f"{last_day} 23:59:59")
    assert deadlines.check(rule, at(start), at(f"{last_day} 23:59:59.999")) is None
    assert deadlines.check(rule, at(start), at(start)) is None


def test_a_challenge_over_the_new_year_and_its_refusals():
    # 7 working days from Monday 28 December 2026: 29th (1), 30th (2), 31st (3), 1 January 元旦,
    # the weekend, Monday 4th (4), 5th (5), 6th (6), Thursday 7th (7). Counted through 2027.
    known = at("2026-12-28 10:00")
    limit = deadlines.limit_for("challenge", known)
    assert limit.latest_text == "2027年1月7日24:00前" and limit.provisional
    assert deadlines.check("challenge", known, at("2027-01-08 00:00")) == (
        deadlines.TOO_LATE.format(
            citation="《中华人民共和国政府采购法》第五十二条",
            statement=deadlines.CHALLENGE.statement,
            latest="2027年1月7日24:00前",
        )
        + NOTE_2027
    )
    assert deadlines.check("challenge", known, at("2026-12-27 10:00")) == deadlines.BEFORE_EVENT.format(
        subject="提出质疑时间", value="2026年12月27日10:00", event="知道或者应知权益受到损害时间",
        start="2026年12月28日10:00",
    )  # fmt: skip


def test_an_objection_comes_ten_days_before_the_deadline():
    # Deadline Friday 15 January 2027 09:00; counted back 10 days: Tuesday 5 January 09:00. A
    # period counted back has no last day to move, and no calendar is read: nothing provisional.
    limit = deadlines.limit_for("works_objection", at("2027-01-15 09:00"))
    assert limit.earliest is None and limit.latest == at("2027-01-05 09:00") and not limit.provisional
    assert deadlines.check("works_objection", at("2027-01-15 09:00"), at("2027-01-05 09:00")) is None
    assert deadlines.check("works_objection", at("2027-01-15 09:00"), at("2027-01-05 09:01")) == (
        "依据《中华人民共和国招标投标法实施条例》第二十二条，潜在投标人或者其他利害关系人对招标文件有异议的，"
        "应当在投标截止时间10日前提出，最迟应于 2027年1月5日09:00"
    )


def test_records_are_kept_fifteen_years():
    # From Monday 30 June 2026: 30 June 2041 is a Sunday; Monday 1 July 2041, provisional.
    limit = deadlines.limit_for("records", at("2026-06-30 10:00"))
    assert limit.earliest == at("2041-07-01 10:00") and limit.provisional_years == (2041,)
    # From 29 February 2028: 2043 has no 29 February; 1 March 2043 is a Sunday; Monday 2 March.
    assert deadlines.earliest("records", at("2028-02-29 10:00")) == at("2043-03-02 10:00")


def _breaking_value(limit):
    if limit.rule.direction == Direction.AT_LEAST:
        return limit.earliest - dt.timedelta(minutes=1)
    return limit.latest + dt.timedelta(minutes=1)


@pytest.mark.parametrize("key", list(RULES))
def test_every_rule_refuses_with_its_article_and_the_computed_date(key):
    rule = RULES[key]
    limit = deadlines.limit_for(rule, at("2026-11-02 10:00"))  # a Monday, far from any holiday
    refusal = deadlines.check(rule, limit.start, _breaking_value(limit))
    if rule.direction == Direction.AT_LEAST:
        expected = deadlines.TOO_EARLY.format(
            citation=rule.citation, statement=rule.statement, earliest=limit.earliest_text
        )
    else:
        expected = deadlines.TOO_LATE.format(
            citation=rule.citation, statement=rule.statement, latest=limit.latest_text
        )
    assert refusal == expected + limit.note
    assert refusal.startswith(f"依据{rule.citation}，")
    assert rule.citation.startswith("《") and "第" in rule.citation and rule.citation.endswith("条")


def test_the_rules_say_what_they_measure():
    assert deadlines.BID_DEADLINE.limit_text == "不少于20日"
    assert deadlines.CHALLENGE.limit_text == "7个工作日以内"
    assert deadlines.WORKS_OBJECTION.limit_text == "10日前"
    assert deadlines.RECORDS.limit_text == "不少于15年"
    assert {rule.direction for rule in RULES.values()} == set(Direction)


# --- the clarification that moves the deadline (87号令 art. 27) -----------------------------------


def test_a_late_clarification_moves_the_bid_deadline():
    # Published Wednesday 30 September 15:00; + 15 = Thursday 15 October, a working day. The
    # deadline on Monday 12 October 09:00 is too close: it moves to 15 October 15:00.
    moved = deadlines.clarification_postponement(
        published_at=at("2026-09-30 15:00"), deadline=at("2026-10-12 09:00")
    )
    assert moved is not None and moved.deadline == at("2026-10-15 15:00") and not moved.provisional
    assert moved.message == deadlines.POSTPONED.format(
        citation="《政府采购货物和服务招标投标管理办法》（财政部令第87号）第二十七条",
        statement=deadlines.CLARIFICATION.statement,
        published="2026年9月30日15:00",
        subject="投标截止时间",
        deadline="2026年10月12日09:00",
        count=15,
        earliest="2026年10月15日15:00",
    )
    assert moved.message.endswith("投标截止时间应当顺延，最早可顺延至 2026年10月15日15:00")


def test_a_clarification_in_time_moves_nothing():
    # Published Sunday 20 September; + 15 = Monday 5 October, 国庆节; moved to Thursday the 8th.
    # A deadline on 12 October is later: nothing moves. On the 7th it would.
    published = at("2026-09-20 10:00")
    assert (
        deadlines.clarification_postponement(published_at=published, deadline=at("2026-10-12 09:00")) is None
    )
    moved = deadlines.clarification_postponement(published_at=published, deadline=at("2026-10-07 09:00"))
    assert moved is not None and moved.deadline == at("2026-10-08 10:00")


def test_a_prequalification_clarification_moves_into_a_provisional_year():
    # Published Wednesday 30 December 2026 10:00; + 3 = Saturday 2 January 2027, a rest day;
    # Sunday 3rd rests too; Monday 4 January 10:00, counted on 2027's provisional calendar.
    moved = deadlines.clarification_postponement(
        published_at=at("2026-12-30 10:00"),
        deadline=at("2026-12-31 17:00"),
        rule=deadlines.CLARIFICATION_PREQUALIFICATION,
    )
    assert moved is not None and moved.deadline == at("2027-01-04 10:00") and moved.provisional
    assert moved.message.endswith("最早可顺延至 2027年1月4日10:00" + NOTE_2027)
    assert "资格预审申请文件提交截止时间（2026年12月31日17:00）不足3日" in moved.message


def test_only_clarification_rules_move_a_deadline():
    with pytest.raises(ValueError):
        deadlines.clarification_postponement(
            published_at=at("2026-11-02 10:00"), deadline=at("2026-11-03 10:00"), rule="bid_deadline"
        )


# --- the bid-opening time --------------------------------------------------------------------------


def test_a_bid_opening_is_later_than_now_and_at_the_deadline():
    now = at("2026-11-20 10:00")
    assert deadlines.check_opening_time(
        at("2026-11-20 10:00"), now=now
    ) == deadlines.OPENING_NOT_FUTURE.format(opening="2026年11月20日10:00", now="2026年11月20日10:00")
    assert deadlines.check_opening_time(at("2026-11-20 10:01"), now=now) is None
    assert deadlines.check_opening_time(
        at("2026-12-15 09:30"), now=now, deadline=at("2026-12-15 09:00")
    ) == deadlines.OPENING_NOT_AT_DEADLINE.format(
        deadline="2026年12月15日09:00", opening="2026年12月15日09:30"
    )
    assert (
        deadlines.check_opening_time(at("2026-12-15 09:00"), now=now, deadline=at("2026-12-15 09:00")) is None
    )


def test_times_are_read_in_beijing_time_and_naive_ones_refused():
    # 01:00 UTC on 26 December is 09:00 in Beijing: the same earliest deadline as above.
    utc = dt.datetime(2026, 12, 26, 1, 0, tzinfo=dt.UTC)
    assert deadlines.earliest("bid_deadline", utc) == at("2027-01-15 09:00")
    assert deadlines.format_time(utc) == "2026年12月26日09:00"
    with pytest.raises(ValueError):
        deadlines.limit_for("bid_deadline", dt.datetime(2026, 12, 26, 9, 0))
