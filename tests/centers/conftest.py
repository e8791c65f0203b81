"""Fixtures the center profile and registration tests share: the center issuers in the trust store,
and a unit's bound key with the platform's own TSA for its seals.

The practitioner, activation and unbind tests trust their own issuers (people_factories.trust_all)
and define `trusted` for themselves, which pytest prefers to this one.
"""

import pytest

from tests.centers.factories import trust_center_cas, unit_key, use_own_tsa


@pytest.fixture
def trusted(db, tmp_path):
    return trust_center_cas(tmp_path / "trust")


@pytest.fixture
def key_for(trusted, settings):
    """A bound certificate of the unit, from the RSA issuer (PDF seals are RSA or ECDSA), and the
    platform's own TSA for its seals."""
    use_own_tsa(settings)
    return lambda account, **kw: unit_key(trusted["demo-rsa"], account, **kw)
