"""Bid-opening and evaluation rooms (开评标场地) of a center, and the agencies' bookings of them.

场地预约 (004 §3.3) books a room for one or more lots of an approved project; 场地变更 (004 §3.4)
asks to move an approved booking to another time or room. Both are reviewed by the center.

A change request is a Booking row of its own (`original` points at the booking it changes), so
that every slot anybody holds — a booking's, and a pending change's new one — lives in one table
and one database rule keeps a room from being booked twice (procurement/venue_rules.py says which
rows hold a slot; the PostgreSQL exclusion constraint is added by migration 0002).
"""

from django.db import models
from django.db.models import Q

from procurement.models import Lot, Project
from procurement.scoping import AtCenter


class RoomKind(models.TextChoices):
    OPENING = "opening", "开标室"
    EVALUATION = "evaluation", "评标室"


class RoomQuerySet(AtCenter["Room"]):
    """Room rows of one center: objects.at(center)."""


class Room(models.Model):
    """开标室 or 评标室 of a center. Staff deactivate a room rather than delete it: bookings keep
    pointing at the room they were made for."""

    center = models.ForeignKey(
        "centers.Center", verbose_name="交易中心", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("场地名称", max_length=50)
    kind = models.CharField("场地类型", max_length=20, choices=RoomKind.choices)
    capacity = models.PositiveSmallIntegerField("容纳人数")
    location = models.CharField("位置", max_length=100, blank=True)
    active = models.BooleanField("启用", default=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)

    objects = RoomQuerySet.as_manager()

    class Meta:
        verbose_name = "开评标场地"
        verbose_name_plural = "开评标场地"
        ordering = ["center", "sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["center", "name"], name="room_name_unique_per_center"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="room_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class BookingStatus(models.TextChoices):
    DRAFT = "draft", "编辑中"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "审核通过"
    REJECTED = "rejected", "审核不通过"
    # A change request the agency took back before the center decided it.
    WITHDRAWN = "withdrawn", "已撤回"


class BookingPurpose(models.TextChoices):
    TRADING = "trading", "开评标"
    # 项目复评 (004 §3.10): a 评标室 for a lot evaluated again, on the purchaser's or the supervisor's
    # sealed request (Booking.attachments).
    RE_EVALUATION = "re_evaluation", "项目复评"


class BookingQuerySet(AtCenter["Booking"]):
    def bookings(self) -> "BookingQuerySet":
        """场地预约 proper, without the change requests (场地变更) made of them."""
        return self.filter(original=None)

    def changes(self) -> "BookingQuerySet":
        return self.exclude(original=None)


class Booking(models.Model):
    """场地预约 (original empty) or 场地变更 (original: the booking it asks to move).

    An approved change moves its booking: the booking takes the change's room and times, and the
    change stays as the record of what was asked and decided, with the slot it moved away from."""

    center = models.ForeignKey(
        "centers.Center", verbose_name="交易中心", on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        Project, verbose_name="采购项目", on_delete=models.CASCADE, related_name="bookings"
    )
    lots = models.ManyToManyField(Lot, verbose_name="分包", related_name="bookings")
    room = models.ForeignKey(Room, verbose_name="场地", on_delete=models.PROTECT, related_name="bookings")
    # For a 开标室 this is the bid-opening time (开标时间) of the lots.
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    status = models.CharField(
        "状态", max_length=20, choices=BookingStatus.choices, default=BookingStatus.DRAFT
    )
    note = models.TextField("备注", blank=True)
    purpose = models.CharField(
        "预约事项", max_length=20, choices=BookingPurpose.choices, default=BookingPurpose.TRADING
    )
    # 项目复评: the request (采购人申请复评的材料或行政监督部门的批复), {slot: reference}.
    attachments = models.JSONField("相关材料", default=dict, blank=True)
    original = models.ForeignKey(
        "self",
        verbose_name="变更的预约",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="changes",
    )
    # A change request: the reason, and the booking's slot when the change was asked for.
    reason = models.TextField("变更原因", blank=True)
    previous_room = models.ForeignKey(
        Room, verbose_name="变更前场地", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    previous_starts_at = models.DateTimeField("变更前开始时间", null=True, blank=True)
    previous_ends_at = models.DateTimeField("变更前结束时间", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_opinion = models.TextField("审核意见", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = "场地预约"
        verbose_name_plural = "场地预约"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"
            ),
            # One change of a booking waits for review at a time; a second is asked after the first
            # is decided or withdrawn.
            models.UniqueConstraint(
                fields=["original"],
                condition=Q(status="submitted", original__isnull=False),
                name="one_pending_change_per_booking",
            ),
        ]
        indexes = [
            models.Index(fields=["room", "starts_at"], name="booking_room_time"),
            models.Index(fields=["center", "project", "status"], name="booking_project_status"),
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_change(self) -> bool:
        return self.original_id is not None
