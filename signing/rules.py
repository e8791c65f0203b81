"""What the signing layer tells people, and its few limits, in one place that tests assert."""

from pki import verify as pki_verify

SEAL_REQUEST_MINUTES = 10  # the agent's own request lives 5 minutes; the page may need to retry once
UPLOAD_MAX_BYTES = 20 * 1024 * 1024  # the public verification page
OPINION_MAX = 500
SEAL_BOX_MM = 42  # the common 公章 size; personal seals are drawn smaller
PERSONAL_BOX_MM = 20

# Verification (verify.py)
NOT_A_PDF = "文件无法读取：请上传PDF格式的文件。"
ENCRYPTED = "文件已加密（设置了打开密码或权限密码），无法验证签章：请上传未加密的PDF文件。"
FILE_BROKEN = "文件是PDF，但结构已损坏，无法读取签章：{why}。请向文件提供方索取完好的文件。"
# Limits of one verification: the public page needs no login, so the work per file is bounded.
VERIFY_MAX_SEALS = 30
VERIFY_MAX_REVISIONS = 120
VERIFY_SECONDS = 10
TOO_MANY_SEALS = "文件中有{count}个签章，超过本平台一次验证的上限（{limit}个），未验证。"
TOO_MANY_REVISIONS = "文件被增量保存了{count}次，超过本平台一次验证的上限（{limit}次），未验证。"
VERIFY_TOO_LONG = "文件验证超过{seconds}秒仍未完成，已停止：文件结构异常复杂，未验证。"
SHARED_SIGNATURE = (
    "签章域「{first}」和「{second}」指向同一个签名：签章不会这样出现在正常文件中，文件已被篡改，未验证。"
)
# Why a file or a signature does not read (verify._why).
WHY_LOOP = "交叉引用表（xref）循环引用自身"
WHY_XREF = "交叉引用表（xref）与文件内容的位置对不上"
WHY_BYTE_RANGE = "签名字典中的签名范围（/ByteRange）缺失或格式错误"
WHY_CONTENTS = "签名字典中的签名数据（/Contents）缺失或格式错误"
WHY_NOT_A_DICTIONARY = "签章域的值不是签名字典"
WHY_STRUCTURE = "签名数据的结构不符合PDF签名格式"
WHY_FILE = "文件的对象或交叉引用表（xref）不符合PDF格式"
NO_SEALS = "文件中没有电子签章。"
ALL_VALID = "文件中的{count}个电子签章均有效，签章后文件未被修改。"
NOT_ALL_VALID = "文件中有电子签章未通过验证，请查看下面每个签章的说明。"
NO_CERTIFICATE = "签章中没有签章人的证书，无法验证。"
SIGNATURE_UNREADABLE = "签章中的签名数据（CMS）已损坏，无法读取。"
SIGNATURE_STRUCTURE_BROKEN = "签章域「{field}」无法作为签章读取：{why}。这不是有效的签章。"
CHANGED_INSIDE = "签章所覆盖的文件内容已被修改：文件不是签章时的样子。"
SEALS_HOLD_FILE_CHANGED = "文件中的签章本身有效，但签章后文件被改动过，当前显示的内容可能不是签章时的内容，请查看下面每个签章的说明。"
CHANGED_AFTER_SEALING = "签章有效，但签章后文件被改动：{what}。当前显示的内容可能不是签章时的内容。"
STRAY_TAIL = "文件末尾在最后一次保存之后被追加了{count}字节不属于任何修订的数据"
LATER_BROKEN_REVISION = "签章之后追加的修订已损坏（{why}），阅读器可能显示与签章时不同的内容"
PARTIAL_COVERAGE = "签章未覆盖签章时的完整文件，无法确认文件未被修改。"
BAD_SIGNATURE_VALUE = "签名值与证书不符，签章无效。"
TIMESTAMP_UNTRUSTED = "签章所带的时间戳无效或不是由可信的时间戳服务签发，签章时间无法确认。"
NO_TIMESTAMP = "签章未带可信时间戳：签章时间是签章电脑自报的时间，证书状态按当前时间检查。"
REVOKED_LATER = "签章人证书已于{when}被吊销；签章时证书有效，本签章仍然有效。"
# The same for a CA between the holder and the root (revoked by the CA above it).
CA_REVOKED_LATER = (
    "颁发机构「{name}」的证书已于{when}被上级CA「{parent}」吊销；签章时该机构证书有效，本签章仍然有效。"
)
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

# Uploaded PDFs (imports.py): a 招标文件 made elsewhere, a 澄清文件. Only what the platform can show,
# seal at a clicked place and verify afterwards is accepted. The byte limit is read from
# settings.GGZY_IMPORT_MAX_BYTES when set.
IMPORT_MAX_BYTES = 20 * 1024 * 1024
IMPORT_MAX_PAGES = 500
# Each seal adds two revisions (the seal, then its validation data); a file saved incrementally
# this often is nowhere near VERIFY_MAX_REVISIONS even after a dozen seals.
IMPORT_MAX_REVISIONS = 20
IMPORT_SECONDS = 20
# The page previews and the click-to-place are drawn for A4 portrait (seal.js, 794 px wide); a
# page within this many points of 595.28 × 841.89, unrotated, with its origin at its lower left.
IMPORT_A4_TOLERANCE_PT = 3
# What PDFium parses to draw one page (its content, forms and annotation appearances, decoded): a
# page of text or tables is well under 1 MB; a compressed stream of 20 MB may decode to gigabytes.
IMPORT_PAGE_CONTENT_MAX = 32 * 1024 * 1024
IMPORT_NOT_A_PDF = "上传的文件不是PDF文件：请将文件导出或另存为PDF格式后上传。"
IMPORT_TOO_LARGE = "文件大小为{size}，超过上传上限（{limit}）：请降低文件中图片的分辨率后重新导出PDF。"
IMPORT_ENCRYPTED = "文件已加密（设置了打开密码或权限密码），无法签章：请取消密码保护后重新导出PDF上传。"
IMPORT_BROKEN = "文件是PDF，但结构已损坏或不规范，无法签章：{why}。请用原编辑软件重新导出PDF后上传。"
IMPORT_TOO_MANY_PAGES = "文件超过{limit}页，超过本平台签章文件的页数上限。"
IMPORT_TOO_MANY_REVISIONS = (
    "文件被增量保存了{count}次，超过上限（{limit}次）：请用“另存为”重新导出一份PDF后上传。"
)
IMPORT_TOO_LONG = "文件检查超过{seconds}秒仍未完成，已停止：文件结构异常复杂，请重新导出PDF后上传。"
IMPORT_SIGNED = (
    "文件中已有电子签名或签章：本平台只对未签章的文件加盖电子签章，已有的签章无法在本平台登记和核验。"
    "请上传未签章的PDF，在本平台完成签章。"
)
IMPORT_SIGNATURE_FIELD = (
    "文件中有空白签名域「{name}」：签章位置在本平台页面上点选，请在导出PDF时去掉签名域后重新上传。"
)
IMPORT_XFA = (
    "文件含有XFA动态表单，不同阅读器显示的内容可能不同，无法签章：请用原编辑软件导出为普通PDF后上传。"
)
IMPORT_ACTIVE = "文件含有{what}，打开或点击时可能自动执行：请去掉后重新导出PDF上传。"
IMPORT_ACTIVE_SCRIPT = "JavaScript脚本"
IMPORT_ACTIVE_LAUNCH = "启动外部程序的动作"
IMPORT_ACTIVE_FORM = "提交或导入表单数据的动作"
IMPORT_PAGE_TOO_HEAVY = "第{page}页的页面内容解压后超过{limit}MB，无法显示页面预览：请简化该页（如将复杂图形转为图片）后重新导出PDF。"
IMPORT_DATA_TOO_HEAVY = (
    "文件中的数据解压后过于庞大，超过本平台一次检查的上限：请重新导出PDF（不要嵌入异常庞大的内容）后上传。"
)
IMPORT_PAGE_LAYOUT = (
    "第{page}页{why}：本平台按A4纵向页面显示文件和定位签章，"
    "请将全部页面设为A4纵向（210×297毫米）、不旋转、不裁切后重新导出PDF。"
)
IMPORT_PAGE_SIZE = "的尺寸为{width}×{height}毫米"
IMPORT_PAGE_ROTATED = "设置了{angle}度旋转"
IMPORT_PAGE_CROPPED = "被裁切过（显示区域不从页面左下角开始）"
# Why a file is refused as broken (IMPORT_BROKEN); WHY_LOOP, WHY_XREF and WHY_FILE above also serve.
WHY_NO_PAGES = "文件中没有页面"
WHY_PAGE_TREE = "页面目录（页面树）不完整或前后矛盾"
WHY_NESTING = "对象的嵌套层数过深"
WHY_OBJECT_COUNT = "交叉引用表声明的对象数（/Size）小于文件中实际的对象编号"
WHY_OBJECT_NUMBERS = "交叉引用表声明的对象数（/Size）超出阅读器能够读取的范围"
WHY_PAGES_DISAGREE = "不同阅读器读出的页数不一致（{first}页与{second}页）"
WHY_NOT_APPENDABLE = "无法在文件末尾追加签章（增量保存失败）"
