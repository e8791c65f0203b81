"""NotFound is answered with a 404 page, a DomainError with a message beside the input: a view's
`except DomainError` must let a NotFound through without a guard before it."""

import pytest

from core.errors import DomainError, NotFound, StateError


def _shown_or_raised(error: Exception) -> str:
    try:
        raise error
    except DomainError as refused:
        return refused.message


def test_except_domain_error_lets_not_found_through():
    assert not issubclass(NotFound, DomainError)
    assert _shown_or_raised(StateError("已提交，不能修改")) == "已提交，不能修改"
    with pytest.raises(NotFound) as missing:
        _shown_or_raised(NotFound())
    assert missing.value.message == "未找到该记录，或您无权查看。"
