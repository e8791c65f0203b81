"""The sync engine's services: events written with the change, delivered in order to every center
fed by the registry, applied once in effect; stopped centers and failures wait and catch up.

Deliveries are called directly here (sync_deliver is what the queue's task runs); the queue and the
worker process have tests of their own (test_queue.py, test_worker_pg.py)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from centers import selectors, sync
from centers.models import (
    Center,
    CenterPermission,
    CenterSubject,
    CenterSubjectType,
    ProfileStatus,
    SubjectOrigin,
    SubjectType,
    SyncState,
    SyncStatus,
)
from core.errors import StateError
from core.models import AuditEntry
from core.outbox import retry_delay
from registry import events, services
from registry.models import EventReason, SubjectEvent
from review.models import ReviewItem, ReviewKind, ReviewStatus
from tests.centers.syncparts import change_basic, queue_in_tmp  # noqa: F401 (fixture)
from tests.conftest import actor
from tests.factories import make_unit, submit_basic, submit_qualification

pytestmark = pytest.mark.django_db


@pytest.fixture
def changde():
    return Center.objects.get(code="changde")


@pytest.fixture
def hengyang():
    return Center.objects.get(code="hengyang")


@pytest.fixture
def fengtai():
    return Center.objects.get(code="fengtai")


def deliver_all(subject, *centers):
    return sum(sync.sync_deliver(center_id=c.pk, subject_id=subject.pk) for c in centers)


def synced_seqs(center, subject):
    rows = AuditEntry.objects.filter(action="centers.subject_synced", subject_id=subject.pk).order_by("id")
    return [row.data["seq"] for row in rows if row.data["center"] == center.code]


class TestEvents:
    def test_register_submit_change_each_write_the_next_event_with_the_whole_subject(self, unit):
        subject = unit.subject
        submit_basic(unit)
        change_basic(unit, contact_name="王六")
        rows = list(SubjectEvent.objects.filter(subject=subject).order_by("seq"))
        assert [(e.seq, e.reason) for e in rows] == [
            (1, EventReason.REGISTERED),
            (2, EventReason.SUBMITTED),
            (3, EventReason.CHANGED),
        ]
        assert rows[0].payload["status"] == "invalid" and rows[0].payload["basic"] == {}
        last = rows[2].payload
        assert last["code"] == subject.code and last["status"] == "valid" and last["kind"] == "unit"
        assert last["basic"]["contact_name"] == "王六" and last["basic"]["roles"] == ["bidder"]
        assert last["bidding_scope"] == "paper" and last["records"] == []

    def test_void_and_unvoid_are_changes_and_the_snapshot_lists_submitted_records_only(self, unit):
        submit_basic(unit)
        record = submit_qualification(unit)
        services.record_void(actor=actor(unit), record=record)
        services.record_unvoid(actor=actor(unit), record=record)
        rows = list(SubjectEvent.objects.filter(subject=unit.subject).order_by("seq"))
        assert [e.reason for e in rows[2:]] == [
            EventReason.SUBMITTED,
            EventReason.CHANGED,
            EventReason.CHANGED,
        ]
        listed = [e.payload["records"] for e in rows[2:]]
        assert listed[0] == [{"kind": "qualification", "title": record.title, "version": 1}]
        assert listed[1] == []  # 作废: no longer counts
        assert listed[2] == listed[0]

    def test_a_rolled_back_change_leaves_no_event_and_no_sync_state(self):
        with pytest.raises(RuntimeError, match="页面出错"), transaction.atomic():
            make_unit(name="回滚测试有限公司")
            assert SubjectEvent.objects.count() == 1 and SyncState.unscoped.count() == 2
            raise RuntimeError("页面出错")
        assert SubjectEvent.objects.count() == 0
        assert SyncState.unscoped.count() == 0

    @pytest.mark.django_db(transaction=True)
    @pytest.mark.usefixtures("queue_in_tmp")
    def test_an_event_outside_a_transaction_is_refused(self, unit):
        with pytest.raises(RuntimeError):
            events.subject_event_record(subject=unit.subject, reason=EventReason.CHANGED)

    def test_only_centers_fed_by_the_registry_want_the_event(self, unit, changde, hengyang, fengtai):
        submit_basic(unit)
        states = {s.center_id: s for s in SyncState.unscoped.filter(subject=unit.subject)}
        assert set(states) == {changde.pk, hengyang.pk}
        assert all(
            s.wanted_seq == 2 and s.delivered_seq == 0 and s.status == SyncStatus.PENDING
            for s in states.values()
        )


class TestDelivery:
    def test_a_valid_subject_arrives_with_its_types_and_the_state_says_synced(self, unit, changde, hengyang):
        submit_basic(unit, roles=["bidder", "tenderee", "no_such_role"])
        assert deliver_all(unit.subject, changde, hengyang) == 4
        for center in (changde, hengyang):
            entry = CenterSubject.objects.at(center).get(subject=unit.subject)
            assert entry.registry_seq == 2 and entry.origin == "registry"
            assert entry.registry_data == SubjectEvent.objects.get(subject=unit.subject, seq=2).payload
            types = CenterSubjectType.objects.at(center).filter(center_subject=entry)
            assert sorted(t.type for t in types) == ["bidder", "tenderee"]
            state = SyncState.objects.at(center).get(subject=unit.subject)
            assert (state.status, state.delivered_seq, state.last_error) == (SyncStatus.SYNCED, 2, "")
            assert synced_seqs(center, unit.subject) == [1, 2]

    def test_an_invalid_subject_is_not_taken(self, unit, changde):
        assert deliver_all(unit.subject, changde) == 1
        assert not CenterSubject.objects.at(changde).filter(subject=unit.subject).exists()
        state = SyncState.objects.at(changde).get(subject=unit.subject)
        assert (state.status, state.delivered_seq) == (SyncStatus.SYNCED, 1)
        row = AuditEntry.objects.get(action="centers.subject_synced", subject_id=unit.subject.pk)
        assert row.data["effect"] == "not_valid"

    def test_events_apply_in_order_and_the_center_ends_with_the_newest(self, unit, changde):
        submit_basic(unit)
        for n in range(5):
            change_basic(unit, contact_name=f"联系人{n}")
        assert deliver_all(unit.subject, changde) == 7
        entry = CenterSubject.objects.at(changde).get(subject=unit.subject)
        assert entry.registry_seq == 7 and entry.registry_data["basic"]["contact_name"] == "联系人4"
        assert synced_seqs(changde, unit.subject) == [1, 2, 3, 4, 5, 6, 7]
        assert deliver_all(unit.subject, changde) == 0  # nothing left: a second delivery is a no-op

    def test_applying_an_event_twice_or_an_older_one_changes_nothing(self, unit, changde):
        submit_basic(unit)
        change_basic(unit, contact_name="新联系人")
        deliver_all(unit.subject, changde)
        entry = CenterSubject.objects.at(changde).get(subject=unit.subject)
        audit_rows = AuditEntry.objects.count()
        for seq in (3, 2):
            old = SubjectEvent.objects.get(subject=unit.subject, seq=seq)
            with transaction.atomic():
                again = sync.center_subject_apply(center=changde, event_payload=old.payload, seq=old.seq)
            assert again.pk == entry.pk
        entry.refresh_from_db()
        assert entry.registry_seq == 3 and entry.registry_data["basic"]["contact_name"] == "新联系人"
        assert AuditEntry.objects.count() == audit_rows

    def test_a_stopped_center_waits_and_catches_up_when_it_resumes(self, unit, changde, hengyang):
        # The center's configuration (seeded by its data migration, no service changes it): no sync.
        Center.objects.filter(pk=changde.pk).update(accepts_sync=False)
        submit_basic(unit)
        change_basic(unit, contact_name="停机期间")
        assert deliver_all(unit.subject, changde) == 0
        assert deliver_all(unit.subject, hengyang) == 3  # the other center is not held up
        state = SyncState.objects.at(changde).get(subject=unit.subject)
        assert (state.status, state.delivered_seq, state.last_error) == (
            SyncStatus.PENDING,
            0,
            sync.CENTER_STOPPED,
        )
        later = timezone.now() + sync.SWEEP_GRACE
        assert sync.sync_sweep(now=later) == 0  # a stopped center is not swept

        Center.objects.filter(pk=changde.pk).update(accepts_sync=True)
        assert sync.sync_sweep(now=later) == 1
        assert sync.sync_sweep(now=later) == 0  # queued once, not again within the grace
        assert deliver_all(unit.subject, changde) == 3
        state.refresh_from_db()
        assert (state.status, state.delivered_seq, state.last_error) == (SyncStatus.SYNCED, 3, "")
        entry = CenterSubject.objects.at(changde).get(subject=unit.subject)
        assert entry.registry_data["basic"]["contact_name"] == "停机期间"

    def test_a_failing_event_backs_off_shows_failed_with_a_reason_then_recovers(
        self, unit, changde, hengyang
    ):
        submit_basic(unit)
        deliver_all(unit.subject, hengyang)  # only 常德 is left to sweep
        bad = SubjectEvent.objects.get(subject=unit.subject, seq=2)
        good_payload = bad.payload
        # The registry wrote an event a center cannot read (a bug, a half migration …).
        SubjectEvent.objects.filter(pk=bad.pk).update(payload={"code": unit.subject.code})
        reason = sync.PAYLOAD_INCOMPLETE.format(fields="kind、name、status、basic")
        statuses = []
        for attempt in range(1, sync.FAIL_AFTER + 1):
            started = timezone.now()
            assert deliver_all(unit.subject, changde) == (1 if attempt == 1 else 0)  # seq 1 went through
            state = SyncState.objects.at(changde).get(subject=unit.subject)
            assert state.attempts == attempt and state.last_error == reason and state.delivered_seq == 1
            assert state.next_attempt_at >= started + retry_delay(attempt)
            statuses.append(state.status)
        assert statuses == [SyncStatus.PENDING] * (sync.FAIL_AFTER - 1) + [SyncStatus.FAILED]
        assert not CenterSubject.objects.at(changde).filter(subject=unit.subject).exists()
        # Still retried: the sweep queues it once the back-off has passed, not before.
        assert sync.sync_sweep(now=state.next_attempt_at - timedelta(seconds=1)) == 0
        assert sync.sync_sweep(now=state.next_attempt_at) == 1

        SubjectEvent.objects.filter(pk=bad.pk).update(payload=good_payload)
        assert deliver_all(unit.subject, changde) == 1
        state.refresh_from_db()
        assert (state.status, state.attempts, state.last_error, state.delivered_seq) == (
            SyncStatus.SYNCED,
            0,
            "",
            2,
        )

    def test_a_new_change_keeps_a_failed_state_until_a_delivery_succeeds(self, unit, changde):
        submit_basic(unit)
        SubjectEvent.objects.filter(subject=unit.subject, seq=2).update(payload={})
        for _ in range(sync.FAIL_AFTER):
            deliver_all(unit.subject, changde)
        change_basic(unit, contact_name="再次变更")
        state = SyncState.objects.at(changde).get(subject=unit.subject)
        assert state.status == SyncStatus.FAILED and state.wanted_seq == 3


class TestSubjectTypes:
    def test_later_events_add_newly_listed_types_and_never_remove_one(self, unit, changde):
        submit_basic(unit, roles=["bidder"])
        deliver_all(unit.subject, changde)
        entry = CenterSubject.objects.at(changde).get(subject=unit.subject)
        # Staff removed 投标人 at this center (000 §8.2); the registry still lists it.
        CenterSubjectType.objects.at(changde).filter(center_subject=entry, type=SubjectType.BIDDER).update(
            removed_at=timezone.now(), removed_reason="测试"
        )
        change_basic(unit, roles=["bidder", "tenderee"])
        change_basic(unit, roles=["agency"])
        deliver_all(unit.subject, changde)

        def active():
            rows = CenterSubjectType.objects.at(changde).filter(center_subject=entry, removed_at=None)
            return sorted(rows.values_list("type", flat=True))

        # 投标人 stays removed although still listed; 招标人, no longer listed, stays held.
        assert active() == ["agency", "tenderee"]
        change_basic(unit, roles=["bidder", "agency"])
        deliver_all(unit.subject, changde)
        assert active() == ["agency", "bidder", "tenderee"]  # listed anew after it was dropped: added again

    def test_a_type_the_center_reviews_waits_for_review_once_the_profile_is_in_force(
        self, unit, changde, hengyang
    ):
        """衡阳: a bidder approved at once that lists 招标代理机构 in the registry gets it only after
        市场主体科 reviews it; 常德 (no review of types) gives it at once, with its permissions."""
        submit_basic(unit, roles=["bidder"])
        deliver_all(unit.subject, changde, hengyang)
        # Stands in for the profile's submit and review (sealed commitment, queue), which
        # test_profiles covers; only its outcome matters here.
        CenterSubject.unscoped.filter(subject=unit.subject).update(
            profile={"contact_name": "赵敏"}, profile_status=ProfileStatus.APPROVED
        )
        change_basic(unit, roles=["bidder", "agency"])
        deliver_all(unit.subject, changde, hengyang)

        waiting = CenterSubjectType.objects.at(hengyang).get(
            center_subject__subject=unit.subject, type="agency"
        )
        assert waiting.effective_at is None and waiting.removed_at is None
        item = ReviewItem.objects.get(target_id=str(waiting.pk), kind=ReviewKind.SUBJECT_TYPE)
        assert item.center == hengyang and item.status == ReviewStatus.OPEN
        assert item.title == "新增主体类型「招标代理机构」"
        assert not CenterPermission.objects.at(hengyang).filter(code="venue_booking").exists()

        given = CenterSubjectType.objects.at(changde).get(center_subject__subject=unit.subject, type="agency")
        assert given.effective_at is not None
        assert not ReviewItem.objects.filter(target_id=str(given.pk), kind=ReviewKind.SUBJECT_TYPE).exists()
        held = CenterPermission.objects.at(changde).filter(revoked_at=None)
        assert {"project_register", "venue_booking", "announcement_publish"} <= set(
            held.values_list("code", flat=True)
        )

    def test_before_a_profile_is_in_force_listed_types_are_effective_at_once(self, unit, hengyang):
        submit_basic(unit, roles=["bidder", "agency"])
        deliver_all(unit.subject, hengyang)
        types = CenterSubjectType.objects.at(hengyang).filter(center_subject__subject=unit.subject)
        assert sorted(types.values_list("type", flat=True)) == ["agency", "bidder"]
        assert all(t.effective_at is not None for t in types)
        assert not ReviewItem.objects.exists()


class TestLocalOrigins:
    @pytest.mark.parametrize("origin", [SubjectOrigin.LEGACY, SubjectOrigin.OWN])
    def test_a_local_entry_keeps_the_registry_side_fields_edited_here(self, unit, changde, origin):
        """000 §8.1.1: a legacy (or own-registration) unit edits its name and legal representative
        at the center; the registry's events must not wipe them."""
        local_basic = {
            "name": "常德老系统名称有限公司",
            "legal_rep_name": "本地法人",
            "registered_address": "本地",
        }
        entry = CenterSubject.objects.at(changde).create(
            center=changde,
            subject=unit.subject,
            origin=origin,
            registry_data={"name": "常德老系统名称有限公司", "basic": local_basic},
        )
        submit_basic(unit, roles=["bidder"], contact_name="注册平台联系人")
        deliver_all(unit.subject, changde)

        entry.refresh_from_db()
        last = SubjectEvent.objects.filter(subject=unit.subject).latest("seq")
        payload = last.payload
        assert entry.registry_seq == last.seq
        assert entry.registry_data["name"] == "常德老系统名称有限公司"
        for key, value in local_basic.items():
            assert entry.registry_data["basic"][key] == value
        # What the center does not edit comes from the registry.
        assert entry.registry_data["basic"]["contact_name"] == "注册平台联系人"
        assert entry.registry_data["basic"]["roles"] == ["bidder"]
        assert entry.registry_data["status"] == payload["status"]
        assert (
            entry.registry_data["basic"]["legal_rep_id_number"] == payload["basic"]["legal_rep_id_number"]
        )  # not edited here: the registry's

    def test_a_synced_entry_takes_the_registry_data_as_sent(self, unit, changde):
        submit_basic(unit, roles=["bidder"])
        deliver_all(unit.subject, changde)
        change_basic(unit, contact_name="新联系人")
        deliver_all(unit.subject, changde)
        entry = CenterSubject.objects.at(changde).get(subject=unit.subject)
        assert entry.registry_data == SubjectEvent.objects.filter(subject=unit.subject).latest("seq").payload


class TestResync:
    def test_resync_sends_the_subject_again_and_is_audited(self, unit, changde):
        submit_basic(unit)
        deliver_all(unit.subject, changde)
        event = events.subject_resync_request(actor=actor(unit), subject=unit.subject)
        assert (event.seq, event.reason) == (3, EventReason.RESYNC)
        assert AuditEntry.objects.filter(
            action="registry.subject_resync_requested", subject_id=unit.subject.pk
        ).exists()
        assert SyncState.objects.at(changde).get(subject=unit.subject).wanted_seq == 3
        assert deliver_all(unit.subject, changde) == 1

    def test_an_invalid_subject_is_told_to_submit_its_basic_information_first(self, unit):
        with pytest.raises(StateError) as error:
            events.subject_resync_request(actor=actor(unit), subject=unit.subject)
        assert error.value.message == events.RESYNC_NOT_VALID
        assert SubjectEvent.objects.filter(subject=unit.subject).count() == 1


class TestOverviewPage:
    def test_every_center_with_its_state_and_whether_it_has_the_subject(
        self, unit, password_client, changde, hengyang
    ):
        submit_basic(unit)
        deliver_all(unit.subject, changde)
        # The center's configuration (seeded by its data migration, no service changes it): no sync.
        Center.objects.filter(pk=hengyang.pk).update(accepts_sync=False)
        deliver_all(unit.subject, hengyang)
        response = password_client(unit).get("/centers/")
        page = response.content.decode()
        assert response.status_code == 200
        unit.subject.refresh_from_db()
        rows = {row.center.code: row for row in selectors.sync_overview_for(subject=unit.subject)}
        synced_at = timezone.localtime(SyncState.objects.at(changde).get(subject=unit.subject).synced_at)
        assert (rows["changde"].label, rows["changde"].detail) == (
            selectors.SYNCED,
            f"于 {synced_at:%Y-%m-%d %H:%M:%S}",
        )
        assert (rows["hengyang"].label, rows["hengyang"].detail) == (selectors.SYNCING, sync.CENTER_STOPPED)
        assert rows["fengtai"].detail == selectors.OWN_REGISTRATION
        for row in rows.values():
            assert row.label in page and row.detail in page
        assert "待完善" in page  # the profile status of the entry at 常德
        assert 'href="/centers/changde/"' in page and 'href="/centers/fengtai/register/"' in page
        assert "同步完成后可进入" in page  # 衡阳 is stopped: nothing there to enter yet
        assert 'hx-trigger="every 2s"' in page  # 衡阳 is waiting: the table refreshes itself
        assert "交易中心" in page and 'href="/centers/"' in page  # the left menu

    def test_the_failed_state_shows_its_reason(self, unit, password_client, changde):
        submit_basic(unit)
        SubjectEvent.objects.filter(subject=unit.subject, seq=2).update(payload={"code": unit.subject.code})
        for _ in range(sync.FAIL_AFTER):
            deliver_all(unit.subject, changde)
        page = password_client(unit).get("/centers/").content.decode()
        unit.subject.refresh_from_db()
        (row,) = [row for row in selectors.sync_overview_for(subject=unit.subject) if row.center == changde]
        reason = sync.PAYLOAD_INCOMPLETE.format(fields="kind、name、status、basic")
        assert row.label == selectors.SYNC_FAILED and row.detail.startswith(reason + "；将于 ")
        assert selectors.SYNC_FAILED in page and row.detail in page

    def test_an_invalid_subject_reads_why_nothing_is_synced(self, unit, password_client):
        page = password_client(unit).get("/centers/").content.decode()
        assert selectors.SUBJECT_NOT_VALID in page
        assert "hx-trigger" not in page

    def test_the_resync_button_sends_again_and_says_so(self, unit, password_client):
        submit_basic(unit)
        client = password_client(unit)
        response = client.post("/centers/resync/", follow=True)
        assert response.redirect_chain == [("/centers/", 302)]
        from centers.views_sync import RESYNC_REQUESTED

        assert RESYNC_REQUESTED in response.content.decode()
        assert SubjectEvent.objects.filter(subject=unit.subject, reason=EventReason.RESYNC).count() == 1

    def test_resync_of_an_invalid_subject_says_what_to_do(self, unit, password_client):
        response = password_client(unit).post("/centers/resync/", follow=True)
        assert events.RESYNC_NOT_VALID in response.content.decode()

    def test_staff_and_strangers_do_not_get_the_page(self, client, reviewer):
        assert client.get("/centers/").status_code == 302  # to the login page
        client.force_login(reviewer.account)
        assert client.get("/centers/").status_code == 404
