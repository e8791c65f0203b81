"""The certificate rules' messages, in one place; tests assert them."""

CHALLENGE_UNKNOWN = "登录请求无效，请刷新页面后重新点击「CA证书登录」"
CHALLENGE_OTHER_SESSION = "此签名请求不是由当前浏览器发起的，请刷新页面后重试"
CHALLENGE_EXPIRED = "签名请求已超时（5分钟内有效），请重新操作"
CHALLENGE_USED = "此签名请求已经使用过，请重新操作"

BIND_OTHER_HOLDER = "证书持有者代码{code}与本账号的代码{own}不一致，不能绑定"
BIND_TAKEN = "此证书已绑定到其他主体，不能重复绑定"
BIND_ALREADY = "此证书已经绑定，无需再次绑定"
UNBIND_NEEDS_CERTIFICATE = "解绑证书需要使用CA证书登录，请退出后用CA证书登录再操作"
UNBIND_NOT_BOUND = "该证书未绑定或已解绑"
BIND_BLOCKED = "该证书已按解绑申请解绑，不能再用于登录或绑定，请使用新办理的证书。"

NAME_DIFFERS = "证书上的名称「{cert_name}」与注册名称「{name}」不一致。如单位已更名，请在基本信息中点击「变更」修改单位名称并提交。"
NOT_REGISTERED = "此证书的持有者（{name}，{code}）尚未注册，请确认信息后完成注册，无需重新填写名称和代码。"
LOGGED_IN = "已使用CA证书登录。"
RENEWAL_BOUND = "检测到您使用了更新（或补办）后的新证书，已自动绑定，原证书仍保留在「数字证书」列表中。"
FIRST_BOUND = "证书已自动绑定到本账号。"

CRL_OLDER = "此吊销列表比正在使用的更旧，未导入"
CRL_TOO_LARGE = "吊销列表超过20 MB，未导入"
CRL_NOT_YET = "尚未获取"
CRL_STALE = "已过期"

POLICY_BAD_BITS = "RSA密钥最少位数应在1024到16384之间"
POLICY_BAD_ALGORITHMS = "接受的证书算法只能是rsa、p256、sm2中的若干项"
