"""The agent as its own process, the way `make run` and users start it, with nothing imported but what
the agent imports itself: it must accept the seal attributes the platform prepares.

Both tests failed while the agent found attributes by the names asn1crypto learns only once pyHanko is
imported: every seal was refused (「签章数据无效」) by the real agent, while the tests' embedded agent,
sharing the test process's pyHanko, accepted them.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys

import pytest
from ggzy_agent import errors

from signing import pdfsign
from tests.agentprocess import AgentProcess

from .conftest import PIN, SITE, SOFTHSM, Client
from .test_seal import TITLE, _ask, _certificate, _prepare, completes_a_valid_pdf

# Run with -I: no PYTHONPATH, no current directory, no user site; only the installed packages.
CHECK_IN_CLEAN_INTERPRETER = """
import base64, json, sys
from ggzy_agent.signing import InvalidSignRequest, seal_payload

loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("pyhanko", "pyhanko_certvalidator"))
assert not loaded, loaded
asked = json.load(sys.stdin)
payload = seal_payload(
    data=asked["attributes"], title=asked["title"], certificate_der=base64.b64decode(asked["certificate"])
)
try:
    seal_payload(data=asked["attributes"], title=asked["title"], certificate_der=base64.b64decode(asked["other"]))
    other = "signed"
except InvalidSignRequest as refused:
    other = refused.message
print(json.dumps({"shown": payload.shown, "data": base64.b64encode(payload.data).decode(), "other": other}))
"""


def _der(pem: str) -> str:
    return base64.b64encode(_certificate(pem).dump()).decode()


@pytest.mark.parametrize("key", ["token-rsa", "token-p256"])
def test_seal_attributes_pass_in_an_interpreter_without_pyhanko(world, cas, key):
    holder = world.holders[key]
    prepared = _prepare(holder, cas[holder.algorithm])
    asked = {
        "attributes": base64.b64encode(prepared.signed_attributes).decode(),
        "title": TITLE,
        "certificate": _der(holder.pem),
        "other": _der(world.holders["file-rsa"].pem),
    }
    done = subprocess.run(
        [sys.executable, "-I", "-c", CHECK_IN_CLEAN_INTERPRETER],
        input=json.dumps(asked),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert base64.b64decode(answer["data"]) == prepared.signed_attributes
    digest = pdfsign.message_digest(prepared.signed_attributes).hex().upper()
    assert answer["shown"].startswith(f"文件：{TITLE}\n") and digest[:8] in answer["shown"]
    assert answer["other"] == errors.INVALID_SEAL_DATA  # still only for the certificate they name


@pytest.fixture
def served(world, tmp_path):
    """`ggzy-agent serve --config FILE` in its own process, stopped with SIGTERM at the end."""
    agent = AgentProcess.start(
        tmp_path / "agent",
        allowed_origins=[SITE],
        pkcs11_modules=[SOFTHSM],
        soft_store=world.soft_store,
        softhsm_conf=world.conf,
    )
    yield agent
    agent.stop()


@pytest.mark.parametrize("key", ["token-p256", "file-rsa"])
def test_the_served_agent_seals_a_pdf_that_verifies(world, cas, served, key):
    client = Client(served)
    holder = world.holders[key]
    prepared = _prepare(holder, cas[holder.algorithm])
    created = _ask(client, client.certificate_id(holder.pem), prepared.signed_attributes)
    assert created.status == 201, created.text
    assert TITLE in client.approve_page(created.json["request_id"]).text

    client.answer(created.json["request_id"], pin=PIN)
    result = client.result(created.json["request_id"]).json
    assert result["status"] == "done", result
    completes_a_valid_pdf(holder, cas[holder.algorithm], prepared, base64.b64decode(result["signature"]))
    assert PIN not in served.log()
