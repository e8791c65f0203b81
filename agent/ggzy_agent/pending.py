"""Sign requests between the web page asking and the user answering on the agent's own page."""

from __future__ import annotations

import base64
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .certinfo import SIGNATURE_ALGORITHMS
from .errors import (
    FORM_EXPIRED,
    PIN_EMPTY,
    REQUEST_BUSY,
    REQUEST_DONE,
    REQUEST_EXPIRED,
    REQUEST_NOT_FOUND,
    REQUEST_REJECTED,
    TOO_MANY_REQUESTS,
    AgentError,
    KeyLocked,
    SigningFailed,
    WrongPin,
)
from .inventory import CertificateEntry, Inventory, pin_key
from .signing import SEAL, Payload

REQUEST_TTL_SECONDS = 300  # a request not approved within 5 minutes expires
KEEP_SECONDS = 2 * REQUEST_TTL_SECONDS  # how long a finished request can still be asked about
# Wrong PINs are counted per key, not per request: see pinguard.py.
MAX_PENDING = 20  # a page must not be able to fill memory or flood the user with PIN pages

PENDING = "pending"
DONE = "done"
REJECTED = "rejected"
EXPIRED = "expired"
FAILED = "failed"

WAITING_FOR_PIN = "等待用户在证书助手页面输入PIN码。"


class TooManyRequests(AgentError):
    code = "too_many_requests"

    def __init__(self) -> None:
        super().__init__(TOO_MANY_REQUESTS)


@dataclass
class SignRequest:
    id: str
    origin: str
    purpose: str
    nonce: str
    certificate: CertificateEntry
    payload: Payload  # what is signed and what the PIN window shows
    created_at: float
    form_token: str  # only the agent's own page knows it; the asking page knows just the id
    status: str = PENDING
    message: str | None = None
    error: str | None = None  # why it failed, as a code pages can act on
    locked_until: str | None = None  # when the key's wrong-PIN lock ends (ISO 8601, local offset)
    signature: bytes | None = None
    busy: bool = False
    seal_test: Payload | None = None  # a detection's test seal, signed with the same PIN
    seal_signature: bytes | None = None


@dataclass(frozen=True)
class Outcome:
    """What the approve page shows after a GET or POST."""

    kind: str  # "form", "busy", DONE, REJECTED, EXPIRED, FAILED, or "unknown"
    request: SignRequest | None
    message: str = ""  # for "form": an error shown above the PIN field, if any
    hints: tuple[str, ...] = ()  # for "form": what follows from it (tries left, the token's warning)


class SignRequests:
    def __init__(self, inventory: Inventory, clock: Callable[[], float] = time.monotonic):
        self.inventory = inventory
        self.clock = clock
        self._requests: dict[str, SignRequest] = {}
        self._lock = threading.Lock()

    # --- housekeeping (call with the lock held) ---

    def _refresh(self) -> None:
        now = self.clock()
        for request_id, request in list(self._requests.items()):
            age = now - request.created_at
            if request.status == PENDING and not request.busy and age >= REQUEST_TTL_SECONDS:
                request.status, request.message = EXPIRED, REQUEST_EXPIRED
            if age >= KEEP_SECONDS:
                del self._requests[request_id]

    # --- the asking page ---

    def create(
        self,
        *,
        origin: str,
        purpose: str,
        nonce: str,
        certificate: CertificateEntry,
        payload: Payload,
        seal_test: Payload | None = None,
    ) -> SignRequest:
        with self._lock:
            self._refresh()
            if sum(r.status == PENDING for r in self._requests.values()) >= MAX_PENDING:
                raise TooManyRequests()
            request = SignRequest(
                id=secrets.token_urlsafe(16),
                origin=origin,
                purpose=purpose,
                nonce=nonce,
                certificate=certificate,
                payload=payload,
                created_at=self.clock(),
                form_token=secrets.token_urlsafe(16),
                seal_test=seal_test,
            )
            self._requests[request.id] = request
            return request

    def result_for(self, request_id: str, origin: str) -> dict[str, object] | None:
        """The request's state for the page that created it; None for anyone else, as if unknown.

        A signature is handed over once and then forgotten.
        """
        with self._lock:
            self._refresh()
            request = self._requests.get(request_id)
            if request is None or not hmac.compare_digest(request.origin, origin):
                return None
            if request.status == PENDING:
                tries_left = self.inventory.pin_guard.tries_left(pin_key(request.certificate))
                return {"status": PENDING, "message": WAITING_FOR_PIN, "tries_left": tries_left}
            if request.status != DONE:
                answer: dict[str, object] = {"status": request.status, "message": request.message}
                if request.error:
                    answer["error"] = request.error
                if request.locked_until:
                    answer |= {"locked_until": request.locked_until, "tries_left": 0}
                return answer
            del self._requests[request_id]
            assert request.signature is not None
            algorithm = request.certificate.info.algorithm
            signed: dict[str, object] = (
                {"signed_attributes": base64.b64encode(request.payload.data).decode("ascii")}
                if request.purpose == SEAL
                else {"signed_text": request.payload.shown}
            )
            if request.seal_test is not None:
                assert request.seal_signature is not None
                signed["seal"] = {
                    "signed_attributes": base64.b64encode(request.seal_test.data).decode("ascii"),
                    "signature": base64.b64encode(request.seal_signature).decode("ascii"),
                }
            return {
                "status": DONE,
                "certificate": request.certificate.info.pem,
                **signed,
                "signature": base64.b64encode(request.signature).decode("ascii"),
                "algorithm": algorithm,
                "signature_algorithm": SIGNATURE_ALGORITHMS[algorithm],
            }

    # --- the agent's own page ---

    def for_page(self, request_id: str) -> Outcome:
        with self._lock:
            self._refresh()
            return self._outcome(self._requests.get(request_id))

    def _outcome(self, request: SignRequest | None) -> Outcome:
        if request is None:
            return Outcome("unknown", None, REQUEST_NOT_FOUND)
        if request.busy:
            return Outcome("busy", request, REQUEST_BUSY)
        if request.status == PENDING:
            return Outcome("form", request)
        if request.status == DONE:
            return Outcome(DONE, request, REQUEST_DONE)
        return Outcome(request.status, request, request.message or "")

    def _take_for_answer(self, request_id: str, form_token: str) -> tuple[SignRequest | None, Outcome | None]:
        self._refresh()
        request = self._requests.get(request_id)
        outcome = self._outcome(request)
        if outcome.kind != "form":
            return None, outcome
        assert request is not None
        if not hmac.compare_digest(request.form_token.encode(), form_token.encode()):
            return None, Outcome("form", request, FORM_EXPIRED)
        return request, None

    def reject(self, request_id: str, form_token: str) -> Outcome:
        with self._lock:
            request, outcome = self._take_for_answer(request_id, form_token)
            if request is None:
                assert outcome is not None
                return outcome
            request.status, request.message = REJECTED, REQUEST_REJECTED
            return self._outcome(request)

    def approve(self, request_id: str, form_token: str, pin: str) -> Outcome:
        """Signs with the PIN the user typed; the PIN is used for this call only and never kept."""
        with self._lock:
            request, outcome = self._take_for_answer(request_id, form_token)
            if request is None:
                assert outcome is not None
                return outcome
            if not pin:
                return Outcome("form", request, PIN_EMPTY)
            request.busy = True
        try:
            signature = self.inventory.sign(request.certificate, pin, request.payload.data)
            seal_signature = (
                self.inventory.sign(request.certificate, pin, request.seal_test.data)
                if request.seal_test is not None
                else None
            )
        except WrongPin as exc:
            hints = [exc.warning] if exc.warning else []
            if exc.tries_left is not None:
                hints.append(self.inventory.pin_guard.tries_message(exc.tries_left))
            with self._lock:
                request.busy = False
                return Outcome("form", request, exc.message, tuple(hints))
        except SigningFailed as exc:
            with self._lock:
                request.busy = False
                request.status, request.message, request.error = FAILED, exc.message, exc.code
                if isinstance(exc, KeyLocked):
                    request.locked_until = exc.until
                return self._outcome(request)
        except BaseException:
            with self._lock:
                request.busy = False
            raise
        with self._lock:
            request.busy = False
            request.status, request.signature, request.message = DONE, signature, REQUEST_DONE
            request.seal_signature = seal_signature
            return self._outcome(request)
