"""Demo CAs (RSA, P-256, SM2) and certificates for the demo subjects, so `make run` needs no USB key.

Writes, under var/ (never committed):
- demo-ca/<alg>/: each CA's certificate and key, and its CRL (published as a file:// URL the CRL job fetches);
- trust/: issuers.toml and the CA certificates, then loads them (the same path a real deployment uses);
- softhsm/: a SoftHSM2 token "ggzy-demo" (a real PKCS#11 token) holding a unit's key pair;
- agent/: the agent's config.toml and its soft-certificate folder.
Idempotent: existing CAs and certificates are kept.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from backoffice.management.commands.load_demo_staff import DEMO_STAFF
from democa import issuing
from democa.trust import trust_folder_write
from pki import services
from pki.models import TrustedIssuer
from pki.trust import trust_load
from registry.management.commands.load_demo import PERSON_VALID, UNIT_CHANGING, UNIT_VALID

PIN = "123456"
SO_PIN = "12345678"
TOKEN_LABEL = "ggzy-demo"
UNREGISTERED_NAME = "湖南示例新材料有限公司"
UNREGISTERED_CODE = "91430100338812348J"
CAS = {
    "demo-rsa": ("演示CA（RSA）", "rsa"),
    "demo-p256": ("演示CA（ECDSA P-256）", "p256"),
    "demo-sm2": ("演示CA（SM2国密）", "sm2"),
}


class Command(BaseCommand):
    help = "Create demo CAs, a SoftHSM2 token and soft certificates for the demo subjects."

    def add_arguments(self, parser):
        parser.add_argument("--origin", action="append", default=[], help="site origin the agent allows")

    def handle(self, *args, origin: list[str], **options):
        var = Path(settings.VAR_DIR)
        cas = {slug: self._ca(var / "demo-ca" / slug, name, alg) for slug, (name, alg) in CAS.items()}
        trust_load(trust_folder_write(var / "trust", cas))
        for slug, ca in cas.items():
            crl_path = var / "demo-ca" / slug / "crl.der"
            if not crl_path.exists():
                crl_path.write_bytes(
                    issuing.make_crl(ca, next_update=issuing.now() + issuing.dt.timedelta(days=30))
                )
            services.crl_install(
                issuer=TrustedIssuer.objects.get(slug=slug), data=crl_path.read_bytes(), source=str(crl_path)
            )
        store = var / "agent" / "certs"
        self._soft(cas["demo-sm2"], store, "unit-valid-sm2", "衡阳示例建设工程有限公司", UNIT_VALID)
        self._soft(cas["demo-rsa"], store, "unit-changing-rsa", "常德示例招标代理有限公司", UNIT_CHANGING)
        self._soft(cas["demo-p256"], store, "person-valid-p256", "刘洋", PERSON_VALID, kind="person")
        self._soft(cas["demo-rsa"], store, "unregistered-rsa", UNREGISTERED_NAME, UNREGISTERED_CODE)
        # A center reviewer's personal certificate: staff log in to the back-office with it too.
        _, _, name, _, _, id_number, _ = next(s for s in DEMO_STAFF if s[0] == "hengyang_reviewer")
        self._soft(cas["demo-p256"], store, "staff-hengyang-reviewer-p256", name, id_number, kind="person")
        token_note = self._token(var / "softhsm", cas["demo-p256"])
        origins = origin or ["http://127.0.0.1:8000", "http://localhost:8000"]
        self._agent_config(var / "agent", origins)
        self.stdout.write(f"Demo certificates: PIN {PIN}; soft certificates in {store}; {token_note}")

    def _ca(self, directory: Path, name: str, algorithm: str) -> issuing.CA:
        if (directory / "ca.crt").exists():
            return issuing.load_ca(directory)
        ca = issuing.make_ca(name, algorithm, crl_url=(directory / "crl.der").resolve().as_uri())
        ca.save(directory)
        return ca

    def _soft(self, ca: issuing.CA, store: Path, stem: str, name: str, code: str, kind: str = "unit") -> None:
        if not (store / f"{stem}.crt").exists():
            issuing.soft_certificate(ca, directory=store, stem=stem, pin=PIN, name=name, code=code, kind=kind)

    def _token(self, directory: Path, ca: issuing.CA) -> str:
        if shutil.which("softhsm2-util") is None or not Path(issuing.SOFTHSM2_MODULE).exists():
            return "SoftHSM2 is not installed: no demo token (apt-get install softhsm2)"
        conf = directory / "softhsm2.conf"
        if not conf.exists():
            (directory / "tokens").mkdir(parents=True, exist_ok=True)
            conf.write_text(
                f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
            )
        import os

        os.environ["SOFTHSM2_CONF"] = str(conf)
        marker = directory / "issued"
        if not marker.exists():
            issuing.init_token(label=TOKEN_LABEL, so_pin=SO_PIN, pin=PIN)
            issuing.token_certificate(
                ca, token_label=TOKEN_LABEL, pin=PIN, name="衡阳示例建设工程有限公司", code=UNIT_VALID
            )
            marker.write_text("ok\n")
        return f"SoftHSM2 token {TOKEN_LABEL} (SOFTHSM2_CONF={conf})"

    def _agent_config(self, directory: Path, origins: list[str]) -> None:
        listed = ", ".join(f'"{o}"' for o in origins)
        (directory / "config.toml").write_text(
            f"port = 17461\nallowed_origins = [{listed}]\n"
            f'pkcs11_modules = ["{issuing.SOFTHSM2_MODULE}"]\nsoft_store = "{directory / "certs"}"\n',
            encoding="utf-8",
        )
