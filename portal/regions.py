"""The regions the search filters by: GB/T 2260 行政区划代码, whose start is positions 3–8 of a
统一社会信用代码 (the registering authority's region). Every province, and the cities and districts
of the provinces the platform's centers serve, as 「湖南省 › 常德市」."""

from __future__ import annotations

PROVINCES = [
    ("11", "北京市"), ("12", "天津市"), ("13", "河北省"), ("14", "山西省"), ("15", "内蒙古自治区"),
    ("21", "辽宁省"), ("22", "吉林省"), ("23", "黑龙江省"), ("31", "上海市"), ("32", "江苏省"),
    ("33", "浙江省"), ("34", "安徽省"), ("35", "福建省"), ("36", "江西省"), ("37", "山东省"),
    ("41", "河南省"), ("42", "湖北省"), ("43", "湖南省"), ("44", "广东省"), ("45", "广西壮族自治区"),
    ("46", "海南省"), ("50", "重庆市"), ("51", "四川省"), ("52", "贵州省"), ("53", "云南省"),
    ("54", "西藏自治区"), ("61", "陕西省"), ("62", "甘肃省"), ("63", "青海省"), ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
]  # fmt: skip

# Below a province: its cities (4 digits) or, for a municipality, its districts (6 digits).
PARTS = {
    "43": [
        ("4301", "长沙市"), ("4302", "株洲市"), ("4303", "湘潭市"), ("4304", "衡阳市"), ("4305", "邵阳市"),
        ("4306", "岳阳市"), ("4307", "常德市"), ("4308", "张家界市"), ("4309", "益阳市"), ("4310", "郴州市"),
        ("4311", "永州市"), ("4312", "怀化市"), ("4313", "娄底市"), ("4331", "湘西土家族苗族自治州"),
    ],
    "11": [
        ("110101", "东城区"), ("110102", "西城区"), ("110105", "朝阳区"), ("110106", "丰台区"),
        ("110107", "石景山区"), ("110108", "海淀区"),
    ],
}  # fmt: skip


def region_choices() -> list[tuple[str, str]]:
    choices = [("", "全部地区")]
    for code, name in PROVINCES:
        choices.append((code, name))
        choices += [(part, f"{name} › {part_name}") for part, part_name in PARTS.get(code, [])]
    return choices
