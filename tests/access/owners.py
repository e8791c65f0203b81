"""Whose each object a URL names is, read from the object's own row, for the access sweep
(test_sweep.py): the ids to ask every URL with, each with its owner.

An object belongs to its subject, and to the centers it lives at (their staff, and platform
staff, may see it); a 签章检测 sample to the browser session that made it; Django's admin to
platform operators; the national working-day calendar to any staff member. A URL names its object
by the route up to that object's parameter (OBJECTS), so every page and action under an object is
asked with its ids and owners.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from centers.models import (
    Center,
    CenterSubject,
    CertificateActivation,
    Practitioner,
    PractitionerField,
    SubjectType,
    UnbindRequest,
)
from pki.models import BoundCertificate
from procurement.announcement_models import Announcement, AnnouncementStatus
from procurement.models import Lot, Project, ProjectStatus
from procurement.ocds_models import Release
from procurement.tender_models import Clarification, TenderDocument, TenderStatus
from procurement.venue_models import Booking, Room
from registry.models import Account, Attachment, Record, RecordKind, RecordVersion
from review.models import CalendarDay, ReviewItem, StaffMember
from signing.models import Document, Seal, SealCertificate, SealRequest

MISSING = 987654  # an id no demo object has


@dataclass(frozen=True)
class Owner:
    subjects: frozenset[int] = frozenset()
    centers: frozenset[int] = frozenset()
    sessions: frozenset[str] = frozenset()  # browser sessions (hashed), as signing keeps them
    admin: bool = False  # Django's admin: platform operators'
    staff: bool = False  # any staff member's (the national working-day calendar)
    # Who may see it, as an upper bound only: not every one of them is let in, so the sweep does
    # not ask that one is (a file at the subject's centers that no page there names; the admin,
    # whose model permissions the demo grants only in part).
    loose: bool = False


NOBODY = Owner()


def _centers_of(subject_id: int) -> frozenset[int]:
    return frozenset(CenterSubject.unscoped.filter(subject_id=subject_id).values_list("center_id", flat=True))


def of_subject(subject_id: int, *, at_centers: bool = False) -> Owner:
    return Owner(frozenset({subject_id}), _centers_of(subject_id) if at_centers else frozenset())


def of_entry(entry: CenterSubject) -> Owner:
    return Owner(frozenset({entry.subject_id}), frozenset({entry.center_id}))


Case = tuple[dict[str, Any], Owner | None]
Generator = Callable[[], Iterator[Case]]


def _centers() -> list[str]:
    return list(Center.objects.values_list("code", flat=True))


def _codes() -> list[str]:
    return [*_centers(), "nowhere"]


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
    # Staff open a file that the subject's data at their center names; the files practitioners
    # and unbind requests name are opened there, the rest may only be.
    named = {
        str(ref["id"])
        for documents in Practitioner.unscoped.values_list("documents", flat=True)
        for ref in documents.values()
        if ref
    }
    named |= {
        str(ref["id"])
        for pair in UnbindRequest.unscoped.values_list("letter", "licence")
        for ref in pair
        if ref
    }
    for attachment in Attachment.objects.all():
        owner = of_subject(attachment.subject_id, at_centers=True)
        yield {"pk": attachment.pk}, owner if str(attachment.pk) in named else replace(owner, loose=True)
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
    for document in Document.objects.only("subject_id", "pages"):
        for page in range(1, document.pages + 1):
            yield {"pk": document.pk, "page": page}, of_subject(document.subject_id)
        yield {"pk": document.pk, "page": document.pages + 1}, NOBODY  # a page it does not have
    yield {"pk": MISSING, "page": 1}, NOBODY


def seal_requests() -> Iterator[Case]:
    """A request belongs to the browser session that prepared it. What the detect URLs name is a
    finished 签章检测 sample; a document's seal request (sealed or left half-way) is not one, and
    is nobody's under them."""
    for request in SealRequest.objects.all():
        sample = request.document_id is None and request.result_pdf is not None
        yield {"pk": request.pk}, Owner(sessions=frozenset({request.session_hash})) if sample else NOBODY
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
    an id nobody has. A center that does not exist is asked by centers_only: its pages answer
    404 before they look at an id."""
    for (pk, owner), code in itertools.product(objects, _centers()):
        yield {"center": code, "pk": pk}, owner
    yield {"center": _centers()[0], "pk": MISSING}, NOBODY


def practitioners() -> Iterator[Case]:
    found = Practitioner.unscoped.select_related("center_subject")
    return _at_every_center((p.pk, of_entry(p.center_subject)) for p in found)


def activations() -> Iterator[Case]:
    found = CertificateActivation.unscoped.select_related("practitioner__center_subject")
    return _at_every_center((a.pk, of_entry(a.practitioner.center_subject)) for a in found)


def unbind_requests() -> Iterator[Case]:
    found = UnbindRequest.unscoped.select_related("center_subject")
    return _at_every_center((u.pk, of_entry(u.center_subject)) for u in found)


def projects() -> Iterator[Case]:
    found = Project.objects.select_related("agency")
    return _at_every_center((p.pk, of_entry(p.agency)) for p in found)


def approved_projects() -> Iterator[Case]:
    """「新增交易文件」 for a project: only an approved one opens, for its agency."""
    for case, owner in projects():
        project = Project.objects.filter(pk=case["pk"], status=ProjectStatus.APPROVED).first()
        yield {"center": case["center"], "project": case["pk"]}, owner if project is not None else NOBODY


def tenders() -> Iterator[Case]:
    found = TenderDocument.objects.select_related("agency")
    return _at_every_center((t.pk, of_entry(t.agency)) for t in found)


def clarifications() -> Iterator[Case]:
    """第N次澄清 is named by its tender document and its number."""
    found = Clarification.objects.select_related("tender__agency")
    for clarification, code in itertools.product(found, _centers()):
        owner = of_entry(clarification.tender.agency)
        yield {"center": code, "pk": clarification.tender_id, "number": clarification.number}, owner
    yield {"center": _centers()[0], "pk": MISSING, "number": 1}, NOBODY


def announcements() -> Iterator[Case]:
    """A 公告 at its center: its agency's."""
    found = Announcement.objects.select_related("agency")
    return _at_every_center((a.pk, of_entry(a.agency)) for a in found)


def announcement_tenders() -> Iterator[Case]:
    """「新增招标公告」 names the tender document it is made from: its agency's."""
    for case, owner in tenders():
        yield {"center": case["center"], "tender": case["pk"]}, owner


def announcement_targets() -> Iterator[Case]:
    """「新增变更公告」 names a submitted tender document, 「新增中标/废标公告」 a lot tendered under
    one: the agency's; any other tender document or lot, and any other kind, is nobody's."""
    submitted = TenderDocument.objects.filter(status=TenderStatus.SUBMITTED).select_related("agency")
    lots = Lot.objects.filter(tenders__status=TenderStatus.SUBMITTED).select_related("project__agency")
    targets = {
        "correction": [(t.pk, of_entry(t.agency)) for t in submitted]
        + [(t.pk, NOBODY) for t in TenderDocument.objects.exclude(status=TenderStatus.SUBMITTED)],
        **{
            kind: [(lot.pk, of_entry(lot.project.agency)) for lot in lots.distinct()]
            for kind in ("award", "award_change", "failure", "suspension", "termination", "resumption")
        },
        "tender": [(t.pk, NOBODY) for t in submitted],
        "exception": [(t.pk, NOBODY) for t in submitted],
    }
    for (kind, found), code in itertools.product(targets.items(), _centers()):
        for pk, owner in found:
            yield {"center": code, "kind": kind, "target": pk}, owner
    for kind in [*targets, "nothing"]:
        yield {"center": _centers()[0], "kind": kind, "target": MISSING}, NOBODY


def lots_evaluated() -> Iterator[Case]:
    """「录入评标结果」 of a lot: its center's staff (those with the permission)."""
    found = Lot.objects.select_related("project")
    return _at_every_center((lot.pk, Owner(centers=frozenset({lot.project.center_id}))) for lot in found)


def agency_lots() -> Iterator[Case]:
    """「新增项目复评场地预约」 names a lot: its project's agency's (one not yet evaluated is sent back)."""
    found = Lot.objects.select_related("project__agency")
    return lot_cases(_at_every_center((lot.pk, of_entry(lot.project.agency)) for lot in found))


def lot_cases(cases: Iterator[Case]) -> Iterator[Case]:
    for kwargs, owner in cases:
        yield {"center": kwargs["center"], "lot": kwargs["pk"]}, owner


def published_announcements() -> Iterator[Case]:
    """The published PDF is anyone's (公开); one not published is nobody's."""
    for announcement in Announcement.objects.all():
        yield {"pk": announcement.pk}, None if announcement.status == AnnouncementStatus.PUBLISHED else NOBODY
    yield {"pk": MISSING}, NOBODY


def ocds_processes() -> Iterator[Case]:
    """Open data: a published process's packages are anyone's; an ocid with nothing published is
    nobody's (404, never an empty package)."""
    for ocid in Release.objects.values_list("ocid", flat=True).distinct():
        yield {"ocid": ocid}, None
    yield {"ocid": f"{settings.GGZY_OCDS_PREFIX}-NO-SUCH-{MISSING}"}, NOBODY


def ocds_days() -> Iterator[Case]:
    # The daily bulk files: public; a day not over yet and a date that is none are 404s, never a 5xx.
    today = timezone.localdate()
    for day in [today - dt.timedelta(days=1), today, "2026-13-40", "yesterday"]:
        yield {"day": str(day)}, None


def submitted_announcements() -> Iterator[Case]:
    """The back-office's copy of a submitted announcement: its center's staff."""
    found = Announcement.objects.all()
    return _at_every_center(
        (a.pk, Owner(centers=frozenset({a.center_id})) if a.submitted_version else NOBODY) for a in found
    )


def venue_projects() -> Iterator[Case]:
    """「开评标场地预约」 of a project: its agency's (one not yet approved is sent back to choose)."""
    for case, owner in projects():
        yield {"center": case["center"], "project": case["pk"]}, owner


def bookings() -> Iterator[Case]:
    """A 场地预约 or a 场地变更 (a Booking row too): its project's agency's."""
    found = Booking.objects.select_related("project__agency")
    return _at_every_center((b.pk, of_entry(b.project.agency)) for b in found)


def rooms() -> Iterator[Case]:
    """A 开标室 or 评标室: its center's (场地管理 is its administrators')."""
    return _at_every_center((r.pk, Owner(centers=frozenset({r.center_id}))) for r in Room.objects.all())


def center_subjects() -> Iterator[Case]:
    return _at_every_center((e.pk, of_entry(e)) for e in CenterSubject.unscoped.all())


def center_subject_types() -> Iterator[Case]:
    """The URL names the entry (its center's staff may ask); a type it holds is removed there, one
    it does not hold, or no type at all, need not open."""
    for entry in CenterSubject.unscoped.select_related("center").prefetch_related("types"):
        held = sorted(t.type for t in entry.types.all() if t.removed_at is None)
        owner = of_entry(entry)
        for kind, code in itertools.product(held, _centers()):
            yield {"center": code, "pk": entry.pk, "type": kind}, owner
        other = next((t for t in SubjectType.values if t not in held), "nothing")
        for kind in (other, "nothing"):  # at the entry's own center: elsewhere it is missing already
            yield {"center": entry.center.code, "pk": entry.pk, "type": kind}, replace(owner, loose=True)
    yield {"center": _centers()[0], "pk": MISSING, "type": SubjectType.AGENCY}, NOBODY


def commitments() -> Iterator[Case]:
    """The 诚信承诺书 an entry holds at its center (the page names the entry; without one, nothing)."""
    found = CenterSubject.unscoped.all()
    return _at_every_center((e.pk, of_entry(e) if e.commitment_id else NOBODY) for e in found)


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


# Which object a URL names, by the route up to and including that object's parameter: every page
# and action under it (a record's change, void, delete …) is asked with its ids and owners. The
# longest matching prefix wins, so an object nested in another (a seal's certificate) has its own.
OBJECTS: dict[str, Generator] = {
    "registry/password/reset/<uidb64>/<token>/": reset_links,
    "registry/records/<int:pk>/": records,
    "registry/history/<int:pk>/": versions,
    "registry/attachments/<int:pk>/": registry_files,
    "registry/<slug:kind>/": record_kinds,
    "pki/agent/<str:name>": agent_files,
    "pki/certificates/<int:pk>/": certificates,
    "signing/seals/<int:pk>/": seals,
    "signing/seals/<int:pk>/certificates/<int:certificate_pk>/": seal_certificates,
    "signing/documents/<int:pk>/": documents,
    "signing/documents/<int:pk>/pages/<int:page>": document_pages,
    "signing/detect/<uuid:pk>/": seal_requests,
    "centers/<slug:center>/": centers_only,
    "centers/<slug:center>/practitioners/<int:pk>/": practitioners,
    "centers/<slug:center>/practitioners/<slug:field>/": centers_and_fields,
    "centers/<slug:center>/activation/<int:pk>/": practitioners,  # 激活 names the person
    "centers/<slug:center>/activation/revoke/<int:pk>/": activations,
    "centers/<slug:center>/unbind/<int:pk>/": unbind_requests,
    "centers/<slug:center>/projects/<int:pk>/": projects,
    "centers/<slug:center>/tenders/new/<int:project>/": approved_projects,
    "centers/<slug:center>/tenders/<int:pk>/": tenders,
    "centers/<slug:center>/tenders/<int:pk>/clarifications/<int:number>/": clarifications,
    "centers/<slug:center>/venues/new/<int:project>/": venue_projects,
    "centers/<slug:center>/announcements/new/<int:tender>/": announcement_tenders,
    "centers/<slug:center>/announcements/<int:pk>/": announcements,
    "centers/<slug:center>/announcements/<slug:kind>/new/<int:target>/": announcement_targets,
    "backoffice/evaluations/<slug:center>/<int:lot>/": lambda: lot_cases(lots_evaluated()),
    "centers/<slug:center>/venues/re-evaluations/new/<int:lot>/": agency_lots,
    "procurement/announcements/<int:pk>/": published_announcements,
    "announcements/<int:pk>/": published_announcements,
    "ocds/releases/<ocid:ocid>.json": ocds_processes,
    "ocds/records/<ocid:ocid>.json": ocds_processes,
    "ocds/bulk/<str:day>.jsonl": ocds_days,
    "backoffice/announcements/<slug:center>/<int:pk>/": submitted_announcements,
    "centers/<slug:center>/venues/<int:pk>/": bookings,
    "backoffice/queue/<int:pk>/": review_items,
    "backoffice/subjects/<slug:center>/<int:pk>/": center_subjects,
    "backoffice/subjects/<slug:center>/<int:pk>/commitment/": commitments,
    "backoffice/subjects/<slug:center>/<int:pk>/types/<slug:type>/": center_subject_types,
    "backoffice/attachments/<int:pk>/": backoffice_files,
    "backoffice/staff/<int:pk>/": staff_members,
    "backoffice/calendar/<int:pk>/": calendar_days,
    "backoffice/rooms/<slug:center>/<int:pk>/": rooms,
}


def object_prefix(route: str) -> str | None:
    found = [prefix for prefix in OBJECTS if route.startswith(prefix)]
    return max(found, key=len) if found else None


def cases_for(route: str, parameters: set[str]) -> list[Case] | None:
    """The (kwargs, owner) cases to ask the route with, or None if nothing here fills its
    parameters (a new kind of object in a URL: a generator must be written for it)."""
    prefix = object_prefix(route)
    generator = OBJECTS[prefix] if prefix else admin_generator(route)
    if generator is None:
        return None
    listed = list(generator())
    if not listed or any(set(kwargs) != parameters for kwargs, _ in listed):
        return None
    return listed


ADMIN_OBJECT = re.compile(r"^admin/(\w+)/(\w+)/<path:object_id>/")


def admin_generator(route: str) -> Generator | None:
    """Django's admin: every object of every registered model, for platform operators only."""
    found = ADMIN_OBJECT.match(route)
    if found:
        model = apps.get_model(found[1], found[2])

        def objects() -> Iterator[Case]:
            for pk in sample(list(model._default_manager.order_by("pk").values_list("pk", flat=True))):
                yield {"object_id": str(pk)}, Owner(admin=True, loose=True)
            yield {"object_id": str(MISSING)}, NOBODY

        return objects
    if route == "admin/r/<path:content_type_id>/<path:object_id>/":

        def shortcuts() -> Iterator[Case]:
            for model in admin.site._registry:
                pk = model._default_manager.values_list("pk", flat=True).first()
                if pk is not None:
                    content_type = ContentType.objects.get_for_model(model)
                    owner = Owner(admin=True, loose=True)
                    yield {"content_type_id": str(content_type.pk), "object_id": str(pk)}, owner

        return shortcuts
    if "(?P<app_label>" in route:
        labels = {model._meta.app_label for model in admin.site._registry}
        return lambda: iter([({"app_label": label}, None) for label in sorted(labels)])
    if "(?P<url>" in route:
        return lambda: iter([({"url": "no/such/page/"}, None)])
    return None
