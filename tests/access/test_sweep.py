"""Every URL with a path parameter, asked for every object of the demo by every kind of actor.

The demo is loaded as `make run` loads it (load_demo, load_demo_staff, make_demo_pki,
make_demo_tsa), then taken a few steps further the way its users would (_journeys below):
the demo units at their centers, practitioners, a bound certificate, a seal, a document, an unbind
request, review items. Each (actor, url) is judged by the owner rule alone: an object belongs to its
subject, and to the centers it lives at (their staff, and platform staff, may see it); Django's
admin belongs to platform operators. A 2xx on an object that is not the actor's is a leak; a
POST by a non-owner must change nothing (every write leaves an audit row); no answer is a 5xx.

The URL patterns are read from the resolver, so a new URL is swept as soon as it exists: one with
a parameter this file has no generator for fails the test until one is added here.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from centers.models import (
    Center,
    CenterSubject,
    CertificateActivation,
    Practitioner,
    PractitionerField,
    SubjectType,
    UnbindRequest,
)
from core.models import AuditEntry
from pki.models import BoundCertificate
from registry.auth import ACTING_PERSON_KEY, AUTH_METHOD_KEY, CERTIFICATE, PASSWORD
from registry.management.commands import load_demo
from registry.models import Account, Attachment, Record, RecordKind, RecordVersion, Subject
from review.models import CalendarDay, ReviewItem, StaffMember, StaffRole
from signing.models import Document, Seal, SealCertificate, SealRequest

pytestmark = pytest.mark.django_db

MISSING = 987654  # an id no demo object has


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
def demo(settings, tmp_path, monkeypatch, quiet_requests) -> None:
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
    _journeys(Path(settings.VAR_DIR))


def _quiet() -> io.StringIO:
    return io.StringIO()


def _journeys(var: Path) -> None:
    """What the demo's users do next, through the services, so that every kind of object the
    URLs name exists: the units at their centers (the sync's result, made directly as the
    centers' tests do), practitioners in review, a bound certificate, a seal, a document, an
    unbind request, and a center administrator at each center (the demo has reviewers and support only)."""
    from centers import practitioners as practitioner_services
    from pki import services as pki_services
    from review.services_admin import staff_member_seed
    from signing import services as signing_services
    from tests.centers.people_factories import all_documents, details, enter, make_unbind_request, unit_actor

    hengyang, changde = Center.objects.get(code="hengyang"), Center.objects.get(code="changde")
    valid = Account.objects.get(subject__code=load_demo.UNIT_VALID)
    changing = Account.objects.get(subject__code=load_demo.UNIT_CHANGING)
    entries = {
        "valid": enter(valid, hengyang, (SubjectType.BIDDER, SubjectType.AGENCY)),
        "changing": enter(changing, changde, (SubjectType.AGENCY,)),
        "changing_hengyang": enter(changing, hengyang, (SubjectType.AGENCY,)),
    }
    for key, account in (("valid", valid), ("changing", changing)):
        entry = entries[key]
        made = practitioner_services.practitioner_create(
            actor=unit_actor(account),
            center=entry.center,
            center_subject=entry,
            field=PractitionerField.CONSTRUCTION,
            details=details(name=f"{account.subject.name[:2]}从业人员"),
            documents=all_documents(account),
        )
        practitioner_services.practitioner_submit(actor=unit_actor(account), practitioner=made)
    # The demo's soft certificates, bound by their holders (as a first certificate login does).
    for crt in sorted((var / "agent" / "certs").glob("unit-*.crt")):
        holder = pki_services.certificate_check(certificate=crt.read_text())
        subject = Subject.objects.get(code=holder.code)
        pki_services.certificate_bind(
            actor=unit_actor(subject.account, "certificate"),
            subject=subject,
            holder=holder,
            how="first_login",
        )
    bound = BoundCertificate.objects.get(subject=valid.subject)
    # A unit's seal is tied to the certificates bound to it when it is made.
    signing_services.seal_create_unit(actor=unit_actor(valid, "certificate"), subject=valid.subject)
    # A 诚信承诺书 drawn up for sealing (the document pages name it by id).
    signing_services.document_create(
        actor=unit_actor(valid, "certificate"),
        subject=valid.subject,
        kind="integrity_commitment",
        title="诚信承诺书",
        context={
            "center_name": hengyang.name,
            "subject_name": valid.subject.name,
            "subject_code": valid.subject.code,
        },
    )
    make_unbind_request(valid, entries["valid"], bound)
    for center in Center.objects.all():
        staff_member_seed(
            username=f"{center.code}_admin",
            password="Staff2026ggzy",
            name=f"{center.name[:2]}管理员",
            department="办公室",
            roles=[StaffRole.ADMIN],
            id_number=_resident_id(center.pk),
            center=center,
        )


def _resident_id(n: int) -> str:
    from registry.identifiers import resident_id_check_char

    first17 = f"43010219800101{n:03d}"
    return first17 + resident_id_check_char(first17)


# --- who asks ------------------------------------------------------------------------------------


@dataclass
class Who:
    label: str
    client: Client
    subject_id: int | None = None
    center_id: int | None = None
    staff: bool = False  # a back-office staff member
    platform: bool = False  # a platform operator: every center, and Django's admin


def _client(account: Account | None, **session: Any) -> Client:
    client = Client(raise_request_exception=False)
    if account is not None:
        client.force_login(account)
        stored = client.session
        stored.update(session)
        stored.save()
    return client


def actors() -> list[Who]:
    who = [Who("anonymous", _client(None))]
    for subject in Subject.objects.select_related("account").order_by("pk"):
        who.append(
            Who(
                f"subject {subject.name}",
                _client(subject.account, **{AUTH_METHOD_KEY: CERTIFICATE}),
                subject.pk,
            )
        )
    acting = Practitioner.unscoped.select_related("center_subject__subject__account", "center").first()
    if acting is not None:
        unit = acting.center_subject.subject
        session = {
            AUTH_METHOD_KEY: CERTIFICATE,
            ACTING_PERSON_KEY: {
                "practitioner": acting.pk,
                "center": acting.center.code,
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


# --- whose things are whose ----------------------------------------------------------------------


@dataclass(frozen=True)
class Owner:
    subjects: frozenset[int] = frozenset()
    centers: frozenset[int] = frozenset()
    admin: bool = False  # Django's admin: platform operators'
    staff: bool = False  # any staff member's (the national working-day calendar)


NOBODY = Owner()


def allowed(who: Who, owner: Owner | None) -> bool:
    if owner is None:  # the URL names nothing that belongs to anybody (a kind, a center, a token)
        return True
    if who.subject_id is not None and who.subject_id in owner.subjects:
        return True
    if who.center_id is not None and who.center_id in owner.centers:
        return True
    if who.platform and (owner.centers or owner.admin):
        return True
    return who.staff and owner.staff


def _centers_of(subject_id: int) -> frozenset[int]:
    return frozenset(CenterSubject.unscoped.filter(subject_id=subject_id).values_list("center_id", flat=True))


def of_subject(subject_id: int, *, at_centers: bool = False) -> Owner:
    return Owner(frozenset({subject_id}), _centers_of(subject_id) if at_centers else frozenset())


def of_entry(entry: CenterSubject) -> Owner:
    return Owner(frozenset({entry.subject_id}), frozenset({entry.center_id}))


Case = tuple[dict[str, Any], Owner | None]
Generator = Callable[[], Iterator[Case]]


def _codes() -> list[str]:
    return [*Center.objects.values_list("code", flat=True), "nowhere"]


def sample(pks: list[Any]) -> list[Any]:
    """The first, a middle and the last row of a table whose rows all have one owner, and whose
    check does not depend on the row (Django's admin, the national calendar): every row would
    ask the same question again, and the audit log alone would make the sweep take minutes."""
    return sorted({pks[0], pks[len(pks) // 2], pks[-1]}) if pks else []


def records() -> Iterator[Case]:
    for record in Record.objects.all():
        yield {"pk": record.pk}, of_subject(record.subject_id)
    yield {"pk": MISSING}, NOBODY


def versions() -> Iterator[Case]:
    for version in RecordVersion.objects.select_related("record"):
        yield {"pk": version.pk}, of_subject(version.record.subject_id)
    yield {"pk": MISSING}, NOBODY


def registry_files() -> Iterator[Case]:
    # The registry's link serves the owner only; staff open files through the back-office.
    for attachment in Attachment.objects.all():
        yield {"pk": attachment.pk}, of_subject(attachment.subject_id)
    yield {"pk": MISSING}, NOBODY


def backoffice_files() -> Iterator[Case]:
    for attachment in Attachment.objects.all():
        yield {"pk": attachment.pk}, of_subject(attachment.subject_id, at_centers=True)
    yield {"pk": MISSING}, NOBODY


def record_kinds() -> Iterator[Case]:
    for kind in [*RecordKind.values, "nothing"]:
        yield {"kind": kind}, None


def reset_links() -> Iterator[Case]:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    for account in Account.objects.all():
        yield {"uidb64": urlsafe_base64_encode(force_bytes(account.pk)), "token": "set-password"}, None
    yield {"uidb64": "zzzz", "token": "bad-token"}, None


def certificates() -> Iterator[Case]:
    for bound in BoundCertificate.objects.all():
        yield {"pk": bound.pk}, of_subject(bound.subject_id)
    yield {"pk": MISSING}, NOBODY


def seals() -> Iterator[Case]:
    for seal in Seal.objects.all():
        yield {"pk": seal.pk}, of_subject(seal.subject_id)
    yield {"pk": MISSING}, NOBODY


def seal_certificates() -> Iterator[Case]:
    tied = [*SealCertificate.objects.select_related("seal"), None]
    for seal, certificate in itertools.product([*Seal.objects.all(), None], tied):
        seal_pk = seal.pk if seal else MISSING
        certificate_pk = certificate.pk if certificate else MISSING
        both = seal is not None and certificate is not None and certificate.seal_id == seal.pk
        yield (
            {"pk": seal_pk, "certificate_pk": certificate_pk},
            of_subject(seal.subject_id) if both else NOBODY,
        )


def documents() -> Iterator[Case]:
    for document in Document.objects.all():
        yield {"pk": document.pk}, of_subject(document.subject_id)
    yield {"pk": MISSING}, NOBODY


def document_pages() -> Iterator[Case]:
    for kwargs, owner in documents():
        for page in (1, 2):
            yield {**kwargs, "page": page}, owner


def seal_requests() -> Iterator[Case]:
    # A request belongs to the browser session that prepared it, which no actor here is.
    for request in SealRequest.objects.all():
        yield {"pk": request.pk}, NOBODY
    yield {"pk": uuid.uuid4()}, NOBODY


def agent_files() -> Iterator[Case]:
    # 下载证书助手: public files, by name; only the answer's kind (never a 5xx) is judged.
    for name in ["ggzy_agent-0.1.0-py3-none-any.whl", "settings.py", ".."]:
        yield {"name": name}, None


def centers_only() -> Iterator[Case]:
    for code in _codes():
        yield {"center": code}, None


def centers_and_fields() -> Iterator[Case]:
    for code, name in itertools.product(_codes(), [*PractitionerField.values, "nothing"]):
        yield {"center": code, "field": name}, None


def _at_every_center(objects: Iterator[tuple[int, Owner]]) -> Iterator[Case]:
    """Each object under every center's path (asking at the wrong center must not find it), and
    an id nobody has."""
    for (pk, owner), code in itertools.product(objects, _codes()):
        yield {"center": code, "pk": pk}, owner
    yield {"center": _codes()[0], "pk": MISSING}, NOBODY


def practitioners() -> Iterator[Case]:
    found = Practitioner.unscoped.select_related("center_subject")
    return _at_every_center((p.pk, of_entry(p.center_subject)) for p in found)


def activations() -> Iterator[Case]:
    found = CertificateActivation.unscoped.select_related("practitioner__center_subject")
    return _at_every_center((a.pk, of_entry(a.practitioner.center_subject)) for a in found)


def unbind_requests() -> Iterator[Case]:
    found = UnbindRequest.unscoped.select_related("center_subject")
    return _at_every_center((u.pk, of_entry(u.center_subject)) for u in found)


def center_subjects() -> Iterator[Case]:
    return _at_every_center((e.pk, of_entry(e)) for e in CenterSubject.unscoped.all())


def center_subject_types() -> Iterator[Case]:
    for (kwargs, owner), kind in itertools.product(center_subjects(), [SubjectType.AGENCY, "nothing"]):
        yield {**kwargs, "type": kind}, owner


def review_items() -> Iterator[Case]:
    for item in ReviewItem.objects.all():
        yield {"pk": item.pk}, Owner(centers=frozenset({item.center_id}))
    yield {"pk": MISSING}, NOBODY


def staff_members() -> Iterator[Case]:
    for member in StaffMember.objects.all():
        centers = frozenset({member.center_id}) if member.center_id else frozenset()
        yield {"pk": member.pk}, Owner(centers=centers, admin=member.center_id is None)
    yield {"pk": MISSING}, NOBODY


def calendar_days() -> Iterator[Case]:
    for pk in sample(list(CalendarDay.objects.order_by("pk").values_list("pk", flat=True))):
        yield {"pk": pk}, Owner(staff=True)
    yield {"pk": MISSING}, NOBODY


GENERATORS: dict[str, Generator] = {
    "registry/password/reset/<uidb64>/<token>/": reset_links,
    "registry/records/<int:pk>/": records,
    "registry/records/<int:pk>/change/": records,
    "registry/records/<int:pk>/discard/": records,
    "registry/records/<int:pk>/void/": records,
    "registry/records/<int:pk>/unvoid/": records,
    "registry/records/<int:pk>/delete/": records,
    "registry/history/<int:pk>/": versions,
    "registry/attachments/<int:pk>/": registry_files,
    "registry/<slug:kind>/": record_kinds,
    "registry/<slug:kind>/new/": record_kinds,
    "pki/agent/<str:name>": agent_files,
    "pki/certificates/<int:pk>/": certificates,
    "pki/certificates/<int:pk>/unbind/": certificates,
    "signing/seals/<int:pk>/": seals,
    "signing/seals/<int:pk>/image.png": seals,
    "signing/seals/<int:pk>/certificates/": seals,
    "signing/seals/<int:pk>/certificates/<int:certificate_pk>/remove/": seal_certificates,
    "signing/seals/<int:pk>/retire/": seals,
    "signing/documents/<int:pk>/": documents,
    "signing/documents/<int:pk>/pages/<int:page>.png": document_pages,
    "signing/documents/<int:pk>/document.pdf": documents,
    "signing/documents/<int:pk>/seal/": documents,
    "signing/detect/<uuid:pk>/page.png": seal_requests,
    "signing/detect/<uuid:pk>/sample.pdf": seal_requests,
    "centers/<slug:center>/": centers_only,
    "centers/<slug:center>/profile/": centers_only,
    "centers/<slug:center>/profile/withdraw/": centers_only,
    "centers/<slug:center>/commitment/": centers_only,
    "centers/<slug:center>/types/": centers_only,
    "centers/<slug:center>/role/": centers_only,
    "centers/<slug:center>/register/": centers_only,
    "centers/<slug:center>/register/details/": centers_only,
    "centers/<slug:center>/practitioners/": centers_only,
    "centers/<slug:center>/practitioners/<int:pk>/": practitioners,
    "centers/<slug:center>/practitioners/<int:pk>/submit/": practitioners,
    "centers/<slug:center>/practitioners/<int:pk>/withdraw/": practitioners,
    "centers/<slug:center>/practitioners/<slug:field>/": centers_and_fields,
    "centers/<slug:center>/practitioners/<slug:field>/new/": centers_and_fields,
    "centers/<slug:center>/activation/": centers_only,
    "centers/<slug:center>/activation/<int:pk>/": practitioners,
    "centers/<slug:center>/activation/<int:pk>/activate/": practitioners,
    "centers/<slug:center>/activation/revoke/<int:pk>/": activations,
    "centers/<slug:center>/unbind/": centers_only,
    "centers/<slug:center>/unbind/new/": centers_only,
    "centers/<slug:center>/unbind/<int:pk>/": unbind_requests,
    "centers/<slug:center>/unbind/<int:pk>/withdraw/": unbind_requests,
    "backoffice/queue/<int:pk>/": review_items,
    "backoffice/queue/<int:pk>/claim/": review_items,
    "backoffice/queue/<int:pk>/release/": review_items,
    "backoffice/subjects/<slug:center>/<int:pk>/": center_subjects,
    "backoffice/subjects/<slug:center>/<int:pk>/commitment/": center_subjects,
    "backoffice/subjects/<slug:center>/<int:pk>/types/<slug:type>/remove/": center_subject_types,
    "backoffice/attachments/<int:pk>/": backoffice_files,
    "backoffice/staff/<int:pk>/": staff_members,
    "backoffice/staff/<int:pk>/deactivate/": staff_members,
    "backoffice/staff/<int:pk>/reactivate/": staff_members,
    "backoffice/calendar/<int:pk>/": calendar_days,
    "backoffice/calendar/<int:pk>/remove/": calendar_days,
}

ADMIN_OBJECT = re.compile(r"^admin/(\w+)/(\w+)/<path:object_id>/")


def admin_generator(route: str) -> Generator | None:
    """Django's admin: every object of every registered model, for platform operators only."""
    found = ADMIN_OBJECT.match(route)
    if found:
        model = apps.get_model(found[1], found[2])

        def objects() -> Iterator[Case]:
            for pk in sample(list(model._default_manager.order_by("pk").values_list("pk", flat=True))):
                yield {"object_id": str(pk)}, Owner(admin=True)
            yield {"object_id": str(MISSING)}, NOBODY

        return objects
    if route == "admin/r/<path:content_type_id>/<path:object_id>/":

        def shortcuts() -> Iterator[Case]:
            for model in admin.site._registry:
                pk = model._default_manager.values_list("pk", flat=True).first()
                if pk is not None:
                    content_type = ContentType.objects.get_for_model(model)
                    yield {"content_type_id": str(content_type.pk), "object_id": str(pk)}, Owner(admin=True)

        return shortcuts
    if "(?P<app_label>" in route:
        labels = {model._meta.app_label for model in admin.site._registry}
        return lambda: iter([({"app_label": label}, None) for label in sorted(labels)])
    if "(?P<url>" in route:
        return lambda: iter([({"url": "no/such/page/"}, None)])
    return None


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


def test_no_actor_reaches_what_is_not_theirs(demo, capsys):
    routes = with_parameters()
    missing = [route for route, _ in routes if route not in GENERATORS and admin_generator(route) is None]
    assert not missing, f"URL patterns with parameters and no id generator in {__file__}: {missing}"
    stale = sorted(set(GENERATORS) - {route for route, _ in routes})
    assert not stale, f"generators for URLs that no longer exist: {stale}"

    who = actors()
    # A URL naming nobody's object (a center, a kind, a token) asks only whether the page holds
    # up, which depends on the kind of actor, not on which one: one of each kind asks it.
    kinds = {_kind(actor): actor for actor in reversed(who)}
    cases = {route: list((GENERATORS.get(route) or admin_generator(route))()) for route, _ in routes}
    tally = Tally()
    started = time.monotonic()
    for route, listed in cases.items():
        for kwargs, owner in listed:
            url = url_for(route, kwargs)
            for actor in who if owner is not None else kinds.values():
                mine = allowed(actor, owner)
                response = actor.client.get(url)
                tally.requests += 1
                _judge(tally, actor, "GET", url, response.status_code, mine, changed=False)
                if mine or owner is None or route.startswith("admin/"):
                    continue
                # A non-owner's POST (withdraw, unbind, retire, claim, deactivate …) changes nothing.
                before = AuditEntry.objects.count()
                response = actor.client.post(url)
                tally.requests += 1
                changed = AuditEntry.objects.count() != before
                _judge(tally, actor, "POST", url, response.status_code, mine, changed=changed)
    seconds = time.monotonic() - started
    with capsys.disabled():  # the figures show in every run, not only with -s
        print(
            f"\naccess sweep: {tally.requests} requests, {len(who)} actors, {len(routes)} URL patterns, "
            f"{sum(len(c) for c in cases.values())} URLs, {len(tally.leaks)} leaks, "
            f"{len(tally.errors)} 5xx, {seconds:.1f}s"
        )
    assert not tally.leaks, "\n".join(tally.leaks[:50])
    assert not tally.errors, "\n".join(tally.errors[:50])


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
