"""The registry's rules in one place, each with the source it comes from.

Messages are constants: services raise them, views show them, tests assert them.
"""

from registry.models import RecordKind

# 003 §2: a code that is already registered is sent to the login page.
CODE_ALREADY_REGISTERED = "此代码已经注册，请直接登录"
NAME_TAKEN = "该名称已被其他主体使用，请核对全称；如确属本单位，请联系平台客服。"

# 003 §4.1-§4.5: "用账号登录的用户提交信息，仅限制开展纸质标业务；如需开展电子标业务，请使用CA锁
# 登录并提交信息", and "用CA锁登录才可以提交信息" for qualifications, performance, practitioners
# and awards. These kinds only matter for electronic bidding, so they need a certificate login.
CERTIFICATE_REQUIRED_KINDS = frozenset(
    {RecordKind.QUALIFICATION, RecordKind.PERFORMANCE, RecordKind.PRACTITIONER, RecordKind.AWARD}
)
CERTIFICATE_REQUIRED = (
    "提交{kind}需要使用CA证书登录。您当前是账号密码登录，可以先「保存」草稿，再用CA证书登录后提交。"
)
PASSWORD_SUBMIT_PAPER_ONLY = (
    "您使用账号密码登录提交，基本信息仅可用于纸质标业务；如需开展电子标业务，请使用CA证书登录后重新提交。"
)

# 003 §4.2: only qualifications have 作废 / 取消作废.
VOIDABLE_KINDS = frozenset({RecordKind.QUALIFICATION})

# Workflow messages.
MISSING_REQUIRED = "以下必填项未填写，不能提交：{fields}。已填写的内容已保存为草稿。"
DRAFT_CONFLICT = (
    "这份草稿已在其他窗口（或由他人）于 {when} 保存过，您这次的修改没有保存。"
    "您的输入仍保留在下方；核对后再次点击「保存」即以您的输入为准。"
)
NOT_EDITABLE = "该记录当前状态为「{status}」，不能编辑。"
NO_DRAFT_TO_SUBMIT = "没有待提交的草稿。"
VOID_ONLY_SUBMITTED = "只有已提交的记录可以作废。"
UNVOID_ONLY_VOID = "只有已作废的记录可以取消作废。"
VOID_NOT_ALLOWED = "{kind}不能作废。"
CHANGE_ONLY_SUBMITTED = "只有已提交的记录可以变更。"
DISCARD_NOTHING = "没有可放弃的变更。"
NAME_REQUIRED = "请填写名称。"
BASIC_EXISTS = "基本信息在注册时已建立，请直接编辑。"
DELETE_ONLY_NEVER_SUBMITTED = "只有从未提交过的记录可以删除；已提交的记录请使用「变更」或「作废」。"
KIND_NOT_FOR_SUBJECT = "该类信息不适用于{subject_kind}。"

# Attachments (电子件): checked by content, not by name.
ATTACHMENT_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG"}
ATTACHMENT_BAD_TYPE = "文件“{name}”不是PDF、JPG或PNG格式（按文件内容判断），请重新选择。"
ATTACHMENT_TOO_BIG = "文件“{name}”大小为{size}，超过上限{limit}，请压缩后重新上传。"
ATTACHMENT_EMPTY = "文件“{name}”是空文件，请重新选择。"
ATTACHMENT_DAMAGED = "文件“{name}”已损坏或不完整，无法打开，请重新选择。"

# Password login lockout (settings.LOGIN_MAX_FAILURES / LOGIN_LOCK_MINUTES).
LOGIN_FAILED = "账号或密码不正确。"
LOGIN_FAILED_LEFT = "账号或密码不正确，再错{left}次账号将被锁定{minutes}分钟。"
LOGIN_LOCKED = (
    "连续登录失败次数过多，账号已锁定，请在{minutes}分{seconds}秒后再试，或通过「忘记密码」重设密码。"
)
LOGIN_AMBIGUOUS_NAME = "有多个主体使用此名称，请改用统一社会信用代码或身份证号登录。"

# The platform operator (平台运维人员, registry/operators.py), made by a management command.
OPERATOR_USERNAME_REQUIRED = "请填写平台运维人员的登录账号。"
OPERATOR_IS_SUBJECT = "账号 {username} 是交易主体的账号，不能兼作平台运维人员，请另取一个账号名。"
OPERATOR_IS_CENTER_STAFF = "账号 {username} 是中心工作人员的账号，不能兼作平台运维人员，请另取一个账号名。"


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} 字节"


# --- audit actions: one namespace, "registry.", for every row this app writes --------------------
# Rows written before these names keep theirs: account.login, subject.registered, ca_application.*,
# and a record's steps named by its kind (basic.submitted, qualification.void, …; the kind is in
# the row's data now). Nothing filters on them; the history pages show any action.
AUDIT_ACCOUNT_LOGGED_IN = "registry.account_logged_in"
AUDIT_ACCOUNT_LOGIN_FAILED = "registry.account_login_failed"
AUDIT_ACCOUNT_LOCKED = "registry.account_locked"
AUDIT_ACCOUNT_PASSWORD_RESET = "registry.account_password_reset"
AUDIT_OPERATOR_SEEDED = "registry.operator_seeded"
AUDIT_SUBJECT_REGISTERED = "registry.subject_registered"
AUDIT_SUBJECT_RESYNC_REQUESTED = "registry.subject_resync_requested"
AUDIT_ATTACHMENT_UPLOADED = "registry.attachment_uploaded"
AUDIT_RECORD_CREATED = "registry.record_created"
AUDIT_RECORD_SAVED = "registry.record_saved"
AUDIT_RECORD_SUBMITTED = "registry.record_submitted"
AUDIT_RECORD_CHANGE_STARTED = "registry.record_change_started"
AUDIT_RECORD_CHANGE_DISCARDED = "registry.record_change_discarded"
AUDIT_RECORD_DELETED = "registry.record_deleted"
AUDIT_RECORD_VOIDED = "registry.record_voided"
AUDIT_RECORD_UNVOIDED = "registry.record_unvoided"
AUDIT_CA_APPLICATION_SUBMITTED = "registry.ca_application_submitted"
AUDIT_CA_APPLICATION_WITHDRAWN = "registry.ca_application_withdrawn"
AUDIT_CA_APPLICATION_ACCEPTED = "registry.ca_application_accepted"
AUDIT_CA_APPLICATION_REJECTED = "registry.ca_application_rejected"
