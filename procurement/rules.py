"""The rules of project registration (项目注册, 004 §3.1), with their messages in one place.

Services raise these; tests assert them. Time limits are not here but in procurement.deadlines.
"""

from decimal import Decimal

from procurement.models import ProjectStatus, QualificationReview
from registry.subject_types import SubjectType

# Who may register projects at a center: the business permission 项目登记 (centers.rules), which an
# agency (and a tenderee) gets when its subject type is approved there.
PERMISSION = "project_register"
# The roles this workspace is done in (004 1.3: the agency enters the system as 「招标代理」): the
# agencies of both kinds; a unit that also bids picks one of these to see it.
ROLES = (SubjectType.AGENCY, SubjectType.PROCUREMENT_AGENCY)
# Without 项目登记 the page says which step the unit has not taken yet (centers.grants: the
# permission comes with an agency type in force and the unit's information approved).
NO_PERMISSION = "本单位在{center}尚未取得「项目登记」业务权限，不能注册项目。{how}"
HOW_ADD_TYPE = "请先在「主体类型」中新增招标代理机构或政府采购代理机构类型，审核通过后再完善「单位信息」和「诚信承诺书」并提交审核。"
HOW_PROFILE = (
    "本单位已是{types}；请完善「单位信息」、签章提交「诚信承诺书」并提交交易中心审核"
    "（单位信息当前状态：{status}），审核通过后即取得该权限。"
)
HOW_ASK_CENTER = "本单位的类型和单位信息均已生效，请联系交易中心核实业务权限。"

# --- the project's life: one table, (from-states, to-state) per action ----------------------------

EDITABLE = frozenset({ProjectStatus.DRAFT, ProjectStatus.REJECTED})
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "save": (EDITABLE, ""),  # stays as it is: a rejected project is edited and submitted again
    "submit": (EDITABLE, ProjectStatus.SUBMITTED),
    # 004 §3.1.6: 撤回 turns 待审核 and 审核通过 back into 编辑中.
    "withdraw": (frozenset({ProjectStatus.SUBMITTED, ProjectStatus.APPROVED}), ProjectStatus.DRAFT),
    "approve": (frozenset({ProjectStatus.SUBMITTED}), ProjectStatus.APPROVED),
    "reject": (frozenset({ProjectStatus.SUBMITTED}), ProjectStatus.REJECTED),
    # 004 §3.1.7: only 编辑中 and 审核不通过 may be deleted.
    "delete": (EDITABLE, ""),
}
ACTION_LABELS = {
    "save": "修改",
    "submit": "提交审核",
    "withdraw": "撤回",
    "approve": "审核通过",
    "reject": "审核不通过",
    "delete": "删除",
}
PROJECT_STATE = "项目「{name}」当前状态为「{status}」，不能{action}。"
PROJECT_STATE_HINTS = {
    "save": "待审核和审核通过的项目不能修改；如需修改，请先撤回。",
    "delete": "待审核和审核通过的项目不能删除；如需删除，请先撤回。",
}

# --- the fields ------------------------------------------------------------------------------------

MONEY_MAX = Decimal("99999999999999.99")
PURCHASER_CODE_INVALID = "采购人统一社会信用代码有误：{error}"
BUDGET_NOT_POSITIVE = "{label}应大于0元。"
DEPOSIT_NEGATIVE = "保证金金额不能为负数。"
DEPOSIT_OVER_BUDGET = "第{number}包的保证金金额（{deposit}元）不能超过该分包预算（{budget}元）。"
CONTACT_PHONE_INVALID = "联系电话应为手机号码（11位）或固定电话（如 0734-8888888）。"
CATALOGUE_UNKNOWN = "采购目录编码「{code}」不在《政府采购品目分类目录》中，请从列表中选择。"
PREQUALIFICATION_REFUSED = "本平台为全流程电子化交易，资审方式只能选择「资格后审」（第{number}包）。"
LOTS_REQUIRED = "项目至少要有一个分包，请点击「添加分包」。"
LOTS_OVER_BUDGET = "各分包预算合计（{total}元）超过了项目预算（{budget}元），请调整。"
LOT_NAME_REQUIRED = "请填写第{number}包的分包名称。"
LOTS_TOO_MANY = "一个项目最多{limit}个分包。"
LOTS_LIMIT = 99
ONLY_POST_QUALIFICATION = QualificationReview.POST

# 「提交信息」 needs these; 「修改保存」 keeps whatever has been typed.
SUBMIT_MISSING = "以下内容尚未填写，不能提交：{items}。已填写的内容已保存。"
ATTACHMENT_SLOTS = {
    "approval": "采购计划或项目审批文件",
    "entrustment": "委托代理协议",
    "other": "其他材料",
}
SUBMIT_REQUIRED_ATTACHMENTS = ("approval", "entrustment")
ATTACHMENT_NOT_OWN = "所选电子件不存在，请重新上传。"

# --- what users read after an action ---------------------------------------------------------------

PROJECT_CREATED = "项目「{name}」已保存（项目编号 {code}），尚未提交。"
PROJECT_SAVED = "项目信息已保存，尚未提交。"
PROJECT_SUBMITTED = "项目已提交{center}审核。提交后不能修改；如需修改，请先撤回。"
PROJECT_WITHDRAWN = "项目已撤回，状态为「编辑中」，可以修改后重新提交。"
PROJECT_DELETED = "项目「{name}」已删除。"
REVIEW_TITLE = "项目注册「{name}」（{code}）"

# --- audit actions (the app's one namespace) ------------------------------------------------------

AUDIT_CREATED = "procurement.project_created"
AUDIT_SAVED = "procurement.project_saved"
AUDIT_SUBMITTED = "procurement.project_submitted"
AUDIT_WITHDRAWN = "procurement.project_withdrawn"
AUDIT_APPROVED = "procurement.project_approved"
AUDIT_REJECTED = "procurement.project_rejected"
AUDIT_DELETED = "procurement.project_deleted"
NOTHING_TICKED = "请先勾选要删除的项目。"
