"""检测工具 (ggzy-agent doctor): each check passes or says what to do next."""

from __future__ import annotations

import hashlib
import io
import json
import os
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asn1crypto import pem as asn1_pem
from ggzy_agent.__main__ import main

from tests.agentprocess import AGENT_COMMAND

from .conftest import PIN, SOFTHSM, WRONG_PIN


def _id(pem: str) -> str:
    return "sha256:" + hashlib.sha256(asn1_pem.unarmor(pem.encode())[2]).hexdigest()[:32]


def _write_config(path, *, port, modules, soft_store):
    path.write_text(
        f'port = {port}\nallowed_origins = ["http://127.0.0.1:8000"]\n'
        f"pkcs11_modules = {json.dumps(modules)}\nsoft_store = {json.dumps(str(soft_store))}\n"
    )
    return path


@pytest.fixture
def run(monkeypatch, capsys):
    def run(*args: str, pin: str | None = None) -> tuple[int, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(f"{pin}\n" if pin is not None else ""))
        code = main(["doctor", *args])
        return code, capsys.readouterr().out

    return run


@pytest.fixture
def config_file(agent, world, tmp_path):
    return _write_config(
        tmp_path / "agent.toml", port=agent.port, modules=[SOFTHSM], soft_store=world.soft_store
    )


@pytest.mark.parametrize("key", ["token-rsa", "token-p256", "file-sm2"])
def test_all_checks_pass_with_the_right_pin(world, run, config_file, key):
    code, out = run(
        "--config", str(config_file), "--certificate", _id(world.holders[key].pem), "--pin-stdin", pin=PIN
    )
    assert code == 0, out
    assert "[失败]" not in out
    for name in ("证书助手服务", "PKCS#11模块", "证书", "PIN码与签名", "签章签名"):
        assert f"[通过] {name}：" in out
    assert world.holders[key].name in out
    assert "全部检测通过。" in out
    assert PIN not in out


def test_wrong_pin_fails_with_what_to_do(world, run, config_file):
    code, out = run(
        "--config",
        str(config_file),
        "--certificate",
        _id(world.holders["token-rsa"].pem),
        "--pin-stdin",
        pin=WRONG_PIN,
    )
    assert code == 1
    assert "[失败] PIN码与签名：PIN码错误，请重新输入。" in out
    assert "下一步：请确认PIN码后重试" in out
    # Counted in the state folder next to the config file, as the served agent counts.
    assert "还可以再试 4 次" in out
    assert (config_file.parent / "pin-failures.json").is_file()
    assert "签章签名" not in out  # the wrong PIN is not tried a second time
    assert "[通过] 证书助手服务" in out
    assert WRONG_PIN not in out


def test_the_installed_command_checks_the_seal_path_in_a_process_of_its_own(world, agent, tmp_path):
    """`ggzy-agent doctor` as users run it, importing only what the agent imports: its 签章签名
    check passes the same seal_payload a seal request meets, so it fails while sealing would."""
    holder = world.holders["token-p256"]
    config_file = _write_config(
        tmp_path / "agent.toml", port=agent.port, modules=[SOFTHSM], soft_store=world.soft_store
    )
    done = subprocess.run(
        [
            str(AGENT_COMMAND),
            "doctor",
            "--config",
            str(config_file),
            "--certificate",
            _id(holder.pem),
            "--pin-stdin",
        ],
        input=f"{PIN}\n",
        capture_output=True,
        text=True,
        env={**os.environ, "SOFTHSM2_CONF": str(world.conf)},
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[通过] 签章签名：已为测试文件签署PDF签章的签名属性，ECC P-256 签名验证通过" in done.stdout
    assert "全部检测通过。" in done.stdout


def test_agent_not_running_is_said_and_local_checks_continue(world, run, tmp_path):
    with socket.socket() as probe:  # a port nothing listens on once the socket is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config_file = _write_config(
        tmp_path / "agent.toml", port=port, modules=[SOFTHSM], soft_store=world.soft_store
    )
    code, out = run(
        "--config",
        str(config_file),
        "--certificate",
        _id(world.holders["file-rsa"].pem),
        "--pin-stdin",
        pin=PIN,
    )
    assert code == 1
    assert "[失败] 证书助手服务" in out
    assert "下一步：请先运行 ggzy-agent serve" in out
    assert "[通过] PIN码与签名" in out


def test_no_certificates_says_insert_the_usb_key(agent, run, tmp_path):
    config_file = _write_config(
        tmp_path / "agent.toml", port=agent.port, modules=[], soft_store=tmp_path / "empty"
    )
    code, out = run("--config", str(config_file), "--pin-stdin", pin=PIN)
    assert code == 1
    assert "[失败] 证书：" in out
    assert "未检测到证书，请插入USB Key" in out
    assert "PIN码与签名" not in out


def test_module_that_does_not_load_fails_its_check(world, agent, run, tmp_path):
    broken = str(tmp_path / "libvendor.so")
    config_file = _write_config(
        tmp_path / "agent.toml", port=agent.port, modules=[broken, SOFTHSM], soft_store=world.soft_store
    )
    code, out = run(
        "--config",
        str(config_file),
        "--certificate",
        _id(world.holders["file-p256"].pem),
        "--pin-stdin",
        pin=PIN,
    )
    assert code == 1
    assert "[失败] PKCS#11模块：1 个模块无法加载" in out
    assert f"[失败] {broken}：无法加载PKCS#11模块" in out
    assert "下一步：请安装证书厂商的USB Key驱动" in out


def test_several_certificates_need_choosing(run, config_file):
    code, out = run("--config", str(config_file), "--pin-stdin", pin=PIN)
    assert code == 1
    assert "请用 --certificate 指定要检测的证书编号" in out


def test_sm2_on_a_token_is_reported_without_asking_for_a_pin(world, run, config_file):
    code, out = run("--config", str(config_file), "--certificate", _id(world.sm2_token_pem), "--pin-stdin")
    assert code == 1
    assert "[失败] PIN码与签名：此USB Key不支持SM2签名" in out


class _Platform:
    """A stand-in for the platform's /pki/check/ endpoint (built elsewhere): records what it got."""

    def __init__(self, verdict: dict):
        self.verdict = verdict
        self.received: list[tuple[str, str, bytes]] = []
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                platform.received.append((self.path, self.headers["Content-Type"], body))
                answer = json.dumps(platform.verdict, ensure_ascii=False).encode()
                self.send_response(200 if platform.verdict["ok"] else 422)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05})

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.mark.parametrize("accepted", [True, False])
def test_site_check_posts_the_certificate_and_prints_the_verdict(world, run, config_file, accepted):
    holder = world.holders["file-rsa"]
    verdict = {
        "ok": accepted,
        "checks": [
            {"name": "证书链", "ok": True, "message": "由受信任的 演示RSA CA 签发"},
            {"name": "吊销状态", "ok": accepted, "message": "未吊销" if accepted else "证书已吊销"},
        ],
    }
    with _Platform(verdict) as platform:
        code, out = run(
            "--config", str(config_file), "--certificate", _id(holder.pem), "--pin-stdin", "--site", platform.url + "/",
            pin=PIN,
        )  # fmt: skip
    [(path, content_type, body)] = platform.received
    assert path == "/pki/check/"
    assert content_type == "application/json"
    assert json.loads(body)["certificate"].strip() == holder.pem.strip()
    assert "[通过] 证书链：由受信任的 演示RSA CA 签发" in out
    if accepted:
        assert code == 0
        assert "[通过] 网站证书检测" in out and "[通过] 吊销状态：未吊销" in out
    else:
        assert code == 1
        assert "[失败] 网站证书检测" in out and "[失败] 吊销状态：证书已吊销" in out
