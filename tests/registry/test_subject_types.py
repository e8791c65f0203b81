"""主体类型 is one list: what the basic information offers is what a center grants."""

from centers import models as center_models
from registry.forms import UnitBasicForm
from registry.subject_types import SubjectType


def test_the_basic_information_offers_the_types_a_center_grants():
    assert center_models.SubjectType is SubjectType
    assert list(UnitBasicForm.base_fields["roles"].choices) == center_models.SubjectType.choices  # type: ignore[attr-defined]
