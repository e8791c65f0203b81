"""What a subject may do at a trading center, and how the center decides: one place for the rules of
the manuals and for the messages that tests assert.

000 §7 (常德, 完善基本信息): "同步后，交易主体需要用CA证书登录常德平台维护自身基本信息，签署诚信承诺书，
再获取业务操作权限" — "所有必填项完成，信用承诺书生成盖章后，点击「提交信息」，系统将会自动审核通过".
001 §2.2 (衡阳): "交易乙方（投标单位）提交即审核通过，代理机构需要市场主体科进行审核".
002 §3 (丰台): "请使用CA数字证书进行注册，单位名称信息由CA数字证书读取生成" … "点击提交。审核需一个工作日".
000 §8.1: "单位名称变更时，请先在系统里修改单位名称，然后再去进行CA证书的变更".
000 §8.1.1: units registered at the center before the registry sync change their data at the center.
000 §8.2: "交易用户可自行新增主体类型 … 若要删除主体类型，则需联系交易中心信息技术部".
004 1.3: after login the user picks the role (e.g. 「招标代理」) to enter the system with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from centers.models import Center, ProfileRule, SubjectOrigin, SubjectType
from review import calendar

# --- subject types and the permissions they give (000 §7, §8.2) ------------------------------------

# 001 §2.2 "交易乙方（投标单位）": the types that only take part in a trade (bid, offer, buy) and
# never run one. 衡阳 approves them at once; every other type is reviewed by 市场主体科.
BIDDER_SIDE = frozenset(
    {SubjectType.BIDDER, SubjectType.SUPPLIER, SubjectType.LAND_BIDDER, SubjectType.PROPERTY_BIDDER}
)

# The business permissions (业务操作权限) of the trading systems, code → label. A code given by two
# types (项目登记 by 招标人 and 招标代理机构) is one permission, held while either type is.
PERMISSION_LABELS: dict[str, str] = {
    "project_register": "项目登记",
    "result_confirm": "确认中标结果",
    "bid_signup": "投标报名",
    "tender_download": "下载招标文件",
    "bid_submit": "递交投标文件",
    "venue_booking": "场地预约",
    "announcement_publish": "发布公告",
    "procurement_register": "采购项目登记",
    "procurement_announce": "发布采购公告",
    "procurement_signup": "采购项目报名",
    "procurement_download": "下载采购文件",
    "response_submit": "递交响应文件",
    "land_bid": "土地竞买报名及报价",
    "property_bid": "产权竞买报名及报价",
}

# Type → the permissions it gives, in the order a page lists them (004: the agency registers the
# project, books the venue and publishes the announcements; the bidder signs up, downloads the
# documents and submits its bid).
TYPE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    SubjectType.TENDEREE: ("project_register", "result_confirm"),
    SubjectType.BIDDER: ("bid_signup", "tender_download", "bid_submit"),
    SubjectType.AGENCY: ("project_register", "venue_booking", "announcement_publish"),
    SubjectType.PURCHASER: ("procurement_register", "result_confirm"),
    SubjectType.SUPPLIER: ("procurement_signup", "procurement_download", "response_submit"),
    SubjectType.PROCUREMENT_AGENCY: ("procurement_register", "venue_booking", "procurement_announce"),
    SubjectType.LAND_BIDDER: ("land_bid",),
    SubjectType.PROPERTY_BIDDER: ("property_bid",),
}


def permissions_for(types: Iterable[str]) -> dict[str, str]:
    """The permissions a set of effective types gives: code → the first type (in table order) giving it."""
    held = set(types)
    given: dict[str, str] = {}
    for subject_type in SubjectType.values:
        if subject_type in held:
            for code in TYPE_PERMISSIONS[subject_type]:
                given.setdefault(code, subject_type)
    return given


def type_label(subject_type: str) -> str:
    return SubjectType(subject_type).label


# --- how a center decides a submitted profile (000 §7, 001 §2.2, 002 §3) ---------------------------


@dataclass(frozen=True)
class Decision:
    automatic: bool
    # Why, as the sentence kept on every permission granted (CenterPermission.granted_because).
    because: str


GRANTED_ON_COMMITMENT = "诚信承诺书已签章，按{center}规则自动通过"
GRANTED_BIDDER_SIDE = "投标人类主体（{types}）提交即通过，按{center}规则自动通过"
GRANTED_BY_REVIEW = "{department}审核通过（{reviewer}，{date}）"
GRANTED_TYPE_ADDED = "新增主体类型「{type}」，按{center}规则直接生效"
GRANTED_TYPE_REVIEWED = "新增主体类型「{type}」经{department}审核通过（{reviewer}，{date}）"


def profile_decision(center: Center, types: Iterable[str]) -> Decision:
    """Approved at once, or queued for the center's department."""
    types = set(types)
    if center.profile_rule == ProfileRule.ON_COMMITMENT:
        return Decision(True, GRANTED_ON_COMMITMENT.format(center=center.name))
    if center.profile_rule == ProfileRule.BIDDERS_AUTO and types <= BIDDER_SIDE:
        labels = "、".join(type_label(t) for t in SubjectType.values if t in types)
        return Decision(True, GRANTED_BIDDER_SIDE.format(types=labels, center=center.name))
    return Decision(False, "")


def type_needs_review(center: Center, subject_type: str) -> bool:
    """Whether a type added after the profile was approved waits for the center's review (the same
    rule as the profile: what the center would not approve at once, it reviews)."""
    return not profile_decision(center, {subject_type}).automatic


WEEKDAYS = "一二三四五六日"


def due_label(due_at: dt.datetime) -> str:
    """The last day of a review's time limit as people say it: 「2026年11月23日（星期一）」.

    due_at (review/calendar.py) is the first moment after the limit, midnight of the next day;
    showing that as 「11月24日 00:00」 would read as a day later than it is. The day is
    calendar.last_day's, in local time, the one the staff queue shows as 「2026-11-23 当日」.
    """
    last = calendar.last_day(due_at)
    return f"{last.year}年{last.month}月{last.day}日（星期{WEEKDAYS[last.weekday()]}）"


def due_by(due_at: dt.datetime) -> str:
    """The same limit where a sentence says 「……前」: the end of its last day."""
    return f"{due_label(due_at)}24时"


def department_of(center: Center) -> str:
    return center.reviewed_by


# --- the profile: which fields the center keeps, and where the registry's are edited ---------------

# 000 §8.1.1: a subject registered at the center before the sync (legacy), and one registered at a
# center of its own (丰台), change the registry-side data here; a synced subject changes it only at
# the registry, and the center shows it read-only.
LOCAL_ORIGINS = frozenset({SubjectOrigin.LEGACY, SubjectOrigin.OWN})

# The registry-side fields edited here for local origins, stored in registry_data["basic"] (and
# registry_data["name"]) when the profile is approved.
REGISTRY_SIDE_FIELDS = (
    "name",
    "legal_rep_name",
    "legal_rep_id_number",
    "legal_rep_phone",
    "registered_address",
)
REGISTRY_SIDE_REQUIRED = ("name", "legal_rep_name", "legal_rep_id_number", "registered_address")
# The center's own fields (000 §7 基本信息 beyond the registry's): notices, the deposit refund account;
# all required but the two optional ones at the end.
CENTER_REQUIRED = (
    "contact_name",
    "contact_phone",
    "contact_email",
    "refund_bank_name",
    "refund_account_name",
    "refund_account",
)
CENTER_FIELDS = (*CENTER_REQUIRED, "safety_licence_no", "introduction")


# Each field's full name, for messages and the reviewer's description (the form's labels are
# shorter, under their section's title).
PROFILE_LABELS: dict[str, str] = {
    "name": "单位全称",
    "legal_rep_name": "法定代表人",
    "legal_rep_id_number": "法定代表人身份证号",
    "legal_rep_phone": "法定代表人手机",
    "registered_address": "注册地址",
    "contact_name": "业务联系人",
    "contact_phone": "联系电话",
    "contact_email": "电子邮箱",
    "refund_bank_name": "保证金退还账户开户银行",
    "refund_account_name": "保证金退还账户名称",
    "refund_account": "保证金退还账号",
    "safety_licence_no": "安全生产许可证号",
    "introduction": "单位简介",
}


def profile_fields(origin: str) -> tuple[str, ...]:
    return (REGISTRY_SIDE_FIELDS if origin in LOCAL_ORIGINS else ()) + CENTER_FIELDS


def profile_required(origin: str) -> tuple[str, ...]:
    return (REGISTRY_SIDE_REQUIRED if origin in LOCAL_ORIGINS else ()) + CENTER_REQUIRED


def refund_name_problem(*, account_name: str, unit_name: str) -> str | None:
    """Deposits are refunded only to the unit's own account (保证金原路退还至投标人基本账户)."""
    if account_name and unit_name and account_name.strip() != unit_name.strip():
        return REFUND_NAME_DIFFERS.format(name=unit_name)
    return None


# --- messages --------------------------------------------------------------------------------------

PROFILE_CONFLICT = (
    "单位信息已在其他窗口（或由他人）于 {when} 保存过，您这次的修改没有保存。"
    "您的输入仍保留在下方；核对后再次点击「保存」即以您的输入为准。"
)
PROFILE_LOCKED = "单位信息当前为「{status}」，审核完成前不能修改；如需修改，请先「撤回」。"
PROFILE_NOTHING_TO_SUBMIT = "请先完善单位信息并保存，再提交。"
PROFILE_ALREADY_SUBMITTED = "单位信息已提交，正在等待{department}审核，请勿重复提交。"
PROFILE_NO_CHANGES = "单位信息已审核通过，没有需要提交的修改。"
PROFILE_NOT_SUBMITTED = "单位信息不在审核中，无需撤回。"
SUBMITTED_APPROVED = "已提交，按{center}规则自动审核通过，已获得相应的业务权限。"
SUBMITTED_FOR_REVIEW = "已提交，等待{department}审核{due}。"
DUE_BY = "，预计 {day} 内完成"
PROFILE_MISSING = "以下必填项未填写，不能提交：{fields}。已填写的内容已保存。"
REGISTRY_FIELDS_READ_ONLY = (
    "单位名称、法定代表人等基本信息来自省统一注册平台，请到统一注册平台变更并提交，变更会自动同步到本中心。"
)
REFUND_NAME_DIFFERS = "保证金退还账户的账户名称应与单位名称「{name}」一致（保证金只退还至本单位账户）。"
NO_TYPES = "请先在「主体类型」中选择至少一种主体类型，再提交。"

# The 诚信承诺书 is a signing.Document of this kind, addressed by its center_code and naming the unit
# by its subject_name; the title is for people (lists, the agent's window, the file name) and names
# the center and the unit exactly, so a person can tell one commitment from another.
COMMITMENT_KIND = "integrity_commitment"
COMMITMENT_TITLE = "诚信承诺书（{center}·{name}）"
COMMITMENT_MISSING = "请先生成诚信承诺书，并加盖单位公章后再提交。"
COMMITMENT_NOT_SEALED = "诚信承诺书尚未加盖本单位的单位公章（须在「承诺单位（盖章）」处，使用本单位的CA证书签章），请签章后再提交。"
COMMITMENT_OTHER_CENTER = "这份诚信承诺书不是为{center}生成的，请在本中心重新生成诚信承诺书并签章。"
COMMITMENT_NAME_CHANGED = "诚信承诺书上的单位名称与当前单位名称「{name}」不一致，请重新生成诚信承诺书并签章。"
COMMITMENT_LOCKED = "单位信息正在审核中，审核完成前不能重新生成诚信承诺书。"
COMMITMENT_IN_FORCE = (
    "单位信息已审核通过，诚信承诺书在用；如单位信息有变更，请先在「单位信息」中修改并保存，再重新生成。"
)

TYPE_UNKNOWN = "请选择要新增的主体类型。"
TYPE_NOT_WAITING = "该主体类型不在待审核状态（可能已被删除或已处理）。"
TYPE_ALREADY = "已有主体类型「{type}」，无需重复新增。"
TYPE_WAITING = "主体类型「{type}」已提交，正在等待{department}审核。"
TYPE_LOCKED = "单位信息正在审核中，审核完成前不能新增主体类型。"
TYPE_REMOVE_STAFF_ONLY = "主体类型只能由交易中心工作人员删除，请联系{center}（电话 {phone}）。"
TYPE_REMOVE_WRONG_CENTER = "该单位属于{center}，您无权修改其主体类型。"
TYPE_REMOVE_NOT_HELD = "该单位没有主体类型「{type}」。"
TYPE_REMOVE_REASON = "请填写删除原因。"
TYPE_REJECTED = "审核未通过：{opinion}"

ROLE_NOT_HELD = "您在本中心没有「{type}」这一主体类型，请从列表中选择。"
ROLE_PICK_FIRST = "您在本中心有多种主体类型，请先选择本次办理业务所用的角色。"
# A business page of a role (004 1.3: 「选择“招标代理”，点击即可进入系统」) opened in another role.
ROLE_WRONG = "「{business}」需以「{roles}」角色办理，您当前的角色是「{role}」。请点「切换角色」后再办理。"

# 000 §8.1: the platform's name changes first; the certificate keeps working (login matches by code).
NAME_CHANGED_RENEW_CERTIFICATE = (
    "单位名称已由「{old}」变更为「{new}」。CA证书登录按统一社会信用代码识别，原证书可以继续使用；"
    "请尽快到CA机构办理证书名称变更，使证书上的名称与单位名称一致。"
)
CERTIFICATE_NAME_DIFFERS = (
    "您当前使用的CA证书上的名称为「{cert_name}」，与本中心登记的单位名称「{name}」不一致。"
    "证书仍可登录，请尽快到CA机构办理证书名称变更。"
)

# 002 §3: registration at a center of its own.
REGISTER_NOT_HERE = "{center}的交易主体来自省统一注册平台，请到统一注册平台注册。"
REGISTER_ISSUER_NOT_ACCEPTED = (
    "{center}只接受以下CA机构颁发的证书：{issuers}。您的证书由「{issuer}」颁发，请使用上述机构的证书注册。"
)
REGISTER_UNIT_ONLY = "请使用单位数字证书注册（证书中应含统一社会信用代码）；个人证书不能注册单位。"
REGISTER_ALREADY_HERE = "本单位已在{center}注册，已为您登录。"
REGISTER_EXISTING_SUBJECT = "本单位已在平台注册，已为您登录并加入{center}，请完善单位信息后提交审核。"
REGISTER_DONE = (
    "注册成功，已使用CA证书登录。请完善单位信息、生成并签章诚信承诺书后提交，审核需{days}个工作日。"
)
REGISTER_EXPIRED = "注册信息已失效，请重新读取CA证书。"


# --- audit actions: one namespace, "centers.", for every row this app writes (the agencies' people
# and certificates: people_rules.py) --------------------------------------------------------------
# Rows written before these names (center_profile.submitted, center_type.added, …) keep their old
# names; nothing filters on them but the history pages, which show any action.
AUDIT_SUBJECT_SYNCED = "centers.subject_synced"
AUDIT_SUBJECT_MIRRORED = "centers.subject_mirrored"
AUDIT_SUBJECT_REGISTERED = "centers.subject_registered"
AUDIT_COMMITMENT_GENERATED = "centers.commitment_generated"
AUDIT_PROFILE_SAVED = "centers.profile_saved"
AUDIT_PROFILE_SUBMITTED = "centers.profile_submitted"
AUDIT_PROFILE_WITHDRAWN = "centers.profile_withdrawn"
AUDIT_PROFILE_APPROVED = "centers.profile_approved"
AUDIT_PROFILE_REJECTED = "centers.profile_rejected"
AUDIT_TYPE_ADDED = "centers.type_added"
AUDIT_TYPE_REMOVED = "centers.type_removed"
AUDIT_TYPE_APPROVED = "centers.type_approved"
AUDIT_TYPE_REJECTED = "centers.type_rejected"
