"""Messages of the review queue and the staff back-office, asserted by tests."""

NOT_STAFF = "只有交易中心工作人员可以办理审核事项。"
STAFF_ONLY = "此页面仅限交易中心工作人员使用。如您是中心工作人员，请联系管理员开通后台账号。"
NO_PERMISSION = "您的角色（{roles}）没有「{permission}」权限，请联系管理员。"
WRONG_CENTER = "该事项属于{center}，您无权办理。"
WRONG_ROLE = "该事项需要「{role}」角色办理，您当前没有该角色。"
ALREADY_CLAIMED = "该事项已由{name}认领，请刷新列表后选择其他事项。"
NOT_CLAIMED_BY_YOU = "请先认领该事项再作出审核决定。"
NOT_CLAIMED = "该事项当前无人认领，无需释放。"
ALREADY_DECIDED = "该事项已办结（{status}），不能重复审核。"
OPINION_REQUIRED = "退回时请填写审核意见，说明需要修改的内容。"
OPINION_TOO_LONG = "审核意见不能超过{limit}个字。"
HANDLER_MISSING = "系统尚不能办理「{kind}」类事项，请联系技术支持。"

# Done messages shown after a redirect.
CLAIMED = "已认领：{title}。请在办理时限内作出审核决定。"
RELEASED = "已释放：{title}，该事项回到待认领列表。"
APPROVED = "已审核通过：{title}。"
REJECTED = "已退回：{title}。申请人将看到您的审核意见。"

# Staff members (工作人员管理).
USERNAME_TAKEN = "登录账号「{username}」已被使用，请换一个。"
ROLES_REQUIRED = "请至少选择一个角色。"
ID_NUMBER_TAKEN = "身份证号码 {id_number} 已登记给在岗工作人员{name}，同一证件只能对应一个后台账号。"
CENTER_NOT_YOURS = "您只能管理本中心（{center}）的工作人员。"
PLATFORM_ADMIN_ONLY = "只有平台管理员可以设置不属于任何中心的账号。"
NOT_YOURSELF = "不能停用自己的账号；请由另一位管理员操作。"
OWN_ADMIN_ROLE = "不能取消自己的管理员角色；请由另一位管理员操作。"
ALREADY_INACTIVE = "该账号已停用。"
ALREADY_ACTIVE = "该账号已在用。"

# Calendar (节假日与调休), kept as data from the State Council's yearly notice.
WORKDAY_ON_WEEKDAY = (
    "{date} 按国务院公布的节假日安排本来就是工作日，无需登记；"
    "「上班」只登记本应休息的日期（调休上班的周末，或暂定日历中算作补假而实际上班的日子）。"
)
NOTE_REQUIRED = "请填写说明，如“国庆节”或“国庆节调休上班”。"
DAY_EXISTS = "{date} 已登记为「{note}」，请在列表中修改该日。"

# Staff certificate login.
STAFF_LOGGED_IN = "{name}，您已使用CA证书登录中心工作人员后台。"

# --- audit actions: one namespace, "review.", for every row this app writes ------------------------
# Rows written before these names keep theirs (review.opened, staff.added, calendar.day_added, …):
# the labels below know both, and the one reader that tells an action apart (a release's former
# claimant in the back-office history) asks RELEASED_ACTIONS.
AUDIT_ITEM_OPENED = "review.item_opened"
AUDIT_ITEM_CLAIMED = "review.item_claimed"
AUDIT_ITEM_RELEASED = "review.item_released"
AUDIT_ITEM_APPROVED = "review.item_approved"
AUDIT_ITEM_REJECTED = "review.item_rejected"
AUDIT_ITEM_WITHDRAWN = "review.item_withdrawn"
AUDIT_ITEM_RESCHEDULED = "review.item_rescheduled"
AUDIT_STAFF_ADDED = "review.staff_added"
AUDIT_STAFF_CHANGED = "review.staff_changed"
AUDIT_STAFF_DEACTIVATED = "review.staff_deactivated"
AUDIT_STAFF_REACTIVATED = "review.staff_reactivated"
AUDIT_STAFF_CERTIFICATE_LOGIN = "review.staff_certificate_login"
AUDIT_CALENDAR_DAY_ADDED = "review.calendar_day_added"
AUDIT_CALENDAR_DAY_CHANGED = "review.calendar_day_changed"
AUDIT_CALENDAR_DAY_REMOVED = "review.calendar_day_removed"

# The names rows written before carry, each with the name it has now.
FORMER_ACTIONS = {
    "review.opened": AUDIT_ITEM_OPENED,
    "review.claimed": AUDIT_ITEM_CLAIMED,
    "review.released": AUDIT_ITEM_RELEASED,
    "review.approved": AUDIT_ITEM_APPROVED,
    "review.rejected": AUDIT_ITEM_REJECTED,
    "review.withdrawn": AUDIT_ITEM_WITHDRAWN,
    "review.rescheduled": AUDIT_ITEM_RESCHEDULED,
    "staff.added": AUDIT_STAFF_ADDED,
    "staff.changed": AUDIT_STAFF_CHANGED,
    "staff.deactivated": AUDIT_STAFF_DEACTIVATED,
    "staff.reactivated": AUDIT_STAFF_REACTIVATED,
    "staff.certificate_login": AUDIT_STAFF_CERTIFICATE_LOGIN,
    "calendar.day_added": AUDIT_CALENDAR_DAY_ADDED,
    "calendar.day_changed": AUDIT_CALENDAR_DAY_CHANGED,
    "calendar.day_removed": AUDIT_CALENDAR_DAY_REMOVED,
}
RELEASED_ACTIONS = frozenset({AUDIT_ITEM_RELEASED, "review.released"})

# What the back-office calls each audited step of an item or a staff account, by either name.
_LABELS = {
    AUDIT_ITEM_OPENED: "提交审核",
    AUDIT_ITEM_CLAIMED: "认领",
    AUDIT_ITEM_RELEASED: "释放",
    AUDIT_ITEM_APPROVED: "审核通过",
    AUDIT_ITEM_REJECTED: "退回",
    AUDIT_ITEM_WITHDRAWN: "申请人撤回",
    AUDIT_ITEM_RESCHEDULED: "办理时限调整（节假日变更）",
    AUDIT_STAFF_ADDED: "添加账号",
    AUDIT_STAFF_CHANGED: "修改信息或角色",
    AUDIT_STAFF_DEACTIVATED: "停用账号",
    AUDIT_STAFF_REACTIVATED: "恢复账号",
    AUDIT_STAFF_CERTIFICATE_LOGIN: "CA证书登录",
}
ACTION_LABELS = {
    **_LABELS,
    **{former: _LABELS[now] for former, now in FORMER_ACTIONS.items() if now in _LABELS},
}
