"""The certificate agent as people run it: the installed `ggzy-agent serve` in a process of its own,
reading its own config.toml, as `make run` starts it.

An agent embedded in the test process shares that process's imports (pyHanko among them), which once
hid an agent that refused every seal on its own. Tests of what users meet use this one.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from ggzy_agent.config import AgentConfig, load_config

# The script pip installed next to this interpreter, as `make run` calls $(BIN)/ggzy-agent.
AGENT_COMMAND = Path(sys.executable).with_name("ggzy-agent")
STARTED = re.compile(r"^证书助手已启动：(http://127\.0\.0\.1:\d+)/")
STOP_SECONDS = 15


@dataclass
class AgentProcess:
    process: subprocess.Popen[str]
    url: str
    config: AgentConfig
    stderr: Path  # the agent's log: one line per request, and any traceback

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    @classmethod
    def start(
        cls,
        folder: Path,
        *,
        allowed_origins: Sequence[str],
        pkcs11_modules: Sequence[str],
        soft_store: Path,
        softhsm_conf: Path,
    ) -> AgentProcess:
        """Writes folder/config.toml (port 0: any free port) and starts `ggzy-agent serve` with it;
        returns once the agent has said where it listens."""
        folder.mkdir(parents=True, exist_ok=True)
        config_file = folder / "config.toml"
        # JSON strings and lists are valid TOML for these values.
        config_file.write_text(
            "port = 0\n"
            f"allowed_origins = {json.dumps(list(allowed_origins))}\n"
            f"pkcs11_modules = {json.dumps(list(pkcs11_modules))}\n"
            f"soft_store = {json.dumps(str(soft_store))}\n",
            encoding="utf-8",
        )
        stderr = folder / "agent.log"
        with stderr.open("wb") as log:  # a file, not a pipe: a long journey's log would fill a pipe
            process = subprocess.Popen(
                [str(AGENT_COMMAND), "serve", "--config", str(config_file)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
                env={**os.environ, "SOFTHSM2_CONF": str(softhsm_conf)},
                text=True,
                encoding="utf-8",
            )
        assert process.stdout is not None
        first = process.stdout.readline()
        started = STARTED.match(first)
        if started is None:
            process.kill()
            process.wait()
            pytest.fail(
                f"ggzy-agent serve did not start: {first!r}\n{stderr.read_text(encoding='utf-8')}",
                pytrace=False,
            )
        return cls(process=process, url=started.group(1), config=load_config(config_file), stderr=stderr)

    def log(self) -> str:
        return self.stderr.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """SIGTERM, as a service manager stops it; fails the test unless the agent exits cleanly
        without a traceback in its log."""
        self.process.send_signal(signal.SIGTERM)
        try:
            out, _ = self.process.communicate(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            pytest.fail(
                f"ggzy-agent serve ignored SIGTERM for {STOP_SECONDS} s:\n{self.log()}", pytrace=False
            )
        log = self.log()
        assert self.process.returncode == 0, f"ggzy-agent serve exited with {self.process.returncode}:\n{log}"
        assert "Traceback" not in log, f"ggzy-agent serve logged a traceback:\n{log}"
        assert out.rstrip().endswith("证书助手已停止。"), out
