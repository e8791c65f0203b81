"""The worker's queue (core/queue.py) knows no app: apps add their tasks at start-up."""

import pytest

from centers import sync, tasks
from core import queue


def test_the_centers_add_their_delivery_and_the_sync_engine_queues_it_by_that_name():
    assert tasks.deliver.__name__ == sync.DELIVER_TASK
    assert queue._tasks[sync.DELIVER_TASK] is tasks.deliver
    assert sync.DELIVER_TASK in queue._current()[1]  # on the Huey of the settings


def test_a_task_added_after_the_queue_was_built_is_on_it_too(monkeypatch):
    monkeypatch.setattr(queue, "_tasks", dict(queue._tasks))
    huey = queue.huey_queue()
    huey.immediate = True  # runs the call in place of queueing it

    def ping(value: int) -> None:
        seen.append(value)

    seen: list[int] = []
    try:
        queue.queue_task_add(ping)
        queue.queue_task_add(ping)  # ready() run twice adds nothing twice
        queue.enqueue("ping", 7)
    finally:
        huey.immediate = False
        queue._current_queue.clear()  # the next test builds a queue without `ping`
    assert seen == [7]


def test_two_tasks_of_one_name_and_an_unknown_name_are_refused(monkeypatch):
    monkeypatch.setattr(queue, "_tasks", dict(queue._tasks))

    def deliver(center_id: int, subject_id: int) -> None:
        pass

    with pytest.raises(ValueError, match="already named 'deliver'"):
        queue.queue_task_add(deliver)
    with pytest.raises(ValueError, match="not a registered queue task"):
        queue.enqueue("nothing_of_that_name")
