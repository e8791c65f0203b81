"""Staff roles and what each may do in the back-office: the one table every check reads.

A role is a set of permissions; a staff member holds the union of their roles'. Review items
carry the role that decides them (ReviewItem.role, from KIND_ROLE when the item is opened), so the
queue shows each member only what one of their roles may decide.
"""

from enum import StrEnum

from review.models import ReviewKind, StaffRole


class Permission(StrEnum):
    QUEUE = "queue"  # 审核队列: see and work the items of one's roles
    SUBJECTS = "subjects"  # 主体查询
    SUBJECT_TYPE_REMOVE = "subject_type_remove"  # 000 §8.2: only staff remove a subject type
    STAFF = "staff"  # 工作人员管理
    CALENDAR = "calendar"  # 节假日与调休
    VENUES = "venues"  # 场地管理: the center's 开标室 and 评标室 (procurement.venue_rooms)
    # 评标结果: 「录入评标结果」 of the center's opened lots (procurement.lot_states), until bids are
    # evaluated on the platform; the reviewers who witness openings and evaluations do it.
    EVALUATIONS = "evaluations"


PERMISSION_LABELS = {
    Permission.QUEUE: "审核队列",
    Permission.SUBJECTS: "主体查询",
    Permission.SUBJECT_TYPE_REMOVE: "删除主体类型",
    Permission.STAFF: "工作人员管理",
    Permission.CALENDAR: "节假日与调休",
    Permission.VENUES: "场地管理",
    Permission.EVALUATIONS: "评标结果录入",
}

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    # 审核员: profiles, subject types and practitioners; looks subjects up to decide them and may
    # remove a subject type (000 §8.2: "删除主体类型，则需联系交易中心").
    StaffRole.REVIEWER: frozenset(
        {Permission.QUEUE, Permission.SUBJECTS, Permission.SUBJECT_TYPE_REMOVE, Permission.EVALUATIONS}
    ),
    # 技术支持: unbind requests (000 §6.3, 002 §5 — the technicians who answered the e-mails) and
    # the subject lookup the support telephone needs.
    StaffRole.SUPPORT: frozenset({Permission.QUEUE, Permission.SUBJECTS}),
    StaffRole.ADMIN: frozenset(Permission),
}

# Who decides an item of each kind. Kinds added later (projects, announcements) go to reviewers
# unless listed here.
KIND_ROLE: dict[str, str] = {
    ReviewKind.PROFILE: StaffRole.REVIEWER,
    ReviewKind.SUBJECT_TYPE: StaffRole.REVIEWER,
    ReviewKind.PRACTITIONER: StaffRole.REVIEWER,
    ReviewKind.UNBIND: StaffRole.SUPPORT,
    ReviewKind.PROJECT: StaffRole.REVIEWER,
    ReviewKind.BOOKING: StaffRole.REVIEWER,
    ReviewKind.BOOKING_CHANGE: StaffRole.REVIEWER,
    ReviewKind.ANNOUNCEMENT: StaffRole.REVIEWER,
}


def role_for_kind(kind: str) -> str:
    return KIND_ROLE.get(kind, StaffRole.REVIEWER)


def permissions_of(roles: list[str]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)


def has_permission(roles: list[str], permission: Permission) -> bool:
    return permission in permissions_of(roles)


def handled_roles(roles: list[str]) -> set[str] | None:
    """The item roles these staff roles decide; None means every item (an administrator)."""
    if StaffRole.ADMIN in roles:
        return None
    return {role for role in roles if role in (StaffRole.REVIEWER, StaffRole.SUPPORT)}
