"""A center apart that meets an event it cannot apply stops there and says which (centers/follow.py):
the cursor stays before it, FeedCursor.last_error names the subject and the event, nothing after it
is applied out of order, and the next round tries it again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from centers.follow import EVENT_ERROR_OTHER, FEED_EVENT_FAILED, FeedError, feed_follow
from centers.models import Center, CenterSubject, FeedCursor
from centers.sync import PAYLOAD_INCOMPLETE
from registry.models import SubjectEvent
from tests.centers.syncparts import queue_in_tmp, seeded_centers  # noqa: F401 (fixtures)
from tests.factories import make_unit, submit_basic

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_centers", "queue_in_tmp"),
]

TOKEN = "follow-errors-token"


@pytest.mark.parametrize(
    "broken, reason",
    [
        # A payload this center refuses (a DomainError of center_subject_apply).
        (lambda code: {"code": code}, PAYLOAD_INCOMPLETE.format(fields="kind、name、status、basic")),
        # One the follower itself cannot read (a KeyError).
        (lambda code: {"name": "无代码"}, EVENT_ERROR_OTHER.format(kind="KeyError")),
    ],
)
def test_a_bad_event_stops_the_follower_at_it_and_says_which(live_server, settings, broken, reason):
    settings.GGZY_FEED_TOKEN = TOKEN
    bad = make_unit(name="坏事件测试有限公司")
    good = make_unit(name="其后事件测试有限公司")
    submit_basic(good)
    first = SubjectEvent.objects.get(subject=bad.subject)
    SubjectEvent.objects.filter(pk=first.pk).update(payload=broken(bad.subject.code))
    # Past the feed's watermark, so the feed serves them all now.
    SubjectEvent.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    feed_url = f"{live_server.url}/registry/feed/subjects/"
    changde = Center.objects.get(code="changde")

    for _ in range(2):  # stopped again on the next round, not skipped
        with pytest.raises(FeedError) as stopped:
            feed_follow(feed_url=feed_url, center=changde, token=TOKEN)
        expected = FEED_EVENT_FAILED.format(code=bad.subject.code, seq=first.seq, error=reason)
        assert stopped.value.message == expected
        cursor = FeedCursor.objects.get(feed_url=feed_url)
        assert cursor.position == 0 and cursor.last_error == expected
        assert not CenterSubject.objects.at(changde).filter(subject=good.subject).exists()
