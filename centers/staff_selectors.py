"""Reads of the centers' data for the back-office, each bounded by the staff member's center:
a subject or a file outside it is "not found", exactly like a missing one (主体查询, 附件)."""

from django.db.models import Q, QuerySet

from centers.attachments import attachment_ids
from centers.models import Center, CenterPermission, CenterSubject, CenterSubjectType
from core.errors import NotFound
from core.models import AuditEntry
from registry import identifiers
from registry.models import Attachment
from review.models import StaffMember


def centers_for(member: StaffMember) -> list[Center]:
    """The centers whose data this member sees: their own, or all for a platform administrator."""
    if member.center is not None:
        return [member.center]
    return list(Center.objects.all())


def center_for(member: StaffMember, code: str | None) -> Center:
    """The center a page works on: the member's own; a platform administrator picks one (the
    first when none is named). A center the member does not serve is not found."""
    own = member.center
    if own is not None:
        if code and code != own.code:
            raise NotFound()
        return own
    center = Center.objects.filter(code=code).first() if code else Center.objects.first()
    if center is None:
        raise NotFound("没有这个交易中心。")
    return center


# --- subjects (主体查询) -----------------------------------------------------------------------


def subjects_search(*, center: Center, query: str) -> QuerySet[CenterSubject]:
    """By part of the name, or the beginning of the code (any case, full-width folded)."""
    subjects = CenterSubject.objects.at(center).select_related("subject")
    query = query.strip()
    if query:
        code = identifiers.normalize_code(query)
        subjects = subjects.filter(Q(subject__name__icontains=query) | Q(subject__code__startswith=code))
    return subjects.order_by("-updated_at", "-id")


def subject_for(*, center: Center, pk: int) -> CenterSubject:
    subject = CenterSubject.objects.at(center).select_related("subject", "commitment").filter(pk=pk).first()
    if subject is None:
        raise NotFound()
    return subject


def subject_types(center_subject: CenterSubject) -> list[CenterSubjectType]:
    """Every type the subject holds or held here, the current ones first."""
    return list(
        CenterSubjectType.objects.at(center_subject.center_id)
        .filter(center_subject=center_subject)
        .select_related("removed_by")
        .order_by("removed_at", "added_at", "id")
    )


def subject_permissions(center_subject: CenterSubject) -> list[CenterPermission]:
    return list(
        CenterPermission.objects.at(center_subject.center_id)
        .filter(center_subject=center_subject)
        .order_by("revoked_at", "code")
    )


def subject_audit(center_subject: CenterSubject, limit: int = 100) -> list[AuditEntry]:
    """What happened to the subject at this center, and at the registry (its registration and
    submitted records, which name no center); never what it did at another center."""
    here = Q(data__center=center_subject.center.code)
    registry = Q(target_type__startswith="registry.") & ~Q(data__has_key="center")
    return list(
        AuditEntry.objects.filter(here | registry, subject_id=center_subject.subject_id).select_related(
            "actor"
        )[:limit]
    )


def attachment_for(*, member: StaffMember, pk: int) -> Attachment:
    """A file staff may open: one that a field declared to hold files (centers/attachments.py) of
    a subject's data at one of the member's centers refers to. Files are the unit's own, so only
    that subject's entries are looked through."""
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise NotFound()
    for center in centers_for(member):
        entry = CenterSubject.objects.at(center).filter(subject_id=attachment.subject_id).first()
        if entry is not None and str(pk) in set(attachment_ids(center, entry)):
            return attachment
    raise NotFound()
