"""Trading centers (交易中心) and what each keeps of a subject: its copy of the registry's data, its
own profile, the sealed 诚信承诺书, subject types, business permissions, practitioners, activated
personal certificates, unbind requests, and the sync state of every subject at every center.

Several centers live in one deployment, each configured as a Center row. Everything a center keeps
is reached through `<Model>.objects.at(center)`; the unscoped manager (`unscoped`) is for the
migration framework, the admin and the sync engine's fan-out, never for pages.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.utils import timezone

# 主体类型 (000 §8.2; 004 1.3 picks one to act in): the registry's list, which its basic information
# offers, so a synced subject arrives with its types.
from registry.subject_types import SubjectType


class CenterSource(models.TextChoices):
    # 000 §1, 001 §2: the city centers take their subjects from the provincial registry.
    REGISTRY = "registry", "省统一注册平台同步"
    # 002 §3: the district registers its own subjects, with a certificate.
    OWN = "own", "本中心注册"


class ProfileRule(models.TextChoices):
    """How a submitted center profile is decided (000 §7, 001 §2.2, 002 §3)."""

    ON_COMMITMENT = "on_commitment", "诚信承诺书签章后自动通过"
    BIDDERS_AUTO = "bidders_auto", "投标人自动通过，招标代理等由业务科室审核"
    REVIEWED = "reviewed", "全部由中心审核"


class Center(models.Model):
    """A trading center, configured as data (a data migration seeds 常德, 衡阳 and 丰台)."""

    code = models.SlugField("中心标识", max_length=30, unique=True)
    name = models.CharField("中心名称", max_length=100)
    short_name = models.CharField("简称", max_length=20)
    source = models.CharField("主体来源", max_length=10, choices=CenterSource.choices)
    profile_rule = models.CharField("主体信息审核规则", max_length=16, choices=ProfileRule.choices)
    # The department that reviews what is not decided automatically (衡阳: 市场主体科).
    review_department = models.CharField("审核科室", max_length=50, blank=True)
    review_working_days = models.PositiveSmallIntegerField("审核时限（工作日）", default=1)
    # TrustedIssuer slugs whose certificates this center accepts; empty means every trusted issuer.
    accepted_issuers = models.JSONField("接受的CA机构", default=list, blank=True)
    phone = models.CharField("技术支持电话", max_length=50, blank=True)
    # A stopped center takes no deliveries; they wait (and are shown as waiting) until it resumes.
    accepts_sync = models.BooleanField("接收同步", default=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "交易中心"
        verbose_name_plural = "交易中心"
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def reviewed_by(self) -> str:
        """Whom a sentence names as reviewing: the department, else the center (one rule, in
        services and templates alike)."""
        return self.review_department or self.name


class CenterScopedManager(models.Manager):
    """The only way pages reach a center's data: `Model.objects.at(center)`.

    Asking without a center is a programming error, raised at once rather than leaking another
    center's rows. `center_path` is the lookup from the model to its Center.
    """

    def __init__(self, center_path: str = "center") -> None:
        super().__init__()
        self.center_path = center_path

    def get_queryset(self) -> models.QuerySet:
        raise ImproperlyConfigured(
            f"{self.model.__name__} belongs to one trading center: use {self.model.__name__}.objects.at(center)"
        )

    def at(self, center: "Center | int") -> models.QuerySet:
        center_id = center.pk if isinstance(center, Center) else center
        return super().get_queryset().filter(**{f"{self.center_path}_id": center_id})


class CenterOwned(models.Model):
    """Data that belongs to one trading center: its `center`, and managers that make every page
    say which center (`objects.at(center)`). The unscoped manager serves Django's internals
    (related objects, deletion, the admin) and the few fan-outs over all centers."""

    center = models.ForeignKey(Center, verbose_name="交易中心", on_delete=models.PROTECT, related_name="+")

    unscoped = models.Manager()
    objects = CenterScopedManager()

    class Meta:
        abstract = True
        default_manager_name = "unscoped"
        base_manager_name = "unscoped"


class SubjectOrigin(models.TextChoices):
    REGISTRY = "registry", "省统一注册平台"
    OWN = "own", "本中心注册"
    # 000 §8.1.1: registered at the center before it was synced with the registry; changed locally.
    LEGACY = "legacy", "同步前本地注册"


class ProfileStatus(models.TextChoices):
    NEW = "new", "待完善"
    DRAFT = "draft", "填写中"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "已退回"


class CenterSubject(CenterOwned):
    """A subject as one center knows it (the center's 企业诚信库 entry)."""

    # The registry's subject in this database: the same row in the all-in-one deployment, a local
    # mirror made by the feed follower in a separately deployed center.
    subject = models.ForeignKey(
        "registry.Subject", verbose_name="交易主体", on_delete=models.PROTECT, related_name="center_entries"
    )
    origin = models.CharField("来源", max_length=10, choices=SubjectOrigin.choices)
    # What the registry said last (a snapshot, see registry/events.py); read-only at the center.
    registry_data = models.JSONField("统一注册平台信息", default=dict, blank=True)
    # The per-subject sequence number of the last registry event applied here: an event at or
    # below it is a repeat and changes nothing.
    registry_seq = models.PositiveIntegerField("已应用事件序号", default=0)
    synced_at = models.DateTimeField("最近同步时间", null=True, blank=True)
    # The center's own fields (contact, bank account, attachments …) in force, and the draft.
    profile = models.JSONField("中心信息", default=dict, blank=True)
    profile_draft = models.JSONField("中心信息草稿", default=dict, blank=True)
    profile_revision = models.PositiveIntegerField("保存次数", default=0)
    profile_status = models.CharField(
        "信息状态", max_length=10, choices=ProfileStatus.choices, default=ProfileStatus.NEW
    )
    # The sealed 诚信承诺书 submitted with the profile.
    commitment = models.ForeignKey(
        "signing.Document",
        verbose_name="诚信承诺书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_opinion = models.TextField("审核意见", blank=True)
    created_at = models.DateTimeField("入库时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta(CenterOwned.Meta):
        verbose_name = "中心交易主体"
        verbose_name_plural = "中心交易主体"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["center", "subject"], name="center_subject_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.center_id}:{self.subject_id}"


class CenterSubjectType(CenterOwned):
    """A subject type held at a center. Users add types; only staff remove them (000 §8.2)."""

    center_subject = models.ForeignKey(CenterSubject, on_delete=models.CASCADE, related_name="types")
    type = models.CharField("主体类型", max_length=20, choices=SubjectType.choices)
    added_at = models.DateTimeField("新增时间", default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Empty while a type the center reviews (衡阳: 招标代理 after approval) waits for its decision;
    # only an effective type gives permissions or may be picked as the role to act in.
    effective_at = models.DateTimeField("生效时间", null=True, blank=True, default=timezone.now)
    removed_at = models.DateTimeField("删除时间", null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_reason = models.CharField("删除原因", max_length=200, blank=True)

    class Meta(CenterOwned.Meta):
        verbose_name = "主体类型"
        verbose_name_plural = "主体类型"
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["center_subject", "type"],
                condition=Q(removed_at=None),
                name="one_active_subject_type",
            )
        ]

    def __str__(self) -> str:
        return self.get_type_display()


class CenterPermission(CenterOwned):
    """A business permission (业务操作权限) granted at a center by its rule (000 §7)."""

    center_subject = models.ForeignKey(CenterSubject, on_delete=models.CASCADE, related_name="permissions")
    code = models.CharField("权限", max_length=40)
    granted_at = models.DateTimeField("授予时间", default=timezone.now)
    # The rule or the reviewer's decision that granted it, as a sentence a person reads.
    granted_because = models.CharField("授予依据", max_length=200)
    revoked_at = models.DateTimeField("收回时间", null=True, blank=True)

    class Meta(CenterOwned.Meta):
        verbose_name = "业务权限"
        verbose_name_plural = "业务权限"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["center_subject", "code"], condition=Q(revoked_at=None), name="one_active_permission"
            )
        ]

    def __str__(self) -> str:
        return self.code


class SyncStatus(models.TextChoices):
    PENDING = "pending", "同步中"
    SYNCED = "synced", "已同步"
    FAILED = "failed", "同步失败"


class SyncState(CenterOwned):
    """Where the delivery of one subject's registry events to one center stands.

    The worker delivers in order per subject: it holds this row locked while it applies the events
    after `delivered_seq`, and advances it in the same transaction as the center's change, so a
    killed worker neither loses nor repeats an effect. The subject's page shows this row per center.
    """

    subject = models.ForeignKey("registry.Subject", on_delete=models.CASCADE, related_name="sync_states")
    delivered_seq = models.PositiveIntegerField("已送达序号", default=0)
    wanted_seq = models.PositiveIntegerField("最新序号", default=0)
    status = models.CharField("状态", max_length=10, choices=SyncStatus.choices, default=SyncStatus.PENDING)
    attempts = models.PositiveIntegerField("失败次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间", default=timezone.now)
    last_error = models.TextField("失败原因", blank=True)
    requested_at = models.DateTimeField("最近变更时间", default=timezone.now)
    synced_at = models.DateTimeField("同步完成时间", null=True, blank=True)

    class Meta(CenterOwned.Meta):
        verbose_name = "同步状态"
        verbose_name_plural = "同步状态"
        constraints = [models.UniqueConstraint(fields=["center", "subject"], name="sync_state_unique")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="sync_state_due")]

    def __str__(self) -> str:
        return f"{self.center_id}:{self.subject_id} {self.delivered_seq}/{self.wanted_seq}"


class FeedCursor(models.Model):
    """A separately deployed center's place in the registry's HTTP change feed."""

    feed_url = models.URLField("变更源地址", max_length=500, unique=True)
    position = models.BigIntegerField("已读位置", default=0)
    read_at = models.DateTimeField("最近读取时间", null=True, blank=True)
    last_error = models.TextField("最近错误", blank=True)

    class Meta:
        verbose_name = "变更源读取位置"
        verbose_name_plural = "变更源读取位置"

    def __str__(self) -> str:
        return f"{self.feed_url} @ {self.position}"


class PractitionerField(models.TextChoices):
    CONSTRUCTION = "construction", "工程建设"
    PROCUREMENT = "procurement", "政府采购"


class PractitionerStatus(models.TextChoices):
    DRAFT = "draft", "未提交"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "审核通过"
    REJECTED = "rejected", "已退回"


class Practitioner(CenterOwned):
    """从业人员 of an agency at a center (000 §6.2.1; 001 §5.3)."""

    center_subject = models.ForeignKey(CenterSubject, on_delete=models.PROTECT, related_name="practitioners")
    field = models.CharField("从业类别", max_length=12, choices=PractitionerField.choices)
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号码", max_length=18)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    position = models.CharField("职务", max_length=50, blank=True)
    title = models.CharField("职称", max_length=50, blank=True)
    qualification_no = models.CharField("执业资格证书编号", max_length=50, blank=True)
    # 电子件 as registry Attachment references ({id, name, sha256, size}), by slot.
    documents = models.JSONField("电子件", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=PractitionerStatus.choices, default=PractitionerStatus.DRAFT
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_opinion = models.TextField("审核意见", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta(CenterOwned.Meta):
        verbose_name = "从业人员"
        verbose_name_plural = "从业人员"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["center_subject", "field", "id_number"], name="practitioner_once_per_field"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_field_display()}）"


class CertificateActivation(CenterOwned):
    """CA证书激活 (000 §6.2.2; 001 远程证书激活): an approved practitioner's own certificate,
    activated by the agency, with which the person logs in and acts for the agency at this center."""

    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="activations")
    issuer = models.ForeignKey("pki.TrustedIssuer", on_delete=models.PROTECT, related_name="+")
    fingerprint = models.CharField("SHA-256指纹", max_length=64)
    serial = models.CharField("序列号", max_length=64)
    holder_name = models.CharField("证书持有者", max_length=200)
    holder_code = models.CharField("持有者代码", max_length=40)
    not_after = models.DateTimeField("到期时间")
    certificate_pem = models.TextField()
    activated_at = models.DateTimeField("激活时间", default=timezone.now)
    activated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_login_at = models.DateTimeField("最近登录", null=True, blank=True)

    class Meta(CenterOwned.Meta):
        verbose_name = "个人CA证书激活"
        verbose_name_plural = "个人CA证书激活"
        ordering = ["-activated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "fingerprint"], condition=Q(revoked_at=None), name="one_active_activation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} {self.serial}"


class UnbindReason(models.TextChoices):
    LOST = "lost", "证书遗失或损坏"
    CODE_CHANGED = "code_changed", "持有者代码变更"
    OTHER = "other", "其他"


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", "待处理"
    APPROVED = "approved", "已解绑"
    REJECTED = "rejected", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"


class UnbindRequest(CenterOwned):
    """解绑申请 for a certificate its holder can no longer use, online with the letter and the
    licence attached, instead of the e-mail of 000 §6.3 and 002 §5."""

    center_subject = models.ForeignKey(
        CenterSubject, on_delete=models.PROTECT, related_name="unbind_requests"
    )
    certificate = models.ForeignKey("pki.BoundCertificate", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("解绑原因", max_length=16, choices=UnbindReason.choices)
    explanation = models.TextField("情况说明", blank=True)
    # Attachment references ({id, name, sha256, size}): the 解绑申请书 with the unit's seal, the licence.
    letter = models.JSONField("解绑申请书", default=dict)
    licence = models.JSONField("营业执照", default=dict)
    status = models.CharField(
        "状态", max_length=10, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_opinion = models.TextField("处理意见", blank=True)

    class Meta(CenterOwned.Meta):
        verbose_name = "证书解绑申请"
        verbose_name_plural = "证书解绑申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate"], condition=Q(status="submitted"), name="one_open_unbind_request"
            )
        ]

    def __str__(self) -> str:
        return f"解绑 {self.certificate_id}（{self.get_status_display()}）"
