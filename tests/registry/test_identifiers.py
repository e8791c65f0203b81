"""Identifier validation (GB 32100, GB 11714, GB 11643) and region codes.

Plain pytest, no database. Extra valid codes below were computed with the
functions under test and cross-checked with an independent implementation
(weights derived as 3**i mod 31 and 2**(17-i) mod 11).
"""

import datetime

import pytest

from registry import identifiers as ids
from registry.identifiers import (
    CodeCheck,
    check_org_code,
    check_resident_id,
    check_uscc,
    normalize_code,
    org_code_check_char,
    resident_id_check_char,
    resident_id_facts,
    uscc_check_char,
)
from registry.regions import REGIONS, region_choices, region_label

TODAY = datetime.date(2025, 1, 1)

VALID_USCC = [
    # From DOMAIN.md.
    "91350100M000100Y43",
    "91110000600037341L",
    "91512081MA62K0260E",
    # Departments A, N and Y (rejected by python-stdnum) and other entity types.
    "A1430100MB1234562C",
    "N2430702MF00000133",
    "Y1110106MC00000123",
    "12430400MB1C23459U",
    "93430781MA4L12346G",
    "52110106500000007R",
]
VALID_ORG = ["59467239-9", "594672399"]
VALID_IDS = [
    "11010519491231002X",
    "360426199101010071",
    "430702198506151234",
    "11010620000229001X",  # 29 Feb of a leap year
    "430405190001010002",  # earliest accepted year
]


def _other(ch: str) -> str:
    """A different check character, to mutate a valid code."""
    return "0" if ch != "0" else "1"


# --- normalize_code ---------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" 91350100m000100y43 ", "91350100M000100Y43"),
        ("9135 0100 M000 100Y 43", "91350100M000100Y43"),
        ("59467239-9", "594672399"),
        ("59467239－9", "594672399"),  # full-width hyphen
        ("59467239—9", "594672399"),  # em dash pasted from a document
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),
        ("9135\u30000100M000100Y43", "91350100M000100Y43"),  # ideographic space
        ("\t91110000600037341l\n", "91110000600037341L"),
        ("", ""),
    ],
)
def test_normalize_code(raw, expected):
    assert normalize_code(raw) == expected


# --- valid codes ------------------------------------------------------------


@pytest.mark.parametrize("code", VALID_USCC)
def test_valid_uscc(code):
    assert check_uscc(code) == CodeCheck(ok=True)
    assert check_uscc(code.lower()) == CodeCheck(ok=True)
    assert uscc_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", VALID_USCC)
def test_uscc_with_mutated_check_char(code):
    wrong = _other(code[17])
    result = check_uscc(code[:17] + wrong)
    assert result == CodeCheck(ok=False, error=ids.USCC_CHECK.format(expected=code[17], actual=wrong))


def test_uscc_check_message_reads_as_specified():
    assert check_uscc("91350100M000100Y4A").error == (
        "第18位校验码应为“3”，您输入的是“A”，请核对代码是否抄错"
    )


@pytest.mark.parametrize("code", VALID_ORG)
def test_valid_org_code(code):
    assert check_org_code(code) == CodeCheck(ok=True)
    assert org_code_check_char(normalize_code(code)[:8]) == "9"


def test_org_code_with_mutated_check_char():
    assert check_org_code("59467239-0").error == ("第9位校验码应为“9”，您输入的是“0”，请核对代码是否抄错")


@pytest.mark.parametrize("code", VALID_IDS)
def test_valid_resident_id(code):
    assert check_resident_id(code, today=TODAY) == CodeCheck(ok=True)
    assert check_resident_id(code) == CodeCheck(ok=True)
    assert check_resident_id(code.lower()) == CodeCheck(ok=True)
    assert resident_id_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", VALID_IDS)
def test_resident_id_with_mutated_check_char(code):
    wrong = _other(code[17])
    result = check_resident_id(code[:17] + wrong, today=TODAY)
    assert result == CodeCheck(ok=False, error=ids.ID_CHECK.format(expected=code[17], actual=wrong))


def test_resident_id_check_message_reads_as_specified():
    assert check_resident_id("110105194912310021").error == (
        "第18位校验码应为“X”，您输入的是“1”，请核对号码是否抄错"
    )


# --- invalid codes, each with its exact message -----------------------------

USCC_CASES = [
    ("", ids.USCC_EMPTY),
    ("  - ", ids.USCC_EMPTY),
    ("91350100M000100Y4", "统一社会信用代码应为18位，您输入了17位"),
    ("91350100M000100Y431", "统一社会信用代码应为18位，您输入了19位"),
    ("9135 0100 M000 100Y 4", "统一社会信用代码应为18位，您输入了17位"),
    (
        "91350100I000100Y43",
        "第9位“I”不是统一社会信用代码允许的字符（不使用I、O、S、V、Z）",
    ),
    (
        "9135010OM000100Y43",
        "第8位“O”不是统一社会信用代码允许的字符（不使用I、O、S、V、Z）",
    ),
    (
        "S1350100M000100Y43",
        "第1位“S”不是统一社会信用代码允许的字符（不使用I、O、S、V、Z）",
    ),
    (
        "91350100M00010VY43",
        "第15位“V”不是统一社会信用代码允许的字符（不使用I、O、S、V、Z）",
    ),
    (
        "91350100M000100Y4Z",
        "第18位“Z”不是统一社会信用代码允许的字符（不使用I、O、S、V、Z）",
    ),
    # Lowercase is uppercased first, so the message shows the capital letter.
    (
        "91350100m000100y4o",
        "第18位“O”不是统一社会信用代码允许的字符（不使用I、O、S、V、Z）",
    ),
    (
        "91350100M0001*0Y43",
        "第14位“*”不是统一社会信用代码允许的字符（只能是数字或大写英文字母）",
    ),
    (
        "913501中0M000100Y43",
        "第7位“中”不是统一社会信用代码允许的字符（只能是数字或大写英文字母）",
    ),
    ("01350100M000100Y43", "第1位登记管理部门代码“0”无效，应为1-9、A、N或Y"),
    ("B1350100M000100Y43", "第1位登记管理部门代码“B”无效，应为1-9、A、N或Y"),
    ("913A0100M000100Y43", "第4位“A”应为数字（第3-8位是登记机关行政区划码）"),
    ("9135010XM000100Y43", "第8位“X”应为数字（第3-8位是登记机关行政区划码）"),
    (
        "91110000600037341X",
        "第18位校验码应为“L”，您输入的是“X”，请核对代码是否抄错",
    ),
    (
        "９１３５０１００Ｍ０００１００Ｙ４２",
        "第18位校验码应为“3”，您输入的是“2”，请核对代码是否抄错",
    ),
]

ORG_CASES = [
    ("", ids.ORG_EMPTY),
    ("5946723-9", "组织机构代码应为9位（8位本体代码加1位校验码），您输入了8位"),
    ("59467239-91", "组织机构代码应为9位（8位本体代码加1位校验码），您输入了10位"),
    (
        "5946723*-9",
        "第8位“*”不是组织机构代码允许的字符（只能是数字或大写英文字母）",
    ),
    ("59467239-8", "第9位校验码应为“9”，您输入的是“8”，请核对代码是否抄错"),
    ("59467239-x", "第9位校验码应为“9”，您输入的是“X”，请核对代码是否抄错"),
]

ID_CASES = [
    ("", ids.ID_EMPTY),
    ("1101051949123100", "居民身份证号码应为18位，您输入了16位"),
    ("11010519491231002X1", "居民身份证号码应为18位，您输入了19位"),
    (
        "110105491231002",
        ("居民身份证号码应为18位，您输入了15位（第一代15位号码已停止使用，请填写18位号码）"),
    ),
    ("11010A19491231002X", "第6位“A”应为数字"),
    ("110105194912310O2X", "第16位“O”应为数字"),
    ("110105199002300028", "第7-14位出生日期“19900230”不是有效日期"),
    ("110105194913310021", "第7-14位出生日期“19491331”不是有效日期"),
    ("110105190002290025", "第7-14位出生日期“19000229”不是有效日期"),  # 1900 not leap
    ("110105199101000039", "第7-14位出生日期“19910100”不是有效日期"),
    ("430702202501020015", "第7-14位出生日期“20250102”晚于今天，请核对"),
    ("430702189912310013", "第7-14位出生日期“18991231”早于1900年，请核对"),
    ("11010519491231002Y", "第18位校验码应为“X”，您输入的是“Y”，请核对号码是否抄错"),
    ("360426199101010072", "第18位校验码应为“1”，您输入的是“2”，请核对号码是否抄错"),
    ("11010519491231002１", "第18位校验码应为“X”，您输入的是“1”，请核对号码是否抄错"),
]


@pytest.mark.parametrize(("code", "message"), USCC_CASES)
def test_invalid_uscc(code, message):
    assert check_uscc(code) == CodeCheck(ok=False, error=message)


@pytest.mark.parametrize(("code", "message"), ORG_CASES)
def test_invalid_org_code(code, message):
    assert check_org_code(code) == CodeCheck(ok=False, error=message)


@pytest.mark.parametrize(("code", "message"), ID_CASES)
def test_invalid_resident_id(code, message):
    assert check_resident_id(code, today=TODAY) == CodeCheck(ok=False, error=message)


def test_enough_distinct_invalid_cases():
    codes = [c for c, _ in USCC_CASES + ORG_CASES + ID_CASES]
    assert len(set(codes)) >= 25


def test_messages_match_templates():
    # The literal expectations above must stay in step with the constants.
    assert ids.USCC_LENGTH.format(n=17) == "统一社会信用代码应为18位，您输入了17位"
    assert ids.USCC_FORBIDDEN_CHAR.format(pos=5, char="I") == (
        "第5位“I”不是统一社会信用代码允许的字符（不使用I、O、S、V、Z）"
    )
    assert ids.USCC_CHECK.format(expected="Y", actual="3") == (
        "第18位校验码应为“Y”，您输入的是“3”，请核对代码是否抄错"
    )
    assert ids.ID_DATE_INVALID.format(date="19491331") == ("第7-14位出生日期“19491331”不是有效日期")


@pytest.mark.parametrize("code", VALID_USCC[:3])
def test_every_single_substitution_in_uscc_is_caught(code):
    # Weights are non-zero mod the prime 31, so no one-character slip passes.
    for i in range(17):
        for ch in ids.USCC_ALPHABET:
            if ch != code[i]:
                assert not check_uscc(code[:i] + ch + code[i + 1 :]).ok


@pytest.mark.parametrize("code", VALID_IDS[:2])
def test_every_single_digit_slip_in_resident_id_is_caught(code):
    for i in range(17):
        for ch in "0123456789":
            if ch != code[i]:
                assert not check_resident_id(code[:i] + ch + code[i + 1 :]).ok


# --- the inner organisation code is only a warning --------------------------


def test_uscc_with_bad_inner_org_code_is_ok_with_warning():
    first17 = "91350100M000100Y5"  # inner check digit should be 4
    code = first17 + uscc_check_char(first17)
    assert code == "91350100M000100Y56"
    result = check_uscc(code)
    assert result.ok
    assert result.error == ""
    assert result.warnings == (ids.USCC_INNER_CHECK_WARNING.format(expected="4", actual="5"),)
    assert result.warnings[0] == (
        "第17位（组织机构代码校验位）按GB 11714应为“4”，实际为“5”；整体校验码正确，请核对代码是否抄错"
    )


def test_inner_org_code_of_valid_examples_passes():
    for code in VALID_USCC:
        assert check_org_code(code[8:17]).ok, code


# --- check character helpers ------------------------------------------------


def test_org_code_check_char_maps_10_and_11():
    # 6 * 2 = 12, 12 % 11 = 1, 11 - 1 = 10 -> "X"; a sum of 0 gives 11 -> "0".
    assert org_code_check_char("00000006") == "X"
    assert org_code_check_char("00000000") == "0"
    # Letters count 10..35: "A" in the last place is 10 * 2 = 20, 20 % 11 = 9 -> "2".
    assert org_code_check_char("0000000A") == "2"


@pytest.mark.parametrize(
    ("func", "arg"),
    [
        (uscc_check_char, "91350100M000100Y"),
        (uscc_check_char, "91350100M000100YO"),
        (resident_id_check_char, "1101051949123100"),
        (resident_id_check_char, "1101051949123100X"),
        (org_code_check_char, "5946723"),
        (org_code_check_char, "5946723*"),
    ],
)
def test_check_char_helpers_reject_bad_input(func, arg):
    with pytest.raises(ValueError):
        func(arg)


# --- resident_id_facts ------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "birth", "sex"),
    [
        ("11010519491231002X", datetime.date(1949, 12, 31), "女"),
        ("11010519491231002x", datetime.date(1949, 12, 31), "女"),
        ("360426199101010071", datetime.date(1991, 1, 1), "男"),
        ("430702198506151234", datetime.date(1985, 6, 15), "男"),
        ("11010620000229001X", datetime.date(2000, 2, 29), "男"),
    ],
)
def test_resident_id_facts(code, birth, sex):
    assert resident_id_facts(code) == (birth, sex)


@pytest.mark.parametrize("code", ["", "110105194912310021", "110105194913310021", "11010519491231002"])
def test_resident_id_facts_rejects_invalid(code):
    with pytest.raises(ValueError, match=r".+"):
        resident_id_facts(code)


def test_resident_id_born_today_is_valid_but_tomorrow_is_not():
    # A fixed "today" keeps the test stable across midnight.
    born_today = "43070220250101001"
    born_tomorrow = "43070220250102001"
    assert check_resident_id(born_today + resident_id_check_char(born_today), today=TODAY).ok
    result = check_resident_id(born_tomorrow + resident_id_check_char(born_tomorrow), today=TODAY)
    assert result.error == ids.ID_DATE_FUTURE.format(date="20250102")


def test_resident_id_uses_the_real_date_by_default():
    far_future = "43070220991231001"
    result = check_resident_id(far_future + resident_id_check_char(far_future))
    assert result.error == ids.ID_DATE_FUTURE.format(date="20991231")


# --- regions ----------------------------------------------------------------


def test_known_region_codes():
    assert REGIONS["110000"] == "北京市"
    assert REGIONS["110106"] == "丰台区"
    assert REGIONS["430000"] == "湖南省"
    assert REGIONS["430700"] == "常德市"
    assert REGIONS["430400"] == "衡阳市"
    assert REGIONS["433100"] == "湘西土家族苗族自治州"
    assert REGIONS["710000"] == "台湾省"
    assert REGIONS["810000"] == "香港特别行政区"
    assert REGIONS["820000"] == "澳门特别行政区"


def test_region_counts():
    provinces = [c for c in REGIONS if c.endswith("0000")]
    hunan_prefectures = [c for c in REGIONS if c.startswith("43") and c.endswith("00") and c != "430000"]
    beijing_districts = [c for c in REGIONS if c.startswith("1101")]
    assert len(provinces) == 34
    assert len(hunan_prefectures) == 14
    assert len(beijing_districts) == 16


def test_region_codes_are_well_formed_and_have_parents():
    for code in REGIONS:
        assert len(code) == 6 and code.isdigit(), code
        assert code[:2] + "0000" in REGIONS, code
        if code.startswith("43") and not code.endswith("00"):
            assert code[:4] + "00" in REGIONS, code


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("430702", "湖南省 常德市 武陵区"),
        ("430781", "湖南省 常德市 津市市"),
        ("430482", "湖南省 衡阳市 常宁市"),
        ("430700", "湖南省 常德市"),
        ("430000", "湖南省"),
        ("110106", "北京市 丰台区"),
        (" 110106 ", "北京市 丰台区"),
        ("999999", ""),
        ("", ""),
    ],
)
def test_region_label(code, label):
    assert region_label(code) == label


def test_region_choices_are_ordered_full_paths():
    choices = region_choices()
    codes = [code for code, _ in choices]
    assert codes == sorted(codes) == sorted(REGIONS)
    assert choices[0] == ("110000", "北京市")
    assert ("430702", "湖南省 常德市 武陵区") in choices
    assert all(label == region_label(code) for code, label in choices)
