import pytest

from tests.review import parts


@pytest.fixture
def handlers():
    with parts.registered_handlers():
        yield


@pytest.fixture
def refusing_handlers():
    with parts.registered_handlers(refuse=True):
        yield


@pytest.fixture
def seeded(transactional_db):
    parts.reseed()
