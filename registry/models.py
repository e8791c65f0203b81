"""The unified registry (统一注册平台): subjects, their accounts, and versioned records.

Every filed item (basic information, a qualification, a performance record, a practitioner, an
award) is a Record whose content lives in RecordVersions. A submitted version stays in force for
every reader while the owner edits the next draft; submitting the draft makes it current. The
content of a version is a JSON snapshot validated by the kind's form (registry/kinds.py), so one
set of services serves save, submit, change, history and diff for every kind.
"""

from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone


class SubjectKind(models.TextChoices):
    UNIT = "unit", "单位"
    PERSON = "person", "自然人"


class CodeType(models.TextChoices):
    USCC = "uscc", "统一社会信用代码"
    RESIDENT_ID = "resident_id", "居民身份证号码"


class SubjectStatus(models.TextChoices):
    # 无效 until the basic information is first submitted; the cities only take 有效 subjects.
    INVALID = "invalid", "无效"
    VALID = "valid", "有效"


class BiddingScope(models.TextChoices):
    # 003 §4.1: information submitted after a password login serves paper bidding only.
    NONE = "none", "未提交"
    PAPER = "paper", "仅限纸质标"
    ELECTRONIC = "electronic", "电子标及纸质标"


class Subject(models.Model):
    """A registered party (交易主体): a unit with a USCC or a natural person with an ID number."""

    kind = models.CharField("注册类型", max_length=10, choices=SubjectKind.choices)
    code_type = models.CharField("代码类型", max_length=20, choices=CodeType.choices)
    code = models.CharField("代码/证件号", max_length=18, unique=True)
    name = models.CharField("名称/姓名", max_length=200, db_index=True)
    status = models.CharField(
        "状态", max_length=10, choices=SubjectStatus.choices, default=SubjectStatus.INVALID
    )
    bidding_scope = models.CharField(
        "业务范围", max_length=12, choices=BiddingScope.choices, default=BiddingScope.NONE
    )
    created_at = models.DateTimeField("注册时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "交易主体"
        verbose_name_plural = "交易主体"
        ordering = ["-created_at", "-id"]
        # The staff list shows the newest first; without this index every page sorts the table.
        indexes = [models.Index(fields=["-created_at", "-id"], name="subject_newest_first")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class AccountManager(BaseUserManager["Account"]):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra) -> "Account":
        account = self.model(username=username, **extra)
        account.set_password(password)
        account.save(using=self._db)
        return account

    def create_superuser(self, username: str, password: str | None = None, **extra) -> "Account":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(username, password, **extra)


class Account(AbstractBaseUser, PermissionsMixin):
    """A login. A subject's account logs in by its full name, its code, or its username (the
    code); staff accounts have no subject."""

    username = models.CharField("登录账号", max_length=150, unique=True)
    subject = models.OneToOneField(
        Subject,
        verbose_name="交易主体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )
    display_name = models.CharField("显示名称", max_length=200, blank=True)
    email = models.EmailField("电子邮箱", blank=True, db_index=True)
    is_staff = models.BooleanField("后台人员", default=False)
    is_active = models.BooleanField("启用", default=True)
    date_joined = models.DateTimeField("创建时间", default=timezone.now)
    # Lockout after repeated password failures (settings.LOGIN_MAX_FAILURES).
    failed_logins = models.PositiveIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    objects = AccountManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"

    def __str__(self) -> str:
        return self.display_name or self.username


class RecordKind(models.TextChoices):
    BASIC = "basic", "基本信息"
    QUALIFICATION = "qualification", "单位资质"
    PERFORMANCE = "performance", "单位业绩"
    PRACTITIONER = "practitioner", "执业人员"
    AWARD = "award", "获奖信息"


class RecordStatus(models.TextChoices):
    DRAFT = "draft", "未提交"
    SUBMITTED = "submitted", "已提交"
    VOID = "void", "已作废"


class Record(models.Model):
    """One filed item of a subject; its content is in versions."""

    subject = models.ForeignKey(
        Subject, verbose_name="交易主体", on_delete=models.PROTECT, related_name="records"
    )
    kind = models.CharField("类别", max_length=20, choices=RecordKind.choices)
    status = models.CharField("状态", max_length=12, choices=RecordStatus.choices, default=RecordStatus.DRAFT)
    # Shown in lists; taken from the newest version so a list needs no JSON reads.
    title = models.CharField("标题", max_length=300, blank=True)
    current = models.ForeignKey(
        "RecordVersion",
        verbose_name="生效版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    draft = models.ForeignKey(
        "RecordVersion",
        verbose_name="草稿",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "填报记录"
        verbose_name_plural = "填报记录"
        ordering = ["kind", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject"],
                condition=Q(kind="basic"),
                name="one_basic_record_per_subject",
            )
        ]
        indexes = [models.Index(fields=["subject", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title or self.pk}"


class AuthMethod(models.TextChoices):
    """How a session proved who it is; decides what it may submit (003 §4)."""

    PASSWORD = "password", "账号密码"
    CERTIFICATE = "certificate", "CA证书"


class VersionState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"


class RecordVersion(models.Model):
    record = models.ForeignKey(Record, verbose_name="记录", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    state = models.CharField("状态", max_length=10, choices=VersionState.choices, default=VersionState.DRAFT)
    data = models.JSONField("内容", default=dict, blank=True)
    # Bumped by every save of a draft; a save that names an older revision is refused, so two
    # tabs editing one draft never overwrite each other unnoticed.
    revision = models.PositiveIntegerField("保存次数", default=0)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    created_by = models.ForeignKey(
        Account, verbose_name="创建人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField("最后保存时间", null=True, blank=True)
    saved_by = models.ForeignKey(
        Account,
        verbose_name="最后保存人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        Account,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # password or certificate: decides whether the content serves electronic bidding.
    submitted_auth = models.CharField("提交时认证方式", max_length=20, choices=AuthMethod.choices, blank=True)

    class Meta:
        verbose_name = "版本"
        verbose_name_plural = "版本"
        ordering = ["record", "-number"]
        constraints = [models.UniqueConstraint(fields=["record", "number"], name="version_number_unique")]

    def __str__(self) -> str:
        return f"{self.record} 第{self.number}版"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Content-addressed: a file written before its row commits, or twice, does no harm.
    digest = instance.sha256
    return f"attachments/{digest[:2]}/{digest[2:4]}/{digest}{instance.extension}"


class Attachment(models.Model):
    """An uploaded 电子件 (licence scan, ID card …), immutable once stored."""

    subject = models.ForeignKey(
        Subject, verbose_name="交易主体", on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=50)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    uploaded_by = models.ForeignKey(
        Account, verbose_name="上传人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "电子件"
        verbose_name_plural = "电子件"

    def __str__(self) -> str:
        return self.original_name

    def reference(self) -> dict[str, object]:
        """What a version keeps of a file: enough to show and verify it without a join."""
        return {"id": self.pk, "name": self.original_name, "sha256": self.sha256, "size": self.size}

    @property
    def extension(self) -> str:
        return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(
            self.content_type, ""
        )


class QualificationType(models.Model):
    """The seeded catalogue of qualifications (资质属性 → 资质类型, with the grades it has)."""

    attribute = models.CharField("资质属性", max_length=100)
    name = models.CharField("资质类型", max_length=200)
    grades = models.JSONField("等级", default=list)
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "资质类型"
        verbose_name_plural = "资质目录"
        ordering = ["sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["attribute", "name"], name="qualification_type_unique")
        ]

    def __str__(self) -> str:
        return f"{self.attribute} / {self.name}"


class CAApplicationStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    ACCEPTED = "accepted", "已受理"
    REJECTED = "rejected", "已驳回"
    WITHDRAWN = "withdrawn", "已撤销"


class CAApplication(models.Model):
    """CA办理申请: a subject asks a CA company for a certificate (CA锁), sending the unit's and the
    legal representative's details (统一注册平台 §4.1). The CA answers on a callback."""

    subject = models.ForeignKey(
        Subject, verbose_name="交易主体", on_delete=models.PROTECT, related_name="ca_applications"
    )
    status = models.CharField(
        "状态", max_length=10, choices=CAApplicationStatus.choices, default=CAApplicationStatus.PENDING
    )
    # Random and unguessable: the CA quotes it back in its answer, so it must not be a counter.
    reference = models.CharField("申请编号", max_length=64, unique=True)
    # What was sent to the CA, as it stood when the application was made.
    data = models.JSONField("申请信息", default=dict)
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    created_by = models.ForeignKey(
        Account, verbose_name="申请人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    answered_at = models.DateTimeField("审核时间", null=True, blank=True)
    answer_message = models.TextField("审核意见", blank=True)
    # The message that carried the application to the CA: tells the page whether it got there.
    outbox_message = models.ForeignKey(
        "core.OutboxMessage",
        verbose_name="发送消息",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "CA办理申请"
        verbose_name_plural = "CA办理申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            # Only one application waits for the CA at a time (a second click, a second tab).
            models.UniqueConstraint(
                fields=["subject"], condition=Q(status="pending"), name="one_pending_ca_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} CA办理申请（{self.get_status_display()}）"


class EventReason(models.TextChoices):
    REGISTERED = "registered", "注册"
    SUBMITTED = "submitted", "提交"
    CHANGED = "changed", "变更"
    # 000 §5 情况2: the subject asked for its data to be sent to the centers again.
    RESYNC = "resync", "重新同步"


class SubjectEvent(models.Model):
    """The registry's outbox and public change feed of subjects (registry/events.py).

    Written in the transaction of the change it reports, with the subject's whole state as it
    stands after that change, so a center applying the newest event it has not seen is up to date
    and applying one twice changes nothing. `seq` counts each subject's events from 1; the row id
    is the feed's cursor.
    """

    subject = models.ForeignKey(
        Subject, verbose_name="交易主体", on_delete=models.PROTECT, related_name="events"
    )
    seq = models.PositiveIntegerField("主体事件序号")
    reason = models.CharField("原因", max_length=12, choices=EventReason.choices)
    payload = models.JSONField("主体信息")
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "主体变更事件"
        verbose_name_plural = "主体变更事件"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["subject", "seq"], name="subject_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.subject_id}#{self.seq} {self.reason}"
