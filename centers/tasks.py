"""What the worker's queue runs (centers/apps.py adds every function of TASKS to core/queue.py's Huey).

Each task only points at work the database already holds, so running one twice, late, or after a
lost one is harmless.
"""

from centers import sync


def deliver(center_id: int, subject_id: int) -> int:
    """Deliver one subject's registry events that one center has not applied yet (centers/sync.py)."""
    return sync.sync_deliver(center_id=center_id, subject_id=subject_id)


TASKS = [deliver]
