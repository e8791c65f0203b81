"""Wrong PINs counted per key, across requests and restarts; too many in a row lock the key a while.

A count per sign request would let a page open request after request and give a guesser a fresh
set of tries each time. So the count belongs to the key: for a USB key, the token (its PIN is the
token's, shared by every certificate on it, so two certificates on one key do not double the
tries); for a soft certificate, its key file. It is kept in pin-failures.json in the agent's state
folder (next to config.toml) so that restarting the agent does not reset it either.

The file holds only key names, counts and times, never a PIN. Wall-clock time, not monotonic: a
lock must end at the time the user was told, even across a restart or a reboot.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .errors import PIN_LOCKED_OUT, PIN_TRIES_LEFT, KeyLocked
from .words import local_time, shown_time

logger = logging.getLogger(__name__)

STATE_FILE = "pin-failures.json"


class PinGuard:
    def __init__(
        self,
        *,
        state_dir: Path | None,
        max_failures: int,
        lock_minutes: int,
        clock: Callable[[], float] = time.time,
    ):
        self.file = state_dir / STATE_FILE if state_dir is not None else None
        self.max_failures = max_failures
        self.lock_seconds = lock_minutes * 60
        self.lock_minutes = lock_minutes
        self.clock = clock
        self._lock = threading.Lock()
        self._memory: dict[str, dict[str, float]] = {}

    # --- the state, read afresh each time: `ggzy-agent doctor` counts into the same file ---

    def _load(self) -> dict[str, dict[str, float]]:
        if self.file is None:
            return self._memory
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            # A damaged file must not stop signing; it is rewritten at the next wrong PIN.
            logger.warning("ignoring unreadable %s: %s", self.file, exc)
            return {}
        if not isinstance(data, dict):
            return {}
        return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, dict)}

    def _save(self, state: dict[str, dict[str, float]]) -> None:
        if self.file is None:
            self._memory = state
            return
        self.file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temporary, self.file)  # never a half-written file, even if the agent dies here

    def _entry(self, state: dict[str, dict[str, float]], key: str) -> tuple[int, float]:
        entry = state.get(key) or {}
        failures = entry.get("failures", 0)
        until = entry.get("locked_until", 0.0)
        failures = failures if isinstance(failures, int) and not isinstance(failures, bool) else 0
        until = float(until) if isinstance(until, int | float) and not isinstance(until, bool) else 0.0
        return failures, until

    # --- what Inventory.sign asks ---

    def check(self, key: str) -> None:
        """Raises KeyLocked while the key is locked."""
        with self._lock:
            _, until = self._entry(self._load(), key)
        if until > self.clock():
            raise self._locked(until)

    def tries_left(self, key: str) -> int:
        with self._lock:
            failures, until = self._entry(self._load(), key)
        if until > self.clock():
            return 0
        return self.max_failures - failures

    def failed(self, key: str) -> int:
        """Counts one wrong PIN; returns the tries left, or raises KeyLocked when this one locks."""
        with self._lock:
            state = self._load()
            failures, until = self._entry(state, key)
            now = self.clock()
            if until and until <= now:  # a lock that has ended starts a fresh count
                failures = 0
            failures += 1
            if failures >= self.max_failures:
                until = now + self.lock_seconds
                state[key] = {"failures": 0, "locked_until": until}
            else:
                state[key] = {"failures": failures}
            self._save(state)
        if failures >= self.max_failures:
            logger.warning("key locked after %d wrong PINs until %s", failures, shown_time(until))
            raise self._locked(until)
        return self.max_failures - failures

    def succeeded(self, key: str) -> None:
        with self._lock:
            state = self._load()
            if key in state:
                del state[key]
                self._save(state)

    def tries_message(self, left: int) -> str:
        return PIN_TRIES_LEFT.format(left=left, limit=self.max_failures, minutes=self.lock_minutes)

    def _locked(self, until: float) -> KeyLocked:
        message = PIN_LOCKED_OUT.format(limit=self.max_failures, until=shown_time(until))
        return KeyLocked(message, local_time(until).isoformat(timespec="seconds"))
