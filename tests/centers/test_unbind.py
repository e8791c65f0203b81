"""解绑申请 online (000 §6.3, 002 §5): the unit files it with the letter and the licence, technical
support decides through the queue, approving unbinds the certificate."""

import pytest
from django.test import Client
from django.utils import timezone

from centers import people_rules as rules
from centers import unbind
from centers.models import RequestStatus
from centers.review_handlers import unbind_describe
from core.errors import DomainError, StateError
from core.models import AuditEntry
from pki import rules as pki_rules
from pki import services as pki_services
from pki.models import BoundCertificate
from review import rules as review_rules
from review.models import ReviewItem, ReviewKind, ReviewStatus, StaffRole
from tests.centers.factories import center
from tests.centers.people_factories import (
    acting_for,
    bind_unit_key,
    decide,
    enter,
    make_reviewer,
    make_support,
    make_unbind_request,
    open_item,
    stored,
    trust_all,
    unit_actor,
)
from tests.factories import make_unit
from tests.pkiparts import holder

pytestmark = pytest.mark.django_db


@pytest.fixture
def trusted(tmp_path):
    return trust_all(tmp_path / "trust")


@pytest.fixture
def bidder(trusted):
    """Any unit may ask, not only agencies: a bidder at 丰台 whose key was lost."""
    account = make_unit(name="丰台供应商科技有限公司")
    entry = enter(account, center("fengtai"), types=("supplier",))
    return account, entry, bind_unit_key(trusted["rsa"], account)


def test_a_password_login_files_the_request_for_technical_support(bidder):
    account, entry, bound = bidder
    made = make_unbind_request(account, entry, bound)

    assert made.status == RequestStatus.SUBMITTED and made.certificate == bound
    assert made.letter["name"] == "解绑申请书.pdf" and made.licence["name"] == "营业执照.png"
    item = open_item(made)
    assert item.kind == ReviewKind.UNBIND and item.role == StaffRole.SUPPORT and item.center == entry.center
    assert item.title == rules.UNBIND_REVIEW_TITLE.format(
        holder=bound.holder_name, serial=bound.serial, reason="证书遗失或损坏"
    )
    assert unbind.unbind_due_at(made) == item.due_at
    requested = AuditEntry.objects.get(action="centers.unbind_requested", target_id=str(made.pk))
    assert requested.data["center"] == "fengtai"


def test_refusals_say_what_is_missing(trusted, bidder):
    account, entry, bound = bidder
    other = make_unit(name="别家单位有限公司")
    cases = [
        ({"certificate_pk": None}, rules.UNBIND_CERTIFICATE_NOT_FOUND, "certificate"),
        (
            {"certificate_pk": bind_unit_key(trusted["p256"], other).pk},
            rules.UNBIND_CERTIFICATE_NOT_FOUND,
            "certificate",
        ),
        ({"reason": "whatever"}, rules.UNBIND_REASON_REQUIRED, "reason"),
        ({"explanation": "  "}, rules.UNBIND_EXPLANATION_REQUIRED, "explanation"),
        (
            {"explanation": "长" * (rules.UNBIND_EXPLANATION_LIMIT + 1)},
            rules.UNBIND_EXPLANATION_TOO_LONG.format(limit=rules.UNBIND_EXPLANATION_LIMIT),
            "explanation",
        ),
        ({"letter": None}, rules.UNBIND_LETTER_MISSING, "letter"),
        ({"licence": None}, rules.UNBIND_LICENCE_MISSING, "licence"),
        ({"licence": stored(other, "别家执照.pdf")}, rules.DOCUMENT_NOT_OWN, "licence"),
    ]
    for overrides, message, field in cases:
        with pytest.raises(DomainError) as refused:
            make_unbind_request(account, entry, bound, **overrides)
        assert (refused.value.message, refused.value.field) == (message, field), overrides
    assert not unbind.unbind_requests_for(center_subject=entry).exists()


def test_an_unbound_certificate_cannot_be_asked_for(bidder):
    account, entry, bound = bidder
    pki_services.certificate_unbind(
        actor=unit_actor(account, "certificate"), subject=account.subject, pk=bound.pk
    )
    with pytest.raises(DomainError) as refused:
        make_unbind_request(account, entry, bound)
    assert refused.value.message == rules.UNBIND_CERTIFICATE_NOT_FOUND


def test_one_waiting_request_per_certificate(bidder):
    account, entry, bound = bidder
    made = make_unbind_request(account, entry, bound)
    when = timezone.localtime(made.created_at).strftime("%Y-%m-%d %H:%M")
    message = rules.UNBIND_ALREADY_OPEN.format(center=entry.center.name, when=when)
    with pytest.raises(StateError) as refused:
        make_unbind_request(account, entry, bound)
    assert refused.value.message == message

    # The binding is the unit's, not a center's: another center refuses it too, naming the first.
    elsewhere = enter(account, center("changde"), types=("supplier",))
    with pytest.raises(StateError) as refused:
        make_unbind_request(account, elsewhere, bound)
    assert refused.value.message == message
    assert not unbind.unbind_requests_for(center_subject=elsewhere).exists()


def test_withdraw_while_waiting(bidder):
    account, entry, bound = bidder
    made = make_unbind_request(account, entry, bound)
    item = open_item(made)

    unbind.unbind_request_withdraw(actor=unit_actor(account), unbind_request=made)

    made.refresh_from_db()
    item.refresh_from_db()
    assert made.status == RequestStatus.WITHDRAWN and item.status == ReviewStatus.WITHDRAWN
    with pytest.raises(StateError) as refused:
        unbind.unbind_request_withdraw(actor=unit_actor(account), unbind_request=made)
    assert refused.value.message == rules.UNBIND_STATE.format(status="已撤回", action="撤回")
    assert make_unbind_request(account, entry, bound).pk != made.pk  # and may ask again


def test_technical_support_approves_and_the_certificate_is_unbound(bidder):
    account, entry, bound = bidder
    made = make_unbind_request(account, entry, bound)
    support = make_support(entry.center)

    decide(support, made, approve=True, opinion="材料齐全，已解绑")

    made.refresh_from_db()
    bound.refresh_from_db()
    assert made.status == RequestStatus.APPROVED and made.decision_opinion == "材料齐全，已解绑"
    assert bound.unbound_at is not None and bound.unbound_by == support.user
    row = AuditEntry.objects.get(action="pki.certificate_unbound")
    assert row.actor == support.user and row.data["on_request"] is True and row.data["reason"] == "lost"
    approved = AuditEntry.objects.get(action="centers.unbind_approved", target_id=str(made.pk))
    assert approved.data["center"] == "fengtai"


def test_a_reviewer_without_the_support_role_cannot_decide(bidder):
    account, entry, bound = bidder
    made = make_unbind_request(account, entry, bound)
    reviewer = make_reviewer(entry.center)
    with pytest.raises(DomainError) as refused:
        decide(reviewer, made, approve=True)
    assert refused.value.message == review_rules.WRONG_ROLE.format(role="技术支持")


def test_rejection_keeps_the_certificate_and_shows_the_opinion(bidder):
    account, entry, bound = bidder
    made = make_unbind_request(account, entry, bound)
    support = make_support(entry.center)

    decide(support, made, approve=False, opinion="解绑申请书未加盖公章")

    made.refresh_from_db()
    bound.refresh_from_db()
    assert made.status == RequestStatus.REJECTED and made.decision_opinion == "解绑申请书未加盖公章"
    assert bound.unbound_at is None


def test_approving_a_certificate_the_unit_meanwhile_unbound_itself_just_grants(bidder):
    account, entry, bound = bidder
    made = make_unbind_request(account, entry, bound)
    pki_services.certificate_unbind(
        actor=unit_actor(account, "certificate"), subject=account.subject, pk=bound.pk
    )
    support = make_support(entry.center)

    decide(support, made, approve=True)

    made.refresh_from_db()
    assert made.status == RequestStatus.APPROVED
    assert AuditEntry.objects.filter(action="pki.certificate_unbound").count() == 1


def test_staff_unbind_on_request_refuses_a_certificate_already_unbound(bidder):
    _, entry, bound = bidder
    support = make_support(entry.center)
    done = pki_services.certificate_unbind_on_request(actor=support, bound=bound, reason="lost")
    assert done.unbound_at and BoundCertificate.objects.get(pk=bound.pk).unbound_by == support.user
    with pytest.raises(StateError) as refused:
        pki_services.certificate_unbind_on_request(actor=support, bound=bound, reason="lost")
    assert refused.value.message == pki_rules.UNBIND_NOT_BOUND


def test_acting_person_may_not_file_or_withdraw(bidder):
    account, entry, bound = bidder
    acting = acting_for(account)
    message = rules.UNIT_ONLY.format(action=rules.ACTION_UNBIND)
    with pytest.raises(DomainError) as refused:
        make_unbind_request(account, entry, bound, actor=acting)
    assert refused.value.message == message
    made = make_unbind_request(account, entry, bound)
    with pytest.raises(DomainError) as refused:
        unbind.unbind_request_withdraw(actor=acting, unbind_request=made)
    assert refused.value.message == message


def test_technical_support_reads_the_request_and_opens_its_letter(bidder, client):
    account, entry, bound = bidder
    made = make_unbind_request(account, entry, bound)

    described = unbind_describe(ReviewItem.objects.get(kind=ReviewKind.UNBIND, target_id=str(made.pk)))

    assert described["title"] == f"丰台·证书解绑：{account.subject.name}（序列号 {bound.serial}）"
    assert ("解绑原因", "证书遗失或损坏") in described["rows"]
    (letter_label, letter_url), (licence_label, _) = described["attachments"]
    assert letter_label == "解绑申请书：解绑申请书.pdf" and licence_label == "营业执照：营业执照.png"
    assert letter_url == f"/backoffice/attachments/{made.letter['id']}/"


def test_a_certificate_unbound_on_request_does_not_bind_itself_again_at_login(trusted):
    account = make_unit(name="丰台遗失证书有限公司")
    entry = enter(account, center("fengtai"), types=("supplier",))
    key = holder(trusted["rsa"], name=account.subject.name, code=account.subject.code)
    bound = pki_services.certificate_bind(
        actor=unit_actor(account, "certificate"),
        subject=account.subject,
        holder=pki_services.certificate_check(certificate=key.pem),
        how="manual",
    )
    decide(make_support(entry.center), make_unbind_request(account, entry, bound), approve=True)

    client = Client()
    nonce = client.post("/pki/challenge/", {"purpose": "login"}).json()["nonce"]
    answer = client.post("/pki/login/", key.signed(nonce=nonce), content_type="application/json")

    assert answer.status_code == 400 and answer.json()["error"] == pki_rules.BIND_BLOCKED
    assert "_auth_user_id" not in client.session
    bound.refresh_from_db()
    assert bound.unbound_at is not None and bound.blocked_at == bound.unbound_at
    assert not AuditEntry.objects.filter(action="pki.certificate_login").exists()
