"""Issue 15: a 招标公告's way through the server — made, sealed, submitted, approved and published.

One unit of the bench (its own serial, a certificate of a bench issuer bound to it, its 公章) is
known at 常德 as 招标代理机构 with the permissions its approval gives. For each run an approved
project with one lot is written directly, its 开标室 booking approved at the earliest opening art.
35 allows (each run a day later, in a room of its own), and its 招标文件 rendered, sealed
and submitted through the services: the state an agency reaches before 「新增招标公告」, untimed.

Timed, each through the services as the pages call them, the database included:
- `make`: announcement_create (preconditions, the clock, the two-page PDF rendered and stored);
- `seal`: seal_request_prepare + seal_request_finish at 采购代理机构（盖章） (the token's signature
  over the signed attributes sits between them and is left out, as in bench/seals.py);
- `submit`: announcement_submit with its 签署意见 (seal found, clock checked, queued);
- `approve and publish`: the reviewer's claim and decision (review_claim + review_decide), which
  publishes it;
- `server side in all`: the four added up, per announcement.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.test.utils import override_settings
from django.utils import timezone

from bench.agencies import PROJECT_FIELDS
from bench.figures import show, spread
from bench.seals import Signer, trust
from centers.grants import permissions_grant
from centers.models import Center, CenterSubject, CenterSubjectType, SubjectType
from core.audit import Actor
from democa import issuing
from democa.tsa import make_demo_tsa
from procurement import announcements, deadlines, tenders
from procurement.models import Lot, Project, ProjectStatus
from procurement.venue_models import Booking, BookingStatus, Room, RoomKind
from review import services as review_services
from review.models import ReviewItem, ReviewKind, StaffRole
from review.services_admin import staff_member_seed

LIMIT = "1000 ms"  # the server's share of one announcement, sealing included


def _agency(signer: Signer, center: Center) -> CenterSubject:
    subject = signer.subject
    entry = CenterSubject.objects.at(center).create(
        center=center,
        subject=subject,
        origin="registry",
        registry_data={"name": subject.name, "code": subject.code},
    )
    CenterSubjectType.objects.at(center).create(
        center=center, center_subject=entry, type=SubjectType.AGENCY, added_by=signer.actor.user
    )
    permissions_grant(center=center, center_subject=entry, because="bench", now=timezone.now())
    return entry


def _reviewer(center: Center) -> Actor:
    member = staff_member_seed(
        username="bench_announcement_reviewer",
        password="Bench2026ggzy",
        name="压测审核员",
        department="交易服务科",
        roles=[StaffRole.REVIEWER],
        id_number="43070219880312024X",
        center=center,
    )
    return Actor(user=member.account, auth_method="password")


def _ready_tender(signer: Signer, entry: CenterSubject, number: int) -> tenders.TenderDocument:
    """An approved project with one lot, its opening room approved, its 招标文件 sealed and submitted."""
    center = entry.center
    # A room each: the earliest opening moves off rest days, so two runs can open at the same hour.
    room = Room.objects.at(center).create(
        center=center, name=f"压测公告开标室{number}", kind=RoomKind.OPENING, capacity=10
    )
    project = Project.objects.create(
        center=center,
        agency=entry,
        code=f"BENCH-GG-{number:04d}",
        name=f"压测第{number}号公告项目",
        budget=Decimal("800000"),
        **PROJECT_FIELDS,
        status=ProjectStatus.APPROVED,
    )
    lot = Lot.objects.create(
        project=project,
        number=1,
        name="第1包",
        catalogue_code="A02010105",
        catalogue_name="台式计算机",
        budget=Decimal("700000"),
        deposit=Decimal("10000"),
    )
    day = timezone.localdate() + dt.timedelta(days=1 + number)
    issued = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    opening = deadlines.earliest(deadlines.BID_DEADLINE, issued)
    booking = Booking.objects.create(
        center=center,
        project=project,
        room=room,
        starts_at=opening,
        ends_at=opening + dt.timedelta(hours=1),
        status=BookingStatus.APPROVED,
        submitted_at=timezone.now(),
        decided_at=timezone.now(),
    )
    booking.lots.set([lot])
    tender = tenders.tender_create(
        actor=signer.actor,
        center=center,
        agency=entry,
        project=project,
        lots=[lot],
        details=tenders.TenderDetails(
            source="template",
            template="open_goods",
            documents_from=issued,
            documents_until=issued + dt.timedelta(days=11, hours=8),
            bid_deadline=opening,
            opening_place=room.name,
        ),
    )
    signer.seal(tender.document, personal=False, place="agency")
    return tenders.tender_submit(actor=signer.actor, tender=tender)


def run(*, first_serial: int, runs: int) -> None:
    workdir = Path(settings.VAR_DIR)
    tsa_dir = workdir / "bench-announcement-tsa"
    with override_settings(GGZY_TSA_DIR=tsa_dir, GGZY_TSA_URL=""):
        make_demo_tsa(tsa_dir)
        ca = issuing.make_ca("压测公告CA（RSA-2048）", "rsa")
        trust({"rsa": ca}, workdir / "bench-announcement-trust")
        center = Center.objects.get(code="changde")
        signer = Signer(ca, first_serial)
        entry = _agency(signer, center)
        reviewer = _reviewer(center)
        started = time.perf_counter()
        ready = [_ready_tender(signer, entry, n) for n in range(runs + 1)]
        show(
            "setup",
            f"{runs + 1} tender documents sealed and submitted",
            f"{time.perf_counter() - started:.1f} s",
        )

        make_ms, seal_ms, submit_ms, publish_ms = [], [], [], []
        for index, tender in enumerate(ready):
            t0 = time.perf_counter()
            notice = announcements.announcement_create(
                actor=signer.actor, center=center, agency=entry, tender=tender
            )
            t1 = time.perf_counter()
            prepare, _token, finish = signer.seal(notice.document, personal=False, place="agency")
            t2 = time.perf_counter()
            notice = announcements.announcement_submit(
                actor=signer.actor, announcement=notice, opinion="同意发布。"
            )
            t3 = time.perf_counter()
            item = ReviewItem.objects.get(kind=ReviewKind.ANNOUNCEMENT, target_id=str(notice.pk))
            review_services.review_claim(actor=reviewer, pk=item.pk)
            review_services.review_decide(actor=reviewer, pk=item.pk, approve=True, opinion="同意发布。")
            t4 = time.perf_counter()
            if index == 0:
                continue  # untimed: the first warms the caches a running server has warm
            make_ms.append((t1 - t0) * 1000)
            seal_ms.append(prepare + finish)
            submit_ms.append((t3 - t2) * 1000)
            publish_ms.append((t4 - t3) * 1000)
        published = sum(1 for t in ready if t.announcements.filter(status="published").exists())
        total = [sum(parts) for parts in zip(make_ms, seal_ms, submit_ms, publish_ms, strict=True)]
        show("announcement", "make (render and store)", spread(make_ms))
        show("announcement", "seal RSA-2048 server side, prepare+finish", spread(seal_ms))
        show("announcement", "submit", spread(submit_ms))
        show("announcement", "approve and publish", spread(publish_ms))
        show("announcement", f"server side in all ({published} published)", spread(total), LIMIT)
