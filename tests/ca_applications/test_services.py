"""CA办理申请 as the manuals describe it: apply once the legal representative is filled in, wait
for the CA, only 「保存」 while waiting, 撤销, and the CA's answer."""

import pytest

from core.audit import Actor
from core.errors import IncompleteError, NotFound, StateError
from core.models import AuditEntry, OutboxMessage
from registry import ca_applications as ca
from registry import services
from registry.models import CAApplication, CAApplicationStatus, RecordStatus
from tests.conftest import actor
from tests.factories import basic_record, submit_basic

from .conftest import save_basic

pytestmark = pytest.mark.django_db


def test_a_unit_without_its_legal_representative_is_told_what_to_fill_in(unit):
    with pytest.raises(IncompleteError) as error:
        ca.ca_application_submit(actor=actor(unit), subject=unit.subject)
    assert error.value.message == ca.UNIT_INCOMPLETE.format(
        fields="法定代表人姓名、法定代表人身份证号、法定代表人手机"
    )
    assert error.value.message.startswith("请先完善法人和法定代表人基本信息：法定代表人姓名")
    assert not CAApplication.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_only_the_missing_fields_are_named(unit):
    save_basic(unit, legal_rep_phone="")
    with pytest.raises(IncompleteError) as error:
        ca.ca_application_submit(actor=actor(unit), subject=unit.subject)
    assert error.value.fields == ["法定代表人手机"]
    assert error.value.message == ca.UNIT_INCOMPLETE.format(fields="法定代表人手机")


def test_a_person_needs_a_name_and_a_phone(person):
    with pytest.raises(IncompleteError) as error:
        ca.ca_application_submit(actor=actor(person), subject=person.subject)
    assert error.value.message == ca.PERSON_INCOMPLETE.format(fields="手机号码")


def test_application_sends_the_saved_details_to_the_ca_intake(ready_unit, settings):
    application = ca.ca_application_submit(actor=actor(ready_unit), subject=ready_unit.subject)

    assert application.status == CAApplicationStatus.PENDING
    assert application.data["code"] == ready_unit.subject.code
    assert application.data["name"] == ready_unit.subject.name
    assert application.data["legal_rep_name"] == "王五"
    assert application.data["legal_rep_id_number"] == "11010519491231002X"
    assert application.data["region_name"]  # the CA reads names, not codes
    assert len(application.reference) >= 32
    message = OutboxMessage.objects.get()
    assert message == application.outbox_message
    assert message.url == settings.GGZY_CA_INTAKE_URL
    assert message.token_setting == "GGZY_CA_INTAKE_TOKEN"
    assert message.payload["action"] == "submit"
    assert message.payload["reference"] == application.reference
    assert message.payload["applicant"] == application.data
    assert message.payload["callback_url"] == settings.GGZY_CA_CALLBACK_URL
    entry = AuditEntry.objects.get(action="registry.ca_application_submitted")
    assert entry.actor == ready_unit and entry.subject_id == ready_unit.subject.pk


def test_the_details_come_from_the_change_in_progress_when_there_is_one(unit):
    record = submit_basic(unit)
    draft = services.record_start_change(actor=actor(unit), record=record)
    services.record_save(
        actor=actor(unit), record=record, data={**draft.data, "legal_rep_name": "赵六"}, expected_revision=0
    )
    application = ca.ca_application_submit(actor=actor(unit), subject=unit.subject)
    assert application.data["legal_rep_name"] == "赵六"
    assert application.data["version"] == 2


def test_only_one_application_waits_at_a_time(ready_unit):
    ca.ca_application_submit(actor=actor(ready_unit), subject=ready_unit.subject)
    with pytest.raises(StateError) as error:
        ca.ca_application_submit(actor=actor(ready_unit), subject=ready_unit.subject)
    assert error.value.message == ca.ALREADY_PENDING
    assert CAApplication.objects.count() == 1


def test_while_pending_the_basic_information_can_be_saved_but_not_submitted(ready_unit):
    ca.ca_application_submit(actor=actor(ready_unit), subject=ready_unit.subject)
    record = basic_record(ready_unit)

    version = services.record_save(
        actor=actor(ready_unit),
        record=record,
        data=record.draft.data,
        expected_revision=record.draft.revision,
    )
    with pytest.raises(StateError) as error:
        services.record_submit(actor=actor(ready_unit), record=record, expected_revision=version.revision)
    assert error.value.message == ca.PENDING_BLOCKS_SUBMIT
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT

    ca.ca_application_withdraw(actor=actor(ready_unit), subject=ready_unit.subject)
    services.record_submit(actor=actor(ready_unit), record=record, expected_revision=version.revision)
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED


def test_withdrawal_tells_the_ca_and_allows_a_new_application(ready_unit, settings):
    first = ca.ca_application_submit(actor=actor(ready_unit), subject=ready_unit.subject)
    withdrawn = ca.ca_application_withdraw(actor=actor(ready_unit), subject=ready_unit.subject)

    assert withdrawn.pk == first.pk
    assert withdrawn.status == CAApplicationStatus.WITHDRAWN
    assert withdrawn.withdrawn_at is not None
    message = OutboxMessage.objects.get(topic=ca.TOPIC_WITHDRAWN)
    assert message.url == settings.GGZY_CA_INTAKE_URL
    assert message.payload == {
        "action": "withdraw",
        "reference": first.reference,
        "withdrawn_at": withdrawn.withdrawn_at.isoformat(),
    }
    assert AuditEntry.objects.filter(
        action="registry.ca_application_withdrawn", target_id=str(first.pk)
    ).exists()

    with pytest.raises(StateError) as error:
        ca.ca_application_withdraw(actor=actor(ready_unit), subject=ready_unit.subject)
    assert error.value.message == ca.NOTHING_TO_WITHDRAW

    second = ca.ca_application_submit(actor=actor(ready_unit), subject=ready_unit.subject)
    assert second.reference != first.reference


def test_nothing_to_withdraw_without_an_application(unit):
    with pytest.raises(StateError) as error:
        ca.ca_application_withdraw(actor=actor(unit), subject=unit.subject)
    assert error.value.message == ca.NOTHING_TO_WITHDRAW


@pytest.mark.parametrize(
    ("accepted", "status"), [(True, CAApplicationStatus.ACCEPTED), (False, CAApplicationStatus.REJECTED)]
)
def test_the_ca_answer_is_recorded_by_the_system(ready_unit, accepted, status):
    application = ca.ca_application_submit(actor=actor(ready_unit), subject=ready_unit.subject)
    answered = ca.ca_application_answer(
        reference=application.reference, accepted=accepted, message="审核意见", ip="10.0.0.9"
    )
    assert answered.status == status
    assert answered.answered_at is not None
    assert answered.answer_message == "审核意见"
    entry = AuditEntry.objects.get(action=f"registry.ca_application_{status}")
    assert entry.actor is None and entry.auth_method == "system" and entry.ip == "10.0.0.9"
    assert entry.data == {"reference": application.reference, "message": "审核意见"}


def test_an_accepted_application_no_longer_blocks_submit(ready_unit):
    application = ca.ca_application_submit(actor=actor(ready_unit), subject=ready_unit.subject)
    ca.ca_application_answer(reference=application.reference, accepted=True, message="")
    record = basic_record(ready_unit)
    version = services.record_submit(
        actor=actor(ready_unit), record=record, expected_revision=record.draft.revision
    )
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED
    assert record.current == version
    assert record.draft is None


def test_a_repeated_answer_changes_nothing(ready_unit):
    application = ca.ca_application_submit(actor=actor(ready_unit), subject=ready_unit.subject)
    first = ca.ca_application_answer(reference=application.reference, accepted=True, message="已受理")
    again = ca.ca_application_answer(reference=application.reference, accepted=True, message="已受理")
    assert again.answered_at == first.answered_at
    assert AuditEntry.objects.filter(action="registry.ca_application_accepted").count() == 1


def test_a_different_answer_to_an_answered_application_is_refused(ready_unit):
    application = ca.ca_application_submit(actor=actor(ready_unit), subject=ready_unit.subject)
    ca.ca_application_answer(reference=application.reference, accepted=True, message="")
    with pytest.raises(StateError) as error:
        ca.ca_application_answer(reference=application.reference, accepted=False, message="资料不全")
    assert error.value.message == ca.ANSWER_CONFLICT.format(status="已受理", answer="已驳回")
    application.refresh_from_db()
    assert application.status == CAApplicationStatus.ACCEPTED


def test_an_answer_to_a_withdrawn_application_is_refused(ready_unit):
    application = ca.ca_application_submit(actor=actor(ready_unit), subject=ready_unit.subject)
    ca.ca_application_withdraw(actor=actor(ready_unit), subject=ready_unit.subject)
    with pytest.raises(StateError) as error:
        ca.ca_application_answer(reference=application.reference, accepted=True, message="")
    assert error.value.message == ca.ANSWER_WITHDRAWN


def test_an_unknown_reference_is_not_found(db):
    with pytest.raises(NotFound):
        ca.ca_application_answer(reference="no-such-reference", accepted=True, message="")


def test_services_write_nothing_when_the_audit_fails(ready_unit, monkeypatch):
    """Application, message and audit row are one transaction."""

    def broken(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(ca, "audit_log", broken)
    with pytest.raises(RuntimeError):
        ca.ca_application_submit(
            actor=Actor(user=ready_unit, auth_method="password"), subject=ready_unit.subject
        )
    assert not CAApplication.objects.exists()
    assert not OutboxMessage.objects.exists()
