"""Every URL with a path parameter, asked for every object of the demo by every kind of actor.

The demo is loaded as `make run` loads it (load_demo, load_demo_staff, make_demo_pki,
make_demo_tsa), then taken a few steps further the way its users would (journeys.py): the demo
units at their centers, practitioners in review and approved, activated personal certificates,
bound certificates, a seal, documents, a sealed and submitted 诚信承诺书, an unbind request, review
items, a visitor's 签章检测 sample. Each (actor, url) is judged by the owner rule alone, read from
the object's own row: an object belongs to its subject, and to the centers it lives at (their
staff, and platform staff, may see it); a 签章检测 sample to the browser session that made it;
Django's admin to platform operators. A 2xx on an object that is not the actor's is a leak; a POST
by a non-owner must change nothing (every write leaves an audit row); no answer is a 5xx. And the
owners are let in: every real object is answered 2xx to one of its owners on each of its pages, so
a sweep that answers 404 to everyone cannot pass.

The URL patterns are read from the resolver, so a new URL is swept as soon as it exists: one under
an object owners.py knows (a new action on a record, say) with that object's ids and owners, one
with a parameter owners.py has no generator for fails the test until one is added there.
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from centers.models import Center, CertificateActivation
from core.models import AuditEntry
from pki import services as pki_services
from registry.auth import ACTING_PERSON_KEY, AUTH_METHOD_KEY, CERTIFICATE, PASSWORD
from registry.management.commands import load_demo
from registry.models import Account, Subject
from review.models import StaffMember
from tests.access import journeys
from tests.access.owners import NOBODY, OBJECTS, Owner, cases_for

pytestmark = pytest.mark.django_db

LOGIN = "registry:login"


# --- the demo, as `make run` loads it -----------------------------------------------------------


@pytest.fixture
def quiet_requests():
    """Thousands of 403s and 404s are the point here, not news; a 5xx is counted by the test."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture
def demo(settings, tmp_path, monkeypatch, quiet_requests) -> Path:
    # Sessions in memory: each of the sweep's requests would otherwise read its session row.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.VAR_DIR = tmp_path / "var"
    settings.GGZY_TSA_DIR = tmp_path / "var" / "tsa"
    settings.GGZY_TRUST_DIR = tmp_path / "var" / "trust"
    # make_demo_pki points SOFTHSM2_CONF at its token; the variable goes back after the test.
    monkeypatch.setenv("SOFTHSM2_CONF", str(tmp_path / "none.conf"))
    call_command("load_demo", stdout=_quiet())
    settings.DEBUG = True  # as the Makefile runs load_demo_staff (DEBUG=1)
    call_command("load_demo_staff", quiet=True)
    settings.DEBUG = False
    call_command(
        "make_demo_pki",
        origin=["http://127.0.0.1:8000", "http://localhost:8000"],
        stdout=_quiet(),
    )
    call_command("make_demo_tsa", stdout=_quiet())
    settings.GGZY_TSA_URL = ""  # seals are time-stamped by the platform's own TSA, in-process
    journeys.run(Path(settings.VAR_DIR))
    return Path(settings.VAR_DIR)


def _quiet() -> io.StringIO:
    return io.StringIO()


# --- who asks ------------------------------------------------------------------------------------


@dataclass
class Who:
    label: str
    client: Client
    subject_id: int | None = None
    center_id: int | None = None
    staff: bool = False  # a back-office staff member
    platform: bool = False  # a platform operator: every center, and Django's admin

    @property
    def session(self) -> str | None:
        """The hash the platform keeps of this browser's session (signing's 签章检测 samples)."""
        cookie = self.client.cookies.get(django_settings.SESSION_COOKIE_NAME)
        return pki_services.session_hash(cookie.value) if cookie and cookie.value else None


def _client(account: Account | None, **session: Any) -> Client:
    client = Client(raise_request_exception=False)
    if account is not None:
        client.force_login(account)
        stored = client.session
        stored.update(session)
        stored.save()
    return client


def actors(var: Path) -> list[Who]:
    visitor = _client(None)
    journeys.detect_sample(visitor, var)
    who = [Who("anonymous", visitor)]
    for subject in Subject.objects.select_related("account").order_by("pk"):
        who.append(
            Who(
                f"subject {subject.name}",
                _client(subject.account, **{AUTH_METHOD_KEY: CERTIFICATE}),
                subject.pk,
            )
        )
    # A practitioner logged in with their own activated certificate, acting for the unit.
    activated = (
        CertificateActivation.unscoped.filter(revoked_at__isnull=True)
        .select_related("practitioner__center_subject__subject__account", "center")
        .order_by("pk")
        .first()
    )
    if activated is not None:
        acting = activated.practitioner
        unit = acting.center_subject.subject
        session = {
            AUTH_METHOD_KEY: CERTIFICATE,
            ACTING_PERSON_KEY: {
                "practitioner": acting.pk,
                "center": activated.center.code,
                "label": acting.name,
            },
        }
        who.append(Who(f"practitioner acting for {unit.name}", _client(unit.account, **session), unit.pk))
    for member in StaffMember.objects.select_related("account", "center").order_by("pk"):
        label = f"staff {member.account.username} ({'/'.join(member.roles)})"
        who.append(
            Who(
                label,
                _client(member.account, **{AUTH_METHOD_KEY: PASSWORD}),
                center_id=member.center_id,
                staff=True,
                platform=member.center_id is None,
            )
        )
    operator = Account.objects.get(username=load_demo.STAFF_USERNAME)
    who.append(Who("platform operator (admin)", _client(operator), platform=True))
    return who


# --- whose things are whose (owners.py) ---------------------------------------------------------


def allowed(who: Who, owner: Owner | None) -> bool:
    if owner is None:  # the URL names nothing that belongs to anybody (a kind, a center, a token)
        return True
    if who.subject_id is not None and who.subject_id in owner.subjects:
        return True
    if who.center_id is not None and who.center_id in owner.centers:
        return True
    if owner.sessions and who.session in owner.sessions:
        return True
    if who.platform and (owner.centers or owner.admin):
        return True
    return who.staff and owner.staff


def patterns(resolvers: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from patterns(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def with_parameters() -> list[tuple[str, URLPattern]]:
    return [(route, p) for route, p in patterns(get_resolver().url_patterns) if p.pattern.regex.groupindex]


def url_for(route: str, kwargs: dict[str, Any]) -> str:
    """The route with its parameters filled in (path converters and the admin's regex groups)."""
    path = route
    for key, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{key}>|\(\?P<{key}>[^)]*\)", lambda _, v=value: str(v), path)
    return "/" + path.replace("^", "").replace("$", "")


@dataclass
class Tally:
    requests: int = 0
    leaks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # (url, what its owners were answered): each a status, or "in" when let in
    owned: list[tuple[str, list[int | str]]] = field(default_factory=list)


def test_no_actor_reaches_what_is_not_theirs(demo, capsys):
    who = actors(demo)  # before the cases: a visitor's 签章检测 sample is made on the way
    routes = with_parameters()
    cases = {route: cases_for(route, set(p.pattern.regex.groupindex)) for route, p in routes}
    missing = [route for route, listed in cases.items() if listed is None]
    assert not missing, f"URL patterns with parameters and no id generator in owners.py: {missing}"
    stale = sorted(prefix for prefix in OBJECTS if not any(route.startswith(prefix) for route in cases))
    assert not stale, f"generators for URLs that no longer exist: {stale}"

    # A URL naming nobody's object (a center, a kind, a token) asks only whether the page holds
    # up, which depends on the kind of actor, not on which one: one of each kind asks it.
    kinds = {_kind(actor): actor for actor in reversed(who)}
    codes = dict(Center.objects.values_list("code", "pk"))
    tally = Tally()
    started = time.monotonic()
    for route, listed in cases.items():
        for kwargs, owner in listed or []:
            url = url_for(route, kwargs)
            answers: list[int | str] = []
            for actor in who if owner is not None else kinds.values():
                mine = allowed(actor, owner)
                response = actor.client.get(url)
                tally.requests += 1
                _judge(tally, actor, "GET", url, response.status_code, mine, changed=False)
                if mine:
                    answers.append(_let_in(response))
                if mine or owner is None or route.startswith("admin/"):
                    continue
                # A non-owner's POST (withdraw, unbind, retire, claim, deactivate …) changes nothing.
                before = AuditEntry.objects.count()
                response = actor.client.post(url)
                tally.requests += 1
                changed = AuditEntry.objects.count() != before
                _judge(tally, actor, "POST", url, response.status_code, mine, changed=changed)
            if _at_home(owner, kwargs, codes):
                tally.owned.append((url, answers))
    seconds = time.monotonic() - started
    shut = _shut_out(tally.owned)
    let_in = sum("in" in answers for _, answers in tally.owned)
    with capsys.disabled():  # the figures show in every run, not only with -s
        print(
            f"\naccess sweep: {tally.requests} requests, {len(who)} actors, {len(routes)} URL patterns, "
            f"{sum(len(c or []) for c in cases.values())} URLs, {len(tally.leaks)} leaks, "
            f"{len(tally.errors)} 5xx; owners let in on {let_in} of {len(tally.owned)} URLs naming a real "
            f"object where it lives (the rest POST-only), {len(shut)} shut out; {seconds:.1f}s"
        )
    assert not tally.leaks, "\n".join(tally.leaks[:50])
    assert not tally.errors, "\n".join(tally.errors[:50])
    assert not shut, "\n".join(shut[:50])


def _kind(actor: Who) -> str:
    if actor.staff:
        return "platform staff" if actor.platform else "center staff"
    if actor.platform:
        return "operator"
    if actor.subject_id is None:
        return "anonymous"
    return "acting" if actor.label.startswith("practitioner") else "subject"


def _judge(
    tally: Tally, actor: Who, method: str, url: str, status: int, mine: bool, *, changed: bool
) -> None:
    if status >= 500:
        tally.errors.append(f"{status} {method} {url} as {actor.label}")
    elif not mine and (200 <= status < 300 or changed):
        tally.leaks.append(f"{status} {method} {url} as {actor.label}{' (changed state)' if changed else ''}")


def _at_home(owner: Owner | None, kwargs: dict[str, Any], codes: dict[str, int]) -> bool:
    """Whether the URL names a real object where it lives, so that one of its owners must be let
    in: someone's (not loosely), asked under its own center."""
    if owner is None or owner == NOBODY or owner.loose:
        return False
    return "center" not in kwargs or codes.get(kwargs["center"]) in owner.centers


def _let_in(response: Any) -> int | str:
    """Whether the page let the actor in ("in"): it answered, or sent them on somewhere other than
    the login page (a basic record to 基本信息); else the status it answered."""
    status = response.status_code
    if 200 <= status < 300 or (300 <= status < 400 and urlsplit(response.url).path != reverse(LOGIN)):
        return "in"
    return status


def _shut_out(owned: list[tuple[str, list[int | str]]]) -> list[str]:
    """Objects none of whose owners was let in. An action that takes only POST answers a GET 405
    before it looks at anyone (require_POST): that says nothing either way."""
    return [
        f"{url}: its owners were answered {sorted(set(map(str, answers)))}"
        for url, answers in owned
        if "in" not in answers and 405 not in answers
    ]
