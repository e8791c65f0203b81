"""What the signing layer tells people, and its few limits, in one place that tests assert."""

from pki import verify as pki_verify

SEAL_REQUEST_MINUTES = 10  # the agent's own request lives 5 minutes; the page may need to retry once
UPLOAD_MAX_BYTES = 20 * 1024 * 1024  # the public verification page
OPINION_MAX = 500
SEAL_BOX_MM = 42  # the common 公章 size; personal seals are drawn smaller
PERSONAL_BOX_MM = 20

# Verification (verify.py)
NOT_A_PDF = "文件无法读取：请上传PDF格式的文件。"
NO_SEALS = "文件中没有电子签章。"
ALL_VALID = "文件中的{count}个电子签章均有效，签章后文件未被修改。"
NOT_ALL_VALID = "文件中有电子签章未通过验证，请查看下面每个签章的说明。"
NO_CERTIFICATE = "签章中没有签章人的证书，无法验证。"
SIGNATURE_UNREADABLE = "签章数据已损坏，无法读取。"
CHANGED_INSIDE = "签章所覆盖的文件内容已被修改：文件不是签章时的样子。"
CHANGED_LATER = "签章之后文件内容又被修改过（不只是增加签章）：当前显示的内容不是签章时的内容。"
PARTIAL_COVERAGE = "签章未覆盖签章时的完整文件，无法确认文件未被修改。"
BAD_SIGNATURE_VALUE = "签名值与证书不符，签章无效。"
TIMESTAMP_UNTRUSTED = "签章所带的时间戳无效或不是由可信的时间戳服务签发，签章时间无法确认。"
NO_TIMESTAMP = "签章未带可信时间戳：签章时间是签章电脑自报的时间，证书状态按当前时间检查。"
REVOKED_LATER = "签章人证书已于{when}被吊销；签章时证书有效，本签章仍然有效。"
SM2_NOT_VERIFIED = "这是SM2（国密）签章，本平台暂不能验证PDF中的SM2签名。"
CRL_UNKNOWN_PREFIX = pki_verify.CRL_MISSING.split("（")[0]

# Seals (services.py)
SEAL_CERT_OTHER_HOLDER = "证书持有者代码{code}与印章持有者代码{own}不一致，此证书不能使用该印章。"
SEAL_CERT_ALREADY = "此证书已经可以使用该印章。"
SEAL_RETIRED = "该印章已停用，不能再签章。"
SEAL_CERT_NOT_ALLOWED = "所选证书不能使用该印章：印章「{seal}」只能由已添加到该印章的证书使用。"
PERSON_NAME_REQUIRED = "请填写印章上的姓名。"
UNIT_SEAL_EXISTS = "本单位已有启用的单位公章；如需更换，请先停用原公章。"

# Sealing (services.py)
REQUEST_UNKNOWN = "签章请求不存在或已完成，请重新点击「签章」。"
REQUEST_EXPIRED = "签章请求已超时（10分钟内有效），请重新点击「签章」。"
DOCUMENT_CHANGED_MEANWHILE = "文件在您签章期间已被他人签章或修改，请刷新页面后重新签章。"
SIGNATURE_MISMATCH = "证书助手返回的签名与所选证书不符，签章未完成，请重新签章。"
PLACE_OUTSIDE = "签章位置超出页面范围，请在页面内点击选择位置。"
OPINION_REQUIRED = "请填写签署意见。"
OPINION_TOO_LONG = "签署意见不能超过500字。"
TSA_UNAVAILABLE = "时间戳服务暂时不可用，签章未完成，请稍后重新签章。"
SEALED = "签章完成：{seal}已加盖在第{page}页。"
