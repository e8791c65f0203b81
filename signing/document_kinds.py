"""The documents ggzy renders for sealing, and a realistic context for each.

The demo contexts feed the demo data, the benchmark and the tests; the announcement's is sized to
fill two A4 pages, as a real open-tender announcement does.
"""

from __future__ import annotations

from typing import Any

# Template name (templates/signing/documents/<name>.html) → what the document is called.
DOCUMENT_KINDS: dict[str, str] = {
    "sample": "电子签章检测样张",
    "announcement": "招标公告",
    "integrity_commitment": "诚信承诺书",
}

_PURCHASER = {
    "name": "衡阳市第一中学",
    "address": "衡阳市石鼓区人民路18号",
    "contact": "刘老师",
    "phone": "0734-8221736",
}
_AGENCY = {
    "name": "湖南衡信工程项目管理有限公司",
    "address": "衡阳市蒸湘区船山大道66号1206室",
    "contact": "周工",
    "phone": "0734-8869012",
}

DEMO_CONTEXTS: dict[str, dict[str, Any]] = {
    "sample": {
        "checked_at": "2025年6月3日 10:24:31",
        "holder": "衡阳测试建设有限公司",
        "serial": "5F3A0C9E7B21D4468A0F",
    },
    "announcement": {
        "project_name": "衡阳市第一中学智慧教室设备采购项目",
        "project_code": "HYCG-2025-GK-0386",
        "budget": "人民币3,860,000.00元（叁佰捌拾陆万元整）",
        "max_price": "人民币3,780,000.00元（各包最高限价见下表）",
        "lots": [
            {
                "number": "第1包",
                "name": "交互式教学一体机及配套软件",
                "quantity": "60套",
                "budget": "2,160,000.00",
                "max_price": "2,100,000.00",
            },
            {
                "number": "第2包",
                "name": "录播教室设备及系统集成",
                "quantity": "2间",
                "budget": "980,000.00",
                "max_price": "970,000.00",
            },
            {
                "number": "第3包",
                "name": "教师办公用便携式计算机",
                "quantity": "120台",
                "budget": "720,000.00",
                "max_price": "710,000.00",
            },
        ],
        "contract_period": "合同签订之日起45日内完成供货、安装、调试及验收",
        "consortium": "不接受",
        "policy_requirements": [
            "本项目专门面向中小企业采购，投标人应提供《中小企业声明函》，监狱企业、残疾人福利性单位视同小型、微型企业。",
        ],
        "qualifications": [
            "未被列入“信用中国”网站失信被执行人、重大税收违法失信主体名单及中国政府采购网严重违法失信行为记录名单；",
            "第2包投标人须具有电子与智能化工程专业承包二级及以上资质和有效的安全生产许可证。",
        ],
        "documents_period": "2025年6月4日至6月11日，每天9:00至17:30（节假日除外）",
        "documents_place": "衡阳市公共资源交易平台",
        "documents_method": "使用数字证书（CA）登录交易平台在线获取",
        "documents_price": "0元",
        "bid_deadline": "2025年6月25日09时30分",
        "bid_place": "通过交易平台在线递交加密的电子投标文件",
        "opening_time": "2025年6月25日09时30分",
        "opening_place": "衡阳市公共资源交易中心开标二室（衡阳市华新开发区延安路16号四楼），同时在交易平台不见面开标",
        "notice_period": "自本公告发布之日起5个工作日。",
        "other_matters": [
            "投标人应在获取招标文件前完成市场主体登记和数字证书办理。",
        ],
        "purchaser": _PURCHASER,
        "agency": _AGENCY,
        "project_contact": {"name": "周工、李工", "phone": "0734-8869012"},
        "published_on": "2025年6月3日",
    },
    "integrity_commitment": {
        "center_name": "衡阳市公共资源交易中心",
        "subject_name": "衡阳测试建设有限公司",
        "subject_code": "91430400MA4L2K8N5B",
        "signed_on": "2025年6月3日",
    },
}
