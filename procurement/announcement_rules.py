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
STATE = "{kind}当前状态为「{status}」，不能{action}。"

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
    "{kind}尚未加盖本单位（{name}）的电子签章，请先「去签章」，签章后点击「我已签章，刷新状态」。"
    "修改保存后原签章失效，需要重新签章。"
)
CHANGED_SINCE_SUBMIT = (
    "公告文件在提交后又有改动（第{now}版，提交时为第{then}版），不能发布；请退回，由代理机构重新提交。"
)
TOO_LATE_TO_PUBLISH = "按现在发布计算，{refusal}。请退回，由代理机构调整后重新提交。"

# --- what users read after an action ---------------------------------------------------------------

WITHDRAWN = "{kind}已撤回，状态变为「编辑中」。"

TITLE = "{code} {name} 招标公告"
REVIEW_TITLE = "招标公告：{name}（{code}）"

AUDIT_CREATED = "procurement.announcement_created"
AUDIT_SAVED = "procurement.announcement_saved"
AUDIT_SUBMITTED = "procurement.announcement_submitted"
AUDIT_WITHDRAWN = "procurement.announcement_withdrawn"
AUDIT_PUBLISHED = "procurement.announcement_published"
AUDIT_REJECTED = "procurement.announcement_rejected"
AUDIT_DEADLINE_MOVED = "procurement.bid_deadline_moved"  # by a published 变更公告 or 恢复交易

# --- 变更公告 (004 §3.8) --------------------------------------------------------------------------------

NOTICE_NOT_PUBLISHED = "该招标文件的招标公告尚未发布（{status}），招标公告发布后才能编制变更公告。"
NO_NOTICE = "该招标文件还没有招标公告，招标公告发布后才能编制变更公告。"
CORRECTION_PENDING = "该项目已有未发布的变更公告（{status}），请先完成或撤回它，再编制新的变更公告。"
CONTENT_REQUIRED = "请填写变更内容。"
CONTENT_LIMIT = 2000
CONTENT_TOO_LONG = f"公告内容不能超过{CONTENT_LIMIT}字。"
CORRECTION_OPENING_FIRST = (
    "变更后的投标截止时间（开标时间）为 {deadline}，开标室仍为 {slot}；依据《政府采购货物和服务招标投标管理办法》"
    "第三十九条，开标应当在投标截止时间的同一时间进行。请先申请场地变更，审核通过后再提交变更公告。"
)
CORRECTION_TITLE = "{code} {name} 变更公告"
CORRECTION_REVIEW_TITLE = "变更公告：{name}（{code}）"

# --- 中标公告 (004 §3.11) and 废标公告 (§3.13) -------------------------------------------------------------

LOT_NOT_IN_TENDER = "所选分包不在该招标文件中。"
RESULT_EXISTS = "第{number}包已有{kind}（{status}），不能重复编制。"
NO_CANDIDATES = "第{number}包的评标结果为「{outcome}」，不能发布中标公告，请编制废标公告。"
WINNER_REQUIRED = "请点击「检索」选择中标单位。"
WINNER_NOT_VALID = "中标单位「{name}」不是本中心有效的交易主体，请重新检索选择。"
PRICE_REQUIRED = "请填写中标金额（元）。"
PRICE_OVER_BUDGET = (
    "中标金额（{price}元）超过第{number}包的预算金额/最高限价（{budget}元）：依据《政府采购货物和服务招标投标管理办法》"
    "第六十三条，报价超过预算金额或者最高限价的投标无效。请核对中标金额。"
)
AWARDED_AT_REQUIRED = "请填写确定中标人的时间。"
AWARDED_IN_FUTURE = "确定中标人时间（{at}）不能晚于当前时间。"
AWARDED_BEFORE_EVALUATION = "确定中标人时间（{at}）不能早于评标结束时间（{ended}）。"
AWARD_LATE = "已超过法定期限：{refusal}。请尽快提交，审核通过后平台立即发布。"
REASON_REQUIRED = "请选择废标原因（《中华人民共和国政府采购法》第三十六条）。"
EXPLANATION_REQUIRED = "请填写废标的具体说明。"
MATERIAL_REQUIRED = "请选择已上传的评标委员会废标结论等相关材料（需加盖公章的扫描件）。"
MATERIAL_NOT_OWN = "所选材料不是本单位上传的文件，请重新选择。"
MATERIAL_SLOT = "conclusion"
MATERIAL_LABEL = "评标委员会废标结论等相关材料"
RESULT_TITLE = "{code} {name} 第{number}包{kind}"
RESULT_REVIEW_TITLE = "{kind}：{name}（{code}）第{number}包"

CHANGE_REASON_REQUIRED = "请填写变更原因及变更内容。"
AWARD_CHANGE_PENDING = "第{number}包已有未发布的中标公告变更（{status}），请先完成或撤回它。"

CREATED = "{kind}已生成，尚未提交。请签章后填写签署意见并「提交信息」。"
SAVED = "{kind}已重新生成，原签章已失效，请重新签章。"
SUBMITTED = "{kind}已提交{center}审核，审核通过后平台自动发布。"

# --- 采购异常 (004 §3.9): a lot suspended, terminated or resumed ---------------------------------------

DECISION_SLOT = "decision"
DECISION_LABEL = "采购人中止或取消该项目的批复或决定文件（需加盖采购人公章）"
DECISION_REQUIRED = "请上传采购人中止或取消该项目的批复或决定文件（需加盖采购人公章的扫描件）。"
REASON_TEXT_REQUIRED = "请填写原因。"
EXCEPTION_PENDING = "第{number}包已有未发布的{kind}（{status}），请先完成或撤回它。"
RESUME_DEADLINE_REQUIRED = "恢复交易须重新确定投标截止时间（开标时间），请填写新的投标截止时间。"
RESUME_OPENING_FIRST = (
    "恢复交易后的开标时间为 {deadline}，第{number}包还没有在该时间审核通过的开标室；请先在「场地预约」中"
    "重新预约开标室（或申请场地变更），审核通过后再提交。"
)
RESUME_OTHERS_OPENED = "同一招标文件的第{numbers}包已开标、尚未录入评标结果；恢复交易会改变招标文件的投标截止时间，请待其评标结果录入后再编制。"
EXCEPTION_TITLE = "{code} {name} 第{number}包{kind}"
