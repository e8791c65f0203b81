"""GB/T 2260 administrative region codes (行政区划代码) for 注册地行政区划.

A deliberately partial list: every province-level unit, Hunan's prefectures, the
counties of 常德市 and 衡阳市, and Beijing's districts: the places the platforms in
the manuals serve. Only codes in force today are listed; extend it from the
Ministry of Civil Affairs list rather than from memory.

Code structure: XX0000 province, XXYY00 prefecture, XXYYZZ county. The
municipalities' "市辖区" placeholder level (e.g. 110100) is left out, so Beijing
districts label as "北京市 丰台区".
"""

from __future__ import annotations

PROVINCES: dict[str, str] = {
    "110000": "北京市",
    "120000": "天津市",
    "130000": "河北省",
    "140000": "山西省",
    "150000": "内蒙古自治区",
    "210000": "辽宁省",
    "220000": "吉林省",
    "230000": "黑龙江省",
    "310000": "上海市",
    "320000": "江苏省",
    "330000": "浙江省",
    "340000": "安徽省",
    "350000": "福建省",
    "360000": "江西省",
    "370000": "山东省",
    "410000": "河南省",
    "420000": "湖北省",
    "430000": "湖南省",
    "440000": "广东省",
    "450000": "广西壮族自治区",
    "460000": "海南省",
    "500000": "重庆市",
    "510000": "四川省",
    "520000": "贵州省",
    "530000": "云南省",
    "540000": "西藏自治区",
    "610000": "陕西省",
    "620000": "甘肃省",
    "630000": "青海省",
    "640000": "宁夏回族自治区",
    "650000": "新疆维吾尔自治区",
    "710000": "台湾省",
    "810000": "香港特别行政区",
    "820000": "澳门特别行政区",
}

BEIJING_DISTRICTS: dict[str, str] = {
    "110101": "东城区",
    "110102": "西城区",
    "110105": "朝阳区",
    "110106": "丰台区",
    "110107": "石景山区",
    "110108": "海淀区",
    "110109": "门头沟区",
    "110111": "房山区",
    "110112": "通州区",
    "110113": "顺义区",
    "110114": "昌平区",
    "110115": "大兴区",
    "110116": "怀柔区",
    "110117": "平谷区",
    "110118": "密云区",
    "110119": "延庆区",
}

HUNAN_PREFECTURES: dict[str, str] = {
    "430100": "长沙市",
    "430200": "株洲市",
    "430300": "湘潭市",
    "430400": "衡阳市",
    "430500": "邵阳市",
    "430600": "岳阳市",
    "430700": "常德市",
    "430800": "张家界市",
    "430900": "益阳市",
    "431000": "郴州市",
    "431100": "永州市",
    "431200": "怀化市",
    "431300": "娄底市",
    "433100": "湘西土家族苗族自治州",
}

HENGYANG_COUNTIES: dict[str, str] = {
    "430405": "珠晖区",
    "430406": "雁峰区",
    "430407": "石鼓区",
    "430408": "蒸湘区",
    "430412": "南岳区",
    "430421": "衡阳县",
    "430422": "衡南县",
    "430423": "衡山县",
    "430424": "衡东县",
    "430426": "祁东县",
    "430481": "耒阳市",
    "430482": "常宁市",
}

CHANGDE_COUNTIES: dict[str, str] = {
    "430702": "武陵区",
    "430703": "鼎城区",
    "430721": "安乡县",
    "430722": "汉寿县",
    "430723": "澧县",
    "430724": "临澧县",
    "430725": "桃源县",
    "430726": "石门县",
    "430781": "津市市",
}

REGIONS: dict[str, str] = dict(
    sorted(
        {
            **PROVINCES,
            **BEIJING_DISTRICTS,
            **HUNAN_PREFECTURES,
            **HENGYANG_COUNTIES,
            **CHANGDE_COUNTIES,
        }.items()
    )
)


def _path(code: str) -> list[str]:
    """Names from province down to ``code``, skipping levels not listed."""
    province = code[:2] + "0000"
    prefecture = code[:4] + "00"
    names = [REGIONS[province]] if province in REGIONS else []
    if prefecture != province and prefecture in REGIONS:
        names.append(REGIONS[prefecture])
    if code not in (province, prefecture):
        names.append(REGIONS[code])
    return names


def region_label(code: str) -> str:
    """Full path label such as "湖南省 常德市 武陵区"; "" for an unknown code."""
    code = code.strip()
    if code not in REGIONS:
        return ""
    return " ".join(_path(code))


def region_choices() -> list[tuple[str, str]]:
    """(code, full path label) in code order, so each province is followed by its
    prefectures and each prefecture by its counties."""
    return [(code, region_label(code)) for code in REGIONS]
