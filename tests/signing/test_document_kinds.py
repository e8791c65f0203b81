"""The 招标文件 and the 澄清（答疑）文件 rendered from their demo contexts (the contract with the
procurement app): the chapters a 公开招标 document has, the statements a clarification must make,
and the seal places the agency and the purchaser seal at, read back by poppler's pdftotext."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from reportlab.lib.pagesizes import A4

from signing import document_kinds
from signing.document_kinds import DEMO_CONTEXTS, DOCUMENT_KINDS
from signing.render import RenderedDocument, render_pdf

CREATED = dt.datetime(2025, 6, 3, 9, 30, tzinfo=dt.UTC)
CHAPTERS = [
    "第一章　招标公告",
    "第二章　投标人须知",
    "第三章　评标方法和标准",
    "第四章　合同主要条款",
    "第五章　采购需求",
    "第六章　投标文件格式",
]


def render(kind: str, **changes) -> RenderedDocument:
    return render_pdf(kind, {**DEMO_CONTEXTS[kind], **changes}, title=DOCUMENT_KINDS[kind], created=CREATED)


def pdftotext(pdf: bytes, tmp_path) -> list[str]:
    """The text of each page as poppler extracts it, with the layout's line breaks and spaces gone."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext missing (make test installs poppler-utils)")
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return ["".join(page.split()) for page in done.stdout.decode().split("\f")[:-1]]


def flat(text: str) -> str:
    return "".join(text.split())


def chapter(pages: list[str], number: int) -> str:
    """The text of chapter `number` (1-based): from the page it starts on to the next chapter's."""
    starts = [next(n for n, page in enumerate(pages) if page.startswith(flat(title))) for title in CHAPTERS]
    return "".join(pages[starts[number - 1] : starts[number] if number < len(CHAPTERS) else None])


@pytest.fixture(scope="module")
def tender() -> RenderedDocument:
    return render("tender_document")


def test_both_kinds_are_documents_ggzy_renders():
    assert DOCUMENT_KINDS["tender_document"] == "招标文件"
    assert DOCUMENT_KINDS["clarification"] == "澄清（答疑）文件"


@pytest.mark.parametrize("kind", ["tender_document", "clarification"])
def test_every_key_of_the_context_is_documented(kind):
    """The module docstring is the contract with the procurement app: each key of the demo context
    (the keys the template reads) is documented under its kind, the keys inside its lists and dicts
    too."""
    doc = document_kinds.__doc__ or ""
    section = doc[doc.index(f"\n{kind} — ") :]
    section = section[: section.find("\n\n", 1)] if "\n\n" in section[1:] else section
    documented = {line.split()[0] for line in section.splitlines()[1:] if line.startswith("    ")}
    context = DEMO_CONTEXTS[kind]
    assert set(context) <= documented
    inner = {key for value in context.values() for key in _keys(value)}
    assert all(re.search(rf"\b{key}\b", section) for key in inner), inner


def _keys(value) -> set[str]:
    """The keys of the dicts inside a context value: a lot's, an item's, a party's."""
    if isinstance(value, dict):
        return {key for key, inner in value.items() for key in (key, *_keys(inner))}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


# --- 招标文件 -------------------------------------------------------------------------------------


def test_the_tender_document_opens_with_its_cover_and_the_two_seal_places(tender, tmp_path):
    pages = pdftotext(tender.pdf, tmp_path)
    assert len(pages) == tender.pages >= 10
    context = DEMO_CONTEXTS["tender_document"]
    cover = pages[0]
    for text in (context["project_name"], "公开招标文件", context["project_code"], context["issued_on"]):
        assert flat(text) in cover
    assert "采购人（盖章）" in cover and "采购代理机构（盖章）" in cover
    assert set(tender.places) == {"purchaser", "agency"}
    purchaser, agency = tender.places["purchaser"], tender.places["agency"]
    assert purchaser.page == agency.page == 1
    assert (purchaser.label, agency.label) == ("采购人（盖章）", "采购代理机构（盖章）")
    for place in (purchaser, agency):
        assert (
            place.x > 0 and place.x + place.width < A4[0] and place.y > 0 and place.y + place.height < A4[1]
        )
    assert purchaser.x + purchaser.width <= agency.x  # side by side


def test_each_chapter_starts_a_page_in_order(tender, tmp_path):
    pages = pdftotext(tender.pdf, tmp_path)
    starts = [
        next(n for n, page in enumerate(pages) if page.startswith(flat(chapter))) for chapter in CHAPTERS
    ]
    assert starts == sorted(starts) and len(set(starts)) == len(CHAPTERS)
    assert pages[1].startswith("目录") and all(flat(chapter) in pages[1] for chapter in CHAPTERS)


def test_the_instructions_to_bidders_state_the_dates_and_places(tender, tmp_path):
    text = "".join(pdftotext(tender.pdf, tmp_path))
    context = DEMO_CONTEXTS["tender_document"]
    for heading in ("投标人须知前附表", "招标文件获取期限", "投标截止时间", "开标时间和地点", "投标有效期"):
        assert heading in text
    for key in (
        "documents_period",
        "bid_deadline",
        "opening_time",
        "opening_place",
        "bid_validity",
        "bid_bond",
    ):
        assert flat(context[key]) in text, key
    assert "本项目共3个分包" in text


def test_the_evaluation_chapter_lists_the_scoring_factors(tender, tmp_path):
    pages = pdftotext(tender.pdf, tmp_path)
    chapter = "".join(pages[next(n for n, p in enumerate(pages) if p.startswith(flat(CHAPTERS[2]))) :])
    assert (
        "综合评分法" in chapter and "评分标准" in chapter and "最低评标价法" not in chapter.split("第四章")[0]
    )
    factors = DEMO_CONTEXTS["tender_document"]["evaluation"]["factors"]
    assert sum(int(factor["points"]) for factor in factors) == 100
    for factor in factors:
        assert flat(factor["name"]) in chapter


def test_the_lowest_price_method_has_no_scoring_table(tmp_path):
    context = DEMO_CONTEXTS["tender_document"]
    evaluation = {**context["evaluation"], "method": "lowest_price"}
    text = chapter(pdftotext(render("tender_document", evaluation=evaluation).pdf, tmp_path), 3)
    assert "最低评标价法" in text and "综合评分法" not in text and "评分标准" not in text


def test_the_requirements_chapter_has_every_lot_and_item(tender, tmp_path):
    text = chapter(pdftotext(tender.pdf, tmp_path), 5)
    for lot in DEMO_CONTEXTS["tender_document"]["lots"]:
        assert flat(f"{lot['number']}　{lot['name']}") in text
        assert f"所属行业：{lot['industry']}" in text
        for item in lot["items"]:
            assert flat(item["name"]) in text


def test_a_long_requirement_table_continues_on_the_next_page_under_its_header(tmp_path):
    """Real lots list dozens of items: the table splits across pages, its header row repeated."""
    context = DEMO_CONTEXTS["tender_document"]
    items = [
        {"name": f"甲型设备{n}", "specification": "技术参数不低于招标文件要求，" * 6, "quantity": "1台"}
        for n in range(1, 61)
    ]
    lots = [{**context["lots"][0], "items": items}, *context["lots"][1:]]
    document = render("tender_document", lots=lots)
    pages = pdftotext(document.pdf, tmp_path)
    holding = [page for page in pages if "甲型设备" in page]
    assert len(holding) >= 3
    assert all("技术参数及要求" in page for page in holding)
    text = "".join(pages)
    assert all(f"甲型设备{n}" in text for n in range(1, 61))


# --- 澄清（答疑）文件 -------------------------------------------------------------------------------


def test_the_clarification_states_what_it_clarifies_and_the_new_deadline(tmp_path):
    document = render("clarification")
    context = DEMO_CONTEXTS["clarification"]
    pages = pdftotext(document.pdf, tmp_path)
    text = "".join(pages)
    assert len(pages) == document.pages == 2  # the demo is sized to two pages, as the announcement's
    for heading in (
        "澄清（答疑）文件",
        "（第1次澄清）",
        "各潜在投标人",
        "对投标文件编制和投标截止时间的影响",
    ):
        assert heading in text
    assert flat(context["clarified_document"]) in text and "适用范围：第2包" in text
    for number, item in enumerate(context["items"], start=1):
        assert f"{number}．{flat(item['title'])}" in text
        assert flat(item["clarified"]) in text
    assert "问题：" in text and "答复：" in text and "原招标文件内容：" in text and "澄清（修改）为：" in text
    assert "可能影响投标文件编制" in text
    assert f"由{context['bid_deadline']}顺延至{context['new_bid_deadline']}" in text
    assert f"开标时间相应顺延至{context['new_opening_time']}" in text
    assert set(document.places) == {"agency"}
    place = document.places["agency"]
    assert place.page == document.pages and place.label == "采购代理机构（盖章）"
    assert "采购代理机构（盖章）" in pages[place.page - 1] and context["issued_on"] in pages[-1]


def test_a_clarification_that_moves_nothing_says_the_deadline_stands(tmp_path):
    context = DEMO_CONTEXTS["clarification"]
    document = render(
        "clarification",
        number=2,
        affects_bids=False,
        new_bid_deadline="",
        new_opening_time="",
        items=context["items"][:1],
    )
    text = "".join(pdftotext(document.pdf, tmp_path))
    assert "（第2次澄清）" in text and "不影响投标文件编制" in text
    assert f"提交投标文件截止时间（{context['bid_deadline']}）和开标时间不变" in text
    assert "顺延" not in text


def test_a_clarification_affecting_bids_in_time_keeps_the_deadline(tmp_path):
    document = render("clarification", new_bid_deadline="", new_opening_time="")
    text = "".join(pdftotext(document.pdf, tmp_path))
    assert "不少于15日" in text and "不变" in text and "顺延至" not in text


def test_a_new_opening_place_is_stated(tmp_path):
    document = render("clarification", new_opening_place="衡阳市公共资源交易中心开标三室")
    assert "开标地点变更为衡阳市公共资源交易中心开标三室" in "".join(pdftotext(document.pdf, tmp_path))
