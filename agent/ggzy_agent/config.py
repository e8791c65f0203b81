"""Configuration: one TOML file, every key optional; a missing file means the defaults."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_PORT = 17461
DEFAULT_ORIGINS = ("http://127.0.0.1:8000",)
DEFAULT_MODULES = ("/usr/lib/softhsm/libsofthsm2.so",)
DEFAULT_SOFT_STORE = "~/.config/ggzy-agent/certs"
DEFAULT_CONFIG_PATH = "~/.config/ggzy-agent/config.toml"
CONFIG_ENV = "GGZY_AGENT_CONFIG"
# Wrong PINs in a row before the agent locks a key, and for how long (see pinguard.py).
DEFAULT_PIN_MAX_FAILURES = 5
DEFAULT_PIN_LOCK_MINUTES = 15

KNOWN_KEYS = {
    "port",
    "allowed_origins",
    "pkcs11_modules",
    "soft_store",
    "pin_max_failures",
    "pin_lock_minutes",
}
DEFAULT_SCHEME_PORTS = {"http": 80, "https": 443}


class ConfigError(Exception):
    """A configuration the agent refuses to run with; the message tells the user what to fix."""


@dataclass(frozen=True)
class AgentConfig:
    port: int = DEFAULT_PORT
    allowed_origins: tuple[str, ...] = DEFAULT_ORIGINS
    pkcs11_modules: tuple[str, ...] = DEFAULT_MODULES
    soft_store: Path = field(default_factory=lambda: Path(DEFAULT_SOFT_STORE).expanduser())
    source: Path | None = None  # the file it was read from, for messages
    # Where the agent keeps what must outlive a restart (the wrong-PIN counts): the config file's
    # folder. None (configurations built in code) keeps them in memory only.
    state_dir: Path | None = None
    pin_max_failures: int = DEFAULT_PIN_MAX_FAILURES
    pin_lock_minutes: int = DEFAULT_PIN_LOCK_MINUTES

    @classmethod
    def build(
        cls,
        *,
        port: int = DEFAULT_PORT,
        allowed_origins: list[str] | tuple[str, ...] = DEFAULT_ORIGINS,
        pkcs11_modules: list[str] | tuple[str, ...] = DEFAULT_MODULES,
        soft_store: str | Path = DEFAULT_SOFT_STORE,
        source: Path | None = None,
        state_dir: str | Path | None = None,
        pin_max_failures: int = DEFAULT_PIN_MAX_FAILURES,
        pin_lock_minutes: int = DEFAULT_PIN_LOCK_MINUTES,
    ) -> AgentConfig:
        """Validates every value; the one way configurations are made, from a file or from code."""
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ConfigError(f"port 必须是 0–65535 之间的整数，而不是 {port!r}")
        if isinstance(allowed_origins, str) or not isinstance(allowed_origins, list | tuple):
            raise ConfigError('allowed_origins 必须是网址列表，例如 ["https://ggzy.example.cn"]')
        origins = tuple(normalize_origin(origin) for origin in allowed_origins)
        if isinstance(pkcs11_modules, str) or not isinstance(pkcs11_modules, list | tuple):
            raise ConfigError("pkcs11_modules 必须是路径列表")
        if not all(isinstance(module, str) and module for module in pkcs11_modules):
            raise ConfigError("pkcs11_modules 中的每一项都必须是PKCS#11模块文件的路径")
        if not isinstance(soft_store, str | Path):
            raise ConfigError("soft_store 必须是目录路径")
        if not _whole(pin_max_failures, 1, 100):
            raise ConfigError(f"pin_max_failures 必须是 1–100 之间的整数，而不是 {pin_max_failures!r}")
        if not _whole(pin_lock_minutes, 1, 7 * 24 * 60):
            raise ConfigError(
                f"pin_lock_minutes 必须是 1–10080 之间的整数（分钟），而不是 {pin_lock_minutes!r}"
            )
        return cls(
            port=port,
            allowed_origins=origins,
            pkcs11_modules=tuple(pkcs11_modules),
            soft_store=Path(soft_store).expanduser(),
            source=source,
            state_dir=Path(state_dir).expanduser() if state_dir is not None else None,
            pin_max_failures=pin_max_failures,
            pin_lock_minutes=pin_lock_minutes,
        )


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def normalize_origin(origin: object) -> str:
    """An exact web origin as browsers send it in the Origin header: scheme://host[:port]."""
    if not isinstance(origin, str):
        raise ConfigError(f"allowed_origins 中的 {origin!r} 不是字符串")
    # A wildcard would let any web page ask for signatures: the allow-list is the agent's only
    # statement of which sites the user trusts, so it must name each one.
    if "*" in origin:
        raise ConfigError(
            f'allowed_origins 不能使用通配符：{origin!r}。请逐个写出允许的网站，例如 "https://ggzy.example.cn"'
        )
    parts = urlsplit(origin)
    if parts.scheme not in DEFAULT_SCHEME_PORTS or not parts.hostname:
        raise ConfigError(f"allowed_origins 中的 {origin!r} 不是 http:// 或 https:// 网址")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError(f"allowed_origins 只写协议、主机和端口，不带路径：{origin!r}")
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"allowed_origins 中的 {origin!r} 端口无效") from exc
    host = parts.hostname
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    # Browsers leave the default port out of the Origin header.
    if port is None or port == DEFAULT_SCHEME_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]).expanduser()
    return Path(DEFAULT_CONFIG_PATH).expanduser()


def load_config(path: str | os.PathLike[str] | None = None) -> AgentConfig:
    """Reads the TOML file named by --config, $GGZY_AGENT_CONFIG or the default path."""
    file = config_path(path)
    if not file.exists():
        if path:  # a file named on the command line must exist; the default one may not
            raise ConfigError(f"找不到配置文件：{file}")
        return AgentConfig.build(state_dir=file.parent)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"配置文件 {file} 格式错误：{exc}") from exc
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"配置文件 {file} 含有未知的设置项：{', '.join(unknown)}")
    return AgentConfig.build(**data, source=file, state_dir=file.parent)
