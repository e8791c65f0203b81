"""Named actors, as the manuals speak of them: a unit, a person, an outsider, an agency and its
practitioner, a center's reviewer and support, the back-office administrator, and the platform
operator of Django's admin; each made by the product's own services and seeds."""

import pytest
from django.conf import settings
from django.test import Client

from core.audit import Actor
from registry.auth import AUTH_METHOD_KEY, CERTIFICATE, PASSWORD
from registry.models import AuthMethod
from registry.operators import operator_seed
from tests.centers.factories import center
from tests.centers.people_factories import make_agency, make_practitioner
from tests.factories import PASSWORD as DEFAULT_PASSWORD
from tests.factories import make_person, make_unit
from tests.review.parts import actor_of, demo_staff


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


# --- the named actors of the manuals, made the way the product makes them --------------------------


@pytest.fixture
def agency(db):
    """A 招标代理机构 known at 常德 (as the sync leaves it): (account, its CenterSubject there)."""
    return make_agency(center("changde"))


@pytest.fixture
def practitioner(agency):
    """The agency's 工程建设 practitioner, submitted and approved by 常德's reviewer in the queue."""
    account, entry = agency
    return make_practitioner(
        account, entry, state="approved", reviewer=actor_of(demo_staff("changde_reviewer"))
    )


@pytest.fixture
def reviewer(db):
    """衡阳 市场主体科's reviewer 李娟 (a StaffMember), as load_demo_staff seeds her."""
    return demo_staff("hengyang_reviewer")


@pytest.fixture
def support(db):
    """衡阳's technical support 陈强 (a StaffMember), as load_demo_staff seeds him."""
    return demo_staff("hengyang_support")


@pytest.fixture
def admin(db):
    """The back-office administrator 赵平 of every center (a StaffMember), as load_demo_staff seeds him."""
    return demo_staff("ggzy_admin")


@pytest.fixture
def operator(db):
    """The platform operator of Django's admin (an Account, no StaffMember), as create_operator
    makes one."""
    return operator_seed(username="operator", display_name="平台运维人员", password=DEFAULT_PASSWORD)


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
