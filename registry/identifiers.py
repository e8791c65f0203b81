"""Validation of Chinese identifiers, with messages that name the wrong character.

Plain Python on purpose: forms, services and the importer share these rules. The one
Django call is today's date, which is the platform's (Beijing time), not the server's
(UTC): an ID number born on 12-03 is valid from 00:00 on 12-03 in Beijing. Positions
in messages are 1-based and count the characters of the normalised code (spaces and
hyphens removed), which is how the standards number them.

Sources (see /work/shared/DOMAIN.md section 1):
- 统一社会信用代码: GB 32100-2015.
- 组织机构代码: GB 11714-1997 (also positions 9-17 of a USCC).
- 居民身份证号码: GB 11643-1999.

python-stdnum is deliberately not used: its ``cn.uscc`` rejects valid codes whose
registering department is A, N or Y.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

# --- Messages (constants so tests can assert them) ---------------------------

USCC_EMPTY = "请填写统一社会信用代码"
USCC_LENGTH = "统一社会信用代码应为18位，您输入了{n}位"
USCC_FORBIDDEN_CHAR = "第{pos}位“{char}”不是统一社会信用代码允许的字符（不使用I、O、S、V、Z）"
USCC_BAD_CHAR = "第{pos}位“{char}”不是统一社会信用代码允许的字符（只能是数字或大写英文字母）"
USCC_DEPARTMENT = "第1位登记管理部门代码“{char}”无效，应为1-9、A、N或Y"
USCC_REGION = "第{pos}位“{char}”应为数字（第3-8位是登记机关行政区划码）"
USCC_CHECK = "第18位校验码应为“{expected}”，您输入的是“{actual}”，请核对代码是否抄错"
USCC_INNER_CHECK_WARNING = (
    "第17位（组织机构代码校验位）按GB 11714应为“{expected}”，实际为“{actual}”；"
    "整体校验码正确，请核对代码是否抄错"
)

ORG_EMPTY = "请填写组织机构代码"
ORG_LENGTH = "组织机构代码应为9位（8位本体代码加1位校验码），您输入了{n}位"
ORG_BAD_CHAR = "第{pos}位“{char}”不是组织机构代码允许的字符（只能是数字或大写英文字母）"
ORG_CHECK = "第9位校验码应为“{expected}”，您输入的是“{actual}”，请核对代码是否抄错"

ID_EMPTY = "请填写居民身份证号码"
ID_LENGTH = "居民身份证号码应为18位，您输入了{n}位"
ID_LENGTH_15 = "居民身份证号码应为18位，您输入了15位（第一代15位号码已停止使用，请填写18位号码）"
ID_NOT_DIGIT = "第{pos}位“{char}”应为数字"
ID_DATE_INVALID = "第7-14位出生日期“{date}”不是有效日期"
ID_DATE_FUTURE = "第7-14位出生日期“{date}”晚于今天，请核对"
ID_DATE_TOO_EARLY = "第7-14位出生日期“{date}”早于1900年，请核对"
ID_CHECK = "第18位校验码应为“{expected}”，您输入的是“{actual}”，请核对号码是否抄错"

SEX_MALE = "男"
SEX_FEMALE = "女"

# --- Tables -----------------------------------------------------------------

# GB 32100-2015: 31 characters, values 0..30 (I, O, S, V, Z left out).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_FORBIDDEN_LETTERS = frozenset("IOSVZ")
# Weights for positions 1..17 are 3**(i-1) mod 31.
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_DEPARTMENTS = frozenset("123456789ANY")

# GB 11714-1997: body characters are digits and A-Z with values 0..35.
ORG_BODY_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# GB 11643-1999 (ISO 7064 MOD 11-2).
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
ID_EARLIEST_BIRTH_YEAR = 1900

_DIGITS = frozenset("0123456789")
# Hyphen look-alikes people paste from documents; removed like '-'.
_DASHES = "-‐‑‒–—―"
_FULLWIDTH_OFFSET = 0xFEE0  # '！' (U+FF01) .. '～' (U+FF5E) -> '!' .. '~'


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    error: str = ""  # Chinese, empty when ok
    warnings: tuple[str, ...] = ()


def _fail(message: str) -> CodeCheck:
    return CodeCheck(ok=False, error=message)


def normalize_code(raw: str) -> str:
    """Fold full-width ASCII, drop whitespace and hyphens, uppercase."""
    folded = []
    for ch in raw:
        cp = ord(ch)
        if 0xFF01 <= cp <= 0xFF5E:
            ch = chr(cp - _FULLWIDTH_OFFSET)
        if ch.isspace() or ch in _DASHES:  # isspace() covers U+3000 too
            continue
        folded.append(ch)
    return "".join(folded).upper()


# --- 统一社会信用代码 ------------------------------------------------------------


def uscc_check_char(first17: str) -> str:
    """The 18th character for the first 17 characters of a USCC."""
    if len(first17) != 17 or any(ch not in USCC_ALPHABET for ch in first17):
        raise ValueError("first17 must be 17 characters of the USCC alphabet")
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(code: str) -> CodeCheck:
    code = normalize_code(code)
    if not code:
        return _fail(USCC_EMPTY)
    if len(code) != 18:
        return _fail(USCC_LENGTH.format(n=len(code)))
    for pos, ch in enumerate(code, start=1):
        if ch in USCC_ALPHABET:
            continue
        template = USCC_FORBIDDEN_CHAR if ch in USCC_FORBIDDEN_LETTERS else USCC_BAD_CHAR
        return _fail(template.format(pos=pos, char=ch))
    if code[0] not in USCC_DEPARTMENTS:
        return _fail(USCC_DEPARTMENT.format(char=code[0]))
    # Position 2 (entity type) is defined by each registering department, so
    # any alphabet character is accepted there.
    for pos in range(3, 9):
        if code[pos - 1] not in _DIGITS:
            return _fail(USCC_REGION.format(pos=pos, char=code[pos - 1]))
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return _fail(USCC_CHECK.format(expected=expected, actual=code[17]))

    # GB 32100 embeds the GB 11714 organisation code; a wrong inner check digit
    # is a warning only, because codes issued with one exist and are valid.
    warnings: list[str] = []
    inner_expected = org_code_check_char(code[8:16])
    if code[16] != inner_expected:
        warnings.append(USCC_INNER_CHECK_WARNING.format(expected=inner_expected, actual=code[16]))
    return CodeCheck(ok=True, warnings=tuple(warnings))


# --- 组织机构代码 ----------------------------------------------------------------


def org_code_check_char(first8: str) -> str:
    """The 9th character (digit or X) for an 8-character organisation code body."""
    if len(first8) != 8 or any(ch not in ORG_BODY_ALPHABET for ch in first8):
        raise ValueError("first8 must be 8 digits or capital letters")
    total = sum(ORG_BODY_ALPHABET.index(ch) * w for ch, w in zip(first8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    if value == 10:
        return "X"
    if value == 11:
        return "0"
    return str(value)


def check_org_code(code: str) -> CodeCheck:
    code = normalize_code(code)  # also drops the hyphen in "59467239-9"
    if not code:
        return _fail(ORG_EMPTY)
    if len(code) != 9:
        return _fail(ORG_LENGTH.format(n=len(code)))
    for pos, ch in enumerate(code[:8], start=1):
        if ch not in ORG_BODY_ALPHABET:
            return _fail(ORG_BAD_CHAR.format(pos=pos, char=ch))
    expected = org_code_check_char(code[:8])
    if code[8] != expected:
        return _fail(ORG_CHECK.format(expected=expected, actual=code[8]))
    return CodeCheck(ok=True)


# --- 居民身份证号码 --------------------------------------------------------------


def resident_id_check_char(first17: str) -> str:
    """The 18th character (digit or X) for the first 17 digits of an ID number."""
    if len(first17) != 17 or any(ch not in _DIGITS for ch in first17):
        raise ValueError("first17 must be 17 digits")
    total = sum(int(ch) * w for ch, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def check_resident_id(code: str, *, today: datetime.date | None = None) -> CodeCheck:
    """Check an 18-character ID number; ``today`` is only for tests."""
    code = normalize_code(code)  # a lowercase x becomes X here
    if not code:
        return _fail(ID_EMPTY)
    if len(code) == 15:
        return _fail(ID_LENGTH_15)
    if len(code) != 18:
        return _fail(ID_LENGTH.format(n=len(code)))
    for pos, ch in enumerate(code[:17], start=1):
        if ch not in _DIGITS:
            return _fail(ID_NOT_DIGIT.format(pos=pos, char=ch))
    digits = code[6:14]
    try:
        birth = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return _fail(ID_DATE_INVALID.format(date=digits))
    if birth.year < ID_EARLIEST_BIRTH_YEAR:
        return _fail(ID_DATE_TOO_EARLY.format(date=digits))
    if birth > (today or timezone.localdate()):
        return _fail(ID_DATE_FUTURE.format(date=digits))
    expected = resident_id_check_char(code[:17])
    if code[17] != expected:
        return _fail(ID_CHECK.format(expected=expected, actual=code[17]))
    return CodeCheck(ok=True)


def resident_id_facts(code: str) -> tuple[datetime.date, str]:
    """Birth date and sex ("男"/"女") of a valid ID number; ValueError otherwise."""
    result = check_resident_id(code)
    if not result.ok:
        raise ValueError(result.error)
    code = normalize_code(code)
    birth = datetime.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    sex = SEX_MALE if int(code[16]) % 2 == 1 else SEX_FEMALE
    return birth, sex
