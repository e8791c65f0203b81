"""Seals, the certificates that may apply them, documents and the seals on them.

A document's PDF is kept whole for each version (a seal is an incremental update, so version n+1
contains version n byte for byte): what was shown, sealed and published can always be produced again.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class SealKind(models.TextChoices):
    UNIT = "unit", "单位公章"
    PERSONAL = "personal", "个人印章"


class SealSource(models.TextChoices):
    GENERATED = "generated", "系统生成"
    UPLOADED = "uploaded", "上传图片"


class Seal(models.Model):
    """印章: an image and the certificates allowed to apply it. Owned by one subject's account."""

    subject = models.ForeignKey("registry.Subject", on_delete=models.PROTECT, related_name="seals")
    kind = models.CharField("印章类型", max_length=10, choices=SealKind.choices)
    name = models.CharField("印章名称", max_length=200)  # the unit's name, or the person's
    holder_code = models.CharField("持有者代码", max_length=40)  # USCC, or the person's ID number
    role = models.CharField("身份", max_length=40, blank=True)  # e.g. 法定代表人
    image = models.BinaryField("印章图片（PNG）")
    source = models.CharField("来源", max_length=10, choices=SealSource.choices)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = "电子印章"
        verbose_name_plural = "电子印章"
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name}"

    @property
    def label(self) -> str:
        role = f"（{self.role}）" if self.role else ""
        return f"{self.get_kind_display()} · {self.name}{role}"


class SealCertificate(models.Model):
    """A certificate that may apply the seal: the seal follows its holder's key, not a password."""

    seal = models.ForeignKey(Seal, on_delete=models.CASCADE, related_name="certificates")
    fingerprint = models.CharField("SHA-256指纹", max_length=64)
    serial = models.CharField("序列号", max_length=64)
    algorithm = models.CharField("算法", max_length=8)
    holder_name = models.CharField("证书持有者", max_length=200)
    holder_code = models.CharField("持有者代码", max_length=40)
    issuer_name = models.CharField("颁发机构", max_length=200)
    not_after = models.DateTimeField("到期时间")
    certificate_pem = models.TextField()
    added_at = models.DateTimeField("添加时间", default=timezone.now)

    class Meta:
        verbose_name = "可用证书"
        verbose_name_plural = "可用证书"
        constraints = [models.UniqueConstraint(fields=["seal", "fingerprint"], name="seal_certificate_once")]
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.holder_name}（{self.serial}）"


class Document(models.Model):
    """A document rendered from a template (公告, 诚信承诺书 …) and the seals applied to it."""

    subject = models.ForeignKey("registry.Subject", on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("文件类型", max_length=40)  # a template in signing.render.DOCUMENT_KINDS
    title = models.CharField("文件名称", max_length=200)
    # What the document is for, so it is recognised by fields, never by its title: the trading
    # center it is addressed to (a centers.Center's code; signing names no higher app) and the
    # subject's name as the document states it. Blank where a kind is addressed to no center.
    center_code = models.CharField("所属交易中心代码", max_length=30, blank=True)
    subject_name = models.CharField("文件所列主体名称", max_length=200, blank=True)
    pages = models.PositiveIntegerField("页数")
    places = models.JSONField("签章位置", default=dict)  # name -> {page, x, y, width, height}
    version = models.PositiveIntegerField("版本", default=1)
    pdf = models.BinaryField("当前文件")
    sha256 = models.CharField("SHA-256", max_length=64)
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = "签章文件"
        verbose_name_plural = "签章文件"
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """Every state a document has been in, so a seal can be shown on exactly what was sealed."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本")
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_version_once")]
        ordering = ["document", "number"]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class Signature(models.Model):
    """签章记录: one seal applied to one document, by whom, with which certificate, and the opinion."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="signatures")
    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="signatures")
    field_name = models.CharField(max_length=40)
    version = models.PositiveIntegerField("生成的版本")
    page = models.PositiveIntegerField("页码")
    box = models.JSONField("位置")  # [x1, y1, x2, y2] in PDF points
    opinion = models.CharField("签署意见", max_length=500, blank=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    certificate_fingerprint = models.CharField(max_length=64)
    certificate_serial = models.CharField("证书序列号", max_length=64)
    holder_name = models.CharField("证书持有者", max_length=200)
    issuer_name = models.CharField("颁发机构", max_length=200)
    signed_at = models.DateTimeField("签章时间")  # the time-stamp's time
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "签章记录"
        verbose_name_plural = "签章记录"
        ordering = ["document", "version"]

    def __str__(self) -> str:
        return f"{self.document} · {self.seal}"


class SealRequest(models.Model):
    """A seal between its two halves: prepared on the server, waiting for the token's signature.

    The id is the handle the page holds; the session hash keeps another browser from finishing it.
    A request for the detection page's sample has no document or seal.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session_hash = models.CharField(max_length=64)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, null=True, related_name="+")
    seal = models.ForeignKey(Seal, on_delete=models.CASCADE, null=True, related_name="+")
    base_version = models.PositiveIntegerField(null=True)
    title = models.CharField(max_length=200)
    certificate_pem = models.TextField()
    page = models.PositiveIntegerField()
    box = models.JSONField()
    opinion = models.CharField(max_length=500, blank=True)
    field_name = models.CharField(max_length=40)
    prepared_pdf = models.BinaryField()
    document_digest = models.BinaryField()
    reserved_start = models.PositiveIntegerField()
    reserved_end = models.PositiveIntegerField()
    signed_attributes = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    result_pdf = models.BinaryField(null=True)  # the sealed sample, for the detection page

    def __str__(self) -> str:
        return f"{self.title} ({self.id})"
