"""The statutory clock: every time limit of a government procurement (by tender, and the documents-to-
-response limits of the other methods), as data, with the dates it gives.

Each Rule says what it measures, its limit (calendar days, working days or years), its direction
(the later act may come at the earliest N days after the event, must come within N days of it, or
must come N days before it) and the article it comes from. Forms and the live endpoint
(procurement.deadline_views) ask for the computed date and show it, so nobody has to count.

Day counting (财政部令第87号 art. 85-86, and the same for the construction rules of 招标投标法):
- a limit starts the day after the event: the event's own day never counts;
- "以上/以内" and "不少于" include the number;
- a last day that is a rest day moves to the next working day.

Which days count as rest for that move is read two ways: 87号令 art. 85 says 国家法定节假日, the
民法典 art. 203 says 法定休假日, which includes the weekly rest days. This module takes the second
reading: a last day on a weekend or a statutory holiday moves to the next working day by the
official calendar (review.calendar: holidays.China with the staff's overrides), so a swapped
working Saturday (调休上班) does not move and a holiday's paid-back weekday does. For "at least"
limits it never gives a shorter period than the narrow reading; for the few "within" limits
counted in calendar days (the construction projects' 3-day answers) it gives the later date, which
the page shows beside the field.

The time of day: an "at least" limit ends on its last day at the time of day of the event (tender
documents issued on 26 December at 09:00 allow a bid deadline from 15 January 09:00), so the period
holds whether counted in dates or in hours; a "within" limit ends at the end of its last day
(民法典 art. 203: 二十四时). A period counted back from a deadline ("N 日前") has no last day to move.

A year whose State Council notice is not in the library yet is provisional (review.calendar): a
date counted through it carries PROVISIONAL_NOTE.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from review import calendar


class Unit(StrEnum):
    DAYS = "days"  # 日: calendar days
    WORKING_DAYS = "working_days"  # 工作日, by the official calendar
    YEARS = "years"  # 年


class Direction(StrEnum):
    AT_LEAST = "at_least"  # the later act comes no sooner than N after the event (不得少于)
    WITHIN = "within"  # the later act comes no later than N after the event (以内)
    BEFORE = "before"  # the earlier act comes at least N before the event, a deadline (N 日前)


@dataclass(frozen=True)
class Rule:
    key: str
    measures: str  # what runs from what, as a page labels it
    count: int
    unit: Unit
    direction: Direction
    citation: str  # 《…》第…条, as a refusal quotes it
    statement: str  # the rule in the law's words, as a refusal quotes it
    event: str  # the moment the limit is counted from (the `start` of every function below)
    subject: str  # the moment the limit is about (the `value` that check() is given)

    @property
    def limit_text(self) -> str:
        """不少于20日, 5个工作日以内, 10日前: the limit as a page shows it beside a field."""
        amount = f"{self.count}{UNIT_LABELS[self.unit]}"
        if self.direction == Direction.AT_LEAST:
            return f"不少于{amount}"
        return f"{amount}以内" if self.direction == Direction.WITHIN else f"{amount}前"


UNIT_LABELS = {Unit.DAYS: "日", Unit.WORKING_DAYS: "个工作日", Unit.YEARS: "年"}


_GPL = "《中华人民共和国政府采购法》"
_GPL_REGULATION = "《中华人民共和国政府采购法实施条例》"
_ORDER_87 = "《政府采购货物和服务招标投标管理办法》（财政部令第87号）"
_ORDER_74 = "《政府采购非招标采购方式管理办法》（财政部令第74号）"
_CONSULTATION_RULES = "《政府采购竞争性磋商采购方式管理暂行办法》（财库〔2014〕214号）"
_TENDER_LAW = "《中华人民共和国招标投标法》"
_TENDER_REGULATION = "《中华人民共和国招标投标法实施条例》"

# --- government procurement of goods and services by tender ---------------------------------------

BID_DEADLINE = Rule(
    key="bid_deadline", measures="招标文件开始发出至投标截止",
    count=20, unit=Unit.DAYS, direction=Direction.AT_LEAST,
    citation=f"{_GPL}第三十五条",
    statement="自招标文件开始发出之日起至投标人提交投标文件截止之日止，不得少于二十日",
    event="招标文件开始发出时间", subject="投标截止时间",
)  # fmt: skip
TENDER_NOTICE = Rule(
    key="tender_notice", measures="招标公告期限",
    count=5, unit=Unit.WORKING_DAYS, direction=Direction.AT_LEAST,
    citation=f"{_ORDER_87}第十六条",
    statement="招标公告的公告期限为5个工作日",
    event="招标公告发布时间", subject="招标公告截止时间",
)  # fmt: skip
DOCUMENTS_AVAILABLE = Rule(
    key="documents_available", measures="招标文件提供期限",
    count=5, unit=Unit.WORKING_DAYS, direction=Direction.AT_LEAST,
    citation=f"{_GPL_REGULATION}第三十一条、{_ORDER_87}第十八条",
    statement="招标文件的提供期限自招标公告发布之日起计算，不得少于5个工作日",
    event="招标公告发布时间", subject="招标文件提供截止时间",
)  # fmt: skip
CLARIFICATION = Rule(
    key="clarification", measures="澄清或者修改发出至投标截止",
    count=15, unit=Unit.DAYS, direction=Direction.AT_LEAST,
    citation=f"{_ORDER_87}第二十七条",
    statement=(
        "澄清或者修改的内容可能影响投标文件编制的，应当在投标截止时间至少15日前，以书面形式通知所有获取招标文件的潜在投标人；"
        "不足15日的，应当顺延提交投标文件的截止时间"
    ),
    event="澄清或者修改发出时间", subject="投标截止时间",
)  # fmt: skip
CLARIFICATION_PREQUALIFICATION = Rule(
    key="clarification_prequalification", measures="澄清或者修改发出至资格预审申请截止",
    count=3, unit=Unit.DAYS, direction=Direction.AT_LEAST,
    citation=f"{_ORDER_87}第二十七条",
    statement=(
        "澄清或者修改的内容可能影响资格预审申请文件编制的，应当在提交资格预审申请文件截止时间至少3日前，"
        "以书面形式通知所有获取资格预审文件的潜在投标人；不足3日的，应当顺延提交资格预审申请文件的截止时间"
    ),
    event="澄清或者修改发出时间", subject="资格预审申请文件提交截止时间",
)  # fmt: skip
EVALUATION_REPORT = Rule(
    key="evaluation_report", measures="评标结束至评标报告送采购人",
    count=2, unit=Unit.WORKING_DAYS, direction=Direction.WITHIN,
    citation=f"{_ORDER_87}第六十八条",
    statement="采购代理机构应当在评标结束后2个工作日内将评标报告送采购人",
    event="评标结束时间", subject="评标报告送达时间",
)  # fmt: skip
AWARD_DECISION = Rule(
    key="award_decision", measures="收到评标报告至确定中标人",
    count=5, unit=Unit.WORKING_DAYS, direction=Direction.WITHIN,
    citation=f"{_ORDER_87}第六十八条",
    statement="采购人应当自收到评标报告之日起5个工作日内，在评标报告确定的中标候选人名单中按顺序确定中标人",
    event="收到评标报告时间", subject="确定中标人时间",
)  # fmt: skip
AWARD_ANNOUNCEMENT = Rule(
    key="award_announcement", measures="确定中标人至中标结果公告",
    count=2, unit=Unit.WORKING_DAYS, direction=Direction.WITHIN,
    citation=f"{_ORDER_87}第六十九条",
    statement="采购人或者采购代理机构应当自中标人确定之日起2个工作日内，在省级以上财政部门指定的媒体上公告中标结果",
    event="确定中标人时间", subject="中标公告发布时间",
)  # fmt: skip
AWARD_NOTICE_PERIOD = Rule(
    key="award_notice_period", measures="中标公告期限",
    count=1, unit=Unit.WORKING_DAYS, direction=Direction.AT_LEAST,
    citation=f"{_ORDER_87}第六十九条",
    statement="中标公告期限为1个工作日",
    event="中标公告发布时间", subject="中标公告截止时间",
)  # fmt: skip
TERMINATION_REFUND = Rule(
    key="termination_refund", measures="终止招标至退还费用和保证金",
    count=5, unit=Unit.WORKING_DAYS, direction=Direction.WITHIN,
    citation=f"{_ORDER_87}第二十九条",
    statement="终止招标的，已经收取招标文件费用或者投标保证金的，应当在终止采购活动后5个工作日内退还",
    event="终止采购活动时间", subject="退还时间",
)  # fmt: skip
CHALLENGE = Rule(
    key="challenge", measures="知道权益受损至提出质疑",
    count=7, unit=Unit.WORKING_DAYS, direction=Direction.WITHIN,
    citation=f"{_GPL}第五十二条",
    statement=(
        "供应商认为采购文件、采购过程和中标、成交结果使自己的权益受到损害的，可以在知道或者应知其权益受到损害之日起七个工作日内，"
        "以书面形式向采购人提出质疑"
    ),
    event="知道或者应知权益受到损害时间", subject="提出质疑时间",
)  # fmt: skip
CHALLENGE_ANSWER = Rule(
    key="challenge_answer", measures="收到质疑至作出答复",
    count=7, unit=Unit.WORKING_DAYS, direction=Direction.WITHIN,
    citation=f"{_GPL}第五十三条",
    statement="采购人应当在收到供应商的书面质疑后七个工作日内作出答复",
    event="收到书面质疑时间", subject="答复时间",
)  # fmt: skip
RECORDS = Rule(
    key="records", measures="采购文件保存期限",
    count=15, unit=Unit.YEARS, direction=Direction.AT_LEAST,
    citation=f"{_GPL}第四十二条",
    statement="采购文件的保存期限为从采购结束之日起至少保存十五年",
    event="采购结束时间", subject="采购文件保存截止时间",
)  # fmt: skip

# --- government procurement by the methods other than tender -------------------------------------

NEGOTIATION_RESPONSE = Rule(
    key="negotiation_response", measures="谈判文件或询价通知书发出至首次响应文件提交截止",
    count=3, unit=Unit.WORKING_DAYS, direction=Direction.AT_LEAST,
    citation=f"{_ORDER_74}第十条",
    statement="从谈判文件或者询价通知书发出之日起至供应商提交首次响应文件截止之日止不得少于3个工作日",
    event="谈判文件或询价通知书发出时间", subject="首次响应文件提交截止时间",
)  # fmt: skip
CONSULTATION_RESPONSE = Rule(
    key="consultation_response", measures="磋商文件发出至首次响应文件提交截止",
    count=10, unit=Unit.DAYS, direction=Direction.AT_LEAST,
    citation=f"{_CONSULTATION_RULES}第十条",
    statement="从磋商文件发出之日起至供应商提交首次响应文件截止之日止不得少于10日",
    event="磋商文件发出时间", subject="首次响应文件提交截止时间",
)  # fmt: skip

# --- construction projects (招标投标法 and its 实施条例) ------------------------------------------

WORKS_BID_DEADLINE = Rule(
    key="works_bid_deadline", measures="招标文件开始发出至投标截止（工程）",
    count=20, unit=Unit.DAYS, direction=Direction.AT_LEAST,
    citation=f"{_TENDER_LAW}第二十四条",
    statement="依法必须进行招标的项目，自招标文件开始发出之日起至投标人提交投标文件截止之日止，最短不得少于二十日",
    event="招标文件开始发出时间", subject="投标截止时间",
)  # fmt: skip
WORKS_CLARIFICATION = Rule(
    key="works_clarification", measures="澄清或者修改发出至投标截止（工程）",
    count=15, unit=Unit.DAYS, direction=Direction.AT_LEAST,
    citation=f"{_TENDER_LAW}第二十三条、{_TENDER_REGULATION}第二十一条",
    statement=(
        "澄清或者修改的内容可能影响投标文件编制的，招标人应当在投标截止时间至少15日前，以书面形式通知所有获取招标文件的潜在投标人；"
        "不足15日的，招标人应当顺延提交投标文件的截止时间"
    ),
    event="澄清或者修改发出时间", subject="投标截止时间",
)  # fmt: skip
WORKS_DOCUMENTS_ON_SALE = Rule(
    key="works_documents_on_sale", measures="招标文件发售期（工程）",
    count=5, unit=Unit.DAYS, direction=Direction.AT_LEAST,
    citation=f"{_TENDER_REGULATION}第十六条",
    statement="资格预审文件或者招标文件的发售期不得少于5日",
    event="招标文件开始发售时间", subject="招标文件发售截止时间",
)  # fmt: skip
WORKS_OBJECTION = Rule(
    key="works_objection", measures="对招标文件提出异议（工程）",
    count=10, unit=Unit.DAYS, direction=Direction.BEFORE,
    citation=f"{_TENDER_REGULATION}第二十二条",
    statement="潜在投标人或者其他利害关系人对招标文件有异议的，应当在投标截止时间10日前提出",
    event="投标截止时间", subject="提出异议时间",
)  # fmt: skip
WORKS_OBJECTION_ANSWER = Rule(
    key="works_objection_answer", measures="收到异议至作出答复（工程）",
    count=3, unit=Unit.DAYS, direction=Direction.WITHIN,
    citation=f"{_TENDER_REGULATION}第二十二条",
    statement="招标人应当自收到异议之日起3日内作出答复；作出答复前，应当暂停招标投标活动",
    event="收到异议时间", subject="答复时间",
)  # fmt: skip
WORKS_CANDIDATES = Rule(
    key="works_candidates", measures="收到评标报告至公示中标候选人（工程）",
    count=3, unit=Unit.DAYS, direction=Direction.WITHIN,
    citation=f"{_TENDER_REGULATION}第五十四条",
    statement="依法必须进行招标的项目，招标人应当自收到评标报告之日起3日内公示中标候选人",
    event="收到评标报告时间", subject="公示中标候选人时间",
)  # fmt: skip
WORKS_CANDIDATES_PERIOD = Rule(
    key="works_candidates_period", measures="中标候选人公示期（工程）",
    count=3, unit=Unit.DAYS, direction=Direction.AT_LEAST,
    citation=f"{_TENDER_REGULATION}第五十四条",
    statement="中标候选人的公示期不得少于3日",
    event="中标候选人公示开始时间", subject="公示截止时间",
)  # fmt: skip

RULES: dict[str, Rule] = {
    rule.key: rule
    for rule in (
        BID_DEADLINE, TENDER_NOTICE, DOCUMENTS_AVAILABLE, CLARIFICATION, CLARIFICATION_PREQUALIFICATION,
        EVALUATION_REPORT, AWARD_DECISION, AWARD_ANNOUNCEMENT, AWARD_NOTICE_PERIOD, TERMINATION_REFUND,
        CHALLENGE, CHALLENGE_ANSWER, RECORDS, NEGOTIATION_RESPONSE, CONSULTATION_RESPONSE,
        WORKS_BID_DEADLINE, WORKS_CLARIFICATION, WORKS_DOCUMENTS_ON_SALE, WORKS_OBJECTION,
        WORKS_OBJECTION_ANSWER, WORKS_CANDIDATES, WORKS_CANDIDATES_PERIOD,
    )
}  # fmt: skip
# The clarification rules, whose shortfall moves the deadline rather than refusing the clarification.
POSTPONING = frozenset({CLARIFICATION.key, CLARIFICATION_PREQUALIFICATION.key, WORKS_CLARIFICATION.key})

# The rule from a procurement document's issue to the moment bids or first responses are due, by
# 采购方式 (procurement.models.ProcurementMethod's values). 单一来源 has none: one supplier
# negotiates (政府采购法 art. 39), nothing is opened.
RESPONSE_DEADLINE: dict[str, Rule] = {
    "open": BID_DEADLINE,
    "invited": BID_DEADLINE,
    "negotiation": NEGOTIATION_RESPONSE,
    "inquiry": NEGOTIATION_RESPONSE,
    "consultation": CONSULTATION_RESPONSE,
}


# The methods whose document is a 招标文件, to which the tender rules (documents available for 5
# working days, 87号令 art. 18) apply.
TENDERING = frozenset({"open", "invited"})


def response_deadline_rule(method: str) -> Rule | None:
    """The limit between a project's procurement document and its bid (or first response)
    deadline for `method`; None for a method with none."""
    return RESPONSE_DEADLINE.get(method)


# --- messages ---------------------------------------------------------------------------------------

TOO_EARLY = "依据{citation}，{statement}，最早可定于 {earliest}"
TOO_LATE = "依据{citation}，{statement}，最迟应于 {latest}"
BEFORE_EVENT = "{subject}（{value}）不能早于{event}（{start}）"
PROVISIONAL_NOTE = "（{years}年节假日安排尚未公布，按暂定日历计算）"
POSTPONED = (
    "依据{citation}，{statement}。本次澄清或者修改发出于 {published}，距{subject}（{deadline}）不足{count}日，"
    "{subject}应当顺延，最早可顺延至 {earliest}"
)
OPENING_NOT_FUTURE = "开标时间（{opening}）应晚于当前时间（{now}），请重新选择。"
OPENING_NOT_AT_DEADLINE = (
    f"依据{_ORDER_87}第三十九条，开标应当在招标文件确定的提交投标文件截止时间的同一时间进行："
    "投标截止时间为 {deadline}，开标时间（{opening}）应与之相同。"
)


# --- the dates ----------------------------------------------------------------------------------------


def local(value: dt.datetime) -> dt.datetime:
    """`value` in the platform's time zone (settings.TIME_ZONE); a naive datetime is a bug."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("a time limit is counted from a timezone-aware datetime")
    return value.astimezone(calendar.local_zone())


def format_time(value: dt.datetime) -> str:
    """2027年1月15日09:00, in local time."""
    value = local(value)
    return f"{value.year}年{value.month}月{value.day}日{value:%H:%M}"


def format_day_end(value: dt.datetime) -> str:
    """The end of `value`'s day, as a "within" limit ends: 2027年1月15日24:00前."""
    value = local(value)
    return f"{value.year}年{value.month}月{value.day}日24:00前"


@dataclass(frozen=True)
class Limit:
    """What a rule allows after (or before) one event.

    `earliest`: the first allowed moment of the subject (the event itself for "within" rules;
    None for "before" rules); `latest`: the last allowed moment (the last second of the last day
    for "within" rules, None for "at least" rules). `provisional_years`: the years of the calendar
    the date was counted through whose notice is not out yet.
    """

    rule: Rule
    start: dt.datetime
    earliest: dt.datetime | None
    latest: dt.datetime | None
    provisional_years: tuple[int, ...]

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    @property
    def note(self) -> str:
        """PROVISIONAL_NOTE for a provisional date, else ""."""
        if not self.provisional_years:
            return ""
        return PROVISIONAL_NOTE.format(years="、".join(str(year) for year in self.provisional_years))

    @property
    def earliest_text(self) -> str | None:
        return format_time(self.earliest) if self.earliest is not None else None

    @property
    def latest_text(self) -> str | None:
        if self.latest is None:
            return None
        if self.rule.direction == Direction.WITHIN:
            return format_day_end(self.latest)
        return format_time(self.latest)


def rule_get(rule: Rule | str) -> Rule:
    """The rule itself, or the rule of that key (KeyError for an unknown key)."""
    return rule if isinstance(rule, Rule) else RULES[rule]


def _moved_to_working_day(day: dt.date) -> tuple[dt.date, set[int]]:
    """`day`, or the next working day when it is a rest day; with the years consulted."""
    # The longest run of rest days is nine (春节); a month covers any run the overrides may add.
    overrides = calendar.overrides_between(day, day + dt.timedelta(days=31))
    years = {day.year}
    while not calendar.is_working_day(day, overrides):
        day += dt.timedelta(days=1)
        years.add(day.year)
    return day, years


def _last_day(rule: Rule, first: dt.date) -> tuple[dt.date, set[int]]:
    """The last day of `rule` counted from the day after `first`, and the calendar years consulted."""
    if rule.unit == Unit.WORKING_DAYS:
        last = calendar.add_working_days(first, rule.count)
        return last, set(range((first + dt.timedelta(days=1)).year, last.year + 1))
    if rule.unit == Unit.YEARS:
        year = first.year + rule.count
        # A period from 29 February ends on 1 March of a common year: never a day short.
        nominal = first.replace(year=year) if (first.month, first.day) != (2, 29) else dt.date(year, 3, 1)
    else:
        nominal = first + dt.timedelta(days=rule.count)
    return _moved_to_working_day(nominal)


def limit_for(rule: Rule | str, start: dt.datetime) -> Limit:
    """What `rule` allows when its event happened at `start` (timezone-aware)."""
    rule = rule_get(rule)
    start = local(start)
    zone = calendar.local_zone()
    if rule.direction == Direction.BEFORE:
        last = start.date() - dt.timedelta(days=rule.count)
        latest = dt.datetime.combine(last, start.time(), tzinfo=zone).replace(second=0, microsecond=0)
        return Limit(rule, start, None, latest, ())
    last, years = _last_day(rule, start.date())
    provisional = tuple(sorted(year for year in years if calendar.is_provisional(year)))
    if rule.direction == Direction.WITHIN:
        latest = dt.datetime.combine(last, dt.time(23, 59, 59), tzinfo=zone)
        return Limit(rule, start, start, latest, provisional)
    earliest = dt.datetime.combine(last, start.time(), tzinfo=zone)
    if earliest.second or earliest.microsecond:
        # Shown to the minute, so the minute shown must itself be allowed.
        earliest = earliest.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return Limit(rule, start, earliest, None, provisional)


def earliest(rule: Rule | str, start: dt.datetime) -> dt.datetime:
    """The first allowed moment of an "at least" rule's subject, e.g. the earliest bid deadline."""
    found = limit_for(rule, start).earliest
    if found is None:
        raise ValueError(f"rule {rule_get(rule).key} has no earliest moment")
    return found


def latest(rule: Rule | str, start: dt.datetime) -> dt.datetime:
    """The last allowed moment of a "within" (or "before") rule's subject."""
    found = limit_for(rule, start).latest
    if found is None:
        raise ValueError(f"rule {rule_get(rule).key} has no latest moment")
    return found


def check(rule: Rule | str, start: dt.datetime, value: dt.datetime) -> str | None:
    """None when `value` (the rule's subject) keeps `rule` counted from `start`; else the refusal,
    citing the article and giving the computed date (with PROVISIONAL_NOTE when provisional)."""
    limit = limit_for(rule, start)
    rule, value = limit.rule, local(value)
    if rule.direction == Direction.WITHIN and value < limit.start:
        return BEFORE_EVENT.format(
            subject=rule.subject, value=format_time(value), event=rule.event, start=format_time(limit.start)
        )
    if rule.direction == Direction.AT_LEAST and limit.earliest is not None and value < limit.earliest:
        refusal = TOO_EARLY.format(
            citation=rule.citation, statement=rule.statement, earliest=limit.earliest_text
        )
        return refusal + limit.note
    # A "within" limit runs to the end of its last day: its last second, and any fraction of it.
    if limit.latest is not None and value >= limit.latest + dt.timedelta(seconds=1):
        refusal = TOO_LATE.format(citation=rule.citation, statement=rule.statement, latest=limit.latest_text)
        return refusal + limit.note
    return None


@dataclass(frozen=True)
class Postponement:
    """A deadline that a clarification moves: the new earliest deadline, and the message saying so."""

    deadline: dt.datetime
    message: str
    provisional: bool


def clarification_postponement(
    *, published_at: dt.datetime, deadline: dt.datetime, rule: Rule | str = CLARIFICATION
) -> Postponement | None:
    """None when a clarification published at `published_at` leaves enough days before `deadline`
    (87号令 art. 27: 15 days for one that affects bids); else the deadline it must move to."""
    rule = rule_get(rule)
    if rule.key not in POSTPONING:
        raise ValueError(f"rule {rule.key} does not move a deadline")
    limit = limit_for(rule, published_at)
    assert limit.earliest is not None  # the clarification rules are "at least" rules
    if local(deadline) >= limit.earliest:
        return None
    message = POSTPONED.format(
        citation=rule.citation,
        statement=rule.statement,
        published=format_time(published_at),
        subject=rule.subject,
        deadline=format_time(deadline),
        count=rule.count,
        earliest=limit.earliest_text,
    )
    return Postponement(limit.earliest, message + limit.note, limit.provisional)


def check_opening_time(
    opening: dt.datetime, *, now: dt.datetime, deadline: dt.datetime | None = None
) -> str | None:
    """None when a bid-opening time is allowed: later than `now` (the platform's rule) and, when
    the bid deadline is known, at that same time (87号令 art. 39); else the refusal."""
    if local(opening) <= local(now):
        return OPENING_NOT_FUTURE.format(opening=format_time(opening), now=format_time(now))
    if deadline is not None and local(opening) != local(deadline):
        return OPENING_NOT_AT_DEADLINE.format(deadline=format_time(deadline), opening=format_time(opening))
    return None
