"""How the agent says things to people: algorithms by their usual names, times in local time.

The agent runs on the user's own PC, so the machine's zone is the user's: times are converted with
astimezone() and shown without a zone name, the way the rest of the user's screen shows them.
"""

from __future__ import annotations

import datetime as dt

ALGORITHM_NAMES = {"rsa": "RSA", "p256": "ECC P-256", "sm2": "SM2（国密）"}


def algorithm_name(algorithm: str) -> str:
    return ALGORITHM_NAMES.get(algorithm, algorithm.upper())


def local_time(moment: float | str) -> dt.datetime:
    """An epoch second or an ISO 8601 time (certinfo writes UTC with "Z") in the machine's zone."""
    if isinstance(moment, str):
        return dt.datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone()
    return dt.datetime.fromtimestamp(moment).astimezone()


def shown_time(moment: float | str) -> str:
    return local_time(moment).strftime("%Y-%m-%d %H:%M")
