"""The documents ggzy renders for sealing, and a realistic context for each.

The demo contexts feed the demo data, the benchmark and the tests; the announcement's is sized to
fill two A4 pages, as a real open-tender announcement does.

Below, the context of the kinds another app fills: the keys are the contract between that app and
the template. Every value is a display string (printed as given, escaped) unless its type says
otherwise; money is written as the document shows it, e.g. "2,160,000.00" or "人民币3,860,000.00元".

tender_document — 招标文件 of a 公开招标 (goods), chaptered as 财政部令第87号 has it. Seal places:
"purchaser" (采购人（盖章）) and "agency" (采购代理机构（盖章）), side by side on the cover page.
    project_name          str   项目名称
    project_code          str   项目编号
    budget                str   预算金额 of the whole project
    max_price             str   最高限价 of the whole project
    lots                  list[dict]  one per lot (分包/标段), in order; each:
        number            str   包号, e.g. "第1包"
        name              str   包名称
        quantity          str   数量 with its unit, e.g. "60套"
        budget            str   预算金额（元）
        max_price         str   最高限价（元）
        industry          str   采购标的对应的中小企业划分标准所属行业 (财库〔2020〕46号), e.g. "工业"
        items             list[dict]  第五章's requirement table: name, specification (技术参数
                                及要求, may carry ★/▲ marks), quantity (str each)
        delivery_period   str   交付期限
        delivery_place    str   交付地点
        warranty          str   质量保证及售后服务
        requirements      list[str]  further requirements of the lot (may be empty)
    contract_period       str   合同履行期限
    consortium            str   联合体投标, e.g. "不接受" (reads "本项目不接受联合体投标")
    imported_products     str   whether 进口产品 are accepted, a sentence
    qualifications        list[str]  the project's specific qualification requirements (may be empty)
    policy_requirements   list[str]  qualification requirements carrying out procurement policy (may be empty)
    documents_period      str   招标文件获取期限 (at least 5 working days)
    documents_place       str   where the tender documents are obtained
    documents_method      str   how
    documents_price       str   售价
    bid_deadline          str   投标截止时间, e.g. "2025年6月25日09时30分" ("（北京时间）" is added)
    bid_place             str   where or how bids are submitted
    opening_time          str   开标时间
    opening_place         str   开标地点
    notice_period         str   公告期限, a sentence
    bid_validity          str   投标有效期, e.g. "自提交投标文件截止之日起90日"
    bid_bond              str   投标保证金, a sentence (e.g. that none is required)
    performance_bond      str   履约保证金, a sentence
    agency_fee            str   代理服务费: amount and who pays
    evaluation            dict  第三章:
        method            str   "comprehensive" (综合评分法) or "lowest_price" (最低评标价法)
        committee         str   how the 评标委员会 is made up, a sentence
        price_deduction   str   价格扣除 for small and micro enterprises, a sentence
        factors           list[dict]  综合评分法 only (ignored otherwise): name (评审因素),
                                points (分值), criteria (评分标准), str each; points add up to 100
    contract_terms        list[dict]  第四章 合同主要条款, in order: title, text (str each)
    purchaser             dict  采购人: name, address, contact, phone (str each)
    agency                dict  采购代理机构: name, address, contact, phone (str each)
    project_contact       dict  项目联系人: name, phone (str each)
    issued_on             str   the cover's date line, e.g. "2025年6月3日"

clarification — 澄清（答疑）文件, the Nth clarification or modification of a tender document. Seal
place: "agency" (采购代理机构（盖章）) after the text.
    project_name          str   项目名称
    project_code          str   项目编号
    number                int   which clarification this is: 1 prints 第1次澄清
    scope                 str   the lots it concerns, e.g. "第2包" or "全部分包"
    clarified_document    str   the document clarified, as the sentence names it, e.g.
                                "本项目招标文件（项目编号：HYCG-2025-GK-0386）"
    items                 list[dict]  the numbered clarifications, in order; each:
        title             str   what it is about
        question          str   the bidder's question it answers ("" when it answers none)
        original          str   the tender document's text it modifies ("" when it modifies none)
        clarified         str   the answer, clarification or new text
    affects_bids          bool  whether it may affect how bids are prepared (第二十七条)
    bid_deadline          str   the 投标截止时间 in force before this clarification
    new_bid_deadline      str   the new 投标截止时间; "" when it does not move
    new_opening_time      str   the new 开标时间; "" when it does not move
    new_opening_place     str   the new 开标地点; "" when it does not change
    agency                dict  采购代理机构: name, contact, phone (str each)
    issued_on             str   the date line, e.g. "2025年6月12日"

correction, award, award_change, failure, lot_exception — 变更公告, 中标公告, 中标公告变更, 废标公告 and
the 变更公告 of a lot suspended, terminated or resumed (procurement.announcement_kinds fills
them); their keys are listed at the top of each template. Seal place: "agency".
"""

from __future__ import annotations

from typing import Any

# Template name (templates/signing/documents/<name>.html) → what the document is called.
DOCUMENT_KINDS: dict[str, str] = {
    "sample": "电子签章检测样张",
    "announcement": "招标公告",
    "integrity_commitment": "诚信承诺书",
    "tender_document": "招标文件",
    "clarification": "澄清（答疑）文件",
    "correction": "变更公告",
    "award": "中标公告",
    "award_change": "中标公告变更",
    "failure": "废标公告",
    "lot_exception": "变更公告（采购异常）",
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

# The 招标文件 and its 澄清 of the project the demo announcement announces, with the same lots,
# dates and parties: a tender document states what its announcement states.
_ANNOUNCED = DEMO_CONTEXTS["announcement"]
_LOT_REQUIREMENTS = [
    {
        "industry": "工业",
        "items": [
            {
                "name": "交互式教学一体机",
                "specification": "▲显示尺寸不小于86英寸，分辨率3840×2160；红外触控，支持20点触控；"
                "内置双系统，Windows模块处理器不低于4核、内存不低于8GB、固态硬盘不低于256GB；"
                "整机能效等级不低于2级。",
                "quantity": "60台",
            },
            {
                "name": "教学软件",
                "specification": "具备备课、授课、批注、学科工具和课堂互动功能；"
                "★投标时提供软件著作权登记证书复印件。",
                "quantity": "60套",
            },
        ],
        "delivery_period": "合同签订之日起30日内完成供货、安装和调试",
        "delivery_place": "衡阳市第一中学（采购人指定教室）",
        "warranty": "整机免费质保不少于3年，接到报修后4小时内响应、24小时内到场；"
        "质保期内对任课教师培训不少于2次。",
        "requirements": ["安装所需支架、线缆及辅材由中标人提供，费用含在投标报价中。"],
    },
    {
        "industry": "工业",
        "items": [
            {
                "name": "录播主机",
                "specification": "▲支持4路及以上1080P视频同时录制和直播，支持电影模式与资源模式同步录制；"
                "存储容量不低于4TB。",
                "quantity": "2台",
            },
            {
                "name": "跟踪摄像机及拾音系统",
                "specification": "教师、学生跟踪摄像机各1台/间，光学变焦不低于12倍；"
                "吊装阵列麦克风不少于4只/间。",
                "quantity": "2间",
            },
            {
                "name": "系统集成",
                "specification": "含设备安装、布线、声学处理和与学校现有资源平台的对接。",
                "quantity": "1项",
            },
        ],
        "delivery_period": "合同签订之日起45日内完成安装调试并通过验收",
        "delivery_place": "衡阳市第一中学教学楼三楼录播教室",
        "warranty": "系统免费质保不少于3年，提供7×24小时电话技术支持。",
        "requirements": [],
    },
    {
        "industry": "工业",
        "items": [
            {
                "name": "便携式计算机",
                "specification": "处理器不低于8核；内存不低于16GB；固态硬盘不低于512GB；"
                "14英寸显示屏，分辨率不低于1920×1200；预装正版操作系统。",
                "quantity": "120台",
            },
        ],
        "delivery_period": "合同签订之日起15日内",
        "delivery_place": "衡阳市第一中学",
        "warranty": "整机免费质保不少于3年，电池质保不少于1年。",
        "requirements": [
            "★便携式计算机属于节能产品政府采购品目清单中的强制采购产品，投标人须提供国家确定的"
            "认证机构出具的、处于有效期之内的节能产品认证证书。",
        ],
    },
]
DEMO_CONTEXTS["tender_document"] = {
    **{
        key: _ANNOUNCED[key]
        for key in (
            "project_name",
            "project_code",
            "budget",
            "max_price",
            "contract_period",
            "consortium",
            "qualifications",
            "policy_requirements",
            "documents_period",
            "documents_place",
            "documents_method",
            "documents_price",
            "bid_deadline",
            "bid_place",
            "opening_time",
            "opening_place",
            "notice_period",
            "purchaser",
            "agency",
            "project_contact",
        )
    },
    "lots": [{**lot, **more} for lot, more in zip(_ANNOUNCED["lots"], _LOT_REQUIREMENTS, strict=True)],
    "imported_products": "不接受投标人提供进口产品（通过中国海关报关验放进入中国境内且产自关境外的产品）。",
    "bid_validity": "自提交投标文件截止之日起90日",
    "bid_bond": "本项目不收取投标保证金。",
    "performance_bond": "中标人在签订合同前向采购人提交合同金额2%的履约保证金，可以银行转账或者保函形式提交；"
    "验收合格后10个工作日内无息退还。",
    "agency_fee": "参照原国家计委计价格〔2002〕1980号文件的货物招标收费标准下浮20%计取，"
    "由中标人在领取中标通知书时支付。",
    "evaluation": {
        "method": "comprehensive",
        "committee": "评标委员会由采购人代表1人和从政府采购评审专家库中随机抽取的评审专家4人组成，共5人。",
        "price_deduction": "本项目专门面向中小企业采购，评审时不再对小型和微型企业的投标报价给予价格扣除。",
        "factors": [
            {
                "name": "投标报价",
                "points": "30",
                "criteria": "满足招标文件要求且投标价格最低的投标报价为评标基准价，其价格分为满分；"
                "其他投标人的价格分＝（评标基准价／投标报价）×30。",
            },
            {
                "name": "技术参数",
                "points": "40",
                "criteria": "完全满足第五章技术参数要求的得40分；“▲”参数每负偏离一项扣5分，"
                "其他参数每负偏离一项扣1分，扣完为止。",
            },
            {
                "name": "实施方案",
                "points": "12",
                "criteria": "供货、安装、调试及培训方案完整、可行的得12分；较完整的得8分；"
                "内容简单的得4分；未提供的不得分。",
            },
            {
                "name": "售后服务",
                "points": "12",
                "criteria": "在衡阳市设有常驻售后服务机构的得6分；质保期每比要求延长1年得3分，最多得6分。",
            },
            {
                "name": "类似业绩",
                "points": "6",
                "criteria": "2022年1月1日以来每完成一个类似项目得2分，最多得6分（须提供合同复印件）。",
            },
        ],
    },
    "contract_terms": [
        {
            "title": "合同价款",
            "text": "合同价款为中标价，包括货物、运输、安装、调试、培训、税费和售后服务等全部费用，"
            "合同履行期间不作调整。",
        },
        {
            "title": "付款方式",
            "text": "合同签订后10个工作日内，采购人支付合同价款的30%作为预付款；"
            "验收合格后10个工作日内支付剩余价款。",
        },
        {
            "title": "验收",
            "text": "中标人完成供货和安装调试后书面通知采购人，采购人在5个工作日内组织验收，"
            "并出具验收书；验收不合格的，中标人应在5日内更换或者整改。",
        },
        {
            "title": "违约责任",
            "text": "中标人逾期交付的，每逾期一日按合同价款的0.5‰支付违约金；逾期超过30日的，"
            "采购人有权解除合同。采购人逾期付款的，每逾期一日按应付未付款项的0.5‰支付违约金。",
        },
        {
            "title": "争议解决",
            "text": "因合同履行发生的争议，双方协商解决；协商不成的，向采购人所在地人民法院提起诉讼。",
        },
    ],
    "issued_on": "2025年6月3日",
}
DEMO_CONTEXTS["clarification"] = {
    "project_name": _ANNOUNCED["project_name"],
    "project_code": _ANNOUNCED["project_code"],
    "number": 1,
    "scope": "第2包",
    "clarified_document": f"本项目招标文件（项目编号：{_ANNOUNCED['project_code']}）",
    "items": [
        {
            "title": "关于第2包录播主机的存储容量",
            "question": "第五章第2包录播主机要求存储容量不低于4TB，是否允许采用外置存储满足？",
            "original": "",
            "clarified": "允许。外置存储须与录播主机同一品牌或经其兼容认证，并计入投标报价。",
        },
        {
            "title": "关于第2包跟踪摄像机的光学变焦",
            "question": "",
            "original": "教师、学生跟踪摄像机各1台/间，光学变焦不低于12倍。",
            "clarified": "教师、学生跟踪摄像机各1台/间，光学变焦不低于20倍。",
        },
        {
            "title": "关于第2包的交付期限",
            "question": "",
            "original": "合同签订之日起45日内完成安装调试并通过验收。",
            "clarified": "合同签订之日起60日内完成安装调试并通过验收。",
        },
    ],
    "affects_bids": True,
    "bid_deadline": _ANNOUNCED["bid_deadline"],
    "new_bid_deadline": "2025年7月3日09时30分",
    "new_opening_time": "2025年7月3日09时30分",
    "new_opening_place": "",
    "agency": {key: _AGENCY[key] for key in ("name", "contact", "phone")},
    "issued_on": "2025年6月17日",
}

# The announcements that follow the demo 招标公告: its correction after the clarification above, the
# award of its first lot and the failure of its third (templates/signing/documents/<kind>.html list
# their keys).
_PARTIES = {
    key: _ANNOUNCED[key] for key in ("project_name", "project_code", "purchaser", "agency", "project_contact")
}
DEMO_CONTEXTS["correction"] = {
    **_PARTIES,
    "notice_published_on": "2025年6月3日",
    "lots": [{"number": "第2包", "name": _ANNOUNCED["lots"][1]["name"]}],
    "content": [
        "第2包跟踪摄像机光学变焦由不低于12倍修改为不低于20倍。",
        "第2包交付期限由合同签订之日起45日内修改为60日内。",
    ],
    "postponed": True,
    "old_bid_deadline": _ANNOUNCED["bid_deadline"],
    "new_bid_deadline": "2025年7月3日09时30分",
    "opening_place": _ANNOUNCED["opening_place"],
    "has_clarification": True,
    "clarifications": ["第1次澄清"],
    "notice_period": "自本公告发布之日起1个工作日。",
    "published_on": "2025年6月17日",
}
_RESULT = {
    **_PARTIES,
    "notice_published_on": "2025年6月3日",
    "opening_time": "2025年7月3日09时30分",
    "evaluation_ended": "2025年7月3日16时10分",
    "notice_period": "自本公告发布之日起1个工作日。",
    "published_on": "2025年7月7日",
}
DEMO_CONTEXTS["award"] = {
    **_RESULT,
    "lot": _ANNOUNCED["lots"][0],
    "winner": {
        "name": "湖南星辰教育装备有限公司",
        "code": "91430400MA4L8Q2X7K",
        "address": "衡阳市雁峰区白沙大道9号",
    },
    "price": "人民币1,968,000.00元",
    "awarded_on": "2025年7月4日10时00分",
    "reason": "",
    "content": [],
}
DEMO_CONTEXTS["award_change"] = {
    **DEMO_CONTEXTS["award"],
    "before": {
        "name": "湖南星辰教育装备有限公司",
        "code": "91430400MA4L8Q2X7K",
        "price": "人民币1,986,000.00元",
        "published_on": "2025年7月7日",
    },
    "content": ["原中标公告中标金额录入有误，由人民币1,986,000.00元更正为人民币1,968,000.00元。"],
    "published_on": "2025年7月8日",
}
DEMO_CONTEXTS["lot_exception"] = {
    **_PARTIES,
    "change": "项目暂停（中止）",
    "lot": {"number": "第2包", "name": _ANNOUNCED["lots"][1]["name"]},
    "notice_published_on": "2025年6月3日",
    "content": ["采购人教学楼改造工期调整，录播教室暂不具备安装条件。"],
    "old_bid_deadline": "2025年7月3日09时30分",
    "new_bid_deadline": "",
    "opening_place": _ANNOUNCED["opening_place"],
    "notice_period": "自本公告发布之日起1个工作日。",
    "published_on": "2025年6月20日",
}
DEMO_CONTEXTS["failure"] = {
    **_RESULT,
    "lot": _ANNOUNCED["lots"][2],
    "winner": {"name": "", "code": "", "address": ""},
    "price": "",
    "awarded_on": "",
    "reason": "符合专业条件的供应商或者对招标文件作实质响应的供应商不足三家",
    "content": ["第3包截至投标截止时间共有2家供应商递交投标文件，评标委员会认定有效投标不足三家。"],
}
