"""The rules of 场地预约 and 场地变更 (004 §3.3, §3.4), with their messages in one place.

Which rows hold a room's slot: a booking 待审核 or 审核通过, and a change request 待审核 (its new
slot, so that the change can be approved without a race; once approved, the booking itself holds
the new slot). Drafts, rejected bookings and decided or withdrawn changes hold nothing. A booking
and its own pending change may overlap (a change that moves an opening by half an hour in the same
room); any two other holders of one room may not, touching ends (11:00–11:00) allowed.

That rule is the database's: on PostgreSQL an exclusion constraint (migration 0002) refuses the
second row whatever code writes it; on SQLite every transaction begins IMMEDIATE (config/settings),
so the overlap query (procurement.venue_checks) and the write after it run with no writer between.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from procurement.venue_models import BookingStatus, RoomKind

HOLDS_SLOT = Q(status=BookingStatus.SUBMITTED) | Q(status=BookingStatus.APPROVED, original=None)
# A booking in force or on its way there: its lots are booked (for its room's kind).
ACTIVE = frozenset({BookingStatus.SUBMITTED, BookingStatus.APPROVED})


def slot_text(room: object, starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """A slot as people read it, in local time: 开标室一 2026-12-10 09:00–11:00."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    return f"{room} {start:%Y-%m-%d %H:%M}–{until}"


def lots_text(numbers: Iterable[int]) -> str:
    """第1、3包."""
    return "第" + "、".join(str(number) for number in sorted(numbers)) + "包"


# --- the booking's life: one table, (from-states, to-state) per action ----------------------------

EDITABLE = frozenset({BookingStatus.DRAFT, BookingStatus.REJECTED})
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "save": (EDITABLE, ""),
    "submit": (EDITABLE, BookingStatus.SUBMITTED),
    # As a project's 撤回 (004 §3.1.6): 待审核 and 审核通过 back to 编辑中, the slot released.
    "withdraw": (ACTIVE, BookingStatus.DRAFT),
    "approve": (frozenset({BookingStatus.SUBMITTED}), BookingStatus.APPROVED),
    "reject": (frozenset({BookingStatus.SUBMITTED}), BookingStatus.REJECTED),
    "delete": (EDITABLE, ""),
    # 场地变更 is asked of a booking in force; the change itself is born 待审核.
    "change": (frozenset({BookingStatus.APPROVED}), ""),
}
# A change request's own life: asked (待审核), then decided or taken back; never edited.
CHANGE_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "withdraw": (frozenset({BookingStatus.SUBMITTED}), BookingStatus.WITHDRAWN),
    "approve": (frozenset({BookingStatus.SUBMITTED}), BookingStatus.APPROVED),
    "reject": (frozenset({BookingStatus.SUBMITTED}), BookingStatus.REJECTED),
}
ACTION_LABELS = {
    "save": "修改",
    "submit": "提交审核",
    "withdraw": "撤回",
    "approve": "审核通过",
    "reject": "审核不通过",
    "delete": "删除",
    "change": "申请场地变更",
}
BOOKING_STATE = "该场地预约当前状态为「{status}」，不能{action}。"
BOOKING_STATE_HINTS = {
    "save": "待审核和审核通过的场地预约不能修改；如需改期或更换场地，请申请场地变更。",
    "change": "只有审核通过的场地预约可以申请变更；尚未审核通过的，请撤回后修改。",
}
CHANGE_STATE = "该场地变更当前状态为「{status}」，不能{action}。"
CHANGE_NOT_EDITABLE = "场地变更提交后不能修改、删除或再次变更；如需调整，请撤回后重新申请。"

# --- the platform's rules (004 §3.3 注①–②) and the form -------------------------------------------

DURATION_MIN = dt.timedelta(minutes=30)
DURATION_MAX = dt.timedelta(hours=12)
DURATION_OUT_OF_RANGE = "场地使用时长应在30分钟至12小时之间。"
NOTE_LIMIT = 500
NOTE_TOO_LONG = "备注和变更原因不能超过500个字。"
TIME_LABELS: dict[str, str] = {RoomKind.OPENING: "开标时间", RoomKind.EVALUATION: "评标开始时间"}
NOT_IN_FUTURE = "{label}必须晚于当前时间（现在是 {now}），请重新选择。"
# 开标室: the opening is the moment bids are due (87号令 art. 39), so the method's limit from the
# procurement documents' issue to that moment (procurement.deadlines) holds for the booking too.
_OPENING_IS_DEADLINE = (
    "开标时间即提交投标（响应）文件的截止时间（《政府采购货物和服务招标投标管理办法》第三十九条）"
)
OPENING_FROM_NOW = _OPENING_IS_DEADLINE + "，本项目的采购文件尚未发出，最早自现在起发出。"
OPENING_FROM_ISSUED = _OPENING_IS_DEADLINE + "，本项目的采购文件自 {at} 起发出。"
OPENING_EARLIEST_HINT = "本项目为{method}：开标时间最早可定于 {earliest}（{citation}：{limit}）{note}。"
PROJECT_NOT_APPROVED = "项目「{name}」当前状态为「{status}」，项目注册审核通过后才能预约场地。"
LOTS_REQUIRED = "请至少选择一个分包。"
LOT_NOT_OF_PROJECT = "所选分包不属于项目「{name}」，请重新选择。"
LOT_CLOSED = "第{number}包当前为「{stage}」，采购活动已结束，不能再预约场地。"
LOT_BOOKED = (
    "第{number}包已预约{kind}（{slot}，{status}），不能重复预约；如需改期或更换场地，请申请场地变更。"
)
ROOM_UNAVAILABLE = "所选场地不存在或已停用，请重新选择。"
# The slot another booking holds. The agency is told which of its own projects holds it; another
# agency's project is not named (it is that agency's business until the announcement).
SLOT_TAKEN = "{slot} 已被预约{whose}，请选择其他时间或场地。可在「场地使用信息」中查看场地使用情况。"
SLOT_TAKEN_OWN = "（本单位项目「{project}」{lots}）"

# --- 场地变更 ----------------------------------------------------------------------------------------

CHANGE_PENDING = "该场地预约已有一项待审核的场地变更，请等待审核结果，或先撤回该变更。"
CHANGE_NOTHING = "变更后的场地和时间与现在的预约相同，无需变更。"
CHANGE_TOO_LATE = "原定{label}（{at}）已过，不能再变更场地。"
CHANGE_KIND = "变更后的场地应为{kind}。"
CHANGE_REASON_REQUIRED = "请填写变更原因。"
WITHDRAW_CHANGE_PENDING = "该场地预约有一项待审核的场地变更，请先撤回该变更，再撤回预约。"
DECIDE_TOO_LATE = "{label}（{at}）已过，不能审核通过；请退回并说明原因。"

# A project with a booking in force (or waiting) cannot be withdrawn (procurement.services'
# WITHDRAW_BLOCKERS): the slot would stay held by a project back in 编辑中.
PROJECT_HAS_BOOKINGS = "项目「{name}」已预约开评标场地（{slots}），不能撤回；请先撤回场地预约。"

# --- the center's rooms (staff with the 场地管理 permission) -----------------------------------------

ROOM_NAME_REQUIRED = "请填写场地名称。"
ROOM_KIND_INVALID = "请选择场地类型：开标室或评标室。"
ROOM_NAME_TAKEN = "本中心已有名为「{name}」的场地，请换一个名称。"
ROOM_CAPACITY_RANGE = "容纳人数应在1至999人之间。"
ROOM_CAPACITY_MAX = 999
ROOM_CENTER_NOT_YOURS = "您只能管理本中心（{center}）的开评标场地。"
ROOM_IN_USE = "场地「{name}」还有{count}项未结束的预约（最近一项：{slot}），不能{action}；请待其结束或由代理机构变更后再操作。"
ROOM_ALREADY_INACTIVE = "场地「{name}」已停用。"
ROOM_ALREADY_ACTIVE = "场地「{name}」已在用。"

# --- what users read after an action ---------------------------------------------------------------

BOOKING_CREATED = "场地预约已保存（{slot}），尚未提交。"
BOOKING_SAVED = "场地预约已保存，尚未提交。"
BOOKING_SUBMITTED = "场地预约已提交{center}审核，审核前该时段为您保留。"
BOOKING_WITHDRAWN = "场地预约已撤回，状态为「编辑中」，该时段不再为您保留。"
BOOKING_DELETED = "场地预约已删除。"
CHANGE_REQUESTED = "场地变更已提交{center}审核；审核通过前原预约仍然有效，新时段为您保留。"
CHANGE_WITHDRAWN = "场地变更已撤回，原预约不变。"
REVIEW_TITLE = "场地预约「{project}」{lots}：{slot}"
CHANGE_REVIEW_TITLE = "场地变更「{project}」{lots}：{before} 改为 {after}"

# --- audit actions (the app's one namespace) ------------------------------------------------------

AUDIT_BOOKING_CREATED = "procurement.booking_created"
AUDIT_BOOKING_SAVED = "procurement.booking_saved"
AUDIT_BOOKING_SUBMITTED = "procurement.booking_submitted"
AUDIT_BOOKING_WITHDRAWN = "procurement.booking_withdrawn"
AUDIT_BOOKING_APPROVED = "procurement.booking_approved"
AUDIT_BOOKING_REJECTED = "procurement.booking_rejected"
AUDIT_BOOKING_DELETED = "procurement.booking_deleted"
AUDIT_CHANGE_REQUESTED = "procurement.booking_change_requested"
AUDIT_CHANGE_WITHDRAWN = "procurement.booking_change_withdrawn"
AUDIT_CHANGE_APPROVED = "procurement.booking_change_approved"
AUDIT_CHANGE_REJECTED = "procurement.booking_change_rejected"
AUDIT_ROOM_CREATED = "procurement.room_created"
AUDIT_ROOM_SAVED = "procurement.room_saved"
AUDIT_ROOM_DEACTIVATED = "procurement.room_deactivated"
AUDIT_ROOM_ACTIVATED = "procurement.room_activated"

# --- 项目复评场地预约 (004 §3.10) ------------------------------------------------------------------------

REQUEST_SLOT = "request"
REQUEST_LABEL = "采购人申请复评的材料（需加盖公章）或行政监督部门的批复材料"
REQUEST_REQUIRED = "请上传采购人申请复评的材料（需加盖公章）或行政监督部门的批复材料。"
REQUEST_NOT_OWN = "所选材料不是本单位上传的文件，请重新选择。"
RE_EVALUATION_ROOM = "项目复评须预约评标室，请重新选择场地。"
RE_EVALUATION_SAVED = "项目复评场地预约已保存（{slot}），尚未提交。请核对后点击「提交信息」提交审核。"
RE_EVALUATION_TITLE = "项目复评：" + REVIEW_TITLE
AUDIT_RE_EVALUATION_SAVED = "procurement.re_evaluation_saved"
