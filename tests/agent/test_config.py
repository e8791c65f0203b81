"""Configuration: defaults, the allow-list's exact origins, and refusing a wildcard."""

from __future__ import annotations

from pathlib import Path

import pytest
from ggzy_agent.__main__ import main
from ggzy_agent.config import DEFAULT_PORT, AgentConfig, ConfigError, load_config


def test_missing_default_file_means_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("GGZY_AGENT_CONFIG", raising=False)
    config = load_config()
    assert config.port == DEFAULT_PORT == 17461
    assert config.allowed_origins == ("http://127.0.0.1:8000",)
    assert config.pkcs11_modules == ("/usr/lib/softhsm/libsofthsm2.so",)
    assert config.soft_store == tmp_path / ".config/ggzy-agent/certs"
    assert config.source is None


def test_file_named_by_the_environment(tmp_path, monkeypatch):
    file = tmp_path / "agent.toml"
    file.write_text(
        'port = 18000\nallowed_origins = ["https://ggzy.example.cn:443/", "http://LOCALHOST:8000"]\n'
        'pkcs11_modules = []\nsoft_store = "~/certs"\n'
    )
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GGZY_AGENT_CONFIG", str(file))
    config = load_config()
    assert config.port == 18000
    # As browsers write them in the Origin header: no default port, lower-case host, no slash.
    assert config.allowed_origins == ("https://ggzy.example.cn", "http://localhost:8000")
    assert config.pkcs11_modules == ()
    assert config.soft_store == tmp_path / "certs"
    assert config.source == file


@pytest.mark.parametrize("origin", ["*", "https://*.example.cn", "http://127.0.0.1:*"])
def test_wildcard_origin_is_refused(tmp_path, origin):
    file = tmp_path / "agent.toml"
    file.write_text(f'allowed_origins = ["{origin}"]\n')
    with pytest.raises(ConfigError, match="不能使用通配符"):
        load_config(file)


@pytest.mark.parametrize(
    "values",
    [
        {"allowed_origins": ["https://ggzy.example.cn/login"]},
        {"allowed_origins": ["ggzy.example.cn"]},
        {"allowed_origins": "https://ggzy.example.cn"},
        {"allowed_origins": ["ftp://ggzy.example.cn"]},
        {"port": 70000},
        {"port": "17461"},
        {"pkcs11_modules": "/usr/lib/x.so"},
    ],
)
def test_invalid_values_are_refused_with_a_reason(values):
    with pytest.raises(ConfigError):
        AgentConfig.build(**values)


def test_unknown_keys_and_bad_toml_are_refused(tmp_path):
    file = tmp_path / "agent.toml"
    file.write_text('allowed_origin = ["https://ggzy.example.cn"]\n')
    with pytest.raises(ConfigError, match="未知的设置项：allowed_origin"):
        load_config(file)
    file.write_text("port = \n")
    with pytest.raises(ConfigError, match="格式错误"):
        load_config(file)


def test_named_file_must_exist(tmp_path):
    with pytest.raises(ConfigError, match="找不到配置文件"):
        load_config(tmp_path / "none.toml")


@pytest.mark.parametrize("command", ["serve", "list", "doctor"])
def test_cli_refuses_a_wildcard_config(tmp_path, capsys, command):
    file = tmp_path / "agent.toml"
    file.write_text('allowed_origins = ["*"]\n')
    assert main([command, "--config", str(file)]) == 2
    assert "不能使用通配符" in capsys.readouterr().err


def test_config_path_option_before_the_command(tmp_path, capsys):
    file = tmp_path / "agent.toml"
    file.write_text(f'pkcs11_modules = []\nsoft_store = "{Path(tmp_path) / "empty"}"\n')
    assert main(["--config", str(file), "list"]) == 0
    assert "未检测到证书" in capsys.readouterr().out
