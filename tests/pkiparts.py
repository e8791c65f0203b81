"""A test PKI: three demo issuers made once per session, and holders with in-process keys.

The server's checks are the same whichever way a key is held; the agent's tests and the browser
journey use real SoftHSM2 tokens, these use keys in memory so hundreds of cases stay fast.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

from democa import issuing, keypairs
from pki import verify

ORIGIN = "http://testserver"


@dataclass
class Holder:
    ca: issuing.CA
    key: Any
    pem: str

    def sign(self, text: bytes) -> str:
        return base64.b64encode(keypairs.sign(self.ca.algorithm, self.key, text)).decode()

    def signed(self, *, nonce: str, purpose: str = "login", origin: str = ORIGIN) -> dict[str, str]:
        text = verify.signed_text(origin=origin, purpose=purpose, nonce=nonce)
        return {"nonce": nonce, "certificate": self.pem, "signature": self.sign(text)}


def holder(ca: issuing.CA, *, name: str, code: str, **options: Any) -> Holder:
    key = keypairs.generate_key(ca.algorithm)
    der = issuing.issue(ca, public_key=key, name=name, code=code, **options)
    return Holder(ca, key, issuing.to_pem(der))


def fresh_crl(ca: issuing.CA, revoked: list[tuple[int, dt.datetime]] = ()) -> bytes:  # type: ignore[assignment]
    return issuing.make_crl(ca, revoked=list(revoked), next_update=issuing.now() + dt.timedelta(days=7))


def trust(cas: dict[str, issuing.CA], folder: Any) -> dict[str, issuing.CA]:
    """These issuers in the trust store (slug = the dict's key), each with a current, empty CRL."""
    from democa.trust import trust_folder_write
    from pki import services
    from pki.models import TrustedIssuer
    from pki.trust import trust_load

    trust_load(trust_folder_write(folder, cas))
    for slug, ca in cas.items():
        services.crl_install(issuer=TrustedIssuer.objects.get(slug=slug), data=fresh_crl(ca), source="test")
    return cas
