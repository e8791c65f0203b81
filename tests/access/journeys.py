"""What the demo's users do after `make run` loads it, through the services, so that every kind of
object a URL names exists, owned by someone, for the access sweep (test_sweep.py) to ask for.

The units enter their centers (the sync's result, made directly as the centers' tests do); each
has a practitioner in review and an approved one whose own certificate is activated (CA证书激活);
the soft certificates are bound by their holders; the 衡阳 unit also binds an RSA key (PDF seals are
RSA or ECDSA, its soft certificate is SM2), makes its seal, seals a 诚信承诺书 for 衡阳 and submits
its profile there, and files an unbind request; each center gets an administrator (the demo has
reviewers and support only). Certificates come from the demo CAs make_demo_pki left under var/.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from centers import activation as activation_services
from centers import practitioners as practitioner_services
from centers.grants import permissions_grant
from centers.models import Center, CenterSubject, PractitionerField, SubjectType
from core.audit import Actor
from democa import issuing
from democa.management.commands.make_demo_pki import UNREGISTERED_CODE, UNREGISTERED_NAME
from pki import services as pki_services
from pki.models import BoundCertificate
from procurement import announcements, tenders, venue_selectors, venues
from procurement import services as procurement_services
from procurement.venue_models import RoomKind
from registry.identifiers import resident_id_check_char
from registry.management.commands import load_demo
from registry.models import Account, Subject
from review.models import StaffMember, StaffRole
from review.services_admin import staff_member_seed
from signing import services as signing_services
from tests import pkiparts
from tests.centers.factories import ready_to_submit, submit, unit_key
from tests.centers.people_factories import (
    all_documents,
    decide,
    details,
    enter,
    make_practitioner,
    make_unbind_request,
    person_key,
    unit_actor,
)
from tests.procurement.factories import make_project
from tests.procurement.tender_factories import make_tender, seal_as_agency

STAFF_PASSWORD = "Staff2026ggzy"


def demo_ca(var: Path, slug: str) -> issuing.CA:
    return issuing.load_ca(var / "demo-ca" / slug)


def run(var: Path) -> None:
    hengyang, changde = Center.objects.get(code="hengyang"), Center.objects.get(code="changde")
    valid = Account.objects.get(subject__code=load_demo.UNIT_VALID)
    changing = Account.objects.get(subject__code=load_demo.UNIT_CHANGING)
    entries = {
        "valid": enter(valid, hengyang, (SubjectType.BIDDER, SubjectType.AGENCY)),
        "changing": enter(changing, changde, (SubjectType.AGENCY,)),
        "changing_hengyang": enter(changing, hengyang, (SubjectType.AGENCY,)),
    }
    person_ca = demo_ca(var, "demo-p256")
    for account, entry in ((valid, entries["valid"]), (changing, entries["changing"])):
        _practitioners(account, entry, person_ca)
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
    soft = BoundCertificate.objects.get(subject=valid.subject)
    sealing_key = unit_key(demo_ca(var, "demo-rsa"), valid)
    # A unit's seal is tied to the certificates bound to it when it is made.
    signing_services.seal_create_unit(actor=unit_actor(valid, "certificate"), subject=valid.subject)
    # A 诚信承诺书 drawn up for sealing and left (the document pages name it by id).
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
    # 衡阳: the profile with its sealed commitment, submitted (an agency waits for the reviewer).
    ready_to_submit(valid, entries["valid"], sealing_key)
    submit(valid, entries["valid"])
    make_unbind_request(valid, entries["valid"], soft)
    # 常德: the agency registers two projects, one left as a draft, one waiting for the reviewer.
    _projects(changing, entries["changing"], unit_key(demo_ca(var, "demo-rsa"), changing))
    for center in Center.objects.all():
        staff_member_seed(
            username=f"{center.code}_admin",
            password=STAFF_PASSWORD,
            name=f"{center.name[:2]}管理员",
            department="办公室",
            roles=[StaffRole.ADMIN],
            id_number=_resident_id(center.pk),
            center=center,
        )


def _projects(account: Account, entry: CenterSubject, key: pkiparts.Holder) -> None:
    permissions_grant(
        center=entry.center, center_subject=entry, because="演示：主体信息审核通过", now=timezone.now()
    )
    make_project(account, entry, name="演示草稿项目")
    waiting = make_project(account, entry, name="演示待审核项目")
    procurement_services.project_submit(actor=unit_actor(account), project=waiting)
    _bookings(account, entry, key)


def _bookings(account: Account, entry: CenterSubject, key: pkiparts.Holder) -> None:
    """场地预约 at 常德: a third project approved by the demo reviewer, its first lot booked in a
    开标室 and approved, with a 场地变更 of it waiting; its second lot's 评标室 left as a draft.
    The first lot's 招标文件 sealed and submitted, and its 招标公告 sealed, reviewed and published."""
    reviewer = Actor(
        user=StaffMember.objects.get(account__username=f"{entry.center.code}_reviewer").account,
        auth_method="password",
    )
    project = procurement_services.project_submit(
        actor=unit_actor(account), project=make_project(account, entry, name="演示已通过项目")
    )
    decide(reviewer, project, approve=True)
    project.refresh_from_db()
    first, second = project.lots.order_by("number")
    opening = venue_selectors.rooms_for(center=entry.center, kind=RoomKind.OPENING).first()
    evaluation = venue_selectors.rooms_for(center=entry.center, kind=RoomKind.EVALUATION).first()
    day = timezone.localdate() + dt.timedelta(days=21)

    def at(hour: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    booked = venues.booking_create(
        actor=unit_actor(account),
        center=entry.center,
        agency=entry,
        project=project,
        lots=[first],
        room=opening,
        starts_at=at(9),
        duration=dt.timedelta(hours=2),
    )
    venues.booking_submit(actor=unit_actor(account), booking=booked)
    decide(reviewer, booked, approve=True)
    booked.refresh_from_db()
    venues.booking_change_request(
        actor=unit_actor(account),
        booking=booked,
        room=opening,
        starts_at=at(14),
        duration=dt.timedelta(hours=2),
        reason="演示：采购人申请推迟开标",
    )
    venues.booking_create(
        actor=unit_actor(account),
        center=entry.center,
        agency=entry,
        project=project,
        lots=[second],
        room=evaluation,
        starts_at=at(11),
        duration=dt.timedelta(hours=3),
    )
    # The documents from tomorrow 09:00: 20 days on (政府采购法 art. 35) is the booked opening.
    tender = make_tender(
        account,
        entry,
        project,
        lots=[first],
        now=timezone.now(),
        documents_from=timezone.make_aware(
            dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time(9))
        ),
        documents_until=timezone.make_aware(
            dt.datetime.combine(timezone.localdate() + dt.timedelta(days=12), dt.time(17))
        ),
        bid_deadline=at(9),
    )
    seal_as_agency(account, tender.document, key)
    tender = tenders.tender_submit(actor=unit_actor(account), tender=tender)
    notice = announcements.announcement_create(
        actor=unit_actor(account), center=entry.center, agency=entry, tender=tender
    )
    seal_as_agency(account, notice.document, key)
    notice = announcements.announcement_submit(
        actor=unit_actor(account), announcement=notice, opinion="同意发布。"
    )
    decide(reviewer, notice, approve=True)


def _practitioners(account: Account, entry: CenterSubject, ca: issuing.CA) -> None:
    """One practitioner waiting in the queue, and one the center's demo reviewer approved whose
    own personal certificate the unit then activated."""
    waiting = practitioner_services.practitioner_create(
        actor=unit_actor(account),
        center=entry.center,
        center_subject=entry,
        field=PractitionerField.CONSTRUCTION,
        details=details(name=f"{account.subject.name[:2]}从业人员"),
        documents=all_documents(account),
    )
    practitioner_services.practitioner_submit(actor=unit_actor(account), practitioner=waiting)
    reviewer = StaffMember.objects.get(account__username=f"{entry.center.code}_reviewer")  # load_demo_staff
    approved = make_practitioner(
        account,
        entry,
        state="approved",
        reviewer=Actor(user=reviewer.account, auth_method="certificate"),
        name=f"{account.subject.name[:2]}项目负责人",
    )
    activation_services.activation_create(
        actor=unit_actor(account, "certificate"),
        center=entry.center,
        practitioner=approved,
        holder=pki_services.certificate_check(certificate=person_key(ca, approved).pem),
    )


def detect_sample(client: Client, var: Path) -> None:
    """签章检测, tried by this browser over HTTP with a certificate of a demo CA: the sealed sample
    belongs to this browser session alone (a unit the platform does not know may try it too)."""
    key = pkiparts.holder(demo_ca(var, "demo-rsa"), name=UNREGISTERED_NAME, code=UNREGISTERED_CODE)
    prepared = _post(client, reverse("signing:detect_prepare"), {"certificate": key.pem})
    signature = key.sign(base64.b64decode(prepared["signed_attributes"]))
    finished = _post(
        client, reverse("signing:seal_finish"), {"request_id": prepared["request_id"], "signature": signature}
    )
    assert finished["ok"], finished


def _post(client: Client, url: str, body: dict[str, str]) -> dict:
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def _resident_id(n: int) -> str:
    first17 = f"43010219800101{n:03d}"
    return first17 + resident_id_check_char(first17)
