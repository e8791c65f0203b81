"""The staff review queue: one list of everything that waits for a center's decision.

A ReviewItem points at the thing to decide (a center profile, a practitioner, an unbind request,
later projects and announcements) by app label and primary key; the app that owns the thing
registers what approving and rejecting do (review/handlers.py). The clock runs in working days
from the official calendar, kept as data (CalendarDay), against the center's time limit.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ReviewKind(models.TextChoices):
    PROFILE = "profile", "主体信息"
    SUBJECT_TYPE = "subject_type", "主体类型"
    PRACTITIONER = "practitioner", "从业人员"
    UNBIND = "unbind", "证书解绑"
    PROJECT = "project", "项目注册"
    BOOKING = "booking", "场地预约"
    BOOKING_CHANGE = "booking_change", "场地变更"
    ANNOUNCEMENT = "announcement", "公告"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "待认领"
    CLAIMED = "claimed", "审核中"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "已退回"
    # The applicant took the request back before anyone decided.
    WITHDRAWN = "withdrawn", "已撤回"


class ReviewItem(models.Model):
    center = models.ForeignKey(
        "centers.Center", verbose_name="交易中心", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类别", max_length=20, choices=ReviewKind.choices)
    target_type = models.CharField("对象类型", max_length=64)
    target_id = models.CharField("对象编号", max_length=64)
    title = models.CharField("事项", max_length=300)
    subject_name = models.CharField("申请主体", max_length=200)
    subject_code = models.CharField("主体代码", max_length=18)
    # Which staff role may decide it (a reviewer; unbind requests go to technical support).
    role = models.CharField("处理角色", max_length=12)
    status = models.CharField("状态", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    # End of the last working day of the center's time limit, from review/calendar.py.
    due_at = models.DateTimeField("办理时限")
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimed_at = models.DateTimeField("认领时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    opinion = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "审核事项"
        verbose_name_plural = "审核事项"
        ordering = ["due_at", "id"]
        constraints = [
            # One undecided item per thing: submitting again while it waits does not queue it twice.
            models.UniqueConstraint(
                fields=["target_type", "target_id"],
                condition=Q(status__in=["open", "claimed"]),
                name="one_undecided_review_per_target",
            )
        ]
        indexes = [models.Index(fields=["center", "status", "due_at"], name="review_queue")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"


class CalendarDay(models.Model):
    """A local correction of the official calendar (review.calendar reads the State Council's
    yearly notice from the `holidays` library): a day rested or worked otherwise than the library
    says, e.g. a year whose notice the library does not carry yet. These rows win."""

    date = models.DateField("日期", unique=True)
    is_working = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=50)

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_working else '休息'}（{self.note}）"


class StaffRole(models.TextChoices):
    REVIEWER = "reviewer", "审核员"
    SUPPORT = "support", "技术支持"
    ADMIN = "admin", "管理员"


class StaffMember(models.Model):
    """A center's staff member: which center, which roles, and the ID number a personal
    certificate must carry to log in as this account."""

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_member"
    )
    # Empty: a platform administrator who works for every center.
    center = models.ForeignKey(
        "centers.Center",
        verbose_name="所属中心",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField("姓名", max_length=50)
    department = models.CharField("科室", max_length=50, blank=True)
    roles = models.JSONField("角色", default=list)
    id_number = models.CharField("身份证号码", max_length=18, blank=True, db_index=True)

    class Meta:
        verbose_name = "中心工作人员"
        verbose_name_plural = "中心工作人员"

    def __str__(self) -> str:
        return self.name

    @property
    def role_labels(self) -> list[str]:
        return [StaffRole(role).label for role in self.roles if role in StaffRole.values]
