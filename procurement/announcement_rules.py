"""The rules of announcements (公告, 004 §3.7), with their messages in one place. Time limits are in
procurement.deadlines, which words their refusals."""

from procurement.announcement_models import AnnouncementStatus

# --- the announcement's life: one table, (from-states, to-state) per action ("": unchanged) --------

EDITABLE = frozenset({AnnouncementStatus.DRAFT, AnnouncementStatus.REJECTED})
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "save": (EDITABLE, ""),
    "submit": (EDITABLE, AnnouncementStatus.SUBMITTED),
    "withdraw": (frozenset({AnnouncementStatus.SUBMITTED}), AnnouncementStatus.DRAFT),
    # The center's decision: approval publishes at once (004 §3.7.4).
    "approve": (frozenset({AnnouncementStatus.SUBMITTED}), AnnouncementStatus.PUBLISHED),
    "reject": (frozenset({AnnouncementStatus.SUBMITTED}), AnnouncementStatus.REJECTED),
}
ACTION_LABELS = {
    "save": "修改",
    "submit": "提交信息",
    "withdraw": "撤回",
    "approve": "审核通过",
    "reject": "退回",
}
STATE = "公告当前状态为「{status}」，不能{action}。"

# 004 §3.7 前置条件, each naming what is missing.
PROJECT_NOT_APPROVED = "项目「{name}」当前状态为「{status}」，审核通过后才能编制招标公告。"
OPENING_FIRST = "场地变更审核通过后才能提交招标公告。"
TENDER_NOT_SUBMITTED = "招标文件尚未「确认提交」（当前状态：{status}），确认提交后才能编制招标公告。"
OPENING_NOT_BOOKED = (
    "所选分包尚未有审核通过的开标场地，请先在「场地预约」中预约开标室并等待交易中心审核通过。"
)
TENDER_NOTICE_EXISTS = "该招标文件已有招标公告（{status}），不能重复编制；如需更正，请在发布后编制变更公告。"
OPINION_REQUIRED = "请填写签署意见，如「同意发布」。"
OPINION_LIMIT = 200
OPINION_TOO_LONG = f"签署意见不能超过{OPINION_LIMIT}字。"
OTHER_MATTERS_LIMIT = 2000
OTHER_MATTERS_TOO_LONG = f"其他补充事宜不能超过{OTHER_MATTERS_LIMIT}字。"
NOT_SEALED = (
    "招标公告尚未加盖本单位（{name}）的电子签章，请先「去签章」，签章后点击「我已签章，刷新状态」。"
    "修改保存后原签章失效，需要重新签章。"
)
CHANGED_SINCE_SUBMIT = (
    "公告文件在提交后又有改动（第{now}版，提交时为第{then}版），不能发布；请退回，由代理机构重新提交。"
)
TOO_LATE_TO_PUBLISH = "按现在发布计算，{refusal}。请退回，由代理机构通过答疑澄清顺延时间后重新提交。"

# --- what users read after an action ---------------------------------------------------------------

CREATED = "招标公告已生成，尚未提交。请签章后填写签署意见并「提交信息」。"
SAVED = "招标公告已重新生成，原签章已失效，请重新签章。"
SUBMITTED = "招标公告已提交{center}审核，审核通过后平台自动发布。"
WITHDRAWN = "招标公告已撤回，状态变为「编辑中」。"

TITLE = "{code} {name} 招标公告"
REVIEW_TITLE = "招标公告：{name}（{code}）"

AUDIT_CREATED = "procurement.announcement_created"
AUDIT_SAVED = "procurement.announcement_saved"
AUDIT_SUBMITTED = "procurement.announcement_submitted"
AUDIT_WITHDRAWN = "procurement.announcement_withdrawn"
AUDIT_PUBLISHED = "procurement.announcement_published"
AUDIT_REJECTED = "procurement.announcement_rejected"
