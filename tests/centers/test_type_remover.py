"""Removing a subject type (000 §8.2) is checked as the queue checks staff: an active staff account
whose roles grant 删除主体类型, at the subject's center."""

import pytest

from centers import rules, subject_types
from centers.models import CenterSubjectType, SubjectType
from core.audit import Actor
from core.errors import DomainError
from review import rules as review_rules
from review.models import StaffRole
from tests.centers.factories import center, make_entry, make_reviewer

pytestmark = pytest.mark.django_db


def remove(who, entry):
    return subject_types.subject_type_remove(
        actor=Actor(user=who, auth_method="password"),
        center=entry.center,
        center_subject=entry,
        type=SubjectType.AGENCY,
        reason="单位申请删除",
    )


def held(entry) -> list[str]:
    rows = CenterSubjectType.objects.at(entry.center).filter(center_subject=entry, removed_at=None)
    return sorted(rows.values_list("type", flat=True))


def test_technical_support_may_not_remove_a_type():
    _, entry = make_entry("changde", types=(SubjectType.BIDDER, SubjectType.AGENCY))
    support = make_reviewer(center("changde"), username="cd-support", roles=(StaffRole.SUPPORT,))
    with pytest.raises(DomainError) as refused:
        remove(support, entry)
    assert refused.value.message == review_rules.NO_PERMISSION.format(
        roles="技术支持", permission="删除主体类型"
    )
    assert held(entry) == ["agency", "bidder"]


def test_a_deactivated_reviewer_may_not_remove_a_type():
    _, entry = make_entry("changde", types=(SubjectType.BIDDER, SubjectType.AGENCY))
    gone = make_reviewer(center("changde"), username="cd-gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    with pytest.raises(DomainError) as refused:
        remove(gone, entry)
    assert refused.value.message == rules.TYPE_REMOVE_STAFF_ONLY.format(
        center="常德市公共资源交易中心", phone="0736-7256317"
    )
    assert held(entry) == ["agency", "bidder"]
    remove(make_reviewer(center("changde"), username="cd-reviewer"), entry)
    assert held(entry) == ["bidder"]
