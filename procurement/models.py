"""Procurement projects (采购项目) and their lots (分包) at a center, as an agency registers them.

Fields follow the national data standard for a procurement project (公共资源交易平台系统数据规范
V2.0: code, name, purchaser name and code, budget, procurement mode, organisation form, agency, lot
code and name) and the agency's manual (004 §3.1: 分包名称, 采购目录, 保证金金额, 资审方式, 评标办法).
"""

from django.db import models
from django.db.models import Q

from procurement.scoping import AtCenter


class ProcurementMethod(models.TextChoices):
    """采购方式, 政府采购法 art. 26 and 财库〔2014〕214号 (竞争性磋商)."""

    OPEN = "open", "公开招标"
    INVITED = "invited", "邀请招标"
    NEGOTIATION = "negotiation", "竞争性谈判"
    CONSULTATION = "consultation", "竞争性磋商"
    INQUIRY = "inquiry", "询价"
    SINGLE_SOURCE = "single_source", "单一来源"


class FundingSource(models.TextChoices):
    FISCAL = "fiscal", "财政资金"
    SELF_RAISED = "self_raised", "自筹资金"
    MIXED = "mixed", "财政资金与自筹资金"
    OTHER = "other", "其他资金"


class OrganisationForm(models.TextChoices):
    """组织形式, 政府采购法 art. 7."""

    CENTRALISED = "centralised", "政府集中采购"
    DEPARTMENTAL = "departmental", "部门集中采购"
    DECENTRALISED = "decentralised", "分散采购"


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", "编辑中"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "审核通过"
    REJECTED = "rejected", "审核不通过"


class QualificationReview(models.TextChoices):
    """资审方式. 004 §3.1.3: fully electronic projects know only 资格后审."""

    POST = "post", "资格后审"
    PRE = "pre", "资格预审"


class EvaluationMethod(models.TextChoices):
    """评标办法, 财政部令第87号 art. 53."""

    COMPREHENSIVE = "comprehensive", "综合评分法"
    LOWEST_PRICE = "lowest_price", "最低评标价法"


class LotStage(models.TextChoices):
    """A lot's life (procurement.lot_rules holds the transitions); 已开标 is ANNOUNCED after the bid
    deadline, read from the clock rather than stored."""

    DRAFT = "draft", "编辑中"
    ANNOUNCED = "announced", "已发布招标公告"
    EVALUATED = "evaluated", "评标结束"
    AWARDED = "awarded", "已发布中标公告"
    FAILED = "failed", "已废标"
    SUSPENDED = "suspended", "中止"
    TERMINATED = "terminated", "终止"


class ProjectQuerySet(AtCenter["Project"]):
    """Project rows of one center: objects.at(center)."""


class Project(models.Model):
    """项目注册 (004 §3.1): the agency's draft, submitted to the center and reviewed there.

    A draft keeps whatever was typed (「修改保存」), so most fields may be empty until 「提交信息」
    checks that every required one is there (procurement.services.project_missing)."""

    center = models.ForeignKey(
        "centers.Center", verbose_name="交易中心", on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "centers.CenterSubject", verbose_name="代理机构", on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField("项目编号", max_length=40)
    name = models.CharField("项目名称", max_length=200)
    purchaser_name = models.CharField("采购人名称", max_length=200, blank=True)
    purchaser_code = models.CharField("采购人统一社会信用代码", max_length=18, blank=True)
    budget = models.DecimalField("项目预算（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    method = models.CharField("采购方式", max_length=20, choices=ProcurementMethod.choices, blank=True)
    funding_source = models.CharField("资金来源", max_length=20, choices=FundingSource.choices, blank=True)
    organisation_form = models.CharField(
        "组织形式", max_length=20, choices=OrganisationForm.choices, blank=True
    )
    contact_name = models.CharField("项目联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    description = models.TextField("项目概况", blank=True)
    # {"slot": {"id": attachment id, "name": ..., "sha256": ...}}: the registry's stored files.
    attachments = models.JSONField("电子件", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_opinion = models.TextField("审核意见", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "采购项目"
        verbose_name_plural = "采购项目"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["center", "code"], name="project_code_unique_per_center"),
            models.CheckConstraint(
                condition=Q(budget=None) | Q(budget__gt=0), name="project_budget_positive"
            ),
        ]
        indexes = [models.Index(fields=["center", "agency", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Lot(models.Model):
    """分包 (标段/包): what is bought, under one evaluation; a project has one or more."""

    project = models.ForeignKey(
        Project, verbose_name="采购项目", on_delete=models.CASCADE, related_name="lots"
    )
    number = models.PositiveSmallIntegerField("分包号")
    name = models.CharField("分包名称", max_length=200, blank=True)
    catalogue_code = models.CharField("采购目录编码", max_length=20, blank=True)
    catalogue_name = models.CharField("采购目录名称", max_length=100, blank=True)
    budget = models.DecimalField(
        "预算金额/最高限价（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    deposit = models.DecimalField("保证金金额（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    qualification_review = models.CharField(
        "资审方式", max_length=10, choices=QualificationReview.choices, default=QualificationReview.POST
    )
    evaluation_method = models.CharField(
        "评标办法", max_length=20, choices=EvaluationMethod.choices, blank=True
    )
    # Where the lot stands in its procurement (procurement.lot_rules.TRANSITIONS moves it).
    stage = models.CharField("分包状态", max_length=20, choices=LotStage.choices, default=LotStage.DRAFT)

    class Meta:
        verbose_name = "分包"
        verbose_name_plural = "分包"
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="lot_number_unique_per_project"),
            models.CheckConstraint(condition=Q(budget=None) | Q(budget__gt=0), name="lot_budget_positive"),
            models.CheckConstraint(
                condition=Q(deposit=None) | Q(deposit__gte=0), name="lot_deposit_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"第{self.number}包 {self.name}"

    @property
    def code(self) -> str:
        """分包编号 of the data standard: the project's code and the lot's number."""
        return f"{self.project.code}-{self.number:02d}"


class ProjectCodeCounter(models.Model):
    """The last project number given at a center in a year; locked to give the next one."""

    center = models.ForeignKey("centers.Center", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["center", "year"], name="project_counter_once")]

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


from procurement.announcement_models import Announcement, AnnouncementKind, AnnouncementStatus  # noqa: E402,F401  (announcements)
from procurement.lot_models import EvaluationOutcome, EvaluationResult  # noqa: E402,F401  (evaluation results)
from procurement.ocds_models import Release  # noqa: E402,F401  (open data)
from procurement.tender_models import Clarification, TenderDocument, TenderSource, TenderStatus  # noqa: E402,F401  (tender documents)
from procurement.venue_models import Booking, BookingPurpose, BookingStatus, Room, RoomKind  # noqa: E402,F401  (venues, Django sees them here)
