"""检测工具: the manual's 一键检测 / 证书检测 / 签章检测 as checks that each say what to do next.

Each check is a function returning a CheckResult, so the HTTP service could offer them as well.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO
from urllib.parse import urlsplit

from .certinfo import verify
from .config import AgentConfig
from .errors import KeyLocked, SigningFailed, WrongPin
from .inventory import CertificateEntry, Inventory, Scan
from .signing import InvalidSignRequest, seal_payload, seal_test_attributes, signed_text
from .words import algorithm_name, shown_time

PASSED, FAILED = "[通过]", "[失败]"
START_AGENT = "请先运行 ggzy-agent serve（还没有安装？请在交易平台的「下载证书助手」页面下载）"
INSERT_KEY = "未检测到证书，请插入USB Key，或把证书文件（.crt 与 .p12 / .key.pem）放入证书目录：{store}"


@dataclass
class CheckResult:
    name: str
    ok: bool
    detail: str
    advice: str = ""  # what to do next, when it failed
    lines: list[str] = field(default_factory=list)  # more to show under the result

    def render(self) -> str:
        out = [f"{PASSED if self.ok else FAILED} {self.name}：{self.detail}"]
        out.extend(f"    {line}" for line in self.lines)
        if not self.ok and self.advice:
            out.append(f"    下一步：{self.advice}")
        return "\n".join(out)


def _opener(url: str) -> urllib.request.OpenerDirector:
    """No proxy for loopback addresses: a proxy would answer for a service that is not running."""
    host = urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    return (
        urllib.request.build_opener(urllib.request.ProxyHandler({}))
        if loopback
        else urllib.request.build_opener()
    )


def check_service(config: AgentConfig, *, timeout: float = 3.0) -> CheckResult:
    name = "证书助手服务"
    url = f"http://127.0.0.1:{config.port}/v1/status"
    try:
        with _opener(url).open(url, timeout=timeout) as response:
            status = json.loads(response.read().decode("utf-8"))
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, ConnectionRefusedError):
            return CheckResult(name, False, f"127.0.0.1:{config.port} 上没有运行证书助手", START_AGENT)
        return CheckResult(
            name, False, f"无法连接 127.0.0.1:{config.port}（技术信息：{exc.reason}）", START_AGENT
        )
    except (OSError, ValueError) as exc:
        return CheckResult(name, False, f"无法连接 127.0.0.1:{config.port}（技术信息：{exc}）", START_AGENT)
    if not isinstance(status, dict) or status.get("agent") != "ggzy-agent":
        return CheckResult(
            name,
            False,
            f"端口 {config.port} 上运行的不是证书助手",
            f"请在配置文件中换一个端口，然后{START_AGENT}",
        )
    return CheckResult(
        name, True, f"正在运行（http://127.0.0.1:{config.port}，版本 {status.get('version')}）"
    )


def check_modules(scan: Scan) -> CheckResult:
    name = "PKCS#11模块"
    if not scan.modules:
        return CheckResult(name, True, "未配置（只使用证书文件）")
    broken = [m for m in scan.modules if not m.loaded]
    lines = [
        f"{PASSED if m.loaded else FAILED} {m.path}" + (f"：{m.error}" if m.error else "")
        for m in scan.modules
    ]
    if broken:
        return CheckResult(
            name,
            False,
            f"{len(broken)} 个模块无法加载",
            "请安装证书厂商的USB Key驱动，并在配置文件的 pkcs11_modules 中填写正确的模块路径。",
            lines,
        )
    return CheckResult(name, True, f"{len(scan.modules)} 个模块已加载", lines=lines)


def describe_entry(entry: CertificateEntry) -> str:
    where = f"USB Key「{entry.location}」" if entry.source == "token" else f"证书文件「{entry.location}」"
    info = entry.info
    return f"{info.label}（{algorithm_name(info.algorithm)}，{where}，有效期至 {shown_time(info.not_after)}）{entry.id}"


def check_certificates(scan: Scan) -> CheckResult:
    name = "证书"
    if not scan.certificates:
        detail = f"未找到证书（USB Key {len(scan.tokens)} 个）"
        return CheckResult(name, False, detail, INSERT_KEY.format(store=scan.soft_store))
    lines = [describe_entry(entry) for entry in scan.certificates]
    return CheckResult(name, True, f"找到 {len(scan.certificates)} 个证书", lines=lines)


def choose_certificate(
    scan: Scan, certificate_id: str | None
) -> tuple[CertificateEntry | None, CheckResult | None]:
    """The certificate to test: the one named, or the only one there is."""
    name = "选择证书"
    if certificate_id:
        entry = scan.find(certificate_id)
        if entry is None:
            return None, CheckResult(
                name, False, f"未找到证书 {certificate_id}", "请用 ggzy-agent list 查看证书编号。"
            )
        return entry, None
    if len(scan.certificates) == 1:
        return scan.certificates[0], None
    if not scan.certificates:
        return None, CheckResult(name, False, "没有可检测的证书", INSERT_KEY.format(store=scan.soft_store))
    return None, CheckResult(
        name,
        False,
        f"找到 {len(scan.certificates)} 个证书",
        "请用 --certificate 指定要检测的证书编号（见上方列表）。",
    )


def check_pin(inventory: Inventory, entry: CertificateEntry, pin: str) -> CheckResult:
    """Signs a test text with the key, then verifies it with the certificate's public key."""
    name = "PIN码与签名"
    if entry.problem:
        return CheckResult(name, False, entry.problem, "请换用证书文件或支持该算法的USB Key。")
    text = signed_text(origin="http://127.0.0.1", purpose="detect", nonce=secrets.token_urlsafe(16)).encode()
    try:
        signature = inventory.sign(entry, pin, text)
    except WrongPin as exc:
        advice = "请确认PIN码后重试；连续输错可能锁定USB Key。"
        return CheckResult(name, False, exc.message, advice, _pin_counts(inventory, exc))
    except KeyLocked as exc:
        return CheckResult(name, False, exc.message, "请等到解锁时间后再试；忘记PIN码请联系证书颁发机构。")
    except SigningFailed as exc:
        return CheckResult(name, False, exc.message, "请联系证书颁发机构检查该证书与私钥。")
    if not verify(entry.info, text, signature):
        return CheckResult(name, False, "签名无法用证书公钥验证", "请联系证书颁发机构检查该证书与私钥。")
    return CheckResult(
        name, True, f"PIN码正确，{algorithm_name(entry.info.algorithm)} 签名已用证书公钥验证通过"
    )


def _pin_counts(inventory: Inventory, exc: WrongPin) -> list[str]:
    """The token's own warning and the agent's tries left: both count the doctor's tries too."""
    said = [exc.warning] if exc.warning else []
    if exc.tries_left is not None:
        said.append(inventory.pin_guard.tries_message(exc.tries_left))
    return said


SEAL_TEST_TITLE = "证书助手签章检测"


def check_seal(inventory: Inventory, entry: CertificateEntry, pin: str) -> CheckResult:
    """签章签名: signed attributes shaped as the platform's seals, through the same check the agent
    applies to a seal request, signed with the key and verified with the certificate's public key."""
    name = "签章签名"
    attributes = seal_test_attributes(certificate_der=entry.info.der, document=secrets.token_bytes(32))
    try:
        payload = seal_payload(
            data=base64.b64encode(attributes).decode("ascii"),
            title=SEAL_TEST_TITLE,
            certificate_der=entry.info.der,
        )
    except InvalidSignRequest as exc:
        return CheckResult(name, False, exc.message, "请升级证书助手后重试；仍不通过请联系交易平台。")
    try:
        signature = inventory.sign(entry, pin, payload.data)
    except WrongPin as exc:
        advice = "请确认PIN码后重试；连续输错可能锁定USB Key。"
        return CheckResult(name, False, exc.message, advice, _pin_counts(inventory, exc))
    except KeyLocked as exc:
        return CheckResult(name, False, exc.message, "请等到解锁时间后再试；忘记PIN码请联系证书颁发机构。")
    except SigningFailed as exc:
        return CheckResult(name, False, exc.message, "请联系证书颁发机构检查该证书与私钥。")
    if not verify(entry.info, payload.data, signature):
        return CheckResult(name, False, "签章签名无法用证书公钥验证", "请联系证书颁发机构检查该证书与私钥。")
    return CheckResult(
        name, True, f"已为测试文件签署PDF签章的签名属性，{algorithm_name(entry.info.algorithm)} 签名验证通过"
    )


def check_site(site: str, entry: CertificateEntry, *, timeout: float = 10.0) -> CheckResult:
    """Asks the trading platform whether it accepts the certificate (POST {site}/pki/check/)."""
    name = "网站证书检测"
    url = site.rstrip("/") + "/pki/check/"
    if urlsplit(url).scheme not in ("http", "https"):
        return CheckResult(
            name, False, f"网址无效：{site}", "请填写交易平台网址，例如 https://ggzy.example.cn"
        )
    body = json.dumps({"certificate": entry.info.pem}).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with _opener(url).open(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raw = exc.read()  # a refusal may still carry the verdict
    except OSError as exc:
        return CheckResult(name, False, f"无法连接 {url}（{exc}）", "请检查网址与网络连接。")
    try:
        verdict = json.loads(raw.decode("utf-8"))
        checks = verdict["checks"]
        lines = [f"{PASSED if c['ok'] else FAILED} {c['name']}：{c['message']}" for c in checks]
        ok = bool(verdict["ok"])
    except (ValueError, KeyError, TypeError):
        return CheckResult(name, False, f"{url} 的回答无法识别", "请确认网址是ggzy交易平台。")
    if ok:
        return CheckResult(name, True, f"{url} 接受该证书", lines=lines)
    return CheckResult(name, False, f"{url} 不接受该证书", "请按上面各项的说明处理，或联系交易平台。", lines)


def run_doctor(
    config: AgentConfig,
    *,
    out: TextIO,
    read_pin: Callable[[], str],
    site: str | None = None,
    certificate_id: str | None = None,
    inventory: Inventory | None = None,
) -> int:
    """Runs every check, printing each as it finishes; 0 when all passed."""
    inventory = inventory or Inventory(config)
    results: list[CheckResult] = []

    def report(result: CheckResult) -> None:
        results.append(result)
        print(result.render(), file=out, flush=True)

    report(check_service(config))  # when it is not running, the local checks still help
    scan = inventory.scan()
    report(check_modules(scan))
    report(check_certificates(scan))
    entry, problem = choose_certificate(scan, certificate_id) if scan.certificates else (None, None)
    if problem is not None:
        report(problem)
    if entry is not None:
        print(f"检测证书：{describe_entry(entry)}", file=out, flush=True)
        # No PIN prompt for a certificate that cannot sign whatever the PIN.
        pin = "" if entry.problem else read_pin()
        pin_check = check_pin(inventory, entry, pin)
        report(pin_check)
        if pin_check.ok:  # a wrong PIN is not tried again: a USB key locks after a few
            report(check_seal(inventory, entry, pin))
        if site:
            report(check_site(site, entry))
    ok = all(result.ok for result in results)
    print("全部检测通过。" if ok else "有检测未通过，请按“下一步”的提示处理。", file=out)
    return 0 if ok else 1
