"""What the revisions after a seal changed, named the way a reader of the document would see it.

signing.verify decides whether a change after a seal is allowed (pyHanko's difference analysis,
tightened to: only later seals and validation data). This module only names what changed, so the
report can say 「第1页的页面内容」 or 「新增未签名的签章域「x」」 instead of "something changed". It
walks the objects each later revision (re)defines and places each on the page or form where a
reader meets it. It never decides anything: a change it cannot place is named generically.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

MAX_PAGES_WALKED = 5000
OTHER = "文件中的其他对象"


def _ref(value: object) -> generic.Reference | None:
    return value.reference if isinstance(value, generic.IndirectObject) else None


def _refs(value: object) -> list[generic.Reference]:
    """The references in a value that is a reference or an array of them."""
    if isinstance(value, generic.IndirectObject):
        inner = value.get_object()
        if isinstance(inner, generic.ArrayObject):
            return [value.reference, *(r for r in map(_ref, inner) if r)]
        return [value.reference]
    if isinstance(value, generic.ArrayObject):
        return [r for r in map(_ref, value) if r]
    return []


def entry(dictionary: generic.DictionaryObject, key: str) -> object:
    """A value with references resolved (pyHanko resolves in [] only), None when absent or dangling."""
    try:
        return dictionary[key] if key in dictionary else None  # noqa: SIM401
    except Exception:
        return None


def _text(value: object) -> str:
    try:
        return str(value) if value is not None else ""
    except Exception:
        return ""


class _Layout:
    """Where each object of one revision sits: pages, their content and annotations, appearances."""

    def __init__(self, root: generic.DictionaryObject, root_ref: generic.Reference | None):
        self.root_ref = root_ref
        self.pages: dict[generic.Reference, int] = {}
        self.page_nodes: set[generic.Reference] = set()
        self.contents: dict[generic.Reference, int] = {}
        self.annotations: dict[generic.Reference, tuple[int, generic.DictionaryObject]] = {}
        self.appearances: dict[generic.Reference, str] = {}
        self.form: set[generic.Reference] = set()
        pages = root.raw_get("/Pages") if "/Pages" in root else None
        self._walk(pages, seen=set())
        acro = root.raw_get("/AcroForm") if "/AcroForm" in root else None
        self.form.update(_refs(acro))
        try:
            fields = root["/AcroForm"]["/Fields"]
            self.form.update(_refs(root["/AcroForm"].raw_get("/Fields")))
            for field in fields:
                self._annotation(_ref(field), field.get_object(), page=0)
        except (KeyError, TypeError, AttributeError):
            pass

    def _walk(self, node: object, seen: set[generic.Reference]) -> None:
        ref = _ref(node)
        if ref is None or ref in seen or len(seen) > MAX_PAGES_WALKED:
            return
        seen.add(ref)
        value = node.get_object() if isinstance(node, generic.IndirectObject) else None
        if not isinstance(value, generic.DictionaryObject):
            return
        if entry(value, "/Type") == "/Pages" or "/Kids" in value:
            self.page_nodes.add(ref)
            kids = entry(value, "/Kids")
            for kid in kids if isinstance(kids, generic.ArrayObject) else []:
                self._walk(kid, seen)
            return
        number = len(self.pages) + 1
        self.pages[ref] = number
        for content in _refs(value.raw_get("/Contents") if "/Contents" in value else None):
            self.contents[content] = number
        annots = entry(value, "/Annots")
        if isinstance(annots, generic.ArrayObject):
            for item in annots:
                annotation = item.get_object() if isinstance(item, generic.IndirectObject) else item
                if isinstance(annotation, generic.DictionaryObject):
                    self._annotation(_ref(item), annotation, page=number)

    def _annotation(
        self, ref: generic.Reference | None, annotation: generic.DictionaryObject, page: int
    ) -> None:
        if ref is None:
            return
        known = self.annotations.get(ref)
        self.annotations[ref] = (page or (known[0] if known else 0), annotation)
        label = _annotation_label(annotation)
        appearance = entry(annotation, "/AP")
        if isinstance(appearance, generic.DictionaryObject):
            for key in ("/N", "/R", "/D"):
                if key not in appearance:
                    continue
                kind = appearance.raw_get(key)  # a stream, or a dictionary of states' streams
                for stream_ref in _refs(kind):
                    self.appearances[stream_ref] = label
                states = kind.get_object() if isinstance(kind, generic.IndirectObject) else kind
                if isinstance(states, generic.DictionaryObject):
                    for state in states:
                        for stream_ref in _refs(states.raw_get(state)):
                            self.appearances[stream_ref] = label


def _field_type(annotation: generic.DictionaryObject) -> str:
    node, depth = annotation, 0
    while isinstance(node, generic.DictionaryObject) and depth < 32:
        if "/FT" in node:
            return str(node["/FT"])
        parent = entry(node, "/Parent")
        if not isinstance(parent, generic.DictionaryObject):
            break
        node, depth = parent, depth + 1
    return ""


def _annotation_label(annotation: generic.DictionaryObject) -> str:
    kind = _field_type(annotation)
    name = _text(entry(annotation, "/T"))
    if kind == "/Sig":
        return f"签章域「{name}」"
    if kind:
        return f"表单域「{name}」"
    return f"注释（{_text(entry(annotation, '/Subtype')).lstrip('/') or '未知类型'}）"


def _validation_data(root: generic.DictionaryObject) -> set[generic.Reference]:
    """The Document Security Store's own objects: validation data later revisions may add."""
    if "/DSS" not in root:
        return set()
    found = set(_refs(root.raw_get("/DSS")))
    dss = root["/DSS"]
    if isinstance(dss, generic.DictionaryObject):
        for key in dss:
            found.update(_refs(dss.raw_get(key)))
        vri = entry(dss, "/VRI")
        if isinstance(vri, generic.DictionaryObject):
            for key in vri:
                found.update(_refs(vri.raw_get(key)))
    return found


def describe(
    reader: PdfFileReader,
    signed_revision: int,
    *,
    until: int | None = None,
    allowed: Iterable[generic.Reference] = (),
) -> list[str]:
    """What the revisions after `signed_revision` (up to `until`, by default the newest) changed,
    in words, skipping `allowed` objects (a later seal's own objects)."""
    skip = set(allowed)
    found: list[str] = []

    def say(phrase: str) -> None:
        if phrase not in found:
            found.append(phrase)

    info = reader.trailer_view.raw_get("/Info") if "/Info" in reader.trailer_view else None
    skip.update(_refs(info))  # document information (/ModDate, /Producer): no reader shows it
    if "/Metadata" in reader.root:  # the XMP copy of the same
        skip.update(_refs(reader.root.raw_get("/Metadata")))
    skip.update(_validation_data(reader.root))
    before = reader.get_historical_resolver(signed_revision)
    old = _Layout(before.root, reader.root_ref)
    new = _Layout(reader.root, reader.root_ref)
    last = reader.xrefs.total_revisions - 1 if until is None else until
    for revision in range(signed_revision + 1, last + 1):
        resolver = reader.get_historical_resolver(revision)
        for ref in reader.xrefs.explicit_refs_in_revision(revision):
            if ref in skip:
                continue
            try:
                value = resolver.get_object(ref)
            except Exception:
                say(OTHER)
                continue
            phrase = _place(ref, value, old, new, before)
            if phrase:
                say(phrase)
    # "「x」的外观" says nothing more once another phrase names what changed about 「x」.
    return [
        phrase
        for phrase in found
        if not (phrase.endswith("的外观") and any(o != phrase and phrase[:-3] in o for o in found))
    ]


def _place(ref, value, old: _Layout, new: _Layout, before) -> str | None:
    existed = _existed(before, ref)
    if ref in new.page_nodes or ref in old.page_nodes:
        return "页面（增加、删除或替换了页）"
    if ref in new.contents and new.contents[ref] not in old.pages.values():
        return None  # a new page's own content: named as 新增第N页
    if ref in new.contents or ref in old.contents:
        return f"第{new.contents.get(ref) or old.contents.get(ref)}页的页面内容"
    if ref in new.pages or ref in old.pages:
        return _page_change(ref, value, old, new, before)
    if ref == new.root_ref:
        return _catalog_change(value, before)
    if ref in new.annotations:
        page, annotation = new.annotations[ref]
        label = _annotation_label(annotation)
        where = f"第{page}页" if page else ""
        if not existed:
            if _field_type(annotation) == "/Sig" and "/V" not in annotation:
                return f"{where}新增未签名的{label}（其外观可遮盖文件内容）"
            return f"{where}新增{label}"
        return f"{label}的{_annotation_change(before, ref, annotation)}"
    if ref in new.appearances or ref in old.appearances:
        return f"{new.appearances.get(ref) or old.appearances.get(ref)}的外观"
    if ref in new.form or ref in old.form:
        return None  # the form's field list: a new field is named by its own object
    if isinstance(value, generic.DictionaryObject) and entry(value, "/Type") in ("/DSS", "/VRI"):
        return None
    if isinstance(value, generic.StreamObject) and not existed:
        return None  # a new stream nothing visible uses (or one named through its user)
    return OTHER if existed else None


def _existed(before, ref) -> bool:
    return not isinstance(_old(before, ref), generic.NullObject | None)


def _old(before, ref):
    """The object as the sealed revision had it; None where that revision cannot resolve it."""
    try:
        return before.get_object(ref)
    except Exception:
        return None


def _changed_keys(previous: generic.DictionaryObject, value: generic.DictionaryObject) -> set[str]:
    return {key for key in set(previous) | set(value) if _raw(previous, key) != _raw(value, key)}


def _page_change(ref, value, old: _Layout, new: _Layout, before) -> str | None:
    number = new.pages.get(ref) or old.pages.get(ref)
    if ref not in old.pages:
        return f"新增第{number}页"
    previous = _old(before, ref)
    if not isinstance(previous, generic.DictionaryObject) or not isinstance(value, generic.DictionaryObject):
        return f"第{number}页"
    changed = _changed_keys(previous, value)
    if "/Contents" in changed:
        return f"第{number}页的页面内容"
    if changed <= {"/Annots"}:
        return None  # named by the annotations themselves
    return f"第{number}页的页面属性（{'、'.join(sorted(k.lstrip('/') for k in changed - {'/Annots'}))}）"


def _raw(dictionary: generic.DictionaryObject, key: str) -> object:
    return dictionary.raw_get(key) if key in dictionary else None


def _catalog_change(value, before) -> str | None:
    previous = before.root
    if not isinstance(previous, generic.DictionaryObject) or not isinstance(value, generic.DictionaryObject):
        return "文件目录"
    changed = _changed_keys(previous, value)
    changed -= {"/DSS", "/AcroForm", "/Metadata"}
    if not changed:
        return None
    if "/Pages" in changed:
        return "文件目录（页面树被替换：显示的是另一组页面）"
    return f"文件目录（{'、'.join(sorted(k.lstrip('/') for k in changed))}）"


def _annotation_change(before, ref, annotation: generic.DictionaryObject) -> str:
    previous = _old(before, ref)
    if not isinstance(previous, generic.DictionaryObject):
        return "内容"
    changed = _changed_keys(previous, annotation)
    parts = []
    if "/V" in changed:
        parts.append("值")
    if "/AP" in changed or "/MK" in changed:
        parts.append("外观")
    if "/F" in changed:
        parts.append("显示属性（隐藏或显示）")
    if "/Rect" in changed:
        parts.append("位置")
    return "、".join(parts) or "属性"
