"""The rules of practitioners (从业人员), certificate activation (CA证书激活) and unbind requests
(解绑申请) at a center, with their messages in one place; services raise them, tests assert them.

Sources: 000 §6.2 (常德: practitioners of an agency, reviewed, then the agency activates each
person's own certificate), 001 §5 (衡阳: 远程证书激活, 职业人员), 000 §6.3 and 002 §5 (unbinding a
certificate the holder can no longer use: a sealed letter and the licence, handled by technical
support within one working day — online here instead of by e-mail).
"""

from centers.models import PractitionerField, PractitionerStatus, SubjectType
from core.audit import Actor
from core.errors import DomainError

# --- who may do what -------------------------------------------------------------------------

# 000 §6.2: "招标代理公司" keep practitioners; both kinds of agency see both lists (工程建设 and
# 政府采购), as the 常德 menu shows them side by side.
AGENCY_TYPES = frozenset({SubjectType.AGENCY, SubjectType.PROCUREMENT_AGENCY})
NOT_AGENCY = (
    "从业人员和个人CA证书激活只适用于招标代理机构或政府采购代理机构。"
    "本单位在{center}的主体类型为：{types}。如确属代理机构，请先在「主体类型」中新增代理机构类型。"
)
NO_TYPES = "暂无"

# A practitioner logged in with an activated personal certificate acts for the unit in its
# business, but the unit's own staff matters (who may act, which keys, unbinding) stay the unit's.
UNIT_ONLY = "{action}只能由单位本身办理（单位CA证书或账号密码登录），从业人员个人证书登录时不能操作。"
ACTION_PRACTITIONERS = "管理从业人员"
ACTION_ACTIVATION = "激活或停用个人CA证书"
ACTION_UNBIND = "申请证书解绑"


def unit_only(actor: Actor, action: str) -> None:
    """Refuses a unit-only action to a practitioner acting for the unit."""
    if actor.acting_person:
        raise DomainError(UNIT_ONLY.format(action=action))


# --- practitioners (000 §6.2.1) ----------------------------------------------------------------

# Documents (电子件) by slot, in page order.
DOCUMENT_SLOTS = {
    "id_card": "身份证扫描件",
    "qualification": "执业资格证书",
    "social_security": "社保缴纳证明",
}
# 「提交信息」 needs these fields and documents; a draft may leave them empty.
SUBMIT_REQUIRED_FIELDS = {"phone": "手机号码", "position": "职务"}
SUBMIT_REQUIRED_DOCUMENTS = ("id_card", "social_security")
# A qualification number is a claim; its certificate must come with it.
QUALIFICATION_NEEDS_DOCUMENT = "qualification"

# What each action needs the practitioner's status to be.
EDITABLE = frozenset({PractitionerStatus.DRAFT, PractitionerStatus.REJECTED})
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "save": (EDITABLE, ""),
    "submit": (EDITABLE, PractitionerStatus.SUBMITTED),
    "withdraw": (frozenset({PractitionerStatus.SUBMITTED}), PractitionerStatus.DRAFT),
    "approve": (frozenset({PractitionerStatus.SUBMITTED}), PractitionerStatus.APPROVED),
    "reject": (frozenset({PractitionerStatus.SUBMITTED}), PractitionerStatus.REJECTED),
}
ACTION_LABELS = {
    "save": "修改",
    "submit": "提交",
    "withdraw": "撤回",
    "approve": "审核通过",
    "reject": "退回",
}
PRACTITIONER_STATE = "该从业人员当前状态为「{status}」，不能{action}。"

PHONE_PATTERN = r"^1[3-9]\d{9}$"
PHONE_INVALID = "手机号码应为11位数字，以1开头。"
NAME_REQUIRED = "请填写姓名。"
ID_NUMBER_INVALID = "身份证号码有误：{error}"
PRACTITIONER_DUPLICATE = "身份证号码为{id_number}的人员已是本单位的{field}从业人员（{name}），无需重复新增。"
DOCUMENT_NOT_OWN = "所选电子件不存在，请重新上传。"
SUBMIT_MISSING = "以下内容尚未填写或上传，不能提交：{items}。已填写的内容已保存。"
QUALIFICATION_DOCUMENT_MISSING = "执业资格证书（已填写证书编号）"

PRACTITIONER_SAVED = "从业人员信息已保存。"
PRACTITIONER_SUBMITTED = "已提交，等待{department}审核。审核结果将在本页显示。"
PRACTITIONER_WITHDRAWN = "已撤回，可修改后重新提交。"
REVIEW_TITLE = "{field}从业人员：{name}（{id_number}）"


def field_label(field: str) -> str:
    return PractitionerField(field).label


# --- CA证书激活 (000 §6.2.2; 001 远程证书激活) ----------------------------------------------------

ACTIVATE_NOT_APPROVED = "只有审核通过的从业人员才能激活个人CA证书；{name}当前状态为「{status}」。"
ACTIVATE_OTHER_PERSON = (
    "读取到的证书属于{holder}（证件号码{code}），与从业人员{name}的身份证号{id_number}不一致。"
    "请插入{name}本人的个人CA证书后重新读取；激活前请先拔出单位CA证书。"
)
ACTIVATE_ISSUER_REFUSED = "{center}不接受「{issuer}」颁发的证书，请使用以下CA机构的证书：{accepted}。"
ACTIVATE_ALREADY = "此证书已为{name}激活，无需重复激活。"
ACTIVATE_TAKEN = "此证书已在{center}为其他单位的从业人员激活，一张个人证书只能代表一家单位。"
ACTIVATED = "已激活{name}的个人CA证书（序列号 {serial}）。此人现在可以用该证书登录，代表本单位办理业务。"
REVOKED = "已停用该证书（序列号 {serial}），此人不能再用它代表本单位登录。"
ACTIVATION_ALREADY_REVOKED = "该证书已于{when}停用。"
# How the person is named in the session and in every audit row while acting for the unit.
ACTING_LABEL = "{name}（{id_number}）"
ACTING_BANNER = "从业人员 {name} 代表 {unit} 操作"
PRACTITIONER_LOGGED_IN = "已使用个人CA证书登录：{name}代表{unit}在{center}办理业务。"
# A practitioner's session is tied to the center whose activation let them in (centers.views_base).
ACTING_OTHER_CENTER = "您以从业人员身份登录，只能在{center}代表单位办理业务。"
ACTING_ENDED = "您的个人证书激活已停用，请重新登录。"


def mask_id_number(id_number: str) -> str:
    """4304**********1234: enough to tell people apart on a page, not enough to copy."""
    if len(id_number) <= 8:
        return id_number
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


# --- 解绑申请 (000 §6.3; 002 §5) -------------------------------------------------------------

UNBIND_CERTIFICATE_NOT_FOUND = "请选择本单位已绑定（未解绑）的证书。"
UNBIND_REASON_REQUIRED = "请选择解绑原因。"
UNBIND_EXPLANATION_REQUIRED = "请填写情况说明（例如证书遗失的时间、更换后的证书情况）。"
UNBIND_EXPLANATION_LIMIT = 1000
UNBIND_EXPLANATION_TOO_LONG = "情况说明不能超过{limit}个字。"
UNBIND_LETTER_MISSING = "请上传加盖单位公章的解绑申请书（PDF、JPG或PNG）。"
UNBIND_LICENCE_MISSING = "请上传营业执照扫描件（PDF、JPG或PNG）。"
UNBIND_ALREADY_OPEN = (
    "该证书已有在{center}待处理的解绑申请（{when}提交），请等待技术支持处理，或撤回后重新申请。"
)
UNBIND_STATE = "该解绑申请当前状态为「{status}」，不能{action}。"
UNBIND_SUBMITTED = "解绑申请已提交，技术支持将在{days}个工作日内（{due}前）处理，结果在本页显示。"
UNBIND_WITHDRAWN = "解绑申请已撤回。"
UNBIND_REVIEW_TITLE = "证书解绑：{holder}（序列号 {serial}，{reason}）"


# --- audit actions (centers.*, as centers/rules.py's) ----------------------------------------------
AUDIT_PRACTITIONER_LOGIN = "centers.practitioner_login"
AUDIT_CERTIFICATE_ACTIVATED = "centers.certificate_activated"
AUDIT_CERTIFICATE_REVOKED = "centers.certificate_revoked"
AUDIT_PRACTITIONER = "centers.practitioner_{action}"  # save, submit, withdraw, approve, reject
AUDIT_UNBIND = "centers.unbind_{action}"  # submit, withdraw, approve, reject
