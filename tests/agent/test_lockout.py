"""Wrong PINs are counted per key, across requests and agent restarts, and lock the key for a while.

Before this, the agent counted wrong PINs per request only: a page could open request after request
and let a guesser try five PINs in each, and the right PIN still signed after twenty wrong ones.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from zoneinfo import ZoneInfo

import pytest
from ggzy_agent import errors
from ggzy_agent.config import AgentConfig, load_config
from ggzy_agent.server import AgentServer
from ggzy_agent.tokens import token_pin_warning
from pkcs11 import TokenFlag

from tests.agentprocess import AgentProcess

from .conftest import PIN, SITE, SOFTHSM, WRONG_PIN, Client

# A zone far from UTC and from Beijing: the lock's end must be told in the machine's own time.
USER_ZONE = "America/New_York"


def _minutes(moment: float, zone: str) -> set[str]:
    """The local "YYYY-MM-DD HH:MM" of a moment, allowing for a minute boundary in between."""
    return {
        dt.datetime.fromtimestamp(moment + shift, ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
        for shift in (0, 60)
    }


def _start(folder, world) -> AgentProcess:
    return AgentProcess.start(
        folder,
        allowed_origins=[SITE],
        pkcs11_modules=[SOFTHSM],
        soft_store=world.soft_store,
        softhsm_conf=world.conf,
    )


def _sign_request(client: Client, certificate_id: str):
    return client.request(
        "POST",
        "/v1/sign",
        origin=SITE,
        json_body={"certificate_id": certificate_id, "purpose": "login", "nonce": "nonce-lockout-0123456789"},
    )


def test_wrong_pins_over_several_requests_lock_the_key_across_restarts(world, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", USER_ZONE)
    folder = tmp_path / "agent"
    served = _start(folder, world)
    try:
        client = Client(served)
        token_id = client.certificate_id(world.holders["token-rsa"].pem)
        # Opened before the lock, answered after it: the right PIN must not sign then either.
        early = client.create(token_id)["request_id"]

        first = client.create(token_id)["request_id"]
        for left in (4, 3):
            page = client.answer(first, pin=WRONG_PIN)
            assert errors.WRONG_PIN in page.text
            assert f"还可以再试 {left} 次" in page.text
        pending = client.result(first).json
        assert pending["status"] == "pending" and pending["tries_left"] == 3

        second = client.create(token_id)["request_id"]  # a new request does not start afresh
        for left in (2, 1):
            page = client.answer(second, pin=WRONG_PIN)
            assert f"还可以再试 {left} 次" in page.text
        locked_at = time.time()
        page = client.answer(second, pin=WRONG_PIN)
        assert 'name="pin"' not in page.text
        ends = re.search(r"锁定至 (\d{4}-\d\d-\d\d \d\d:\d\d)", page.text)
        assert ends, page.text
        assert ends.group(1) in _minutes(locked_at + 15 * 60, USER_ZONE)
        failed = client.result(second).json
        assert failed["status"] == "failed" and failed["error"] == "pin_locked"
        assert failed["tries_left"] == 0
        assert ends.group(1) in failed["message"]
        locked_until = dt.datetime.fromisoformat(failed["locked_until"])
        assert abs(locked_until.timestamp() - (locked_at + 900)) < 60
        assert (
            locked_until.utcoffset() == dt.datetime.fromtimestamp(locked_at, ZoneInfo(USER_ZONE)).utcoffset()
        )

        page = client.answer(early, pin=PIN)
        assert "锁定至" in page.text and 'name="pin"' not in page.text
        assert client.result(early).json["status"] == "failed"

        refused = _sign_request(client, token_id)
        assert refused.status == 423
        assert refused.json["error"] == "pin_locked" and ends.group(1) in refused.json["message"]

        # Another key is not locked by this one's wrong PINs.
        other = client.create(client.certificate_id(world.holders["file-rsa"].pem))["request_id"]
        client.answer(other, pin=PIN)
        assert client.result(other).json["status"] == "done"
    finally:
        served.stop()

    assert (folder / "pin-failures.json").is_file()  # next to config.toml
    assert PIN not in (folder / "pin-failures.json").read_text(encoding="utf-8")
    assert WRONG_PIN not in (folder / "pin-failures.json").read_text(encoding="utf-8")

    again = _start(folder, world)
    try:
        client = Client(again)
        refused = _sign_request(client, client.certificate_id(world.holders["token-rsa"].pem))
        assert refused.status == 423, refused.text
        assert ends.group(1) in refused.json["message"]
    finally:
        again.stop()


class WallClock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def locking_agent(world, clock, tmp_path):
    wall = WallClock()
    config = AgentConfig.build(
        port=0,
        allowed_origins=[SITE],
        pkcs11_modules=[SOFTHSM],
        soft_store=world.soft_store,
        state_dir=tmp_path,
        pin_max_failures=3,
        pin_lock_minutes=2,
    )
    server = AgentServer(config, port=0, clock=clock, wall_clock=wall).start()
    yield server, wall
    server.stop()


def test_a_right_pin_resets_the_count_and_the_lock_ends_after_its_period(world, locking_agent):
    server, wall = locking_agent
    client = Client(server)
    sm2_file = client.certificate_id(world.holders["file-sm2"].pem)

    request = client.create(sm2_file)["request_id"]
    for left in (2, 1):
        assert f"还可以再试 {left} 次" in client.answer(request, pin=WRONG_PIN).text
    client.answer(request, pin=PIN)
    assert client.result(request).json["status"] == "done"

    request = client.create(sm2_file)["request_id"]  # counting starts again after the right PIN
    assert "还可以再试 2 次" in client.answer(request, pin=WRONG_PIN).text
    client.answer(request, pin=WRONG_PIN)
    assert "锁定至" in client.answer(request, pin=WRONG_PIN).text
    assert _sign_request(client, sm2_file).status == 423

    wall.now += 119
    assert _sign_request(client, sm2_file).status == 423
    wall.now += 1
    request = client.create(sm2_file)["request_id"]
    assert "还可以再试" not in client.approve_page(request).text
    client.answer(request, pin=PIN)
    assert client.result(request).json["status"] == "done"


def test_the_lock_settings_are_read_from_config_toml(tmp_path):
    file = tmp_path / "config.toml"
    file.write_text("pin_max_failures = 3\npin_lock_minutes = 30\n")
    config = load_config(file)
    assert (config.pin_max_failures, config.pin_lock_minutes, config.state_dir) == (3, 30, tmp_path)
    file.write_text("pin_max_failures = 0\n")
    with pytest.raises(Exception, match="pin_max_failures"):
        load_config(file)


def test_a_damaged_counter_file_does_not_stop_the_agent(world, tmp_path):
    (tmp_path / "pin-failures.json").write_text("{not json", encoding="utf-8")
    config = AgentConfig.build(
        port=0, allowed_origins=[SITE], pkcs11_modules=[], soft_store=world.soft_store, state_dir=tmp_path
    )
    with AgentServer(config, port=0) as server:
        client = Client(server)
        request = client.create(client.certificate_id(world.holders["file-p256"].pem))["request_id"]
        assert "还可以再试 4 次" in client.answer(request, pin=WRONG_PIN).text
    assert json.loads((tmp_path / "pin-failures.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (TokenFlag.TOKEN_INITIALIZED, None),
        (TokenFlag.USER_PIN_COUNT_LOW, errors.TOKEN_PIN_COUNT_LOW),
        (TokenFlag.USER_PIN_COUNT_LOW | TokenFlag.USER_PIN_FINAL_TRY, errors.TOKEN_PIN_FINAL_TRY),
        (TokenFlag.USER_PIN_LOCKED, errors.PIN_LOCKED),
    ],
)
def test_the_tokens_own_pin_counter_is_told(flags, expected):
    assert token_pin_warning(flags) == expected
