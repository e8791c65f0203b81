"""The loopback HTTP service web pages talk to, and the PIN page the user answers on.

Whom it trusts, request by request:
- the Host header must name the loopback address and this port (defeats DNS rebinding);
- /v1/* answers browsers only for origins on the allow-list, checked here on every request
  (CORS only decides what a page may read; it does not stop a request from arriving);
- /approve/* is the agent's own page: its form is accepted only from the agent's own origin.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import __version__, pages
from .config import AgentConfig
from .errors import (
    APPROVE_FOREIGN_ORIGIN,
    BODY_TOO_LARGE,
    HOST_NOT_ALLOWED,
    INVALID_CERTIFICATE_ID,
    INVALID_JSON,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    ORIGIN_NOT_ALLOWED,
    ORIGIN_REQUIRED,
    REQUEST_NOT_FOUND,
    UNSUPPORTED_MEDIA,
    CertificateNotFound,
    KeyLocked,
)
from .inventory import Inventory, pin_key
from .pending import DONE, Outcome, SignRequests, TooManyRequests
from .signing import (
    DETECT,
    SEAL,
    InvalidSignRequest,
    carries_seal_test,
    seal_payload,
    text_payload,
    validate_nonce,
    validate_purpose,
)

logger = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
MAX_BODY = 16 * 1024
REQUEST_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
API_METHODS = "GET, POST, OPTIONS"


class AgentServer:
    """The agent's HTTP service. Embeddable: AgentServer(config, port=0).start() in tests."""

    def __init__(
        self,
        config: AgentConfig,
        *,
        port: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        inventory: Inventory | None = None,
    ):
        self.config = config
        self.inventory = inventory or Inventory(config, wall_clock=wall_clock)
        self.requests = SignRequests(self.inventory, clock)
        self.httpd = _HTTPServer((LOOPBACK, config.port if port is None else port), _Handler)
        self.httpd.agent = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def own_origins(self) -> tuple[str, str]:
        return (f"http://{LOOPBACK}:{self.port}", f"http://localhost:{self.port}")

    @property
    def allowed_hosts(self) -> tuple[str, str]:
        return (f"{LOOPBACK}:{self.port}", f"localhost:{self.port}")

    def start(self) -> AgentServer:
        # A short poll interval makes stop() quick: shutdown() waits for the loop's next poll.
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="ggzy-agent", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> AgentServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    agent: AgentServer


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = f"ggzy-agent/{__version__}"
    sys_version = ""
    timeout = 30  # a stalled client must not hold a thread forever

    # --- plumbing ---

    @property
    def agent(self) -> AgentServer:
        return self.server.agent

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: object) -> None:
        # Only the request line and status are logged; a PIN travels in a POST body, never here.
        logger.info("%s %s", self.address_string(), format % args)

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: Mapping[str, object], *, cors_origin: str | None = None) -> None:
        headers = {"Access-Control-Allow-Origin": cors_origin, "Vary": "Origin"} if cors_origin else {}
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8", headers)

    def _error(self, status: int, code: str, message: str, *, cors_origin: str | None = None) -> None:
        self._json(status, {"error": code, "message": message}, cors_origin=cors_origin)

    def _html(self, page: tuple[str, dict[str, str]], status: int = 200) -> None:
        html, headers = page
        self._send(status, html.encode("utf-8"), "text/html; charset=utf-8", headers)

    def _origin(self) -> str | None:
        values = self.headers.get_all("Origin") or []
        if len(values) > 1:
            return "(多个Origin)"  # never on any list, so refused like a foreign origin
        return values[0] if values else None

    def _host_ok(self) -> bool:
        hosts = self.headers.get_all("Host") or []
        return len(hosts) == 1 and hosts[0].lower() in self.agent.allowed_hosts

    def _body(self, expected_type: str) -> bytes | None:
        """The request body, or None after answering with an error."""
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != expected_type:
            self._error(415, "unsupported_media_type", UNSUPPORTED_MEDIA.format(expected=expected_type))
            return None
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._error(413, "body_too_large", BODY_TOO_LARGE)
            return None
        return self.rfile.read(length)

    def _dispatch(self) -> None:
        try:
            if not self._host_ok():
                self._error(403, "host_not_allowed", HOST_NOT_ALLOWED)
                return
            path = urlsplit(self.path).path
            if path.startswith("/approve/"):
                self._approve(path.removeprefix("/approve/"))
            else:
                self._api(path)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away; nothing to answer
        except Exception:
            logger.exception("request failed: %s %s", self.command, urlsplit(self.path).path)
            self._error(500, "internal_error", "证书助手内部错误，请查看证书助手的日志。")

    do_GET = do_POST = do_OPTIONS = do_PUT = do_DELETE = do_PATCH = do_HEAD = _dispatch

    # --- /v1: for web pages on the allow-list ---

    def _api(self, path: str) -> None:
        origin = self._origin()
        if origin is not None and origin not in self.agent.config.allowed_origins:
            self._error(403, "origin_not_allowed", ORIGIN_NOT_ALLOWED.format(origin=origin))
            return
        if self.command == "OPTIONS":
            self._preflight(path, origin)
            return
        # Local tools (the doctor) may ask for status without an Origin; pages must say who they are.
        if origin is None and path != "/v1/status":
            self._error(403, "origin_required", ORIGIN_REQUIRED)
            return
        route = (self.command, path)
        if route == ("GET", "/v1/status"):
            self._json(200, self._status(), cors_origin=origin)
        elif route == ("GET", "/v1/certificates"):
            scan = self.agent.inventory.scan()
            self._json(200, {"certificates": [e.as_json() for e in scan.certificates]}, cors_origin=origin)
        elif route == ("POST", "/v1/sign"):
            assert origin is not None
            self._create_sign_request(origin)
        elif self.command == "GET" and path.startswith("/v1/sign/"):
            assert origin is not None
            request_id = path.removeprefix("/v1/sign/")
            result = (
                self.agent.requests.result_for(request_id, origin)
                if REQUEST_ID.fullmatch(request_id)
                else None
            )
            if result is None:
                self._error(404, "not_found", REQUEST_NOT_FOUND, cors_origin=origin)
            else:
                self._json(200, result, cors_origin=origin)
        elif path in ("/v1/status", "/v1/certificates", "/v1/sign") or path.startswith("/v1/sign/"):
            self._error(405, "method_not_allowed", METHOD_NOT_ALLOWED, cors_origin=origin)
        else:
            self._error(404, "not_found", NOT_FOUND, cors_origin=origin)

    def _preflight(self, path: str, origin: str | None) -> None:
        if origin is None or not path.startswith("/v1/"):
            self._error(403, "origin_required", ORIGIN_REQUIRED)
            return
        headers = {
            "Access-Control-Allow-Origin": origin,
            "Vary": "Origin",
            "Access-Control-Allow-Methods": API_METHODS,
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": "600",
        }
        # Chromium's Private Network Access preflight (before Local Network Access replaced it).
        if (self.headers.get("Access-Control-Request-Private-Network") or "").lower() == "true":
            headers["Access-Control-Allow-Private-Network"] = "true"
        self._send(204, b"", "text/plain; charset=utf-8", headers)

    def _status(self) -> dict[str, object]:
        scan = self.agent.inventory.scan()
        return {"agent": "ggzy-agent", "version": __version__, **scan.status_json()}

    def _create_sign_request(self, origin: str) -> None:
        raw = self._body("application/json")
        if raw is None:
            return
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            self._error(400, "invalid_json", INVALID_JSON, cors_origin=origin)
            return
        if not isinstance(body, dict):
            self._error(400, "invalid_json", INVALID_JSON, cors_origin=origin)
            return
        try:
            purpose = validate_purpose(body.get("purpose"))
            nonce = validate_nonce(body.get("nonce"))
            certificate_id = body.get("certificate_id")
            if not isinstance(certificate_id, str) or not certificate_id:
                raise InvalidSignRequest(INVALID_CERTIFICATE_ID)
            entry = self.agent.inventory.find(certificate_id)
            if entry.problem:
                self._error(422, "certificate_unusable", entry.problem, cors_origin=origin)
                return
            # No PIN window for a key that would refuse any PIN now.
            self.agent.inventory.pin_guard.check(pin_key(entry))
            seal_test = None
            if purpose == SEAL:
                payload = seal_payload(
                    data=body.get("signed_attributes"),
                    title=body.get("title"),
                    certificate_der=entry.info.der,
                )
            else:
                payload = text_payload(origin=origin, purpose=purpose, nonce=nonce)
                # 一键检测 also tests the seal path, under the same PIN; see signing.py.
                if purpose == DETECT and carries_seal_test(body):
                    seal_test = seal_payload(
                        data=body.get("signed_attributes"),
                        title=body.get("title"),
                        certificate_der=entry.info.der,
                    )
            request = self.agent.requests.create(
                origin=origin,
                purpose=purpose,
                nonce=nonce,
                certificate=entry,
                payload=payload,
                seal_test=seal_test,
            )
        except InvalidSignRequest as exc:
            self._error(400, exc.code, exc.message, cors_origin=origin)
            return
        except CertificateNotFound as exc:
            self._error(404, exc.code, exc.message, cors_origin=origin)
            return
        except TooManyRequests as exc:
            self._error(429, exc.code, exc.message, cors_origin=origin)
            return
        except KeyLocked as exc:
            data = {"error": exc.code, "message": exc.message, "locked_until": exc.until, "tries_left": 0}
            self._json(HTTPStatus.LOCKED, data, cors_origin=origin)
            return
        logger.info("sign request %s from %s (%s)", request.id, origin, purpose)
        data = {
            "request_id": request.id,
            "approve_url": f"{self.agent.url}/approve/{request.id}",
            "signed_text": request.payload.shown,
        }
        if request.seal_test is not None:
            data["seal_text"] = request.seal_test.shown
        self._json(201, data, cors_origin=origin)

    # --- /approve: the agent's own page ---

    def _approve(self, request_id: str) -> None:
        origin = self._origin()
        own = self.agent.own_origins
        # A GET navigation carries no Origin; any other origin is a page reaching in from outside.
        if origin is not None and origin not in own:
            self._error(403, "origin_not_allowed", APPROVE_FOREIGN_ORIGIN)
            return
        if not REQUEST_ID.fullmatch(request_id):
            request_id = ""
        if self.command == "GET":
            self._outcome(self.agent.requests.for_page(request_id))
            return
        if self.command != "POST":
            self._error(405, "method_not_allowed", METHOD_NOT_ALLOWED)
            return
        # The form may be posted only by the agent's own page, never by the asking site.
        if origin is None:
            self._error(403, "origin_not_allowed", APPROVE_FOREIGN_ORIGIN)
            return
        raw = self._body("application/x-www-form-urlencoded")
        if raw is None:
            return
        form = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=10)

        def field(name: str) -> str:
            values = form.get(name) or [""]
            return values[0]

        action, token = field("action"), field("form_token")
        if action == "approve":
            outcome = self.agent.requests.approve(request_id, token, field("pin"))
            if outcome.kind == DONE:
                logger.info("sign request %s signed", request_id)
        elif action == "reject":
            outcome = self.agent.requests.reject(request_id, token)
        else:
            outcome = self.agent.requests.for_page(request_id)
        self._outcome(outcome)

    def _outcome(self, outcome: Outcome) -> None:
        if outcome.kind == "form":
            assert outcome.request is not None
            self._html(pages.approve_form(outcome.request, outcome.message or None, outcome.hints))
        elif outcome.kind == "unknown":
            self._html(pages.notice(outcome.message, kind=outcome.kind), status=HTTPStatus.NOT_FOUND)
        else:
            self._html(pages.notice(outcome.message, kind=outcome.kind, request=outcome.request))
