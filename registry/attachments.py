"""Storing 电子件: type decided by content, size limited, SHA-256 kept, content-addressed files."""

import hashlib
import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from core.audit import Actor, audit_log
from core.errors import DomainError
from registry import rules
from registry.models import Attachment, Subject, attachment_path

_SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]


def sniff(head: bytes) -> str | None:
    for magic, content_type in _SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def inspect_upload(upload: UploadedFile) -> tuple[str, bytes]:
    """The content type decided by the bytes, and the bytes; DomainError says what to fix."""
    name = upload.name or "未命名文件"
    size = upload.size or 0
    if size == 0:
        raise DomainError(rules.ATTACHMENT_EMPTY.format(name=name))
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise DomainError(
            rules.ATTACHMENT_TOO_BIG.format(
                name=name,
                size=rules.human_size(size),
                limit=rules.human_size(settings.ATTACHMENT_MAX_BYTES),
            )
        )
    content = upload.read()
    content_type = sniff(content[:16])
    if content_type is None:
        raise DomainError(rules.ATTACHMENT_BAD_TYPE.format(name=name))
    if not _looks_whole(content, content_type):
        raise DomainError(rules.ATTACHMENT_DAMAGED.format(name=name))
    return content_type, content


def _looks_whole(content: bytes, content_type: str) -> bool:
    if content_type == "application/pdf":
        # A PDF ends with %%EOF (possibly followed by line ends); a cut-off upload does not.
        return b"%%EOF" in content[-1024:]
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        return False
    return True


def attachment_store(*, actor: Actor, subject: Subject, upload: UploadedFile) -> Attachment:
    content_type, content = inspect_upload(upload)
    digest = hashlib.sha256(content).hexdigest()
    attachment = Attachment(
        subject=subject,
        original_name=(upload.name or "file")[:255],
        content_type=content_type,
        size=len(content),
        sha256=digest,
        uploaded_by=actor.user,
    )
    # The file goes in before the row, outside the transaction: its name is its hash, so a
    # rolled-back row leaves only a harmless duplicate-free file, never a row without a file.
    path = attachment_path(attachment, attachment.original_name)
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(content))
    attachment.file.name = path
    with transaction.atomic():
        attachment.save()
        audit_log(
            actor=actor,
            action=rules.AUDIT_ATTACHMENT_UPLOADED,
            target=attachment,
            subject_id=subject.pk,
            data={"name": attachment.original_name, "sha256": digest, "size": attachment.size},
        )
    return attachment
