"""Production defaults: with DEBUG off the site is HTTPS-only and sends its security headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEBUG", "GGZY_", "SECURE_", "HSTS_", "DJANGO_ALLOW"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="x" * 20 + "production-secret-key-not-in-any-repository-0123456789",
        ALLOWED_HOSTS="ggzy.example.cn",
        **extra,
    )
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_defaults():
    done = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def _https_settings(**env: str) -> list[str]:
    """Cookie security, redirect, HSTS and the proxy header as a fresh process reads them."""
    script = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0,"
        " getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_production_env(**env),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().split(maxsplit=4)


def test_production_settings_default_to_https(tmp_path):
    assert _https_settings(GGZY_VAR_DIR=str(tmp_path)) == ["True", "True", "True", "True", "None"]
    proxied = _https_settings(GGZY_VAR_DIR=str(tmp_path), GGZY_PROXY_SSL_HEADER="1")
    assert proxied[-1] == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert _https_settings(GGZY_VAR_DIR=str(tmp_path), DEBUG="1")[:3] == ["False", "False", "False"]


@pytest.mark.django_db
def test_plain_http_is_sent_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("registry:login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@pytest.mark.django_db
def test_behind_a_proxy_the_forwarded_scheme_counts(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get(reverse("registry:login"), headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("registry:login"), secure=True)
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip()
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "http://127.0.0.1:17461" in policy["connect-src"]  # the certificate agent
    assert "camera=()" in response["Permissions-Policy"]
    assert "max-age=" in response["Strict-Transport-Security"]
    assert "includeSubDomains" in response["Strict-Transport-Security"]


@pytest.mark.django_db
def test_session_cookie_is_secure_by_default(client):
    client.get(reverse("registry:login"))
    response = client.post(reverse("registry:login"), {"login": "nobody", "password": "x"})
    csrf = response.cookies.get("csrftoken") or client.cookies.get("csrftoken")
    assert csrf is not None and csrf["secure"] is True


@pytest.mark.django_db
def test_django_own_words_are_chinese_whatever_the_browser_prefers(client):
    # Django's admin login is all Django's own words: the test of what a browser asking for English gets.
    response = client.get("/admin/login/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response["Content-Language"] == "zh-hans"
    assert "Password:" not in response.content.decode()
    assert "密码" in response.content.decode()


@pytest.mark.django_db
def test_debug_pages_keep_their_styles_only_with_debug(client, settings):
    settings.DEBUG = True
    debug_page = client.get("/no-such-page/", secure=True)
    assert "style-src 'self' 'unsafe-inline'" in debug_page["Content-Security-Policy"]
    settings.DEBUG = False
    production = client.get("/no-such-page/", secure=True)
    assert "style-src 'self';" in production["Content-Security-Policy"]
