"""What a person sees when a request goes wrong: Chinese pages, and JSON calls that say why."""

import json

import pytest
from django.urls import reverse

from core.http import CERTIFICATE_BODY_MAX

pytestmark = pytest.mark.django_db


def test_a_missing_page_says_so_in_chinese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_a_bad_request_page_is_chinese(client):
    response = client.get(reverse("registry:login"), headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "请求无法处理" in response.content.decode()
    assert "Bad Request" not in response.content.decode()


def test_detection_signature_answers_a_nested_body_with_a_failed_check(client):
    response = client.post(reverse("pki:detect_signature"), "[" * 10000, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["ok"] is False
    assert "请求格式不正确" in response.json()["checks"][0]["message"]


@pytest.mark.parametrize("name", ["pki:login", "pki:detect_signature"])
def test_a_body_too_large_is_413_with_a_message(client, name):
    body = json.dumps({"certificate": "A" * (CERTIFICATE_BODY_MAX + 1)})
    response = client.post(reverse(name), body, content_type="application/json")
    assert response.status_code == 413
    assert "请求内容过大" in json.dumps(response.json(), ensure_ascii=False)
