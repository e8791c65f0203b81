"""Verifiers nobody here wrote, for sealed PDFs: poppler's pdfsig with an NSS database."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from democa import issuing


def pdfsig(pdf: Path, anchors: list[bytes], workdir: Path) -> str:
    """pdfsig's report on every signature in `pdf`, trusting exactly these CA certificates (DER)."""
    if not shutil.which("pdfsig") or not shutil.which("certutil"):
        pytest.skip("pdfsig/certutil missing (make test installs poppler-utils and libnss3-tools)")
    database = workdir / "nss"
    database.mkdir(exist_ok=True)
    subprocess.run(["certutil", "-N", "-d", f"sql:{database}", "--empty-password"], check=True)
    for number, der in enumerate(anchors):
        path = workdir / f"anchor-{number}.pem"
        path.write_text(issuing.to_pem(der))
        subprocess.run(
            [
                "certutil",
                "-A",
                "-d",
                f"sql:{database}",
                "-n",
                f"anchor-{number}",
                "-t",
                "C,C,C",
                "-i",
                str(path),
            ],
            check=True,
        )
    done = subprocess.run(["pdfsig", "-nssdir", f"sql:{database}", str(pdf)], capture_output=True, text=True)
    return done.stdout + done.stderr
