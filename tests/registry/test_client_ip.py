"""The client address the audit log keeps, behind reverse proxies (GGZY_PROXY_COUNT)."""

import pytest
from django.test import RequestFactory

from registry.auth import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.9"),  # no proxy configured: the header is the client's own words
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client's forged entry is left of the proxy's
        (2, "6.6.6.6, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.9"),  # fewer entries than proxies: not through them all
        (1, "", "10.0.0.9"),
        (1, "6.6.6.6, not-an-address", "10.0.0.9"),  # a proxy set up wrongly: nothing unreadable is kept
    ],
)
def test_the_client_address_is_the_one_the_outermost_proxy_saw(settings, proxies, forwarded, expected):
    settings.GGZY_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_a_login_behind_a_proxy_audits_the_clients_address(client, settings, unit):
    from core.models import AuditEntry
    from tests.factories import PASSWORD

    settings.GGZY_PROXY_COUNT = 1
    client.post(
        "/registry/login/",
        {"login": unit.username, "password": PASSWORD},
        headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7"},
    )
    assert AuditEntry.objects.get(action="registry.account_logged_in").ip == "203.0.113.7"
