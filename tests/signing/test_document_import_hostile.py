"""Hostile uploads answered with a message, never a server error or a hang: files built to break a
parser or keep it busy, and damaged copies of good files; whatever imports also previews over HTTP."""

from __future__ import annotations

import random
import time

import pytest
from django.urls import reverse

from core.errors import DomainError
from signing import rules

from .uploads import good_pdf, hostile, import_pdf

HOSTILE = hostile()


@pytest.fixture
def unit(account):
    return account.subject


def _answered(actor, unit, pdf: bytes, client, account) -> str:
    """Imported (and every page previewed over HTTP), or refused with a message: nothing else."""
    started = time.monotonic()
    try:
        document = import_pdf(actor, unit, pdf)
    except DomainError as error:
        outcome = error.message
    else:
        for page in range(1, document.pages + 1):
            response = client.get(reverse("signing:document_page", args=[document.pk, page]))
            assert response.status_code == 200, response.status_code
        outcome = "imported"
    assert time.monotonic() - started < rules.IMPORT_SECONDS
    return outcome


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_get_an_answer(name, actor, unit, certificate_client, account):
    assert _answered(actor, unit, HOSTILE[name], certificate_client(account), account)


def test_damaged_copies_of_a_good_file_get_an_answer(actor, unit, certificate_client, account):
    """A fixed set of byte-level damages (flipped, cut, duplicated spans) to each kind of file."""
    client = certificate_client(account)
    rng = random.Random(20250603)
    outcomes: dict[str, int] = {}
    for xref in ("table", "stream", "hybrid"):
        good = bytearray(good_pdf(2, xref))
        for _ in range(60):
            damaged = bytearray(good)
            at = rng.randrange(len(damaged))
            how = rng.choice(["flip", "cut", "repeat", "digit"])
            if how == "flip":
                damaged[at] ^= 1 << rng.randrange(8)
            elif how == "cut":
                del damaged[at : at + rng.randrange(1, 40)]
            elif how == "repeat":
                damaged[at:at] = damaged[at : at + rng.randrange(1, 40)]
            else:
                damaged[at] = ord(rng.choice("0123456789"))
            outcome = _answered(actor, unit, bytes(damaged), client, account)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert outcomes.get("imported") and len(outcomes) > 2, outcomes
