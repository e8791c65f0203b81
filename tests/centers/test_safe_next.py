"""The role page's `next` (004 1.3): back where the user came from, never off-site."""

import pytest

from centers.models import SubjectType
from tests.centers.factories import make_entry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "target", ["//evil.example/", "/\\evil.example/", "/\\/evil.example/", "http://evil.example/"]
)
def test_the_role_page_never_sends_the_user_off_site(certificate_client, target):
    account, _ = make_entry("changde", types=(SubjectType.TENDEREE, SubjectType.AGENCY))
    client = certificate_client(account)
    picked = client.post("/centers/changde/role/", {"role": SubjectType.AGENCY, "next": target})
    assert picked.status_code == 302 and picked["Location"] == "/centers/changde/"
    shown = client.get("/centers/changde/role/", {"next": target}).content.decode()
    assert "evil.example" not in shown


def test_the_role_page_follows_a_next_on_this_site(certificate_client):
    account, _ = make_entry("changde", types=(SubjectType.TENDEREE, SubjectType.AGENCY))
    client = certificate_client(account)
    picked = client.post(
        "/centers/changde/role/", {"role": SubjectType.AGENCY, "next": "/centers/changde/types/"}
    )
    assert picked["Location"] == "/centers/changde/types/"
