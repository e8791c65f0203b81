"""Certificate login (000 §6): how many signed logins one core checks, and a login over HTTP.

For each of RSA-2048, ECDSA P-256 and SM2 a demo issuer (democa.issuing) is trusted through the
trust loader, with a CRL of 10,000 revoked serials installed, and a few units are registered, each
holding a certificate of that issuer. Each holder logs in once untimed (the first login binds the
certificate); what is timed is the login of a bound certificate, as on every ordinary day.

- `login <alg>`: logins per second of the server's whole check, called in-process:
  services.signed_holder (challenge consumed once, certificate parsed, chain signature, validity,
  key usage, revocation looked up in the installed CRL, the signature over verify.signed_text) then
  services.certificate_login (subject by code, binding, audit row). Challenges are issued and
  signatures made before the clock starts; the rate is the median of 5 rounds of 100 logins.
  Beside it, the bare verify_raw rate of the same library (cryptography, or gmssl_pyx for SM2) over
  the same login signature, and the ratio; a login verifies two signatures, so 0.5 is the ceiling.
- `login <alg> over HTTP`: the browser's side of a login against the WSGI application served on a
  loopback socket: POST /pki/challenge/, then POST /pki/login/ with the signature, each run in a
  fresh session (the login page is fetched first, untimed, for its CSRF cookie). The holder's
  signing between the two requests is left out of the round trip (a USB key's time, not the
  server's) and shown on its own line; for SM2 it is mostly democa.issuing deriving the public point
  in pure Python, so it says nothing about a real key.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import statistics
import threading
import time
from collections.abc import Callable
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, OpenerDirector, Request, build_opener

from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.core.wsgi import get_wsgi_application
from django.db import connection, connections
from django.test.testcases import QuietWSGIRequestHandler
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.dataset import unit_code, unit_name
from bench.figures import show, spread
from bench.register import PASSWORD
from core.errors import DomainError
from democa import issuing, keypairs
from democa.trust import trust_folder_write
from pki import services, verify
from pki.models import TrustedIssuer
from pki.trust import trust_load
from registry.services import subject_register
from tests import pkiparts

ALGORITHMS = {"rsa": "RSA-2048", "p256": "ECDSA P-256", "sm2": "SM2"}
HOLDERS = 4  # units per algorithm; the timed logins take turns among them
LOGINS = 500  # timed in-process logins per algorithm
ROUNDS = 5  # rates are the median of this many rounds: a neighbour's burst spoils one, not all
REVOKED = 10_000  # serials on each issuer's CRL
BARE_SECONDS = 0.5  # how long the bare verify loop runs per algorithm
SESSION_KEY = "bench-certificate-session"
ORIGIN = "https://ggzy.example.cn"  # what the in-process logins sign; over HTTP, the server's own
HOST = "127.0.0.1"


def run(*, first_serial: int, runs: int) -> None:
    cas = {alg: issuing.make_ca(f"压测CA（{label}）", alg) for alg, label in ALGORITHMS.items()}
    trust(cas)
    holders: dict[str, list[pkiparts.Holder]] = {}
    serial = first_serial
    for alg, ca in cas.items():
        holders[alg] = []
        for _ in range(HOLDERS):
            code, name = unit_code(serial), unit_name(serial)
            subject_register(kind="unit", code=code, name=name, password=PASSWORD, email="unit@example.com")
            holders[alg].append(pkiparts.holder(ca, name=name, code=code))
            serial += 1
    for alg, label in ALGORITHMS.items():
        in_process(alg, label, holders[alg])
    with LoopbackServer() as base:
        for alg, label in ALGORITHMS.items():
            over_http(base, label, holders[alg], runs=runs)


def trust(cas: dict[str, issuing.CA]) -> None:
    """The issuers in the trust store, each with a CRL in force that lists REVOKED serials;
    then a certificate bearing one of those serials must be refused, or the lookup is not real."""
    trust_load(trust_folder_write(settings.GGZY_TRUST_DIR, cas))
    started = time.perf_counter()
    for alg, ca in cas.items():
        past = issuing.now() - dt.timedelta(days=365)
        revoked = [(secrets.randbits(63), past + dt.timedelta(minutes=i)) for i in range(REVOKED)]
        crl = issuing.make_crl(ca, revoked=revoked, next_update=issuing.now() + dt.timedelta(days=7))
        services.crl_install(issuer=TrustedIssuer.objects.get(slug=alg), data=crl, source="bench")
        withdrawn = issuing.issue(
            ca,
            public_key=keypairs.generate_key(alg),
            name="吊销测试",
            code=unit_code(1),
            serial=revoked[REVOKED // 2][0],
        )
        try:
            services.certificate_check(certificate=issuing.to_pem(withdrawn))
        except DomainError as error:
            if verify.REVOKED.split("}")[1] not in error.message:
                raise
        else:
            raise SystemExit(
                f"A certificate on the {alg} CRL was accepted: the revocation lookup is not working."
            )
    show(
        "setup",
        f"make and install {len(cas)} CRLs of {REVOKED} serials",
        f"{time.perf_counter() - started:.1f} s",
    )


def in_process(alg: str, label: str, holders: list[pkiparts.Holder]) -> None:
    for holder in holders:  # the first login binds; the timed ones find the binding
        login(*prepared(alg, [holder], 1)[0])
    with CaptureQueriesContext(connection) as queries:
        login(*prepared(alg, holders, 1)[0])
    query_count = len(queries)

    work = prepared(alg, holders, LOGINS)
    rates = []
    for first in range(0, LOGINS, LOGINS // ROUNDS):
        batch = work[first : first + LOGINS // ROUNDS]
        started = time.perf_counter()
        for nonce, certificate, signature in batch:
            login(nonce, certificate, signature)
        rates.append(len(batch) / (time.perf_counter() - started))
    logins_per_second = statistics.median(rates)

    nonce, certificate, signature = work[0]
    cert = verify.load_certificate(certificate)
    text = verify.signed_text(origin=ORIGIN, purpose="login", nonce=nonce)
    oid = verify.LOGIN_SIGNATURE_ALGORITHM[alg]
    if not verify.verify_raw(cert, text, signature, oid):
        raise SystemExit(f"The {label} login signature does not verify on its own.")
    bare = per_second(lambda: verify.verify_raw(cert, text, signature, oid))

    show(
        "login",
        label,
        f"{logins_per_second:.0f} logins/s (bare verify {bare:.0f}/s, ratio {logins_per_second / bare:.3f})",
    )
    show("login", f"{label} queries", f"{query_count} queries")


def prepared(alg: str, holders: list[pkiparts.Holder], count: int) -> list[tuple[str, str, bytes]]:
    """(nonce, certificate PEM, signature) per login, with the holders taking turns."""
    work = []
    for i in range(count):
        holder = holders[i % len(holders)]
        nonce = services.challenge_issue(session_key=SESSION_KEY, purpose="login").nonce
        text = verify.signed_text(origin=ORIGIN, purpose="login", nonce=nonce)
        work.append((nonce, holder.pem, keypairs.sign(alg, holder.key, text)))
    return work


def login(nonce: str, certificate: str, signature: bytes) -> None:
    holder = services.signed_holder(
        nonce=nonce,
        session_key=SESSION_KEY,
        purpose="login",
        origin=ORIGIN,
        certificate=certificate,
        signature=signature,
    )
    if services.certificate_login(holder=holder, ip=None) is None:
        raise SystemExit(f"No subject found for the certificate of {holder.code}.")


def per_second(action: Callable[[], object]) -> float:
    """Calls per second: the median of ROUNDS rounds, each calling in batches of 100 until its
    share of BARE_SECONDS has passed."""
    rates = []
    for _ in range(ROUNDS):
        calls, started = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - started) < BARE_SECONDS / ROUNDS:
            for _ in range(100):
                action()
            calls += 100
        rates.append(calls / elapsed)
    return statistics.median(rates)


class LoopbackServer:
    """The WSGI application on 127.0.0.1, a free port, one request at a time in one thread: like one
    worker process, it keeps its database connection between requests as settings allow."""

    def __init__(self) -> None:
        self.httpd = WSGIServer((HOST, 0), QuietWSGIRequestHandler)
        self.httpd.set_app(get_wsgi_application())
        self.thread = threading.Thread(target=self.serve, name="bench-http", daemon=True)

    def serve(self) -> None:
        try:
            self.httpd.serve_forever(poll_interval=0.1)
        finally:
            connections.close_all()  # this thread's connections, before the database is dropped

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://{HOST}:{self.httpd.server_address[1]}"

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.thread.join()
        self.httpd.server_close()


def over_http(base: str, label: str, holders: list[pkiparts.Holder], *, runs: int) -> None:
    round_trip(base, holders[0])  # warms what a running server has warm
    trips: list[float] = []
    signing: list[float] = []
    for i in range(runs):
        trip_ms, sign_ms = round_trip(base, holders[i % len(holders)])
        trips.append(trip_ms)
        signing.append(sign_ms)
    show("login", f"{label} over HTTP, challenge+login", spread(trips))
    show("login", f"{label} client signature (not in the round trip)", spread(signing))


def round_trip(base: str, holder: pkiparts.Holder) -> tuple[float, float]:
    """One login in a new session, as the login page makes it: (challenge+login ms, signing ms)."""
    browser = build_opener(HTTPCookieProcessor(jar := CookieJar()))
    fetch(browser, f"{base}/registry/login/", None, {})  # the page; it sets the CSRF cookie
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    headers = {"X-CSRFToken": token or "", "Origin": base}

    started = time.perf_counter()
    challenge = fetch(browser, f"{base}/pki/challenge/", urlencode({"purpose": "login"}).encode(), headers)
    challenged = time.perf_counter()
    body = holder.signed(nonce=challenge["nonce"], origin=base)
    signed = time.perf_counter()
    answer = fetch(
        browser,
        f"{base}/pki/login/",
        json.dumps(body).encode(),
        {**headers, "Content-Type": "application/json"},
    )
    done = time.perf_counter()
    if answer.get("ok") is not True or answer.get("redirect") != reverse("registry:home"):
        raise SystemExit(f"Certificate login over HTTP did not log in: {answer}")
    return ((challenged - started) + (done - signed)) * 1000, (signed - challenged) * 1000


def fetch(browser: OpenerDirector, url: str, data: bytes | None, headers: dict[str, str]) -> dict:
    """POST (GET when data is None); the JSON answer, or {} for a page."""
    try:
        with browser.open(Request(url, data=data, headers=headers)) as response:
            content = response.read()
            is_json = response.headers.get_content_type() == "application/json"
    except HTTPError as error:
        raise SystemExit(f"{url}: HTTP {error.code} {error.read()[:300]!r}") from None
    return json.loads(content) if is_json else {}
