"""Reads of the centers' data, each checking access: missing and forbidden look alike."""

from centers.models import Center, CenterSubject, CenterSubjectType
from core.errors import NotFound
from registry.models import Subject


def centers_all() -> list[Center]:
    return list(Center.objects.all())


def center_get(*, code: str) -> Center:
    center = Center.objects.filter(code=code).first()
    if center is None:
        raise NotFound("没有这个交易中心。")
    return center


def center_subject_for(*, center: Center, subject: Subject) -> CenterSubject:
    """The subject's entry at the center; NotFound when the center does not know it (yet)."""
    entry = (
        CenterSubject.objects.at(center)
        .filter(subject=subject)
        .select_related("subject", "commitment")
        # The commitment's PDF is read only where it is shown, not on every center page.
        .defer("commitment__pdf")
        .first()
    )
    if entry is None:
        raise NotFound("该交易中心尚未收到您的主体信息。")
    return entry


def center_entries_of(*, subject: Subject) -> dict[int, CenterSubject]:
    """The subject's entry at each center that has one, by center id (for the centers overview)."""
    return {
        entry.center_id: entry
        for center in Center.objects.all()
        for entry in CenterSubject.objects.at(center).filter(subject=subject)
    }


def types_of(*, center: Center, center_subject: CenterSubject) -> list[CenterSubjectType]:
    """The types held now (effective or waiting for review), in the order they were added."""
    return list(CenterSubjectType.objects.at(center).filter(center_subject=center_subject, removed_at=None))


def effective_types(*, center: Center, center_subject: CenterSubject) -> list[str]:
    return [
        t.type for t in types_of(center=center, center_subject=center_subject) if t.effective_at is not None
    ]
