"""Settings from the environment, as a fresh process reads them: yes/no values and *_FILE secrets."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _read_settings(names: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEBUG", "GGZY_", "SECURE_", "HSTS_", "DJANGO_ALLOW", "SECRET_KEY"))
    }
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", PYTHONIOENCODING="utf-8", **env)
    script = f"import django; django.setup(); from django.conf import settings as s; print({names})"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        encoding="utf-8",
        timeout=120,
    )


def test_a_misspelt_yes_no_value_stops_the_start(tmp_path):
    done = _read_settings("s.SESSION_COOKIE_SECURE", GGZY_VAR_DIR=str(tmp_path), SECURE_COOKIES="ture")
    assert done.returncode != 0
    assert "ImproperlyConfigured: SECURE_COOKIES='ture' is not a yes/no value" in done.stderr
    assert "1, true, yes, on, 0, false, no, off" in done.stderr


def test_yes_no_values_either_way_and_in_any_case(tmp_path):
    var = str(tmp_path)
    for value, expected in [("TRUE", "True"), ("On", "True"), ("0", "False"), ("no", "False"), ("", "True")]:
        done = _read_settings("s.SESSION_COOKIE_SECURE", GGZY_VAR_DIR=var, SECURE_COOKIES=value)
        assert done.stdout.strip() == expected, (value, done.stderr)


def test_the_tsa_key_password_is_read_like_every_secret(tmp_path):
    secret = tmp_path / "tsa_password"
    secret.write_text("口令来自文件\n", encoding="utf-8")
    var = str(tmp_path)
    from_file = _read_settings(
        "s.GGZY_TSA_KEY_PASSWORD", GGZY_VAR_DIR=var, GGZY_TSA_KEY_PASSWORD_FILE=str(secret)
    )
    assert from_file.stdout.strip() == "口令来自文件", from_file.stderr
    plain = _read_settings("s.GGZY_TSA_KEY_PASSWORD", GGZY_VAR_DIR=var, GGZY_TSA_KEY_PASSWORD="直接设置")
    assert plain.stdout.strip() == "直接设置", plain.stderr


def test_development_secrets_are_made_once_per_checkout(tmp_path):
    names = "s.SECRET_KEY, s.GGZY_CA_INTAKE_TOKEN, s.GGZY_FEED_TOKEN"
    first = _read_settings(names, GGZY_VAR_DIR=str(tmp_path)).stdout.split()
    again = _read_settings(names, GGZY_VAR_DIR=str(tmp_path)).stdout.split()
    assert first == again and len(set(first)) == 3
    assert first[0] == (tmp_path / "secret_key").read_text(encoding="utf-8").strip()
    assert len(first[0]) >= 60 and len(first[1]) >= 40  # token_urlsafe(50) and (32)
