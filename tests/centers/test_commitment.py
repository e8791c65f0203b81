"""The 诚信承诺书: made at a center, sealed by the unit at its place, recognised by its fields, and
opened by the center's staff alone (000 §7)."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from django.utils import timezone

from centers import grants, profiles, rules
from centers.models import SubjectType
from core.audit import Actor
from core.errors import DomainError
from review import services as review_services
from review.models import ReviewItem, ReviewStatus
from signing import services as signing_services
from tests import pkiparts
from tests.centers.factories import (
    actor,
    center,
    make_entry,
    make_reviewer,
    ready_to_submit,
    save_profile,
    seal,
    sealed_commitment,
    submit,
    unit_seal,
)

pytestmark = pytest.mark.django_db


def codes(entry) -> set[str]:
    return set(
        grants.permissions_of(center=entry.center, center_subject=entry).values_list("code", flat=True)
    )


def staff_decide(reviewer, entry_or_type, kind, *, approve: bool, opinion: str = ""):
    """The reviewer claims the undecided item of the target and decides it."""
    item = ReviewItem.objects.get(
        kind=kind, target_id=str(entry_or_type.pk), status__in=[ReviewStatus.OPEN, ReviewStatus.CLAIMED]
    )
    staff = Actor(user=reviewer, auth_method="certificate")
    review_services.review_claim(actor=staff, pk=item.pk)
    return review_services.review_decide(actor=staff, pk=item.pk, approve=approve, opinion=opinion)


def test_no_commitment_no_submit():
    account, entry = make_entry()
    save_profile(account, entry)
    with pytest.raises(DomainError) as refused:
        submit(account, entry)
    assert refused.value.message == rules.COMMITMENT_MISSING


def test_an_unsealed_commitment_is_refused(key_for):
    account, entry = make_entry()
    save_profile(account, entry)
    profiles.commitment_generate(actor=actor(account), center=entry.center, center_subject=entry)
    with pytest.raises(DomainError) as refused:
        submit(account, entry)
    assert refused.value.message == rules.COMMITMENT_NOT_SEALED


def test_the_unit_seal_must_be_at_the_units_place(key_for):
    account, entry = make_entry()
    key = key_for(account)
    save_profile(account, entry)
    document = profiles.commitment_generate(actor=actor(account), center=entry.center, center_subject=entry)
    seal(account, document, unit_seal(account), key, place="legal_representative")
    with pytest.raises(DomainError) as refused:
        submit(account, entry)
    assert refused.value.message == rules.COMMITMENT_NOT_SEALED


def test_only_the_legal_representatives_seal_is_not_the_units(key_for, trusted):
    account, entry = make_entry()
    key_for(account)
    person = pkiparts.holder(trusted["demo-p256"], name="王五", code="11010519491231002X", kind="person")
    rep_seal = signing_services.seal_create_personal(
        actor=actor(account), subject=account.subject, name="王五", id_number="11010519491231002X"
    )
    signing_services.seal_certificate_add(actor=actor(account), seal=rep_seal, certificate=person.pem)
    save_profile(account, entry)
    document = profiles.commitment_generate(actor=actor(account), center=entry.center, center_subject=entry)
    seal(account, document, rep_seal, person, place="unit")
    with pytest.raises(DomainError) as refused:
        submit(account, entry)
    assert refused.value.message == rules.COMMITMENT_NOT_SEALED


def test_a_seal_made_with_a_certificate_never_bound_to_the_unit_does_not_count(key_for, trusted):
    account, entry = make_entry()
    key_for(account)
    stray = pkiparts.holder(trusted["demo-p256"], name=account.subject.name, code=account.subject.code)
    the_seal = unit_seal(account)
    signing_services.seal_certificate_add(actor=actor(account), seal=the_seal, certificate=stray.pem)
    save_profile(account, entry)
    document = profiles.commitment_generate(actor=actor(account), center=entry.center, center_subject=entry)
    seal(account, document, the_seal, stray)
    with pytest.raises(DomainError) as refused:
        submit(account, entry)
    assert refused.value.message == rules.COMMITMENT_NOT_SEALED


def test_a_commitment_made_for_another_center_is_not_this_centers(key_for):
    account, entry = make_entry("changde")
    key = key_for(account)
    from tests.centers.factories import enter

    elsewhere = enter(account, center("hengyang"))
    save_profile(account, elsewhere)
    other = sealed_commitment(account, elsewhere, key)
    save_profile(account, entry)
    entry.commitment = other  # as if pointed at 衡阳's commitment
    entry.save(update_fields=["commitment"])
    with pytest.raises(DomainError) as refused:
        submit(account, entry)
    assert refused.value.message == rules.COMMITMENT_OTHER_CENTER.format(center="常德市公共资源交易中心")


def test_the_commitment_says_whom_it_is_addressed_to_and_is_dated_the_day_it_is_made(key_for):
    account, entry = make_entry("changde")
    save_profile(account, entry)
    document = profiles.commitment_generate(actor=actor(account), center=entry.center, center_subject=entry)
    name = profiles.submitting_name(entry)
    assert (document.kind, document.center_code, document.subject_name) == (
        rules.COMMITMENT_KIND,
        "changde",
        name,
    )
    assert document.title == profiles.commitment_title(entry.center, name)
    today = timezone.localdate()
    pdf = pdfium.PdfDocument(bytes(document.pdf))
    text = "".join(page.get_textpage().get_text_range() for page in pdf)
    pdf.close()
    assert f"{today.year}年{today.month}月{today.day}日" in text


def test_a_document_is_a_commitment_by_its_fields_not_its_title(key_for):
    # A document titled exactly as a commitment for this center, but addressed to none (as signing's
    # page once made them), is not this center's commitment.
    account, entry = make_entry("changde")
    save_profile(account, entry)
    name = profiles.submitting_name(entry)
    lookalike = signing_services.document_create(
        actor=actor(account),
        subject=account.subject,
        kind=rules.COMMITMENT_KIND,
        title=profiles.commitment_title(entry.center, name),
        context={"center_name": "公共资源交易中心", "subject_name": name, "subject_code": "x"},
    )
    check = profiles.commitment_check(center=entry.center, entry=entry, document=lookalike)
    assert check.problem == rules.COMMITMENT_OTHER_CENTER.format(center="常德市公共资源交易中心")


def test_staff_of_the_center_open_the_sealed_commitment_others_do_not(key_for, client):
    account, entry = make_entry("hengyang", types=(SubjectType.AGENCY,))
    ready_to_submit(account, entry, key_for(account))
    submit(account, entry)
    url = f"/backoffice/subjects/hengyang/{entry.pk}/commitment/"

    client.force_login(make_reviewer(entry.center))
    opened = client.get(url)
    assert opened.status_code == 200 and opened["Content-Type"] == "application/pdf"
    assert opened.content.startswith(b"%PDF") and b"/ByteRange" in opened.content  # the sealed file
    assert "attachment" not in opened["Content-Disposition"]

    client.force_login(make_reviewer(center("changde"), username="changde_reviewer"))
    assert client.get(url).status_code == 404  # another center's staff
    client.force_login(account)
    assert client.get(url).status_code == 403  # the unit itself is not staff


def test_the_migration_addresses_the_commitments_entries_hold_by_their_title(key_for):
    # centers 0005 fills center_code/subject_name for commitments made before the fields existed.
    import importlib

    from django.apps import apps

    migration = importlib.import_module("centers.migrations.0005_commitment_documents_addressed")
    account, entry = make_entry("changde")
    save_profile(account, entry)
    document = profiles.commitment_generate(actor=actor(account), center=entry.center, center_subject=entry)
    stray = signing_services.document_create(
        actor=actor(account),
        subject=account.subject,
        kind=rules.COMMITMENT_KIND,
        title="诚信承诺书（某单位）",
        context={"center_name": "公共资源交易中心", "subject_name": "某单位", "subject_code": "x"},
    )
    type(document).objects.filter(pk__in=[document.pk, stray.pk]).update(center_code="", subject_name="")
    migration.fill(apps, None)
    document.refresh_from_db()
    stray.refresh_from_db()
    entry.refresh_from_db()
    assert (document.center_code, document.subject_name) == ("changde", profiles.submitting_name(entry))
    assert (stray.center_code, stray.subject_name) == ("", "")
    assert profiles.commitment_check(center=entry.center, entry=entry).problem == rules.COMMITMENT_NOT_SEALED
