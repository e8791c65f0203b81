"""Named actors, as the manuals speak of them: a unit, a person, an outsider, a staff member."""

import pytest
from django.conf import settings
from django.test import Client

from core.audit import Actor
from registry.auth import AUTH_METHOD_KEY, CERTIFICATE, PASSWORD
from registry.models import AuthMethod
from tests.factories import PASSWORD as DEFAULT_PASSWORD
from tests.factories import make_person, make_staff, make_unit


def pytest_collection_modifyitems(config, items):
    """Browser journeys last. Playwright's sync API keeps an event loop running in the test thread
    for the rest of the session, after which asyncio.run() (which pyHanko's sync helpers and the
    signing layer use) refuses to start in that thread."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory) -> None:
    """On SQLite the test database is a file of this run's own rather than memory, so that another
    process can open it: the journeys run `manage.py run_worker` beside the live server, as
    `make run` does. A file per run (not one in var/) keeps runs side by side apart."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Deliveries to the centers queue up in the test's own queue file, never in the checkout's var/.
    settings.GGZY_QUEUE_URL = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def unit(db):
    """A bidder unit, registered, its basic information not yet submitted (无效)."""
    return make_unit(name="衡阳测试建设有限公司")


@pytest.fixture
def person(db):
    return make_person(name="张三")


@pytest.fixture
def outsider(db):
    """Another unit that must never see the first one's drafts."""
    return make_unit(name="旁观者科技有限公司")


@pytest.fixture
def staff(db):
    return make_staff()


def _client_for(account, method: str) -> Client:
    client = Client()
    client.force_login(account)
    session = client.session
    session[AUTH_METHOD_KEY] = method
    session.save()
    return client


@pytest.fixture
def password_client():
    """A client logged in by password (paper bidding only)."""
    return lambda account: _client_for(account, PASSWORD)


@pytest.fixture
def certificate_client():
    """A client whose session is marked certificate-authenticated (the CA login is issue 3)."""
    return lambda account: _client_for(account, CERTIFICATE)


def actor(account, method: str = PASSWORD) -> Actor:
    return Actor(user=account, auth_method=method)


@pytest.fixture
def by_password():
    return lambda account: actor(account, PASSWORD)


@pytest.fixture
def by_certificate():
    return lambda account: actor(account, AuthMethod.CERTIFICATE)


@pytest.fixture
def default_password():
    return DEFAULT_PASSWORD
