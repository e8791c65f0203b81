"""The trust store (CA issuers and their revocation lists), bound certificates and login challenges."""

from django.conf import settings
from django.db import models


class TrustedIssuer(models.Model):
    """A CA whose certificates the platform accepts (CA互认: several at once).

    Configured as data (pki/trust.py loads a folder of PEM files and issuers.toml): which subject
    attribute or extension holds the holder's code and name differs by CA (DOMAIN.md §2).
    """

    slug = models.SlugField("标识", unique=True)
    name = models.CharField("CA机构名称", max_length=100)
    certificate_pem = models.TextField("CA证书")
    algorithm = models.CharField("算法", max_length=8)
    # An intermediate CA's issuer, itself in the store (its signature checked by trust_load); its
    # CRL says whether this CA is revoked. Empty for a root.
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级CA",
    )
    code_fields = models.JSONField("代码所在位置", default=list)
    name_fields = models.JSONField("名称所在位置", default=list)
    crl_url = models.CharField("吊销列表地址", max_length=500, blank=True)
    crl_refresh_minutes = models.PositiveIntegerField("吊销列表更新间隔（分钟）", default=60)
    enabled = models.BooleanField("启用", default=True)
    # Key policy for the holders' certificates this CA issues (pki.checks.KeyPolicy).
    min_rsa_bits = models.PositiveIntegerField("RSA密钥最少位数", default=2048)
    require_key_usage = models.BooleanField("要求证书注明密钥用法", default=True)
    allowed_algorithms = models.JSONField(
        "接受的证书算法", default=list, blank=True, help_text="rsa、p256、sm2；留空表示都接受"
    )
    # The CRL in force, checked and installed by pki.services.crl_install.
    crl_number = models.BigIntegerField(null=True, blank=True)
    crl_this_update = models.DateTimeField(null=True, blank=True)
    crl_next_update = models.DateTimeField(null=True, blank=True)
    crl_installed_at = models.DateTimeField(null=True, blank=True)
    crl_attempted_at = models.DateTimeField(null=True, blank=True)
    crl_error = models.CharField(max_length=300, blank=True)
    # The CRL in force as the issuer signed it: PDF seals embed it (PAdES B-LT) so that they verify
    # later without fetching anything.
    crl_der = models.BinaryField(null=True, editable=False)

    class Meta:
        verbose_name = "信任的CA机构"
        verbose_name_plural = "信任的CA机构"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RevokedSerial(models.Model):
    issuer = models.ForeignKey(TrustedIssuer, on_delete=models.CASCADE, related_name="revoked")
    serial = models.CharField(max_length=64)  # upper-case hex: serials run to 20 bytes
    revoked_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "serial"], name="revoked_serial_unique")]

    def __str__(self) -> str:
        return f"{self.issuer_id}:{self.serial}"


class BindingHow(models.TextChoices):
    FIRST_LOGIN = "first_login", "首次证书登录自动绑定"
    RENEWAL = "renewal", "更新或补办证书后登录自动绑定"
    MANUAL = "manual", "登录后手动绑定"
    REGISTRATION = "registration", "使用证书注册时绑定"


class BoundCertificate(models.Model):
    """A certificate bound to a subject (000 §6.1: a unit may bind several)."""

    subject = models.ForeignKey("registry.Subject", on_delete=models.PROTECT, related_name="certificates")
    issuer = models.ForeignKey(TrustedIssuer, on_delete=models.PROTECT, related_name="+")
    fingerprint = models.CharField("SHA-256指纹", max_length=64, unique=True)  # of the canonical DER
    serial = models.CharField("序列号", max_length=64)
    algorithm = models.CharField("算法", max_length=8)
    holder_name = models.CharField("证书持有者", max_length=200)
    holder_code = models.CharField("持有者代码", max_length=40)
    subject_dn = models.CharField("证书主题", max_length=500)
    not_before = models.DateTimeField("生效时间")
    not_after = models.DateTimeField("到期时间")
    certificate_pem = models.TextField()
    how = models.CharField("绑定方式", max_length=16, choices=BindingHow.choices)
    bound_at = models.DateTimeField("绑定时间")
    bound_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    last_login_at = models.DateTimeField("最近登录", null=True, blank=True)
    unbound_at = models.DateTimeField("解绑时间", null=True, blank=True)
    unbound_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set when staff unbound it on a 解绑申请: the key was reported lost or unusable, so it must not
    # bind itself again at the next login the way a unit's own unbinding allows.
    blocked_at = models.DateTimeField("按解绑申请停用时间", null=True, blank=True)

    class Meta:
        verbose_name = "已绑定证书"
        verbose_name_plural = "已绑定证书"
        ordering = ["-bound_at"]
        indexes = [models.Index(fields=["subject", "unbound_at"], name="bound_cert_subject")]
        # A certificate is its issuer and serial (RFC 5280 §4.1.2.2), whatever bytes carried it.
        constraints = [models.UniqueConstraint(fields=["issuer", "serial"], name="bound_cert_issuer_serial")]

    def __str__(self) -> str:
        return f"{self.holder_name} {self.serial}"


class ChallengePurpose(models.TextChoices):
    LOGIN = "login", "登录"
    BIND = "bind", "绑定证书"
    DETECT = "detect", "证书检测"


class Challenge(models.Model):
    """A single-use nonce the agent signs, bound to the browser session that asked for it."""

    nonce = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=8, choices=ChallengePurpose.choices)
    session_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="challenge_expiry")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.nonce[:8]}…"
