"""The rules of tender documents (招标文件, 004 §3.5) and clarifications (答疑文件, §3.6), with their
messages in one place. Time limits are in procurement.deadlines, which words their refusals."""

from procurement.models import ProjectStatus
from procurement.tender_models import TenderStatus

# --- one table for both documents: (from-states, to-state) per action --------------------------------

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "save": (frozenset({TenderStatus.DRAFT}), ""),
    # 004 §3.5.3: 「确认提交」 is final; the center does not review a tender document.
    "submit": (frozenset({TenderStatus.DRAFT}), TenderStatus.SUBMITTED),
    "clarify": (frozenset({TenderStatus.SUBMITTED}), ""),
}
ACTION_LABELS = {"save": "修改", "submit": "确认提交", "clarify": "新增答疑文件"}
TENDER_STATE = "招标文件当前状态为「{status}」，不能{action}。"
CLARIFICATION_STATE = "第{number}次澄清当前状态为「{status}」，不能{action}。"

PROJECT_NOT_APPROVED = "项目「{name}」当前状态为「{status}」，审核通过后才能编制招标文件。"
PROJECT_APPROVED = ProjectStatus.APPROVED
LOTS_REQUIRED = "请至少选择一个分包。"
LOT_NOT_OF_PROJECT = "所选分包不属于项目「{name}」，请重新选择。"
LOT_TAKEN = "第{number}包已有已提交的招标文件，不能再编入其他招标文件。"
TEMPLATE_UNKNOWN = "请选择「{method}」项目可用的范本。"
UPLOAD_ONLY = "「{method}」项目的采购文件为{document}，没有范本，只能上传已编制好的PDF文件。"
UPLOAD_REQUIRED = "请上传招标文件（PDF）。"
FACTORS_NOT_100 = "综合评分法各评审因素分值合计应为100分，当前合计{total}分。"
UNTIL_BEFORE_FROM = "文件获取截止时间（{until}）应晚于文件获取开始时间（{start}）。"
UNTIL_AFTER_DEADLINE = "文件获取截止时间（{until}）不能晚于投标截止时间（{deadline}）。"

NOT_SEALED = "招标文件尚未加盖本单位（{name}）的电子签章，请先「去签章」，签章后点击「我已签章，刷新状态」。"
CLARIFICATION_NOT_SEALED = (
    "答疑文件尚未加盖本单位（{name}）的电子签章，请先「去签章」，签章后点击「我已签章，刷新状态」。"
)
CLARIFICATION_CONTENT_REQUIRED = "请填写澄清内容，或上传已编制好的答疑文件（PDF）。"
NEW_DEADLINE_NOT_LATER = "新的投标截止时间（{new}）应晚于原投标截止时间（{old}）。"

WITHDRAW_BLOCKED = "项目「{name}」已有已提交的招标文件，不能撤回。"

# --- what users read after an action ---------------------------------------------------------------

TENDER_CREATED = "招标文件已保存，尚未提交。请签章后「确认提交」。"
TENDER_SAVED = "招标文件已保存，尚未提交。原文件的签章已失效，请重新签章。"
TENDER_SUBMITTED = "招标文件已提交，不能再修改；如需澄清或修改，请「新增答疑文件」。"
CLARIFICATION_CREATED = "第{number}次澄清已保存，尚未提交。请签章后「确认提交」。"
CLARIFICATION_SUBMITTED = "第{number}次澄清已提交。"
CLARIFICATION_MOVED = "第{number}次澄清已提交，投标截止时间（开标时间）顺延至 {deadline}。"
# 87号令 art. 39: the opening is at the bid deadline, so a deadline a clarification moved takes the
# booked 开标室 with it — through a 场地变更, which the center reviews.
OPENING_TO_MOVE = (
    "投标截止时间现为 {deadline}，开标应当在同一时间进行（《政府采购货物和服务招标投标管理办法》第三十九条），"
    "已预约的开标场地仍为 {slot}。请申请场地变更，将开标时间改至 {deadline}。"
)
OPENING_CHANGE_WAITING = "场地变更（改至 {slot}）已提交，待交易中心审核。"

TENDER_TITLE = "{code} {name} 招标文件"
CLARIFICATION_TITLE = "{code} {name} 第{number}次澄清"

AUDIT_CREATED = "procurement.tender_created"
AUDIT_SAVED = "procurement.tender_saved"
AUDIT_SUBMITTED = "procurement.tender_submitted"
AUDIT_CLARIFICATION_CREATED = "procurement.clarification_created"
AUDIT_CLARIFICATION_SUBMITTED = "procurement.clarification_submitted"
