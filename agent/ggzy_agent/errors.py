"""Errors the agent reports to people, with the Chinese messages tests assert on."""

from __future__ import annotations

WRONG_PIN = "PIN码错误，请重新输入。"
PIN_EMPTY = "请输入PIN码。"
PIN_TRIES_LEFT = "还可以再试 {left} 次；连续输错 {limit} 次后，证书助手将锁定该证书 {minutes} 分钟。"
PIN_LOCKED_OUT = (
    "PIN码已连续输错 {limit} 次。为防止他人猜测PIN码，证书助手已将该证书锁定至 {until}，请届时再试；"
    "如果忘记了PIN码，请联系证书颁发机构。"
)
PIN_LOCKED = "USB Key 的PIN码已被锁定，请联系证书颁发机构解锁。"
TOKEN_PIN_COUNT_LOW = "USB Key 提示：PIN码已输错过，再输错几次USB Key将被锁定。"
TOKEN_PIN_FINAL_TRY = "USB Key 提示：这是最后一次机会，再输错一次USB Key将被锁定，只能由证书颁发机构解锁。"
TOKEN_GONE = "未找到存放该证书的USB Key，请确认USB Key已插入后重新发起签名。"
TOKEN_NO_SM2 = "此USB Key不支持SM2签名：它的PKCS#11模块没有提供SM2算法，请使用证书厂商提供的支持国密的模块。"
KEY_MISSING = "未找到与该证书对应的私钥。"
KEY_MISMATCH = "私钥与证书不匹配，签名无效。"
KEY_FILE_UNREADABLE = "无法读取证书私钥文件。"
CERTIFICATE_NOT_FOUND = "未找到该证书，请确认USB Key已插入或证书文件仍在。"
REQUEST_NOT_FOUND = "签名请求不存在、已过期或结果已被取走。"
REQUEST_EXPIRED = "签名请求已过期（5分钟内未确认），请回到原网页重新发起。"
REQUEST_REJECTED = "您已拒绝本次签名。"
REQUEST_DONE = "签名完成，请回到原网页。"
REQUEST_BUSY = "正在签名，请稍候。"
TOO_MANY_REQUESTS = "待确认的签名请求过多，请先处理或等待已有请求过期。"
ORIGIN_NOT_ALLOWED = "此网站不在证书助手的允许列表中：{origin}"
ORIGIN_REQUIRED = "缺少 Origin 请求头：证书助手只接受允许列表中网站的浏览器请求。"
HOST_NOT_ALLOWED = "请求的主机名无效：请通过 127.0.0.1 或 localhost 访问证书助手。"
APPROVE_FOREIGN_ORIGIN = "只能在证书助手自己的页面上确认签名。"
FORM_EXPIRED = "页面已失效，请重新打开签名确认页面。"
INVALID_PURPOSE = "用途无效：只能是 login（登录）、bind（绑定证书）、detect（证书检测）或 seal（电子签章）。"
INVALID_SEAL_DATA = "签章数据无效：证书助手只为所选证书签署PDF签章的签名属性。"
INVALID_DOCUMENT_TITLE = "缺少文件名称，或文件名称过长（不超过200字）。"
INVALID_NONCE = "随机数无效：必须是16至128位的字母、数字、下划线或连字符。"
INVALID_JSON = "请求内容不是有效的JSON。"
INVALID_CERTIFICATE_ID = "缺少 certificate_id。"
UNSUPPORTED_MEDIA = "请求内容类型必须是 {expected}。"
BODY_TOO_LARGE = "请求内容过大。"
NOT_FOUND = "没有这个接口。"
METHOD_NOT_ALLOWED = "不支持此请求方法。"


class AgentError(Exception):
    """A failure with a message a person can act on."""

    code = "agent_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class WrongPin(AgentError):
    code = "wrong_pin"

    def __init__(self, message: str = WRONG_PIN, *, warning: str | None = None):
        super().__init__(message)
        self.warning = warning  # the token's own PIN counter, when it says something
        self.tries_left: int | None = None  # before the agent locks the key, once counted


class SigningFailed(AgentError):
    """Signing cannot succeed with this certificate however often the user retries the PIN."""

    code = "signing_failed"


class KeyLocked(SigningFailed):
    """Too many wrong PINs in a row: the agent refuses this key until `until` (local time)."""

    code = "pin_locked"

    def __init__(self, message: str, until: str):
        super().__init__(message)
        self.until = until  # ISO 8601 with the machine's UTC offset


class CertificateNotFound(AgentError):
    code = "certificate_not_found"

    def __init__(self, message: str = CERTIFICATE_NOT_FOUND):
        super().__init__(message)
