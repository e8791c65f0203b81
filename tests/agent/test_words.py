"""What the agent shows people: purposes and algorithms in Chinese, times in the machine's own zone.

The PIN window once said 「登录（login）」 and gave validity times in UTC, which a user in China reads
eight hours wrong.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from zoneinfo import ZoneInfo

import pytest
from ggzy_agent.__main__ import main
from ggzy_agent.certinfo import describe
from ggzy_agent.words import shown_time

from .conftest import PIN, SOFTHSM

# Neither UTC nor Beijing: a time converted to either would show.
USER_ZONE = "America/New_York"
# Words for developers that must not reach a person; the signed text in the <pre> box is exempt
# (it is exactly what is signed, and the window must show it as it is).
DEVELOPER_WORDS = re.compile(r"\b(login|bind|detect|seal|rsa|p256|sm2|UTC|None|True|False|pending)\b")


@pytest.fixture
def user_zone(monkeypatch):
    monkeypatch.setenv("TZ", USER_ZONE)
    time.tzset()
    yield ZoneInfo(USER_ZONE)
    monkeypatch.undo()
    time.tzset()


def _local(iso: str, zone: ZoneInfo) -> str:
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _outside_pre(html: str) -> str:
    return re.sub(r"<pre>.*?</pre>", "", re.sub(r"<style>.*?</style>", "", html, flags=re.S), flags=re.S)


@pytest.mark.parametrize(
    ("purpose", "word"), [("login", "登录"), ("bind", "绑定证书"), ("detect", "证书检测")]
)
def test_the_pin_window_names_the_purpose_in_chinese_and_times_in_local_time(
    world, client, user_zone, purpose, word
):
    holder = world.holders["file-rsa"]
    created = client.create(client.certificate_id(holder.pem), purpose=purpose)
    html = client.approve_page(created["request_id"]).text
    assert f"<dt>用途</dt><dd>{word}</dd>" in html
    info = describe(holder.pem.encode())
    assert f"{_local(info.not_before, user_zone)} 至 {_local(info.not_after, user_zone)}" in html
    # The origin, the serial and the file's own name are the only ASCII left ("unit-rsa" here).
    shown = _outside_pre(html).replace(created["approve_url"].rsplit("/approve/", 1)[0], "")
    shown = shown.replace(f"「{holder.location}」", "")
    assert not DEVELOPER_WORDS.search(shown), DEVELOPER_WORDS.search(shown)


def test_shown_time_is_the_machines_local_time(user_zone):
    assert shown_time("2026-01-01T12:00:00Z") == "2026-01-01 07:00"
    assert shown_time("2026-07-01T12:00:00Z") == "2026-07-01 08:00"  # daylight saving


def test_list_and_doctor_speak_chinese_with_local_times(
    world, agent, tmp_path, monkeypatch, capsys, user_zone
):
    holder = world.holders["token-p256"]
    info = describe(holder.pem.encode())
    config = tmp_path / "config.toml"
    config.write_text(f'port = {agent.port}\npkcs11_modules = ["{SOFTHSM}"]\nsoft_store = "{tmp_path}"\n')

    assert main(["list", "--config", str(config)]) == 0
    listed = capsys.readouterr().out
    assert f"有效期：{_local(info.not_before, user_zone)} 至 {_local(info.not_after, user_zone)}" in listed
    assert "算法：ECC P-256" in listed

    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PIN}\n"))
    assert main(["doctor", "--config", str(config), "--certificate", info.id, "--pin-stdin"]) == 0
    out = capsys.readouterr().out
    assert f"有效期至 {_local(info.not_after, user_zone)}" in out
    assert "ECC P-256 签名" in out
    out = out.replace(str(tmp_path), "")
    # Every certificate in the test world is listed with its token's label or its file's name.
    for location in [other.location for other in world.holders.values()] + ["key-sm2"]:
        out = out.replace(f"「{location}」", "")
    words = DEVELOPER_WORDS.search(out)
    assert words is None, words


def test_doctor_says_in_chinese_that_the_agent_is_not_running(world, tmp_path, monkeypatch, capsys):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = tmp_path / "config.toml"
    config.write_text(f'port = {port}\npkcs11_modules = []\nsoft_store = "{tmp_path}"\n')
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    main(["doctor", "--config", str(config)])
    out = capsys.readouterr().out
    assert f"[失败] 证书助手服务：127.0.0.1:{port} 上没有运行证书助手" in out
    assert "Errno" not in out and "refused" not in out
