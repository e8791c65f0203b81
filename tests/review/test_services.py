"""Claiming and deciding review items: one claimant at a time, the center's and the role's
bounds, an opinion to reject, and the decision committed together with its effect."""

import threading

import pytest
from django.db import connection

from centers.models import CenterSubject, ProfileStatus
from core.errors import DomainError, NotFound, StateError
from core.models import AuditEntry
from review import rules, services
from review.models import ReviewItem, ReviewKind, ReviewStatus, StaffRole
from tests.factories import make_django_staff_without_member
from tests.review.parts import REFUSED, actor_of, center_subject, open_item, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return center_subject("hengyang")


@pytest.fixture
def colleague():
    return staff("hy_reviewer2", "hengyang", "reviewer", name="张伟")


def actions(item: ReviewItem) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_type="review.reviewitem", target_id=str(item.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_second_claimant_is_told_who_has_it(entry, reviewer, colleague):
    item = open_item(entry)
    services.review_claim(actor=actor_of(reviewer), pk=item.pk)
    with pytest.raises(StateError) as second:
        services.review_claim(actor=actor_of(colleague), pk=item.pk)
    assert second.value.message == rules.ALREADY_CLAIMED.format(name="李娟")
    item.refresh_from_db()
    assert item.claimed_by == reviewer.account and actions(item) == [
        "review.item_opened",
        "review.item_claimed",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_claims_at_the_same_moment_give_the_item_to_one(seeded, entry, reviewer, colleague):
    item = open_item(entry)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def claim(member):
        try:
            start.wait(timeout=10)
            services.review_claim(actor=actor_of(member), pk=item.pk)
            outcomes[member.name] = "claimed"
        except StateError as error:
            outcomes[member.name] = error.message
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(m,)) for m in (reviewer, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    item.refresh_from_db()
    winner = item.claimed_by.display_name
    loser = "张伟" if winner == "李娟" else "李娟"
    assert outcomes == {winner: "claimed", loser: rules.ALREADY_CLAIMED.format(name=winner)}
    assert actions(item).count("review.item_claimed") == 1


def test_another_centers_staff_find_nothing(entry):
    changde = staff("cd_reviewer", "changde", "reviewer")
    item = open_item(entry)
    for act in (services.review_claim, services.review_release):
        with pytest.raises(NotFound):
            act(actor=actor_of(changde), pk=item.pk)
    with pytest.raises(NotFound):
        services.review_decide(actor=actor_of(changde), pk=item.pk, approve=True, opinion="")


def test_a_role_that_does_not_decide_the_kind_is_told_which_role_does(entry, support):
    item = open_item(entry)
    with pytest.raises(DomainError) as refused:
        services.review_claim(actor=actor_of(support), pk=item.pk)
    assert refused.value.message == rules.WRONG_ROLE.format(role="审核员")
    assert ReviewItem.objects.get(pk=item.pk).status == ReviewStatus.OPEN


def test_unbind_requests_go_to_technical_support(entry, reviewer):
    item = open_item(entry, kind=ReviewKind.UNBIND)
    assert item.role == StaffRole.SUPPORT
    with pytest.raises(DomainError) as refused:
        services.review_claim(actor=actor_of(reviewer), pk=item.pk)
    assert refused.value.message == rules.WRONG_ROLE.format(role="技术支持")


def test_accounts_that_are_not_staff_are_refused(entry, unit):
    item = open_item(entry)
    for account in (unit, make_django_staff_without_member()):
        with pytest.raises(DomainError) as refused:
            services.review_claim(actor=actor_of(account), pk=item.pk)
        assert refused.value.message == rules.NOT_STAFF


@pytest.mark.parametrize("opinion", ["", "   \n "])
def test_rejecting_needs_an_opinion(entry, reviewer, handlers, opinion):
    item = open_item(entry)
    services.review_claim(actor=actor_of(reviewer), pk=item.pk)
    with pytest.raises(DomainError) as refused:
        services.review_decide(actor=actor_of(reviewer), pk=item.pk, approve=False, opinion=opinion)
    assert refused.value.message == rules.OPINION_REQUIRED and refused.value.field == "opinion"
    assert ReviewItem.objects.get(pk=item.pk).status == ReviewStatus.CLAIMED


def test_an_opinion_has_a_length_limit(entry, reviewer, handlers):
    item = open_item(entry)
    services.review_claim(actor=actor_of(reviewer), pk=item.pk)
    with pytest.raises(DomainError) as refused:
        services.review_decide(actor=actor_of(reviewer), pk=item.pk, approve=False, opinion="改" * 2001)
    assert refused.value.message == rules.OPINION_TOO_LONG.format(limit=2000)


def test_deciding_needs_the_claim(entry, reviewer, colleague, handlers):
    item = open_item(entry)
    with pytest.raises(StateError) as unclaimed:
        services.review_decide(actor=actor_of(reviewer), pk=item.pk, approve=True, opinion="")
    assert unclaimed.value.message == rules.NOT_CLAIMED_BY_YOU

    services.review_claim(actor=actor_of(reviewer), pk=item.pk)
    with pytest.raises(StateError) as claimed_by_another:
        services.review_decide(actor=actor_of(colleague), pk=item.pk, approve=True, opinion="")
    assert claimed_by_another.value.message == rules.NOT_CLAIMED_BY_YOU

    services.review_release(actor=actor_of(reviewer), pk=item.pk)
    with pytest.raises(StateError) as released:
        services.review_decide(actor=actor_of(reviewer), pk=item.pk, approve=True, opinion="")
    assert released.value.message == rules.NOT_CLAIMED_BY_YOU
    assert CenterSubject.unscoped.get(pk=entry.pk).profile_status == ProfileStatus.SUBMITTED
    assert actions(item) == ["review.item_opened", "review.item_claimed", "review.item_released"]


def test_approval_commits_the_effect_and_the_decision_together(entry, reviewer, handlers):
    item = open_item(entry)
    services.review_claim(actor=actor_of(reviewer), pk=item.pk)
    services.review_decide(actor=actor_of(reviewer), pk=item.pk, approve=True, opinion="材料齐全")

    item.refresh_from_db()
    entry.refresh_from_db()
    assert item.status == ReviewStatus.APPROVED and item.decided_by == reviewer.account
    assert entry.profile_status == ProfileStatus.APPROVED and entry.decision_opinion == "材料齐全"
    decided = AuditEntry.objects.get(action="review.item_approved", target_id=str(item.pk))
    assert decided.data["opinion"] == "材料齐全" and decided.actor == reviewer.account
    with pytest.raises(StateError) as again:
        services.review_claim(actor=actor_of(reviewer), pk=item.pk)
    assert again.value.message == rules.ALREADY_DECIDED.format(status="已通过")


def test_rejection_tells_the_applicant_why(entry, reviewer, handlers):
    item = open_item(entry)
    services.review_claim(actor=actor_of(reviewer), pk=item.pk)
    services.review_decide(actor=actor_of(reviewer), pk=item.pk, approve=False, opinion="营业执照不清晰")
    entry.refresh_from_db()
    assert entry.profile_status == ProfileStatus.REJECTED and entry.decision_opinion == "营业执照不清晰"
    assert ReviewItem.objects.get(pk=item.pk).status == ReviewStatus.REJECTED


def test_a_handler_that_refuses_leaves_the_item_claimed_and_nothing_changed(
    entry, reviewer, refusing_handlers
):
    item = open_item(entry)
    services.review_claim(actor=actor_of(reviewer), pk=item.pk)
    with pytest.raises(DomainError) as refused:
        services.review_decide(actor=actor_of(reviewer), pk=item.pk, approve=True, opinion="同意")
    assert refused.value.message == REFUSED
    item.refresh_from_db()
    entry.refresh_from_db()
    assert item.status == ReviewStatus.CLAIMED and item.decided_at is None and item.opinion == ""
    # The handler had already changed the subject before refusing: that change is gone too.
    assert entry.profile_status == ProfileStatus.SUBMITTED
    assert actions(item) == ["review.item_opened", "review.item_claimed"]


def test_a_kind_nobody_handles_is_refused_not_crashed(entry, reviewer):
    item = open_item(entry, kind="test_nobody")
    services.review_claim(actor=actor_of(reviewer), pk=item.pk)
    with pytest.raises(StateError) as refused:
        services.review_decide(actor=actor_of(reviewer), pk=item.pk, approve=True, opinion="")
    assert refused.value.message == rules.HANDLER_MISSING.format(kind="test_nobody")


def test_only_the_claimant_or_an_administrator_releases(entry, reviewer, colleague):
    center_admin = staff("hy_admin", "hengyang", "admin")
    item = open_item(entry)
    services.review_claim(actor=actor_of(reviewer), pk=item.pk)
    with pytest.raises(StateError) as refused:
        services.review_release(actor=actor_of(colleague), pk=item.pk)
    assert refused.value.message == rules.NOT_CLAIMED_BY_YOU
    services.review_release(actor=actor_of(center_admin), pk=item.pk)
    item.refresh_from_db()
    assert item.status == ReviewStatus.OPEN and item.claimed_by is None
    released = AuditEntry.objects.get(action="review.item_released", target_id=str(item.pk))
    assert released.actor == center_admin.account and released.data == {"claimed_by": "李娟"}
    with pytest.raises(StateError) as twice:
        services.review_release(actor=actor_of(center_admin), pk=item.pk)
    assert twice.value.message == rules.NOT_CLAIMED


def test_a_platform_administrator_works_every_center(entry, admin):
    item = open_item(entry)
    services.review_claim(actor=actor_of(admin), pk=item.pk)
    assert ReviewItem.objects.get(pk=item.pk).claimed_by == admin.account


def test_submitting_again_while_waiting_keeps_the_one_item(entry):
    first = open_item(entry)
    assert open_item(entry).pk == first.pk
    assert ReviewItem.objects.count() == 1
