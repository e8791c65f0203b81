"""003 §4: save, submit, change (变更), void; the version in force stays in force while editing."""

import pytest
from django.utils import timezone

from core.errors import ConflictError, DomainError, IncompleteError, StateError
from core.models import AuditEntry
from registry import rules, selectors, services
from registry.models import BiddingScope, RecordKind, RecordStatus, SubjectStatus, VersionState
from tests.conftest import actor
from tests.factories import basic_record, submit_basic, submit_qualification, unit_basic_data, upload

pytestmark = pytest.mark.django_db


def test_submit_lists_every_missing_required_field_in_page_order(unit):
    record = basic_record(unit)
    version = services.record_save(
        actor=actor(unit),
        record=record,
        data={"name": unit.subject.name, "contact_name": "李四"},
        expected_revision=0,
    )
    with pytest.raises(DomainError) as error:
        services.record_submit(actor=actor(unit), record=record, expected_revision=version.revision)
    message = error.value.message
    assert message.startswith(rules.MISSING_REQUIRED.split("{")[0] + "单位性质、主体类型、成立日期")
    assert "营业执照" in message and "联系人" not in message.split("：", 1)[1].split("、")
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT
    assert unit.subject.status == SubjectStatus.INVALID


def test_first_submit_makes_the_subject_valid_and_password_means_paper_only(unit):
    record = submit_basic(unit, method="password")
    subject = record.subject
    subject.refresh_from_db()
    assert subject.status == SubjectStatus.VALID
    assert subject.bidding_scope == BiddingScope.PAPER
    assert record.current.number == 1
    assert record.current.submitted_auth == "password"
    assert record.draft is None


def test_certificate_submit_opens_electronic_bidding(unit):
    record = submit_basic(unit, method="certificate")
    record.subject.refresh_from_db()
    assert record.subject.bidding_scope == BiddingScope.ELECTRONIC


def test_change_keeps_the_version_in_force_until_the_new_one_is_submitted(unit):
    record = submit_basic(unit)
    draft = services.record_start_change(actor=actor(unit), record=record)
    assert draft.number == 2
    services.record_save(
        actor=actor(unit), record=record, data={**draft.data, "contact_name": "新联系人"}, expected_revision=0
    )
    # Every reader but the owner's edit page sees version 1.
    assert selectors.subject_profile_in_force(subject=unit.subject)["contact_name"] == "李四"
    services.record_submit(actor=actor(unit), record=record, expected_revision=1)
    assert selectors.subject_profile_in_force(subject=unit.subject)["contact_name"] == "新联系人"
    record.refresh_from_db()
    assert record.current.number == 2
    assert list(record.versions.values_list("number", "state")) == [
        (2, VersionState.SUBMITTED),
        (1, VersionState.SUBMITTED),
    ]


def test_start_change_twice_continues_the_same_draft(unit):
    record = submit_basic(unit)
    first = services.record_start_change(actor=actor(unit), record=record)
    second = services.record_start_change(actor=actor(unit), record=record)
    assert first.pk == second.pk


def test_name_change_renames_the_subject_on_submit(unit):
    record = submit_basic(unit)
    draft = services.record_start_change(actor=actor(unit), record=record)
    services.record_save(
        actor=actor(unit), record=record, data={**draft.data, "name": "新名称有限公司"}, expected_revision=0
    )
    unit.subject.refresh_from_db()
    assert unit.subject.name != "新名称有限公司"
    services.record_submit(actor=actor(unit), record=record, expected_revision=1)
    unit.subject.refresh_from_db()
    assert unit.subject.name == "新名称有限公司"


def test_discarding_a_change_keeps_the_version_in_force(unit):
    record = submit_basic(unit)
    services.record_start_change(actor=actor(unit), record=record)
    services.record_discard_change(actor=actor(unit), record=record)
    record.refresh_from_db()
    assert record.draft is None
    assert record.current.number == 1
    assert AuditEntry.objects.filter(action="registry.record_change_discarded").exists()


def test_stale_save_is_refused_and_the_first_save_survives(unit):
    """Two tabs on one draft: the second save names an old revision."""
    record = basic_record(unit)
    services.record_save(actor=actor(unit), record=record, data={"name": "A"}, expected_revision=0)
    with pytest.raises(ConflictError) as error:
        services.record_save(actor=actor(unit), record=record, data={"name": "B"}, expected_revision=0)
    assert error.value.current_revision == 1
    assert error.value.saved_data == {"name": "A"}
    record.refresh_from_db()
    assert record.draft.data == {"name": "A"}
    when = timezone.localtime(record.draft.saved_at).strftime("%H:%M:%S")
    assert error.value.message == rules.DRAFT_CONFLICT.format(when=when)
    # A deliberate second save, naming the revision it has now seen, wins.
    services.record_save(actor=actor(unit), record=record, data={"name": "B"}, expected_revision=1)
    record.refresh_from_db()
    assert record.draft.data == {"name": "B"}


def test_submitted_record_cannot_be_saved_without_a_change(unit):
    record = submit_basic(unit)
    with pytest.raises(StateError) as error:
        services.record_save(actor=actor(unit), record=record, data={"name": "x"}, expected_revision=0)
    assert error.value.message == rules.NOT_EDITABLE.format(status=record.get_status_display())


class TestCertificateOnlyKinds:
    """003 §4.2-4.5: 「用CA锁登录才可以提交信息」."""

    @pytest.mark.parametrize(
        "kind", [RecordKind.QUALIFICATION, RecordKind.PERFORMANCE, RecordKind.PRACTITIONER, RecordKind.AWARD]
    )
    def test_password_session_may_save_but_not_submit(self, unit, kind):
        record = services.record_create(actor=actor(unit), subject=unit.subject, kind=kind, data={})
        with pytest.raises(DomainError) as error:
            services.record_submit(actor=actor(unit, "password"), record=record, expected_revision=1)
        assert error.value.message == rules.CERTIFICATE_REQUIRED.format(kind=record.get_kind_display())
        record.refresh_from_db()
        assert record.status == RecordStatus.DRAFT

    def test_certificate_session_submits_an_award(self, unit):
        data = {
            "award_name": "芙蓉奖",
            "award_level": "provincial",
            "issuer": "湖南省住房和城乡建设厅",
            "awarded_on": "2024-01-10",
            "project_name": "",
            "certificate_scan": upload(unit, "award.pdf"),
        }
        record = services.record_create(
            actor=actor(unit), subject=unit.subject, kind=RecordKind.AWARD, data=data
        )
        services.record_submit(actor=actor(unit, "certificate"), record=record, expected_revision=1)
        record.refresh_from_db()
        assert record.status == RecordStatus.SUBMITTED
        assert record.current.submitted_auth == "certificate"

    def test_basic_information_may_be_submitted_by_password(self, unit):
        record = submit_basic(unit, method="password")
        assert record.status == RecordStatus.SUBMITTED


class TestVoid:
    def test_void_and_unvoid_a_qualification(self, unit):
        record = submit_qualification(unit)
        services.record_void(actor=actor(unit), record=record)
        record.refresh_from_db()
        assert record.status == RecordStatus.VOID
        with pytest.raises(StateError) as error:
            services.record_start_change(actor=actor(unit), record=record)
        assert error.value.message == rules.CHANGE_ONLY_SUBMITTED
        services.record_unvoid(actor=actor(unit), record=record)
        record.refresh_from_db()
        assert record.status == RecordStatus.SUBMITTED
        actions = list(AuditEntry.objects.filter(target_id=str(record.pk)).values_list("action", flat=True))
        assert "registry.record_voided" in actions and "registry.record_unvoided" in actions

    def test_unvoid_needs_a_void_record(self, unit):
        record = submit_qualification(unit)
        with pytest.raises(StateError) as error:
            services.record_unvoid(actor=actor(unit), record=record)
        assert error.value.message == rules.UNVOID_ONLY_VOID

    def test_basic_information_cannot_be_voided(self, unit):
        record = submit_basic(unit)
        with pytest.raises(StateError) as error:
            services.record_void(actor=actor(unit), record=record)
        assert error.value.message == rules.VOID_NOT_ALLOWED.format(kind=record.get_kind_display())


def test_never_submitted_item_can_be_deleted_but_a_submitted_one_cannot(unit):
    draft = services.record_create(
        actor=actor(unit), subject=unit.subject, kind=RecordKind.AWARD, data={"award_name": "x"}
    )
    services.record_delete_draft(actor=actor(unit), record=draft)
    assert not type(draft).objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(action="registry.record_deleted", data__data__award_name="x").exists()
    submitted = submit_qualification(unit)
    with pytest.raises(StateError) as error:
        services.record_delete_draft(actor=actor(unit), record=submitted)
    assert error.value.message == rules.DELETE_ONLY_NEVER_SUBMITTED


def test_every_state_change_is_audited_in_its_transaction(unit):
    record = submit_basic(unit)
    actions = set(AuditEntry.objects.filter(subject_id=unit.subject.pk).values_list("action", flat=True))
    assert {
        "registry.subject_registered",
        "registry.attachment_uploaded",
        "registry.record_saved",
        "registry.record_submitted",
    } <= actions
    submitted = AuditEntry.objects.get(action="registry.record_submitted")
    assert submitted.actor_id == unit.pk
    assert submitted.auth_method == "password"
    assert "联系人" in submitted.data["changed"]
    assert record.current.number == submitted.data["version"]


def test_a_failed_submit_writes_no_audit_row_and_changes_nothing(unit):
    record = basic_record(unit)
    before = AuditEntry.objects.count()
    with pytest.raises(IncompleteError) as error:
        services.record_submit(actor=actor(unit), record=record, expected_revision=0)
    assert error.value.message == rules.MISSING_REQUIRED.format(fields="、".join(error.value.fields))
    assert AuditEntry.objects.count() == before


def test_complete_basic_data_has_nothing_missing(unit):
    from registry.forms import UnitBasicForm

    assert UnitBasicForm.missing_for_submit(unit_basic_data(unit)) == []
