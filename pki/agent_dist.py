"""The certificate agent (证书助手) as built for download: the wheel `make agent-dist` leaves in
GGZY_AGENT_DIST_DIR, its version and SHA-256.

Read by 下载证书助手 (pki/views_agent.py) and by the portal's 下载中心, so both offer the same file
with the same digest.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# Only what `pip wheel ./agent` writes: a pure-Python wheel of the ggzy-agent project.
WHEEL_NAME = re.compile(r"ggzy_agent-(?P<version>\d+(?:\.\d+)*(?:[a-z0-9.+]*))-py3-none-any\.whl")
NOT_BUILT = (
    "证书助手安装包尚未生成，暂时无法下载。请联系交易平台（管理员可在服务器上运行 make agent-dist 生成）。"
)


@dataclass(frozen=True)
class AgentWheel:
    path: Path
    version: str

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def size_kb(self) -> int:
        return max(1, round(self.path.stat().st_size / 1024))

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def dist_dir() -> Path:
    # Not a setting of its own in settings.py: var/ is where `make` puts what it builds.
    return Path(settings.GGZY_AGENT_DIST_DIR)


def latest_wheel() -> AgentWheel | None:
    """The newest wheel in the folder; `make agent-dist` leaves only one there."""
    folder = dist_dir()
    if not folder.is_dir():
        return None
    wheels = [
        AgentWheel(file, match.group("version"))
        for file in folder.iterdir()
        if (match := WHEEL_NAME.fullmatch(file.name)) and file.is_file()
    ]
    return max(wheels, key=lambda wheel: wheel.path.stat().st_mtime, default=None)
