"""A subject as a center knows it, its center profile, a sealed 诚信承诺书, and the center's staff.

The center's copy of a subject is made directly (CenterSubject with the registry snapshot the sync
writes), standing in for the sync, which other tests cover. Everything after that goes through
the real services: the commitment is rendered and sealed with real keys and the platform's TSA.
"""

from __future__ import annotations

import base64
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from centers import profiles
from centers.models import Center, CenterSubject, CenterSubjectType, SubjectOrigin, SubjectType
from core.audit import Actor
from democa import issuing
from democa.tsa import make_demo_tsa
from pki import services as pki_services
from registry import samples
from registry.models import Account
from review.models import StaffRole
from review.services_admin import staff_member_seed
from signing import services as signing_services
from signing.models import Document, Seal
from tests import pkiparts
from tests.factories import PASSWORD, make_unit, new_resident_id

SESSION = "c" * 64


def center(code: str = "changde") -> Center:
    return Center.objects.get(code=code)


def registry_data(account: Account, **basic: Any) -> dict[str, Any]:
    """The snapshot the registry sync keeps for a unit whose basic information is in force."""
    subject = account.subject
    data = samples.unit_basic(name=subject.name, licence=None, id_scan=None)
    data.update(basic)
    return {
        "code": subject.code,
        "code_type": subject.code_type,
        "kind": subject.kind,
        "name": subject.name,
        "status": "valid",
        "bidding_scope": "electronic",
        "basic": data,
        "records": [],
    }


def enter(
    account: Account,
    at: Center,
    types: tuple[str, ...] = (SubjectType.BIDDER,),
    origin: str = SubjectOrigin.REGISTRY,
) -> CenterSubject:
    """The account's subject at the center, as the sync (or, for legacy, the old system) left it."""
    entry = CenterSubject.objects.at(at).create(
        center=at, subject=account.subject, origin=origin, registry_data=registry_data(account)
    )
    for subject_type in types:
        CenterSubjectType.objects.at(at).create(
            center=at, center_subject=entry, type=subject_type, added_by=account
        )
    return entry


def make_entry(
    code: str = "changde",
    name: str = "常德诚信建设有限公司",
    types: tuple[str, ...] = (SubjectType.BIDDER,),
    origin: str = SubjectOrigin.REGISTRY,
) -> tuple[Account, CenterSubject]:
    account = make_unit(name=name)
    return account, enter(account, center(code), types, origin)


def actor(account: Account, method: str = "certificate") -> Actor:
    return Actor(user=account, auth_method=method)


def profile_data(entry: CenterSubject, **overrides: str) -> dict[str, str]:
    """A complete center profile: what 「提交」 needs (and, for local origins, the registry side)."""
    name = overrides.get("name") or profiles.unit_name(entry)
    data = {
        "contact_name": "赵敏",
        "contact_phone": "0736-7256000",
        "contact_email": "bid@example.cn",
        "refund_bank_name": "中国建设银行常德分行",
        "refund_account_name": name,
        "refund_account": "43050162360800001234",
        "safety_licence_no": "",
        "introduction": "",
    }
    if entry.origin != SubjectOrigin.REGISTRY:
        data.update(
            {
                "name": name,
                "legal_rep_name": "王五",
                "legal_rep_id_number": "11010519491231002X",
                "legal_rep_phone": "13800138000",
                "registered_address": "常德市武陵区朗州路1号",
            }
        )
    data.update(overrides)
    return data


def save_profile(account: Account, entry: CenterSubject, **overrides: str) -> CenterSubject:
    entry.refresh_from_db()
    return profiles.profile_save(
        actor=actor(account),
        center=entry.center,
        center_subject=entry,
        data=profile_data(entry, **overrides),
        expected_revision=entry.profile_revision,
    )


# --- certificates and the sealed commitment --------------------------------------------------------


def unit_key(ca: Any, account: Account, name: str | None = None) -> pkiparts.Holder:
    """A certificate of the unit, bound to it (as a first certificate login does)."""
    subject = account.subject
    key = pkiparts.holder(ca, name=name or subject.name, code=subject.code)
    holder = pki_services.certificate_check(certificate=key.pem)
    pki_services.certificate_bind(actor=actor(account), subject=subject, holder=holder, how="manual")
    return key


def unit_seal(account: Account) -> Seal:
    return signing_services.seal_create_unit(actor=actor(account), subject=account.subject)


def seal(
    account: Account, document: Document, the_seal: Seal, key: pkiparts.Holder, place: str = "unit"
) -> None:
    """Apply the seal at a named place of the document, signed by `key` as the agent would."""
    spot = document.places[place]
    pending = signing_services.seal_request_prepare(
        actor=actor(account),
        session_hash=SESSION,
        document=document,
        seal=the_seal,
        certificate=key.pem,
        placement=signing_services.Placement(
            page=spot["page"], x=spot["x"] + spot["width"] / 2, y=spot["y"] + spot["height"] / 2
        ),
    )
    signature = base64.b64decode(key.sign(bytes(pending.signed_attributes)))
    signing_services.seal_request_finish(
        actor=actor(account), session_hash=SESSION, request_id=pending.pk, signature=signature
    )
    document.refresh_from_db()


def sealed_commitment(account: Account, entry: CenterSubject, key: pkiparts.Holder) -> Document:
    """「生成诚信承诺书」 at the center, then the unit's seal at 「承诺单位（盖章）」."""
    entry.refresh_from_db()
    document = profiles.commitment_generate(actor=actor(account), center=entry.center, center_subject=entry)
    the_seal = Seal.objects.filter(
        subject=account.subject, kind="unit", retired_at=None
    ).first() or unit_seal(account)
    seal(account, document, the_seal, key)
    return document


def ready_to_submit(account: Account, entry: CenterSubject, key: pkiparts.Holder) -> CenterSubject:
    """Profile saved complete and commitment sealed: only 「提交」 is left."""
    save_profile(account, entry)
    sealed_commitment(account, entry, key)
    entry.refresh_from_db()
    return entry


def submit(account: Account, entry: CenterSubject) -> CenterSubject:
    entry.refresh_from_db()
    return profiles.profile_submit(
        actor=actor(account),
        center=entry.center,
        center_subject=entry,
        expected_revision=entry.profile_revision,
    )


# --- the center's staff -------------------------------------------------------------------------------


def make_reviewer(
    at: Center | None,
    username: str = "reviewer",
    name: str = "刘审核",
    roles: tuple[str, ...] = (StaffRole.REVIEWER,),
) -> Account:
    """A staff member of `at` (None: of every center), seeded as load_demo_staff seeds one."""
    return staff_member_seed(
        username=username,
        password=PASSWORD,
        name=name,
        department=at.review_department if at else "",
        roles=[str(role) for role in roles],
        id_number=new_resident_id(),
        center=at,
    ).account


# --- certificates and time-stamps, made once per test process -------------------------------------


@cache
def center_cas() -> dict[str, issuing.CA]:
    """Issuers under the slugs 丰台 accepts (demo-*, as the seed lists them), and one it does not."""
    return {
        "demo-rsa": issuing.make_ca("北京一证通测试CA", "rsa"),
        "demo-p256": issuing.make_ca("北京CA测试CA", "p256"),
        "demo-sm2": issuing.make_ca("颐信CA测试CA", "sm2"),
        "hnca": issuing.make_ca("湖南CA测试CA", "rsa"),
    }


def trust_center_cas(folder: Path) -> dict[str, issuing.CA]:
    """The issuers in the trust store, each with a current, empty CRL (call with the db ready)."""
    return pkiparts.trust(center_cas(), folder)


@cache
def _tsa_dir() -> Path:
    directory = Path(tempfile.mkdtemp(prefix="center-tsa-"))
    make_demo_tsa(directory)
    return directory


def use_own_tsa(settings: Any) -> None:
    """Seals are time-stamped by the platform's own TSA, answering in-process."""
    settings.GGZY_TSA_DIR = _tsa_dir()
    settings.GGZY_TSA_URL = ""
