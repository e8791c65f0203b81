"""The 范本 of tender documents, as data: what a template fills in for each procurement method.

Only the methods whose procurement document is a 招标文件 (公开招标, 邀请招标: 政府采购法 art. 29,
财政部令第87号) have a 范本 here; 竞争性谈判 and 单一来源 use a 谈判文件 or 单一来源采购文件
(财政部令第74号), 竞争性磋商 a 磋商文件, 询价 an 询价通知书 — their documents are uploaded.

Each template's defaults are what the form starts from; the agency may change every one. The
evaluation factors of 综合评分法 add up to 100 (87号令 art. 55), which tests assert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from procurement.models import ProcurementMethod

_FACTORS = [
    {
        "name": "投标报价",
        "points": "30",
        "criteria": "满足招标文件要求且投标价格最低的投标报价为评标基准价，其价格分为满分；"
        "其他投标人的价格分＝（评标基准价／投标报价）×30。",
    },
    {
        "name": "技术参数",
        "points": "40",
        "criteria": "完全满足第五章技术参数要求的得40分；“▲”参数每负偏离一项扣5分，其他参数每负偏离一项扣1分，扣完为止。",
    },
    {
        "name": "实施方案",
        "points": "15",
        "criteria": "方案完整、可行的得15分；较完整的得10分；内容简单的得5分；未提供的不得分。",
    },
    {
        "name": "售后服务",
        "points": "10",
        "criteria": "售后服务承诺完整、响应及时的得10分；较完整的得6分；内容简单的得3分。",
    },
    {
        "name": "类似业绩",
        "points": "5",
        "criteria": "近三年每完成一个类似项目得1分，最多得5分（须提供合同复印件）。",
    },
]
_CONTRACT_TERMS = [
    {
        "title": "合同价款",
        "text": "合同价款为中标价，包括货物、运输、安装、调试、培训、税费和售后服务等全部费用。",
    },
    {"title": "付款方式", "text": "验收合格后10个工作日内，采购人一次性支付合同价款。"},
    {"title": "验收", "text": "中标人完成交付后书面通知采购人，采购人在5个工作日内组织验收。"},
    {"title": "违约责任", "text": "中标人逾期交付的，每逾期一日按合同价款的0.5‰支付违约金。"},
    {
        "title": "争议解决",
        "text": "因合同履行发生的争议，双方协商解决；协商不成的，向采购人所在地人民法院提起诉讼。",
    },
]


@dataclass(frozen=True)
class TenderTemplate:
    key: str
    name: str
    method: str
    defaults: dict[str, Any] = field(default_factory=dict)


_COMMON: dict[str, Any] = {
    "contract_period": "合同签订之日起60日内",
    "consortium": "不接受",
    "imported_products": "不接受投标人提供进口产品。",
    "bid_validity": "自提交投标文件截止之日起90日",
    "bid_bond": "本项目不收取投标保证金。",
    "performance_bond": "中标人在签订合同前向采购人提交合同金额2%的履约保证金，验收合格后无息退还。",
    "agency_fee": "参照计价格〔2002〕1980号文件的货物招标收费标准计取，由中标人支付。",
    "documents_price": "0元（免费获取）",
    "committee": "评标委员会由采购人代表1人和从政府采购评审专家库中随机抽取的评审专家4人组成，共5人。",
    "price_deduction": "对小型和微型企业的投标报价给予10%的价格扣除，用扣除后的价格参加评审。",
    "factors": _FACTORS,
    "contract_terms": _CONTRACT_TERMS,
}

TEMPLATES: dict[str, TenderTemplate] = {
    t.key: t
    for t in (
        TenderTemplate("open_goods", "公开招标文件范本（货物类）", ProcurementMethod.OPEN, _COMMON),
        TenderTemplate("invited_goods", "邀请招标文件范本（货物类）", ProcurementMethod.INVITED, _COMMON),
    )
}
UPLOAD_ONLY = {
    ProcurementMethod.NEGOTIATION: "谈判文件",
    ProcurementMethod.CONSULTATION: "磋商文件",
    ProcurementMethod.INQUIRY: "询价通知书",
    ProcurementMethod.SINGLE_SOURCE: "单一来源采购文件",
}


def templates_for(method: str) -> list[TenderTemplate]:
    """The 范本 an agency may choose for a project of `method`; empty: only upload."""
    return [template for template in TEMPLATES.values() if template.method == method]


def factors_total(factors: list[dict[str, Any]]) -> int:
    return sum(int(factor["points"]) for factor in factors)
