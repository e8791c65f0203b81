"""Fixtures for CA办理申请: the platform's CA settings, a stand-in receiver for outbox posts, the demo
CA's URLs, and a unit whose basic information is complete enough to apply."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from registry import services
from tests.conftest import actor
from tests.factories import basic_record, unit_basic_data

INTAKE_TOKEN = "test-intake-token"
CALLBACK_TOKEN = "test-callback-token"


@dataclass
class Receiver:
    """An HTTP server on a free loopback port that records every POST. `answers` are the status
    codes to give, in order; once they are used up it answers 200."""

    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            # Recorded before the answer goes out, so the sender sees it once its call returns.
            box.requests.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
            status = box.answers.pop(0) if box.answers else 200
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", "/elsewhere/")
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"status": "%d"}' % status)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A short poll interval keeps shutdown() quick at teardown.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    box.url = f"http://127.0.0.1:{server.server_port}/inbox/"
    yield box
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(autouse=True)
def ca_settings(settings):
    """Known tokens, and addresses nobody answers: a test that posts points them at a receiver
    (tests inside one transaction never post, since nothing commits)."""
    settings.GGZY_CA_INTAKE_URL = "http://ca.invalid/intake/"
    settings.GGZY_CA_INTAKE_TOKEN = INTAKE_TOKEN
    settings.GGZY_CA_CALLBACK_URL = "http://platform.invalid/callback/"
    settings.GGZY_CA_CALLBACK_TOKEN = CALLBACK_TOKEN
    return settings


@pytest.fixture
def ca_at_receiver(settings, receiver):
    """Both ends of the CA exchange post to the receiver."""
    settings.GGZY_CA_INTAKE_URL = receiver.url
    settings.GGZY_CA_CALLBACK_URL = receiver.url
    return receiver


@pytest.fixture
def demo_ca_urls(settings):
    settings.GGZY_DEMO_CA = True
    settings.ROOT_URLCONF = "tests.ca_applications.urls"


def save_basic(account, **overrides: Any) -> None:
    """Save (not submit) the unit's basic information, complete unless overridden."""
    record = basic_record(account)
    services.record_save(
        actor=actor(account),
        record=record,
        data=unit_basic_data(account, **overrides),
        expected_revision=record.draft.revision,
    )


@pytest.fixture
def ready_unit(unit):
    """A unit that has saved its legal representative's details: it may apply."""
    save_basic(unit)
    return unit


def form_post(data: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A stored data dict as the edit form posts it (attachments by id)."""
    post = {
        key: str(value["id"]) if isinstance(value, dict) else ("" if value is None else value)
        for key, value in data.items()
    }
    post.update(extra)
    return post
