"""Uploaded PDFs as documents to seal: a 招标文件 made in a word processor, a 澄清文件.

An upload is untrusted and becomes a Document that the unit seals at a place it clicks on the page
previews, so it is accepted only when every later step will work on it: PDFium draws its pages
(previews), pyHanko appends a seal as an incremental update (pdfsign.seal_prepare), the seal lands
where the click was (A4 portrait, unrotated pages: seal.js maps clicks onto that), and the sealed
file passes the platform's own verification (verify). What would fail there, or hide behind the
document (scripts, launch actions, XFA forms that readers draw differently, signatures the platform
did not make), is refused here with a message the uploader can act on.

Checks run cheapest first, all outside the transaction, and the work per file is bounded: pyHanko
reads with decode limits (no stream expands past what one page may hold), every walk counts what it
visits, and a deadline stops a file that is merely slow.
"""

from __future__ import annotations

import hashlib
import io
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.decode_limits import DecodeLimits, StreamDecodeLimits
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfDecodeLimitError, PdfStreamError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields

from core.audit import Actor, audit_log
from core.errors import DomainError
from registry.models import Subject
from signing import previews, rules
from signing.document_kinds import DOCUMENT_KINDS
from signing.models import Document, DocumentVersion
from signing.pdfchanges import entry

MB = 1024 * 1024
A4_PT = (595.2756, 841.8898)
PT_PER_MM = 72 / 25.4
MAX_TREE_DEPTH = 64  # a page tree this deep is no word processor's
# The seal's objects are numbered from /Size on; PDFium stops reading objects numbered somewhere
# past 2^23 and would draw the page without the seal. A 20 MB file holds far fewer objects.
MAX_OBJECT_NUMBER = 2**22
MAX_NODES = 200_000  # dictionaries visited looking for actions, over the whole file
CHECK_FIELD = "ggzy-import-check"
# Page content decoded over the whole file: below pyHanko's own budget per file (at least 256 MB),
# so that a stream pyHanko stops is one too large for its page, and said so.
DECODED_MAX = 192 * MB

# Action types (ISO 32000 §12.6.4) that run something or send data when a page opens or a link is
# clicked. Links to web pages (/URI) and within the document (/GoTo) are what tender documents hold.
ACTIVE_ACTIONS = {
    "/JavaScript": rules.IMPORT_ACTIVE_SCRIPT,
    "/RichMediaExecute": rules.IMPORT_ACTIVE_SCRIPT,
    "/Launch": rules.IMPORT_ACTIVE_LAUNCH,
    "/SubmitForm": rules.IMPORT_ACTIVE_FORM,
    "/ImportData": rules.IMPORT_ACTIVE_FORM,
}


def max_bytes() -> int:
    return int(getattr(settings, "GGZY_IMPORT_MAX_BYTES", rules.IMPORT_MAX_BYTES))


def document_import(
    *,
    actor: Actor,
    subject: Subject,
    kind: str,
    title: str,
    pdf: bytes,
    center_code: str = "",
    subject_name: str = "",
) -> Document:
    """An uploaded PDF as a document of `kind` (a key of DOCUMENT_KINDS, e.g. "tender_document"),
    version 1 with no named seal places: the unit clicks where each seal goes. Raises DomainError
    with one of the IMPORT_* messages of signing.rules when the file cannot be sealed here."""
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    pages = pdf_check(pdf)
    sha256 = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        document = Document.objects.create(
            subject=subject,
            kind=kind,
            title=title.strip()[:200],
            center_code=center_code,
            subject_name=subject_name,
            pages=pages,
            places={},
            pdf=pdf,
            sha256=sha256,
            created_by=actor.user,
        )
        DocumentVersion.objects.create(document=document, number=1, pdf=pdf, sha256=sha256)
        audit_log(
            actor=actor,
            action="signing.document_imported",
            target=document,
            data={"kind": kind, "pages": pages, "bytes": len(pdf), "sha256": sha256},
        )
    return document


def pdf_check(pdf: bytes) -> int:
    """The number of pages of a PDF the platform can show, seal and verify; DomainError otherwise."""
    limit = max_bytes()
    if len(pdf) > limit:
        raise DomainError(rules.IMPORT_TOO_LARGE.format(size=_megabytes(len(pdf)), limit=_megabytes(limit)))
    if b"%PDF-" not in pdf[:1024]:
        raise DomainError(rules.IMPORT_NOT_A_PDF)
    budget = _Budget(deadline=time.monotonic() + rules.IMPORT_SECONDS)
    try:
        reader = _read(pdf)
        _check_revisions(reader)
        _check_form(reader)
        pages = _check_pages(reader, budget)
        _check_document_actions(reader, budget)
    except DomainError:
        raise
    except PdfDecodeLimitError:  # past pyHanko's budget for the whole file
        raise DomainError(rules.IMPORT_DATA_TOO_HEAVY) from None
    except Exception as error:  # pyHanko raises many kinds for a broken file
        raise DomainError(rules.IMPORT_BROKEN.format(why=_why(error))) from None
    drawn = _drawn_pages(pdf)
    if drawn != pages:
        raise DomainError(
            rules.IMPORT_BROKEN.format(why=rules.WHY_PAGES_DISAGREE.format(first=pages, second=drawn))
        )
    _check_appendable(pdf, pages)
    return pages


def _drawn_pages(pdf: bytes) -> int:
    """The pages PDFium, which draws the previews, finds."""
    try:
        return previews.page_count(pdf)
    except previews.PreviewError:
        raise DomainError(rules.IMPORT_BROKEN.format(why=rules.WHY_FILE)) from None


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}MB"


def _why(error: BaseException) -> str:
    text = str(error).lower()
    if isinstance(error, RecursionError):
        return rules.WHY_NESTING
    if "loop" in text or "circular" in text:
        return rules.WHY_LOOP
    if "xref" in text or "startxref" in text or "trailer" in text:
        return rules.WHY_XREF
    return rules.WHY_FILE


@dataclass
class _Budget:
    """The work one file may cost: a deadline, and a count of dictionaries looked into."""

    deadline: float
    nodes: int = 0
    seen: set[generic.Reference] = field(default_factory=set)
    visited: set[generic.Reference] = field(default_factory=set)  # actions, fields, bookmarks
    decoded: dict[generic.Reference, int] = field(default_factory=dict)  # stream → decoded bytes

    def spend(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES or time.monotonic() > self.deadline:
            raise DomainError(rules.IMPORT_TOO_LONG.format(seconds=rules.IMPORT_SECONDS))


def _read(pdf: bytes) -> PdfFileReader:
    # pyHanko's limits for untrusted files, with no stream larger than a whole page may be.
    limits = DecodeLimits(per_stream=StreamDecodeLimits(max_output_size=rules.IMPORT_PAGE_CONTENT_MAX))
    reader = PdfFileReader(io.BytesIO(pdf), strict=False, decode_limits=limits)
    if reader.encrypted:
        raise DomainError(rules.IMPORT_ENCRYPTED)
    pages = reader.root.raw_get("/Pages")
    if not isinstance(pages, generic.IndirectObject):  # pyHanko finds pages only through a reference
        raise DomainError(rules.IMPORT_BROKEN.format(why=rules.WHY_PAGE_TREE))
    return reader


def _check_revisions(reader: PdfFileReader) -> None:
    """Few enough revisions to verify after sealing, and no object beyond the declared /Size: the
    seal's new objects are numbered from /Size on and would silently replace such an object."""
    count = reader.xrefs.total_revisions
    if count > rules.IMPORT_MAX_REVISIONS:
        raise DomainError(
            rules.IMPORT_TOO_MANY_REVISIONS.format(count=count, limit=rules.IMPORT_MAX_REVISIONS)
        )
    size = reader.trailer["/Size"]
    highest = max(
        (ref.idnum for revision in range(count) for ref in reader.xrefs.explicit_refs_in_revision(revision)),
        default=0,
    )
    if not isinstance(size, int) or highest >= size:
        raise DomainError(rules.IMPORT_BROKEN.format(why=rules.WHY_OBJECT_COUNT))
    if size > MAX_OBJECT_NUMBER:
        raise DomainError(rules.IMPORT_BROKEN.format(why=rules.WHY_OBJECT_NUMBERS))


def _check_form(reader: PdfFileReader) -> None:
    if entry(reader.root, "/Perms") is not None:  # DocMDP or UR: permissions a signature grants
        raise DomainError(rules.IMPORT_SIGNED)
    form = entry(reader.root, "/AcroForm")
    if not isinstance(form, generic.DictionaryObject):
        return
    if entry(form, "/XFA") is not None:
        raise DomainError(rules.IMPORT_XFA)
    for name, value, _ref in fields.enumerate_sig_fields(reader):
        if value is not None:
            raise DomainError(rules.IMPORT_SIGNED)
        raise DomainError(rules.IMPORT_SIGNATURE_FIELD.format(name=name))


# --- pages ------------------------------------------------------------------------------------


def _check_pages(reader: PdfFileReader, budget: _Budget) -> int:
    """Walks the page tree as pyHanko will when it places a seal: by the /Count of each node, so
    every /Count must be true. Checks each page's layout and its actions on the way."""
    root = reader.root.raw_get("/Pages")
    assert isinstance(root, generic.IndirectObject)
    count = _walk(root, inherited={}, depth=0, budget=budget, found=[0])
    if count == 0:
        raise DomainError(rules.IMPORT_BROKEN.format(why=rules.WHY_NO_PAGES))
    return count


_INHERITED = ("/MediaBox", "/CropBox", "/Rotate", "/Resources")


def _walk(
    ref: generic.IndirectObject,
    *,
    inherited: dict[str, object],
    depth: int,
    budget: _Budget,
    found: list[int],
) -> int:
    """The number of pages under `ref`; `found` holds the pages met so far, for their numbers."""
    budget.spend()
    if depth > MAX_TREE_DEPTH or ref.reference in budget.seen:
        raise DomainError(rules.IMPORT_BROKEN.format(why=rules.WHY_PAGE_TREE))
    budget.seen.add(ref.reference)
    node = ref.get_object()
    if not isinstance(node, generic.DictionaryObject):
        raise DomainError(rules.IMPORT_BROKEN.format(why=rules.WHY_PAGE_TREE))
    attributes = {**inherited, **{key: node.raw_get(key) for key in _INHERITED if key in node}}
    kind = entry(node, "/Type")
    if kind == "/Page":
        found[0] += 1
        if found[0] > rules.IMPORT_MAX_PAGES:
            raise DomainError(rules.IMPORT_TOO_MANY_PAGES.format(limit=rules.IMPORT_MAX_PAGES))
        _check_layout(found[0], attributes)
        _check_page_actions(node, budget)
        _check_content(found[0], node, attributes.get("/Resources"), budget)
        return 1
    kids = entry(node, "/Kids")
    if kind != "/Pages" or not isinstance(kids, generic.ArrayObject):
        raise DomainError(rules.IMPORT_BROKEN.format(why=rules.WHY_PAGE_TREE))
    total = 0
    for kid in kids:
        if not isinstance(kid, generic.IndirectObject):
            raise DomainError(rules.IMPORT_BROKEN.format(why=rules.WHY_PAGE_TREE))
        total += _walk(kid, inherited=attributes, depth=depth + 1, budget=budget, found=found)
    if entry(node, "/Count") != total:
        raise DomainError(rules.IMPORT_BROKEN.format(why=rules.WHY_PAGE_TREE))
    return total


def _resolved(value: object) -> object:
    return value.get_object() if isinstance(value, generic.IndirectObject) else value


def _box(value: object) -> tuple[float, float, float, float] | None:
    value = _resolved(value)
    if not isinstance(value, generic.ArrayObject) or len(value) != 4:
        return None
    x1, y1, x2, y2 = (float(value[i]) for i in range(4))  # value[i] resolves, iterating does not
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _check_layout(page: int, attributes: dict[str, object]) -> None:
    """A4 portrait as PDFium shows it (the crop box within the media box), with its origin where
    pyHanko puts a seal's coordinates, and no rotation that would turn a click somewhere else."""
    media = _box(attributes.get("/MediaBox"))
    if media is None:
        raise DomainError(rules.IMPORT_BROKEN.format(why=rules.WHY_PAGE_TREE))
    crop = _box(attributes.get("/CropBox")) or media
    shown = (max(media[0], crop[0]), max(media[1], crop[1]), min(media[2], crop[2]), min(media[3], crop[3]))
    rotate = _resolved(attributes.get("/Rotate", 0))
    tolerance = rules.IMPORT_A4_TOLERANCE_PT
    if not isinstance(rotate, int) or rotate % 360:
        why = rules.IMPORT_PAGE_ROTATED.format(angle=rotate)
    elif abs(shown[2] - shown[0] - A4_PT[0]) > tolerance or abs(shown[3] - shown[1] - A4_PT[1]) > tolerance:
        width, height = ((shown[2] - shown[0]) / PT_PER_MM, (shown[3] - shown[1]) / PT_PER_MM)
        why = rules.IMPORT_PAGE_SIZE.format(width=round(width), height=round(height))
    elif abs(shown[0]) > tolerance or abs(shown[1]) > tolerance:
        why = rules.IMPORT_PAGE_CROPPED
    else:
        return
    raise DomainError(rules.IMPORT_PAGE_LAYOUT.format(page=page, why=why))


def _check_content(page: int, node: generic.DictionaryObject, resources: object, budget: _Budget) -> None:
    """What PDFium decodes to draw the page: its content streams, the forms their resources draw
    (nested forms too) and its annotations' appearances. Images are left alone: PDFium scales them
    down as it decodes them."""
    pending: list[tuple[str, object]] = [
        ("streams", node.raw_get("/Contents") if "/Contents" in node else None)
    ]
    pending.append(("resources", resources))
    annotations = entry(node, "/Annots")
    for item in annotations if isinstance(annotations, generic.ArrayObject) else []:
        annotation = _resolved(item)
        appearance = entry(annotation, "/AP") if isinstance(annotation, generic.DictionaryObject) else None
        if isinstance(appearance, generic.DictionaryObject) and "/N" in appearance:
            pending.append(("streams", appearance.raw_get("/N")))  # a stream, or a dict of states
    total = 0
    counted: set[generic.Reference] = set()
    while pending:
        kind, value = pending.pop()
        budget.spend()
        if isinstance(value, generic.IndirectObject):
            if value.reference in counted:
                continue
            counted.add(value.reference)
            ref, value = value.reference, value.get_object()
        else:
            ref = None
        if isinstance(value, generic.StreamObject) and kind in ("streams", "xobject"):
            if kind == "xobject" and entry(value, "/Subtype") != "/Form":
                continue  # an image
            total += _decoded_size(page, ref, value, budget)
            if "/Resources" in value:
                pending.append(("resources", value.raw_get("/Resources")))
        elif isinstance(value, generic.ArrayObject) and kind == "streams":
            pending.extend(("streams", value.raw_get(i)) for i in range(len(value)))
        elif isinstance(value, generic.DictionaryObject) and kind == "streams":  # appearance states
            pending.extend(("streams", value.raw_get(key)) for key in value)
        elif isinstance(value, generic.DictionaryObject) and kind == "resources":
            xobjects = entry(value, "/XObject")
            if isinstance(xobjects, generic.DictionaryObject):
                pending.extend(("xobject", xobjects.raw_get(key)) for key in xobjects)
        if total > rules.IMPORT_PAGE_CONTENT_MAX:
            raise DomainError(
                rules.IMPORT_PAGE_TOO_HEAVY.format(page=page, limit=rules.IMPORT_PAGE_CONTENT_MAX // MB)
            )


def _decoded_size(
    page: int, ref: generic.Reference | None, stream: generic.StreamObject, budget: _Budget
) -> int:
    if ref is None:  # streams are indirect objects; a direct one is nothing PDFium draws
        return 0
    if ref not in budget.decoded:
        if sum(budget.decoded.values()) > DECODED_MAX:
            raise DomainError(rules.IMPORT_DATA_TOO_HEAVY)
        try:
            budget.decoded[ref] = len(stream.data)
        except PdfDecodeLimitError:
            raise DomainError(
                rules.IMPORT_PAGE_TOO_HEAVY.format(page=page, limit=rules.IMPORT_PAGE_CONTENT_MAX // MB)
            ) from None
        except (NotImplementedError, PdfStreamError):  # LZW, or damaged data: PDFium draws what it can
            budget.decoded[ref] = 0
    return budget.decoded[ref]


# --- actions ----------------------------------------------------------------------------------


def _raw(holder: generic.DictionaryObject, key: str) -> object:
    """A value as written, references unresolved, so that walks can tell an object met before."""
    return holder.raw_get(key) if key in holder else None


def _visit(value: object, budget: _Budget) -> object:
    """The object behind `value`, or None when this walk has met it before."""
    budget.spend()
    if isinstance(value, generic.IndirectObject):
        if value.reference in budget.visited:
            return None
        budget.visited.add(value.reference)
        return value.get_object()
    return value


def _refuse_action(value: object, budget: _Budget) -> None:
    """An action dictionary and the actions it chains to (/Next: one, or an array of them)."""
    pending = [value]
    while pending:
        action = _visit(pending.pop(), budget)
        if isinstance(action, generic.ArrayObject):
            pending.extend(action.raw_get(i) for i in range(len(action)))
            continue
        if not isinstance(action, generic.DictionaryObject):
            continue  # a destination, not an action
        what = ACTIVE_ACTIONS.get(str(entry(action, "/S")))
        if what is None and "/JS" in action:  # a rendition (or a forgery) with a script
            what = rules.IMPORT_ACTIVE_SCRIPT
        if what is not None:
            raise DomainError(rules.IMPORT_ACTIVE.format(what=what))
        pending.append(_raw(action, "/Next"))


def _refuse_triggers(holder: generic.DictionaryObject, budget: _Budget) -> None:
    """/A (what a click does) and /AA (what opening, closing, focusing … does) of one object."""
    _refuse_action(_raw(holder, "/A"), budget)
    triggers = entry(holder, "/AA")
    if isinstance(triggers, generic.DictionaryObject):
        for key in triggers:
            _refuse_action(triggers.raw_get(key), budget)


def _check_page_actions(page: generic.DictionaryObject, budget: _Budget) -> None:
    _refuse_triggers(page, budget)
    annotations = entry(page, "/Annots")
    if not isinstance(annotations, generic.ArrayObject):
        return
    for index in range(len(annotations)):
        annotation = _visit(annotations.raw_get(index), budget)
        if not isinstance(annotation, generic.DictionaryObject):
            continue
        # A widget of a signature field that the form does not list still draws a "seal".
        if entry(annotation, "/FT") == "/Sig":
            raise DomainError(rules.IMPORT_SIGNED)
        _refuse_triggers(annotation, budget)


def _check_document_actions(reader: PdfFileReader, budget: _Budget) -> None:
    """The catalog's open action and triggers, document-level scripts, form fields and bookmarks."""
    root = reader.root
    _refuse_action(_raw(root, "/OpenAction"), budget)
    _refuse_triggers(root, budget)
    names = entry(root, "/Names")
    if isinstance(names, generic.DictionaryObject) and "/JavaScript" in names:
        raise DomainError(rules.IMPORT_ACTIVE.format(what=rules.IMPORT_ACTIVE_SCRIPT))
    form = entry(root, "/AcroForm")
    if isinstance(form, generic.DictionaryObject):
        _walk_linked(_raw(form, "/Fields"), budget, children="/Kids")
    outlines = entry(root, "/Outlines")
    if isinstance(outlines, generic.DictionaryObject):
        _walk_linked(_raw(outlines, "/First"), budget, children="/First", sibling="/Next")


def _walk_linked(start: object, budget: _Budget, *, children: str, sibling: str | None = None) -> None:
    """Form fields (arrays of /Kids) or bookmarks (/First, /Next chains), each once. A widget met
    on its page before is not looked into again; its triggers were checked there."""
    pending = [start]
    while pending:
        item = _visit(pending.pop(), budget)
        if isinstance(item, generic.ArrayObject):
            pending.extend(item.raw_get(i) for i in range(len(item)))
            continue
        if not isinstance(item, generic.DictionaryObject):
            continue
        _refuse_triggers(item, budget)
        pending.append(_raw(item, children))
        if sibling:
            pending.append(_raw(item, sibling))


# --- the seal's incremental update --------------------------------------------------------------


def _check_appendable(pdf: bytes, pages: int) -> None:
    """Adds an empty signature field to every page, as seal_prepare adds one to the page clicked
    (pyHanko, not strict: Word's hybrid-reference files need that), and reads the result back as
    seal_finish will (pyHanko, strict, when it adds the validation data) and as the previews do.
    A seal rewrites the catalog and its page; a file that forbids rewriting them (a hybrid file
    listing them as free, an editor's revision freeing objects oddly) fails here, not after the
    unit has typed its PIN."""
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        for page in range(pages):
            spec = fields.SigFieldSpec(
                sig_field_name=f"{CHECK_FIELD}-{page}", on_page=page, box=(10, 10, 20, 20)
            )
            fields.append_signature_field(writer, spec)
        output = io.BytesIO()
        writer.write(output)
        again = PdfFileReader(io.BytesIO(output.getvalue()), strict=True)
        appended = again.root["/Pages"]["/Count"] == pages
    except Exception:
        appended = False
    if not appended or _drawn_pages(output.getvalue()) != pages:
        raise DomainError(rules.IMPORT_BROKEN.format(why=rules.WHY_NOT_APPENDABLE))
