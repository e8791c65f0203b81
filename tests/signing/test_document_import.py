"""Uploaded PDFs (a 招标文件 made in a word processor, a 澄清文件) as documents to seal: a good
file of each cross-reference kind imported, previewed over HTTP, sealed at a clicked place and
verified; and every refusal, with its message. Hostile files: test_document_import_hostile.py."""

from __future__ import annotations

import io
import random
import zlib

import pytest
from django.urls import reverse
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader

from core.errors import DomainError
from core.models import AuditEntry
from pki import services as pki_services
from signing import imports, previews, rules, services
from signing import verify as signing_verify
from signing.models import Document, Signature
from tests import pkiparts

from .conftest import UNIT_CODE, token_signature
from .uploads import (
    A4,
    document_objects,
    encrypted_pdf,
    good_pdf,
    import_pdf,
    pdf_bytes,
    saved_again,
    stream,
    with_empty_signature_field,
)

SESSION = "b" * 64
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# --- the unit and its seal ------------------------------------------------------------------------


@pytest.fixture
def unit(account):
    return account.subject


@pytest.fixture
def unit_key(trusted, unit):
    return pkiparts.holder(trusted["rsa"], name=unit.name, code=UNIT_CODE)


@pytest.fixture
def unit_seal(actor, unit, unit_key):
    holder = pki_services.certificate_check(certificate=unit_key.pem)
    pki_services.certificate_bind(actor=actor, subject=unit, holder=holder, how="manual")
    return services.seal_create_unit(actor=actor, subject=unit)


def seal_at_click(actor, document, seal, key, *, page: int, x: float, y: float) -> Document:
    """Both halves through the services, at the place a click on the page preview sends."""
    pending = services.seal_request_prepare(
        actor=actor,
        session_hash=SESSION,
        document=document,
        seal=seal,
        certificate=key.pem,
        placement=services.Placement(page=page, x=x, y=y),
        opinion="同意发布。",
    )
    signature = token_signature(key, bytes(pending.signed_attributes))
    services.seal_request_finish(
        actor=actor, session_hash=SESSION, request_id=pending.pk, signature=signature
    )
    document.refresh_from_db()
    return document


# --- a good file ----------------------------------------------------------------------------------


@pytest.mark.parametrize("xref", ["table", "stream", "hybrid"])
def test_a_multi_page_pdf_is_imported_sealed_at_a_clicked_place_and_verifies(
    xref, actor, unit, unit_seal, unit_key, certificate_client, account
):
    upload = good_pdf(pages=3, xref=xref)
    assert PdfFileReader(io.BytesIO(upload), strict=False).xrefs.hybrid_xrefs_present == (xref == "hybrid")

    document = import_pdf(actor, unit, upload, center_code="430400", subject_name=unit.name)

    assert (document.kind, document.pages, document.places, document.version) == ("tender_document", 3, {}, 1)
    assert bytes(document.pdf) == upload and document.versions.get().number == 1
    assert (document.center_code, document.subject_name) == ("430400", unit.name)
    entry = AuditEntry.objects.get(action="signing.document_imported")
    assert entry.data["pages"] == 3 and entry.data["sha256"] == document.sha256

    client = certificate_client(account)
    for page in (1, 2, 3):
        response = client.get(reverse("signing:document_page", args=[document.pk, page]))
        assert response.status_code == 200 and response.content.startswith(PNG_MAGIC)
    assert client.get(reverse("signing:document", args=[document.pk])).status_code == 200

    sealed = seal_at_click(actor, document, unit_seal, unit_key, page=2, x=420.0, y=160.0)

    assert sealed.version == 2 and bytes(sealed.pdf).startswith(upload)
    report = signing_verify.pdf_verify(bytes(sealed.pdf))
    assert report.ok and report.summary == rules.ALL_VALID.format(count=1), [
        c.problems for c in report.checks
    ]
    row = Signature.objects.get(document=sealed)
    half = rules.SEAL_BOX_MM * 72 / 25.4 / 2
    assert row.page == 2 and row.box == pytest.approx(
        [420 - half, 160 - half, 420 + half, 160 + half], abs=0.01
    )
    # The seal is drawn on the page that was clicked, where it was clicked.
    assert _red_share(previews.page_png(bytes(sealed.pdf), 2, width_px=595), 420, 160) > 0.05
    assert _red_share(previews.page_png(bytes(sealed.pdf), 1, width_px=595), 420, 160) == 0
    response = client.get(reverse("signing:document_page", args=[sealed.pk, 2]))
    assert response.status_code == 200 and response.content.startswith(PNG_MAGIC)


def _red_share(png: bytes, x: float, y: float) -> float:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    scale = image.width / 595.32
    left, top = int((x - 40) * scale), int(image.height - (y + 40) * scale)
    box = image.crop((left, top, left + int(80 * scale), top + int(80 * scale)))
    pixels = list(box.get_flattened_data())
    return sum(1 for r, g, b in pixels if r > 150 and g < 110 and b < 110) / len(pixels)


def test_a_rendered_tender_document_imports_too(actor, unit):
    """The file the template makes, uploaded instead of made here: ReportLab's A4, exactly."""
    from signing.render import DEMO_CONTEXTS, render_pdf

    rendered = render_pdf("clarification", DEMO_CONTEXTS["clarification"], title="澄清（答疑）文件")
    document = import_pdf(actor, unit, rendered.pdf, kind="clarification", title="第1次澄清")
    assert document.pages == rendered.pages and document.places == {}


def test_an_unknown_kind_is_a_programming_error(actor, unit):
    with pytest.raises(ValueError):
        import_pdf(actor, unit, good_pdf(), kind="no_such_kind")


# --- refusals, each with its message --------------------------------------------------------------


def _refused(actor, unit, pdf: bytes) -> str:
    with pytest.raises(DomainError) as refused:
        import_pdf(actor, unit, pdf)
    assert not Document.objects.exists() and not AuditEntry.objects.filter(action="signing.document_imported")
    return refused.value.message


@pytest.mark.parametrize(
    "upload",
    [
        b"",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        b"PK\x03\x04" + b"\x00" * 64,  # a .docx is a zip
        b"<html><body>%PDF-1.7</body></html>".rjust(1100, b" "),  # the header past the first kilobyte
    ],
    ids=["empty", "png", "docx", "late-header"],
)
def test_what_is_not_a_pdf(actor, unit, upload):
    assert _refused(actor, unit, upload) == rules.IMPORT_NOT_A_PDF


def test_a_file_over_the_size_limit(actor, unit, settings):
    settings.GGZY_IMPORT_MAX_BYTES = 1024 * 1024
    upload = pdf_bytes(document_objects(1, extra={100: stream(b"%" * (1024 * 1024))}))
    assert _refused(actor, unit, upload) == rules.IMPORT_TOO_LARGE.format(size="1.0MB", limit="1.0MB")


def test_the_default_size_limit_is_twenty_megabytes(settings):
    del settings.GGZY_IMPORT_MAX_BYTES
    assert imports.max_bytes() == rules.IMPORT_MAX_BYTES == 20 * 1024 * 1024


def test_an_encrypted_file(actor, unit):
    assert _refused(actor, unit, encrypted_pdf()) == rules.IMPORT_ENCRYPTED


@pytest.mark.parametrize(
    ("upload", "why"),
    [
        (good_pdf()[:-200], rules.WHY_FILE),
        (b"%PDF-1.7\n" + bytes(random.Random(7).randbytes(4000)), rules.WHY_FILE),
        (pdf_bytes(document_objects(0)), rules.WHY_NO_PAGES),
        (
            pdf_bytes(
                {**document_objects(3), 2: b"<< /Type /Pages /Kids [10 0 R 12 0 R 14 0 R] /Count 2 >>"}
            ),
            rules.WHY_PAGE_TREE,
        ),
        (
            pdf_bytes({**document_objects(2), 2: b"<< /Type /Pages /Kids [10 0 R 2 0 R] /Count 2 >>"}),
            rules.WHY_PAGE_TREE,
        ),
        (
            pdf_bytes(
                {
                    **document_objects(1),
                    1: b"<< /Type /Catalog /Pages << /Type /Pages /Kids [10 0 R] /Count 1 >> >>",
                }
            ),
            rules.WHY_PAGE_TREE,
        ),
        (
            pdf_bytes({**document_objects(1), 10: b"<< /Type /Page /Parent 2 0 R /Contents 11 0 R >>"}),
            rules.WHY_PAGE_TREE,
        ),
    ],
    ids=["truncated", "garbage", "no-pages", "count-lies", "tree-cycle", "direct-pages", "no-media-box"],
)
def test_a_broken_file_says_what_is_broken(actor, unit, upload, why):
    assert _refused(actor, unit, upload) == rules.IMPORT_BROKEN.format(why=why)


def test_objects_beyond_the_declared_size_would_be_overwritten_by_the_seal(actor, unit):
    upload = good_pdf().replace(b"/Size 16", b"/Size 12")
    assert _refused(actor, unit, upload) == rules.IMPORT_BROKEN.format(why=rules.WHY_OBJECT_COUNT)


def test_a_page_of_the_wrong_type(actor, unit):
    """PDFium would draw it as a page; pyHanko, which places the seal, would not find it."""
    objects = document_objects(2)
    objects[12] = objects[12].replace(b"/Type /Page ", b"/Type /Pagex ")
    assert _refused(actor, unit, pdf_bytes(objects)) == rules.IMPORT_BROKEN.format(why=rules.WHY_PAGE_TREE)


def test_a_hybrid_file_whose_catalog_the_seal_could_not_rewrite(actor, unit):
    """Its table lists the packed catalog as free: pyHanko, reading strictly when it adds the
    seal's validation data, refuses a later revision that redefines it."""
    upload = pdf_bytes(document_objects(2), xref="hybrid", packed=frozenset({1, 3}))
    assert _refused(actor, unit, upload) == rules.IMPORT_BROKEN.format(why=rules.WHY_NOT_APPENDABLE)


def test_a_declared_size_past_what_pdfium_reads(actor, unit):
    upload = good_pdf().replace(b"/Size 16", b"/Size %d" % (imports.MAX_OBJECT_NUMBER + 1))
    assert _refused(actor, unit, upload) == rules.IMPORT_BROKEN.format(why=rules.WHY_OBJECT_NUMBERS)


def test_readers_that_disagree_on_the_pages(actor, unit, monkeypatch):
    monkeypatch.setattr(previews, "page_count", lambda pdf: 4)
    why = rules.WHY_PAGES_DISAGREE.format(first=3, second=4)
    assert _refused(actor, unit, good_pdf()) == rules.IMPORT_BROKEN.format(why=why)


def test_too_many_pages(actor, unit):
    upload = pdf_bytes(document_objects(rules.IMPORT_MAX_PAGES + 1))
    assert _refused(actor, unit, upload) == rules.IMPORT_TOO_MANY_PAGES.format(limit=rules.IMPORT_MAX_PAGES)


def test_the_page_limit_itself_is_accepted(actor, unit):
    assert import_pdf(actor, unit, pdf_bytes(document_objects(rules.IMPORT_MAX_PAGES))).pages == 500


def test_too_many_incremental_saves(actor, unit):
    upload = saved_again(good_pdf(), rules.IMPORT_MAX_REVISIONS)
    count = rules.IMPORT_MAX_REVISIONS + 1
    assert _refused(actor, unit, upload) == rules.IMPORT_TOO_MANY_REVISIONS.format(
        count=count, limit=rules.IMPORT_MAX_REVISIONS
    )
    assert import_pdf(actor, unit, saved_again(good_pdf(), 3)).pages == 3  # a file saved a few times


def test_a_file_that_costs_too_much_work(actor, unit, monkeypatch):
    monkeypatch.setattr(imports, "MAX_NODES", 5)
    assert _refused(actor, unit, good_pdf()) == rules.IMPORT_TOO_LONG.format(seconds=rules.IMPORT_SECONDS)


def test_a_sealed_file(actor, unit, unit_seal, unit_key):
    sealed = seal_at_click(
        actor, import_pdf(actor, unit, good_pdf()), unit_seal, unit_key, page=1, x=300, y=300
    )
    Document.objects.all().delete()
    AuditEntry.objects.filter(action="signing.document_imported").delete()
    assert _refused(actor, unit, bytes(sealed.pdf)) == rules.IMPORT_SIGNED


@pytest.mark.parametrize(
    "objects",
    [
        # A signature widget on the page that the form does not list: it would still draw a "seal".
        document_objects(
            1,
            page_extra=b"/Annots [100 0 R]",
            extra={100: b"<< /Type /Annot /Subtype /Widget /FT /Sig /Rect [0 0 100 100] /P 10 0 R >>"},
        ),
        # Permissions that only a (certifying) signature grants.
        document_objects(1, catalog_extra=b"/Perms << /DocMDP 100 0 R >>", extra={100: b"<< /Type /Sig >>"}),
    ],
    ids=["widget-outside-the-form", "docmdp"],
)
def test_signatures_hidden_elsewhere(actor, unit, objects):
    assert _refused(actor, unit, pdf_bytes(objects)) == rules.IMPORT_SIGNED


def test_an_empty_signature_field(actor, unit):
    upload = with_empty_signature_field(good_pdf())
    assert _refused(actor, unit, upload) == rules.IMPORT_SIGNATURE_FIELD.format(name="采购人签章")


def test_an_xfa_form(actor, unit):
    objects = document_objects(
        1, catalog_extra=b"/AcroForm << /Fields [] /XFA 100 0 R >>", extra={100: stream(b"<xdp:xdp/>")}
    )
    assert _refused(actor, unit, pdf_bytes(objects)) == rules.IMPORT_XFA


SCRIPT = rules.IMPORT_ACTIVE.format(what=rules.IMPORT_ACTIVE_SCRIPT)
LAUNCH = rules.IMPORT_ACTIVE.format(what=rules.IMPORT_ACTIVE_LAUNCH)
FORM = rules.IMPORT_ACTIVE.format(what=rules.IMPORT_ACTIVE_FORM)
LINK = b"<< /Type /Annot /Subtype /Link /Rect [72 700 200 720] /A %s >>"


@pytest.mark.parametrize(
    ("objects", "message"),
    [
        (document_objects(1, catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), SCRIPT),
        (
            document_objects(
                1,
                catalog_extra=b"/Names << /JavaScript 100 0 R >>",
                extra={100: b"<< /Names [(a) << /S /JavaScript /JS (1) >>] >>"},
            ),
            SCRIPT,
        ),
        (document_objects(1, catalog_extra=b"/AA << /WC << /S /JavaScript /JS (1) >> >>"), SCRIPT),
        (document_objects(1, page_extra=b"/AA << /O << /S /SubmitForm /F (http://x.example/) >> >>"), FORM),
        (
            document_objects(
                1, page_extra=b"/Annots [100 0 R]", extra={100: LINK % b"<< /S /Launch /F (cmd.exe) >>"}
            ),
            LAUNCH,
        ),
        # A harmless link whose chained action runs a script.
        (
            document_objects(
                1,
                page_extra=b"/Annots [100 0 R]",
                extra={
                    100: LINK
                    % b"<< /S /URI /URI (http://www.ccgp.gov.cn/) /Next [<< /S /GoTo /D [10 0 R /Fit] >> << /S /JavaScript /JS 101 0 R >>] >>",
                    101: stream(b"app.alert(1)"),
                },
            ),
            SCRIPT,
        ),
        (
            document_objects(
                1,
                catalog_extra=b"/Outlines 100 0 R",
                extra={
                    100: b"<< /First 101 0 R /Last 101 0 R /Count 1 >>",
                    101: b"<< /Title (x) /Parent 100 0 R /A << /S /ImportData /F (x.fdf) >> >>",
                },
            ),
            FORM,
        ),
        (
            document_objects(
                1,
                catalog_extra=b"/AcroForm << /Fields [100 0 R] >>",
                extra={
                    100: b"<< /FT /Tx /T (a) /Kids [101 0 R] >>",
                    101: b"<< /Parent 100 0 R /AA << /K << /S /JavaScript /JS (1) >> >> >>",
                },
            ),
            SCRIPT,
        ),
        (document_objects(1, catalog_extra=b"/OpenAction << /S /Rendition /JS (1) >>"), SCRIPT),
    ],
    ids=[
        "open-action",
        "names",
        "document-trigger",
        "page-trigger",
        "launch-link",
        "chained",
        "bookmark",
        "form-field",
        "rendition",
    ],
)
def test_active_content(actor, unit, objects, message):
    assert _refused(actor, unit, pdf_bytes(objects)) == message


def test_links_bookmarks_and_open_at_a_page_are_fine(actor, unit):
    objects = document_objects(
        2,
        catalog_extra=b"/OpenAction [10 0 R /Fit] /Outlines 100 0 R",
        page_extra=b"/Annots [102 0 R]",
        extra={
            100: b"<< /First 101 0 R /Last 101 0 R /Count 1 >>",
            101: b"<< /Title (Chapter 1) /Parent 100 0 R /A << /S /GoTo /D [12 0 R /Fit] >> >>",
            102: LINK % b"<< /S /URI /URI (http://www.ccgp.gov.cn/) >>",
        },
    )
    assert import_pdf(actor, unit, pdf_bytes(objects)).pages == 2


def _layout(page: int, why: str) -> str:
    return rules.IMPORT_PAGE_LAYOUT.format(page=page, why=why)


@pytest.mark.parametrize(
    ("objects", "message"),
    [
        (
            document_objects(2, media=b"[0 0 612 792]"),
            _layout(1, rules.IMPORT_PAGE_SIZE.format(width=216, height=279)),
        ),
        (
            document_objects(2, media=b"[0 0 841.89 595.28]"),
            _layout(1, rules.IMPORT_PAGE_SIZE.format(width=297, height=210)),
        ),
        (
            document_objects(2, page_extra=b"/Rotate 90"),
            _layout(1, rules.IMPORT_PAGE_ROTATED.format(angle=90)),
        ),
        (document_objects(2, media=b"[100 100 695.32 941.92]"), _layout(1, rules.IMPORT_PAGE_CROPPED)),
        (
            document_objects(2, media=b"[0 0 700 941.92]", page_extra=b"/CropBox [104.68 100 700 941.92]"),
            _layout(1, rules.IMPORT_PAGE_CROPPED),
        ),
    ],
    ids=["letter", "landscape", "rotated", "offset", "cropped"],
)
def test_pages_the_previews_cannot_place_a_click_on(actor, unit, objects, message):
    assert _refused(actor, unit, pdf_bytes(objects)) == message


def test_the_page_named_is_the_first_that_does_not_fit(actor, unit):
    objects = document_objects(3)
    objects[14] = objects[14].replace(A4, b"[0 0 612 792]")
    assert _refused(actor, unit, pdf_bytes(objects)) == _layout(
        3, rules.IMPORT_PAGE_SIZE.format(width=216, height=279)
    )


def test_a_full_turn_and_inherited_attributes_are_fine(actor, unit):
    objects = document_objects(2, media=b"[0 0 595.2756 841.8898]", page_extra=b"/Rotate 360")
    assert import_pdf(actor, unit, pdf_bytes(objects)).pages == 2
    inherited = document_objects(2)
    inherited[2] = inherited[2].replace(b"/Count 2", b"/Count 2 /MediaBox [0 0 595.28 841.89] /Rotate 0")
    for number in (10, 12):
        inherited[number] = inherited[number].replace(b"/MediaBox " + A4, b"")
    assert import_pdf(actor, unit, pdf_bytes(inherited)).pages == 2


def test_a_page_whose_content_decodes_to_too_much(actor, unit):
    bomb = zlib.compress(b" " * (rules.IMPORT_PAGE_CONTENT_MAX + 1), 9)
    objects = document_objects(2, extra={100: stream(bomb, b"/Filter /FlateDecode")})
    objects[13] = b"<< >>"
    objects[12] = objects[12].replace(b"/Contents 13 0 R", b"/Contents [13 0 R 100 0 R]")
    limit = rules.IMPORT_PAGE_CONTENT_MAX // imports.MB
    assert _refused(actor, unit, pdf_bytes(objects)) == rules.IMPORT_PAGE_TOO_HEAVY.format(
        page=2, limit=limit
    )


def test_a_form_drawn_by_the_page_counts_toward_it(actor, unit):
    half = zlib.compress(b" " * (rules.IMPORT_PAGE_CONTENT_MAX // 2 + 1), 9)
    objects = document_objects(
        1,
        extra={
            100: stream(
                half,
                b"/Filter /FlateDecode /Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /Inner 101 0 R >> >>",
            ),
            101: stream(half, b"/Filter /FlateDecode /Type /XObject /Subtype /Form /BBox [0 0 1 1]"),
        },
    )
    objects[10] = objects[10].replace(
        b"/Font << /F1 3 0 R >>", b"/Font << /F1 3 0 R >> /XObject << /Fm1 100 0 R >>"
    )
    limit = rules.IMPORT_PAGE_CONTENT_MAX // imports.MB
    assert _refused(actor, unit, pdf_bytes(objects)) == rules.IMPORT_PAGE_TOO_HEAVY.format(
        page=1, limit=limit
    )


def test_an_annotation_appearance_counts_toward_its_page(actor, unit):
    bomb = zlib.compress(b" " * (rules.IMPORT_PAGE_CONTENT_MAX + 1), 9)
    objects = document_objects(
        1,
        page_extra=b"/Annots [100 0 R]",
        extra={
            100: b"<< /Type /Annot /Subtype /Square /Rect [0 0 10 10] /AP << /N << /On 101 0 R >> >> >>",
            101: stream(bomb, b"/Filter /FlateDecode /Type /XObject /Subtype /Form /BBox [0 0 10 10]"),
        },
    )
    limit = rules.IMPORT_PAGE_CONTENT_MAX // imports.MB
    assert _refused(actor, unit, pdf_bytes(objects)) == rules.IMPORT_PAGE_TOO_HEAVY.format(
        page=1, limit=limit
    )


def test_many_pages_of_heavy_content_add_up(actor, unit, monkeypatch):
    monkeypatch.setattr(imports, "DECODED_MAX", 1000)
    objects = document_objects(3)
    for number in (11, 13, 15):
        objects[number] = stream(b" " * 600)
    assert _refused(actor, unit, pdf_bytes(objects)) == rules.IMPORT_DATA_TOO_HEAVY
