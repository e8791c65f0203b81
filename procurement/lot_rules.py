"""A lot's life as one table (004 §3.7-3.13): the stage each action needs, the stage it leaves the lot
in, and the announcement whose publication makes it; with the messages of the lot's refusals.

    编辑中 ──招标公告发布──▶ 已发布招标公告 ──(投标截止)──▶ 已开标 ──录入评标结果──▶ 评标结束
    已发布招标公告 ──变更公告发布──▶ 已发布招标公告 (the deadline moves later, never earlier)
    评标结束 ──中标公告发布──▶ 已发布中标公告 ──中标公告变更发布──▶ 已发布中标公告 (the winner or price corrected)
    评标结束 ──废标公告发布──▶ 已废标

    已发布招标公告 / 评标结束 ──变更公告（项目暂停）发布──▶ 中止 ──变更公告（恢复交易）发布──▶ 已发布招标公告
    已发布招标公告 / 评标结束 / 中止 ──变更公告（项目取消）发布──▶ 终止

A resumed lot opens again at the new bid deadline its 变更公告 sets (a new 开标室 booking first).
已开标 is 已发布招标公告 once the bid deadline has passed (开标 is at the deadline, 87号令 art. 39);
the clock says it, nothing stores it. 已发布中标公告 (but for its changes), 已废标 and 终止 are final.
"""

from __future__ import annotations

from dataclasses import dataclass

from procurement.announcement_models import AnnouncementKind
from procurement.models import LotStage


@dataclass(frozen=True)
class Transition:
    label: str  # the action as a refusal names it
    before: frozenset[str]
    after: str  # "" leaves the stage as it is
    announcement: str | None  # the kind whose publication makes the transition; None: staff do it
    opened: bool | None = None  # True: only after the bid deadline; False: only before; None: either


TRANSITIONS: dict[str, Transition] = {
    "announce": Transition(
        "发布招标公告", frozenset({LotStage.DRAFT}), LotStage.ANNOUNCED, AnnouncementKind.TENDER
    ),
    "correct": Transition(
        "发布变更公告", frozenset({LotStage.ANNOUNCED}), "", AnnouncementKind.CORRECTION, opened=False
    ),
    "evaluate": Transition(
        "录入评标结果", frozenset({LotStage.ANNOUNCED}), LotStage.EVALUATED, None, opened=True
    ),
    "award": Transition(
        "发布中标公告", frozenset({LotStage.EVALUATED}), LotStage.AWARDED, AnnouncementKind.AWARD
    ),
    "change_award": Transition(
        "发布中标公告变更", frozenset({LotStage.AWARDED}), "", AnnouncementKind.AWARD_CHANGE
    ),
    "suspend": Transition(
        "项目暂停（中止）",
        frozenset({LotStage.ANNOUNCED, LotStage.EVALUATED}),
        LotStage.SUSPENDED,
        AnnouncementKind.SUSPENSION,
    ),
    "terminate": Transition(
        "项目取消（终止）",
        frozenset({LotStage.ANNOUNCED, LotStage.EVALUATED, LotStage.SUSPENDED}),
        LotStage.TERMINATED,
        AnnouncementKind.TERMINATION,
    ),
    "resume": Transition(
        "恢复交易", frozenset({LotStage.SUSPENDED}), LotStage.ANNOUNCED, AnnouncementKind.RESUMPTION
    ),
    # 项目复评 (§3.10) books a 评标室 for a lot whose evaluation is over, before its result is announced.
    "re_evaluate": Transition("预约项目复评", frozenset({LotStage.EVALUATED}), "", None),
    # Once an approved 项目复评 has begun, its result replaces the evaluation's (the lot stays 评标结束).
    "record_re_evaluation": Transition("录入复评结果", frozenset({LotStage.EVALUATED}), "", None),
    "fail": Transition(
        "发布废标公告", frozenset({LotStage.EVALUATED}), LotStage.FAILED, AnnouncementKind.FAILURE
    ),
}
ACTION_OF_KIND = {t.announcement: action for action, t in TRANSITIONS.items() if t.announcement}

OPENED = "已开标"
STAGE = "第{number}包当前为「{stage}」，不能{action}。"
STAGE_WHY = {
    LotStage.DRAFT: "招标公告发布后才能进行后续操作。",
    LotStage.ANNOUNCED: "开标、录入评标结果后才能发布中标或废标公告。",
    LotStage.EVALUATED: "",
    LotStage.AWARDED: "中标公告已发布；如需更正中标结果，请编制中标公告变更。",
    LotStage.FAILED: "该分包已废标，采购活动已结束。",
    LotStage.SUSPENDED: "该分包已中止，须重新预约开标场地并发布恢复交易的变更公告后才能继续。",
    LotStage.TERMINATED: "该分包已终止（项目取消），采购活动已结束。",
}
NOT_YET_OPENED = "第{number}包投标截止时间（开标时间）为 {deadline}，开标后才能{action}。"
ALREADY_OPENED = "第{number}包已于 {deadline} 开标，不能再{action}。"
NOT_TENDERED = "第{number}包没有已确认提交的招标文件。"

# 「录入评标结果」
RE_EVALUATION_NOT_HELD = "第{number}包评标已结束；交易中心审核通过的项目复评开始后，才能录入复评结果。"
ENDED_BEFORE_RE_EVALUATION = "复评结束时间（{ended}）不能早于复评开始时间（{start}）。"
ENDED_BEFORE_OPENING = "评标结束时间（{ended}）不能早于开标时间（{opening}）。"
ENDED_IN_FUTURE = "评标结束时间（{ended}）不能晚于当前时间，请填写实际结束的时间。"
NOTE_LIMIT = 1000
NOTE_TOO_LONG = f"说明不能超过{NOTE_LIMIT}字。"
NOTE_REQUIRED_FOR_NONE = "评标无合格投标时，请在说明中写明原因（如有效投标不足三家）。"
EVALUATION_RECORDED = "已录入第{number}包的评标结果：{outcome}。"
AUDIT_EVALUATION = "procurement.evaluation_recorded"
AUDIT_STAGE = "procurement.lot_stage_changed"
