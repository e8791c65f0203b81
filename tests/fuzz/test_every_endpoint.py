"""The request fuzz: every URL pattern of the project, GET and POST, with path parameters that are
huge, negative, zero or not numbers at all, and bodies that are broken JSON, wrong types, overlong
or NUL-laden forms, as four people: anyone, a unit logged in by certificate, the same unit by
password, and a center's staff member. Whatever they send, the answer is never a server error.

DEBUG is off and the client does not re-raise, so a view's exception is the 500 a user would see;
the assertion carries its traceback. Derandomized and small per pattern, so the whole walk is a
fixed set of requests that takes seconds, not a search that differs from run to run.
"""

from __future__ import annotations

import functools
import json
import traceback
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.test.client import ClientHandler
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from centers.models import Center
from core.audit import Actor as UnitActor
from registry.auth import AUTH_METHOD_KEY, CERTIFICATE, PASSWORD
from registry.models import Account
from signing import services as signing_services
from tests.centers.factories import center
from tests.centers.people_factories import make_agency, stored
from tests.fuzz import endpoints
from tests.review import parts

pytestmark = pytest.mark.django_db

ENDPOINTS = endpoints.endpoints()
AREAS: dict[str, list[endpoints.Endpoint]] = {}
for _endpoint in ENDPOINTS:
    AREAS.setdefault(_endpoint.route.strip("/").split("/")[0] or "portal", []).append(_endpoint)
EXAMPLES_PER_ENDPOINT = 8
REQUESTS: dict[str, int] = {}  # route -> requests sent, for the summary at the end


class Actor:
    """A person and their logged-in client. The client is kept while the session stays as it was;
    a response that touches the session cookie (a fuzzed logout, a login, a flushed session) gets
    the next request a fresh login, so each request is sent as the person it claims to be."""

    def __init__(self, name: str, account: Any = None, method: str | None = None) -> None:
        self.name, self.account, self.method = name, account, method
        self._client: Client | None = None

    def client(self) -> Client:
        if self._client is None:
            self._client = Client(raise_request_exception=False)
            self._client.handler = _handler()
            if self.account is not None:
                self._client.force_login(self.account)
                if self.method:
                    session = self._client.session
                    session[AUTH_METHOD_KEY] = self.method
                    session.save()
        return self._client

    def after(self, response: Any) -> None:
        if settings.SESSION_COOKIE_NAME in response.cookies:
            self._client = None


@functools.cache
def _handler() -> ClientHandler:
    """One handler for every client: each new one loads the middleware again, and WhiteNoise's
    walk over the static files would then be most of the fuzz's time."""
    return ClientHandler(enforce_csrf_checks=False)  # as Client() has it: the fuzz is for the views


def _world(unit: Any) -> None:
    """Something behind the ids the fuzz tries first: the unit's stored file, seal and document,
    and a review item in the staff member's center (each the first of its kind, so id 1 on a
    fresh database; ids drawn at random find them now and then elsewhere)."""
    by_certificate = UnitActor(user=unit, auth_method="certificate")
    stored(unit)
    signing_services.seal_create_unit(actor=by_certificate, subject=unit.subject)
    subject = unit.subject
    context = {"center_name": "交易中心", "subject_name": subject.name, "subject_code": subject.code}
    signing_services.document_create(
        actor=by_certificate,
        subject=subject,
        kind="integrity_commitment",
        title="诚信承诺书",
        context=context,
    )
    parts.open_item(parts.center_subject("hengyang"))


@pytest.fixture
def actors(settings) -> list[Actor]:
    settings.DEBUG = False
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    unit, _ = make_agency(center())  # a unit that has entered a center, so the center pages open
    member = parts.staff("fuzz_staff", "hengyang", "reviewer", "support", "admin", name="王芳")
    _world(unit)
    return [
        Actor("anonymous"),
        Actor("unit by certificate", unit, CERTIFICATE),
        Actor("unit by password", unit, PASSWORD),
        Actor("center staff", member.account),
        # Django's admin is for platform operators (staff of no center): the only actor it lets in.
        Actor("platform operator", Account.objects.create_superuser("fuzz_operator", "Fuzz2026operator")),
    ]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    kind: str  # query | json | form | multipart
    body: Any

    def send(self, client: Client) -> Any:
        if self.kind == "query":
            return client.get(self.path, self.body)
        if self.kind == "json":
            return client.post(self.path, self.body, content_type="application/json")
        if self.kind == "form":
            return client.post(
                self.path, urlencode(self.body), content_type="application/x-www-form-urlencoded"
            )
        return client.post(self.path, self.body)

    def __str__(self) -> str:
        body = repr(self.body)
        return f"{self.method} {self.path} ({self.kind}) {body[:300]}{'…' if len(body) > 300 else ''}"


def requests(endpoint: endpoints.Endpoint, slugs: list[str], fields: list[str]) -> st.SearchStrategy[Request]:
    path = endpoints.paths(endpoint, slugs)
    return st.one_of(
        st.builds(Request, st.just("GET"), path, st.just("query"), endpoints.form_data(fields)),
        st.builds(Request, st.just("POST"), path, st.just("json"), endpoints.json_bodies(fields)),
        st.builds(
            Request,
            st.just("POST"),
            path,
            st.sampled_from(["form", "multipart"]),
            endpoints.form_data(fields),
        ),
    )


def check(actor: Actor, request: Request, endpoint: endpoints.Endpoint) -> Any:
    response = request.send(actor.client())
    actor.after(response)
    REQUESTS[endpoint.route] = REQUESTS.get(endpoint.route, 0) + 1
    if response.status_code >= 500:
        raised = (
            "".join(traceback.format_exception(*response.exc_info)) if response.exc_info else "(no exception)"
        )
        pytest.fail(
            f"{response.status_code} for {actor.name}: {request}\nview {endpoint.view}\n{raised}",
            pytrace=False,
        )
    return response


def _let_in(response: Any) -> bool:
    """Whether the endpoint served this person rather than sending them to a login or away."""
    if response.status_code in (401, 403, 404, 405):
        return False
    return not (300 <= response.status_code < 400 and "login" in response.get("Location", ""))


@pytest.mark.parametrize("area", sorted(AREAS))
def test_no_request_is_a_server_error(area, actors):
    """Each area (the first part of the path: an app, or Django's admin) in one test, so the
    people and their world are made once for it; every endpoint is walked even when one fails,
    and the failure names them all."""
    slugs = [*Center.objects.order_by("code").values_list("code", flat=True), *endpoints.domain_words()]
    failures = []
    for endpoint in AREAS[area]:
        try:
            walk(endpoint, actors, slugs)
        except pytest.fail.Exception as failure:
            failures.append(str(failure))
    sent = sum(REQUESTS.get(endpoint.route, 0) for endpoint in AREAS[area])
    print(f"{area}: {len(AREAS[area])} URL patterns, {sent} requests")  # shown with -rP
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


def walk(endpoint: endpoints.Endpoint, actors: list[Actor], slugs: list[str]) -> None:
    sample = endpoints.sample_path(endpoint, slugs)

    # First the page as each person sees it (ids of 1 name the world's objects, and a real center):
    # its inputs are the fields the fuzz then posts.
    page: dict[str, str] = {}
    capable: list[Actor] = []
    for actor in actors:
        response = check(actor, Request("GET", sample, "query", {}), endpoint)
        if "html" in response.get("Content-Type", ""):
            page = endpoints.page_fields(response.content.decode(errors="replace")) | page
        if response.status_code == 405:  # a POST-only action: does it let this person in?
            response = check(actor, Request("POST", sample, "form", {}), endpoint)
        if _let_in(response):
            capable.append(actor)
    capable = capable or actors
    names = sorted(set(page) | set(endpoints.COMMON_FIELDS))
    blanks = {name: page.get(name) or "" for name in names}

    # The bodies that broke endpoints before, to the real path, each as one of the people the
    # endpoint lets in, in turn: the page's own values with every blank a number past 64 bits,
    # a word (and a `next` without a slash) or NULs; broken JSON.
    fixed = [
        Request("POST", sample, "form", {name: value or str(2**64) for name, value in blanks.items()}),
        Request(
            "POST",
            sample,
            "form",
            {**{name: value or "foo" for name, value in blanks.items()}, "next": "foo"},
        ),
        Request(
            "POST",
            sample,
            "multipart",
            {name: value or "\x00" + "x" * 5000 for name, value in blanks.items()},
        ),
        Request("GET", sample, "query", dict.fromkeys(names, "\x00" + "9" * 30)),
        Request("POST", sample, "json", "null"),
        Request("POST", sample, "json", "[" * 5000),
        Request("POST", sample, "json", '{"purpose": "log'),
        Request("POST", sample, "json", json.dumps(dict.fromkeys(names, 2**64))),
    ]
    for index, request in enumerate(fixed):
        check(capable[index % len(capable)], request, endpoint)

    @hypothesis_settings(
        max_examples=EXAMPLES_PER_ENDPOINT,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(actor=st.sampled_from(actors), request=requests(endpoint, slugs, names))
    def fuzz(actor: Actor, request: Request) -> None:
        check(actor, request, endpoint)

    fuzz()
