"""The certificate agent against real parts: SoftHSM2 tokens, soft certificate files, loopback HTTP.

SoftHSM2 reads $SOFTHSM2_CONF in C_Initialize, and the agent re-initialises its modules on every
scan, so pointing the variable at a temporary token directory before each test is enough, even
when another suite in the same process uses a directory of its own.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

try:
    import ggzy_agent  # noqa: F401
except ImportError:  # a checkout without `pip install -e agent`
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "agent"))

from ggzy_agent.config import AgentConfig
from ggzy_agent.server import AgentServer

from democa import issuing, keypairs

SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"
# Distinctive PINs, so that searching every response and log line for them finds any leak.
PIN = "Pin-k7Qz9w"
WRONG_PIN = "Wrong-8d2Lx"
SO_PIN = "So-Pin-31415926"
SITE = "http://127.0.0.1:8000"
OTHER_SITE = "https://ggzy.example.cn"
FOREIGN = "https://evil.example.com"
NONCE = "nonce-0123456789abcdef"


@dataclass
class Holder:
    """One certificate the tests expect the agent to find."""

    key: str  # e.g. "token-rsa", "file-sm2"
    source: str
    location: str
    algorithm: str
    pem: str
    name: str


@dataclass
class World:
    conf: Path
    soft_store: Path
    holders: dict[str, Holder] = field(default_factory=dict)
    sm2_token_pem: str = ""


@contextmanager
def _softhsm_env(conf: Path) -> Iterator[None]:
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture(scope="session")
def softhsm_conf(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("softhsm")
    (root / "tokens").mkdir()
    conf = root / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    return conf


@pytest.fixture(autouse=True)
def _our_softhsm(softhsm_conf, world) -> Iterator[None]:
    # Session fixtures are built before this one runs, so `world` sets the variable itself.
    with _softhsm_env(softhsm_conf):
        yield


@pytest.fixture(scope="session")
def cas():
    return {
        algorithm: issuing.make_ca(name=f"演示{algorithm.upper()} CA", algorithm=algorithm)
        for algorithm in issuing.ALGORITHMS
    }


@pytest.fixture(scope="session")
def world(softhsm_conf, cas, tmp_path_factory) -> World:
    """Two USB keys (RSA, P-256), one key holding only an SM2 certificate, three soft certificates."""
    soft = tmp_path_factory.mktemp("soft-store")
    found = World(conf=softhsm_conf, soft_store=soft)
    with _softhsm_env(softhsm_conf):  # set before SoftHSM2 is first loaded in this process
        _fill(found, cas)
    return found


def _fill(found: World, cas) -> None:
    for algorithm in ("rsa", "p256"):
        label = f"key-{algorithm}"
        issuing.init_token(label=label, so_pin=SO_PIN, pin=PIN)
        name = f"{algorithm.upper()}令牌建设有限公司"
        pem = issuing.token_certificate(
            cas[algorithm], module=SOFTHSM, token_label=label, pin=PIN, name=name, code="91350100M000100Y43"
        )
        found.holders[f"token-{algorithm}"] = Holder(
            f"token-{algorithm}", "token", label, algorithm, pem, name
        )
    for algorithm in issuing.ALGORITHMS:
        stem = f"unit-{algorithm}"
        name = f"{algorithm.upper()}文件科技有限公司"
        pem = issuing.soft_certificate(
            cas[algorithm],
            directory=found.soft_store,
            stem=stem,
            pin=PIN,
            name=name,
            code="91110000600037341L",
        )
        found.holders[f"file-{algorithm}"] = Holder(f"file-{algorithm}", "file", stem, algorithm, pem, name)
    found.sm2_token_pem = _sm2_certificate_on_token(cas["sm2"])


def _sm2_certificate_on_token(ca) -> str:
    """A USB key holding an SM2 certificate, which SoftHSM2 cannot sign for."""
    import pkcs11
    from asn1crypto import x509 as asn1_x509
    from pkcs11 import Attribute, CertificateType, ObjectClass

    issuing.init_token(label="key-sm2", so_pin=SO_PIN, pin=PIN)
    der = issuing.issue(
        ca, public_key=keypairs.generate_key("sm2"), name="国密令牌有限公司", code="91512081MA62K0260E"
    )
    lib = pkcs11.lib(SOFTHSM)
    lib.reinitialize()
    with lib.get_token(token_label="key-sm2").open(rw=True, user_pin=PIN) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.ID: b"\x01sm2",
                Attribute.LABEL: "国密令牌",
                Attribute.SUBJECT: asn1_x509.Certificate.load(der).subject.dump(),
                Attribute.VALUE: der,
            }
        )
    return issuing.to_pem(der)


@pytest.fixture
def config(world) -> AgentConfig:
    return AgentConfig.build(
        port=0,
        allowed_origins=[SITE, OTHER_SITE],
        pkcs11_modules=[SOFTHSM],
        soft_store=world.soft_store,
    )


class FakeClock:
    """Monotonic seconds the test moves by hand: expiry without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def agent(config, clock):
    server = AgentServer(config, port=0, clock=clock).start()
    yield server
    server.stop()


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def json(self):
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


class Client:
    """Raw HTTP to the agent, so tests can send any Host and Origin a browser or attacker could."""

    def __init__(self, server: AgentServer):
        self.server = server
        self.responses: list[Response] = []

    @property
    def own_origin(self) -> str:
        return self.server.url

    def request(
        self,
        method: str,
        path: str,
        *,
        origin: str | None = None,
        host: str | None = None,
        json_body: object = None,
        form: dict[str, str] | None = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        all_headers = {"Host": host or f"127.0.0.1:{self.server.port}", **(headers or {})}
        if origin is not None:
            all_headers["Origin"] = origin
        if json_body is not None:
            body = json.dumps(json_body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        if form is not None:
            body = urlencode(form).encode()
            all_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if body is not None:
            all_headers["Content-Length"] = str(len(body))
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in all_headers.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        raw = connection.getresponse()
        response = Response(raw.status, raw.headers, raw.read())
        connection.close()
        # Every answer, error or not, must stay out of caches.
        assert response.header("Cache-Control") == "no-store", (method, path, response.status)
        self.responses.append(response)
        return response

    # --- the journey a web page and the user make ---

    def certificates(self, origin: str = SITE) -> list[dict]:
        response = self.request("GET", "/v1/certificates", origin=origin)
        assert response.status == 200, response.text
        return response.json["certificates"]

    def certificate_id(self, pem: str) -> str:
        return next(c["id"] for c in self.certificates() if c["pem"].strip() == pem.strip())

    def create(
        self, certificate_id: str, *, origin: str = SITE, purpose: str = "login", nonce: str = NONCE
    ) -> dict:
        response = self.request(
            "POST",
            "/v1/sign",
            origin=origin,
            json_body={"certificate_id": certificate_id, "purpose": purpose, "nonce": nonce},
        )
        assert response.status == 201, response.text
        return response.json

    def approve_page(self, request_id: str) -> Response:
        return self.request("GET", f"/approve/{request_id}")

    def answer(
        self,
        request_id: str,
        *,
        pin: str = "",
        action: str = "approve",
        origin: str | None = None,
        token: str | None = None,
    ) -> Response:
        if token is None:
            token = form_token(self.approve_page(request_id).text)
        return self.request(
            "POST",
            f"/approve/{request_id}",
            origin=origin or self.own_origin,
            form={"form_token": token, "pin": pin, "action": action},
        )

    def result(self, request_id: str, origin: str = SITE) -> Response:
        return self.request("GET", f"/v1/sign/{request_id}", origin=origin)


def form_token(html: str) -> str:
    marker = 'name="form_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


@pytest.fixture
def client(agent) -> Client:
    return Client(agent)


def verify_independently(pem: str, data: bytes, signature: bytes) -> None:
    """Checks a signature the way the platform would, without the agent's own code; raises if bad."""
    import gmssl_pyx
    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    der = asn1_pem.unarmor(pem.encode())[2]
    spki = asn1_x509.Certificate.load(der)["tbs_certificate"]["subject_public_key_info"]
    if spki["algorithm"]["parameters"].native in ("1.2.156.10197.1.301", "sm2p256v1"):
        point = spki["public_key"].native
        assert gmssl_pyx.sm2_verify(point[1:], data, signature, signer_id=b"1234567812345678")
        return
    public_key = x509.load_der_x509_certificate(der).public_key()
    if isinstance(public_key, rsa.RSAPublicKey):
        public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    else:
        assert isinstance(public_key.curve, ec.SECP256R1)
        public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))  # DER, as OpenSSL makes it
