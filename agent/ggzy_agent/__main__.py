"""ggzy-agent serve | list | doctor."""

from __future__ import annotations

import argparse
import getpass
import logging
import signal
import sys
from collections.abc import Sequence

from .config import ConfigError, config_path, load_config
from .doctor import INSERT_KEY, run_doctor
from .inventory import Inventory
from .server import AgentServer
from .words import algorithm_name, shown_time


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ggzy-agent", description="证书助手：为允许的交易平台网站使用USB Key或证书文件签名。"
    )
    parser.add_argument(
        "--config", help="配置文件（默认 $GGZY_AGENT_CONFIG 或 ~/.config/ggzy-agent/config.toml）"
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=argparse.SUPPRESS, help="配置文件")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", parents=[common], help="启动证书助手服务（只监听 127.0.0.1）")
    commands.add_parser("list", parents=[common], help="列出找到的证书")
    doctor = commands.add_parser("doctor", parents=[common], help="检测工具：服务、驱动、证书、PIN码和网站")
    doctor.add_argument("--site", help="交易平台网址，检测网站是否接受该证书")
    doctor.add_argument("--certificate", help="要检测的证书编号（sha256:…，见 ggzy-agent list）")
    doctor.add_argument("--pin-stdin", action="store_true", help="从标准输入读取一行作为PIN码")
    return parser


def serve(config) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        server = AgentServer(config)
    except OSError as exc:
        print(
            f"无法监听 127.0.0.1:{config.port}：{exc}。端口可能已被占用（证书助手已在运行？）",
            file=sys.stderr,
        )
        return 2
    print(f"证书助手已启动：{server.url}/（只接受本机访问）", flush=True)
    print(f"配置文件：{config.source or '（未找到，使用默认设置）'}", flush=True)
    print("允许的网站：" + ("、".join(config.allowed_origins) or "（无）"), flush=True)
    print(f"证书目录：{config.soft_store}", flush=True)
    print("PKCS#11模块：" + ("、".join(config.pkcs11_modules) or "（无）"), flush=True)
    # A service manager, `make run`'s trap and the tests stop the agent with SIGTERM: end the way
    # Ctrl-C does (close the socket, exit 0) instead of dying mid-request with Python's default.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    print("证书助手已停止。", flush=True)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def list_certificates(config) -> int:
    scan = Inventory(config).scan()
    for module in scan.modules:
        if not module.loaded:
            print(f"[失败] PKCS#11模块 {module.path}：{module.error}")
    if not scan.certificates:
        print(INSERT_KEY.format(store=scan.soft_store))
        return 0
    for entry in scan.certificates:
        info = entry.info
        where = f"USB Key「{entry.location}」" if entry.source == "token" else f"证书文件「{entry.location}」"
        print(f"{info.id}  {info.label}")
        print(f"    算法：{algorithm_name(info.algorithm)}    位置：{where}")
        print(f"    主题：{info.subject}")
        print(f"    颁发者：{info.issuer}")
        validity = f"{shown_time(info.not_before)} 至 {shown_time(info.not_after)}"
        print(f"    序列号：{info.serial}    有效期：{validity}")
        if entry.problem:
            print(f"    无法签名：{entry.problem}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"配置错误（{config_path(args.config)}）：{exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return serve(config)
    if args.command == "list":
        return list_certificates(config)

    def read_pin() -> str:
        if args.pin_stdin:
            return sys.stdin.readline().rstrip("\r\n")
        return getpass.getpass("请输入PIN码（不会显示）：")

    return run_doctor(
        config, out=sys.stdout, read_pin=read_pin, site=args.site, certificate_id=args.certificate
    )


if __name__ == "__main__":
    sys.exit(main())
