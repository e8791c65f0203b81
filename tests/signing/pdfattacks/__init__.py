"""Attack files against PDF signature verifiers, built from the published attack classes.

The classes follow the public research on PDF signatures (Mladenov, Mainka et al., "1 Trillion
Dollar Refund" 2019 and "Shadow Attacks" 2021, "Breaking the Specification: PDF Certification"
2021): incremental saving (ISA), signature wrapping (SWA), universal signature forgery (USF),
shadow hide / replace / hide-and-replace, evil annotations and sneaky signatures (EAA, SSA), plus
the file-level abuses a public upload page meets (bytes after %%EOF, many fields on one signature,
encryption, broken cross-references).

Every builder takes a `Kit`: a genuine sealed PDF, and a `seal` function that seals any PDF with
a trusted key and the platform's TSA, exactly as the platform seals (signing.pdfsign). Attacks are
what an outsider without any key can do to such files, or (shadow attacks) what the author of a
document prepared before handing it to the signer. The suite in test_pdf_attacks.py runs every
file through the platform's verifier, pyHanko's and poppler's pdfsig; bench/seals.py times them.

One module per class: `incremental` (ISA), `forgery` (SWA, USF), `shadow`, `annotations` (EAA,
SSA), `malformed` (file-level abuse); `kit` holds what they are built with and `genuine` the files
that must pass. ATTACKS below lists every attack with the verdict the platform must give it.
"""

from __future__ import annotations

from .annotations import (
    eaa_free_text,
    eaa_stamp,
    overlay_new_text_field,
    seal_appearance_replaced,
    ssa_unsigned_signature_field,
)
from .forgery import (
    swa_byte_range_moved,
    swa_contents_padded,
    usf_byte_range_null,
    usf_byte_range_removed,
    usf_byte_range_zero,
    usf_contents_empty,
    usf_contents_removed,
    usf_signature_transplanted,
)
from .incremental import (
    bytes_after_eof,
    isa_body_then_eof,
    isa_body_without_xref,
    isa_content_added,
    isa_contents_replaced,
    isa_page_added,
)
from .kit import Attack
from .malformed import (
    encrypted,
    later_revision_malformed,
    many_fields_one_signature,
    many_revisions,
    shared_signature,
    signature_dictionary_broken,
    xref_cycle,
)
from .shadow import shadow_hide, shadow_hide_and_replace, shadow_replace_field, shadow_replace_xref_only

ATTACKS = [
    Attack("isa-content-added", "incremental saving", isa_content_added, "later", "第1页的页面内容"),
    Attack("isa-contents-replaced", "incremental saving", isa_contents_replaced, "later", "第1页的页面内容"),
    Attack("isa-page-added", "incremental saving", isa_page_added, "later", "新增第2页"),
    Attack("isa-body-without-xref", "incremental saving", isa_body_without_xref, "later", "文件末尾"),
    Attack("isa-body-then-eof", "incremental saving", isa_body_then_eof, "later", "签章之后追加的修订已损坏"),
    Attack("bytes-after-eof", "incremental saving", bytes_after_eof, "later", "追加了"),
    Attack("swa-byte-range-moved", "signature wrapping", swa_byte_range_moved, "refused", "交叉引用表"),
    Attack("swa-contents-padded", "signature wrapping", swa_contents_padded, "invalid", "签章未覆盖"),
    Attack(
        "usf-contents-removed", "universal signature forgery", usf_contents_removed, "invalid", "/Contents"
    ),
    Attack(
        "usf-contents-empty", "universal signature forgery", usf_contents_empty, "invalid", "签名数据的结构"
    ),
    Attack(
        "usf-byte-range-removed",
        "universal signature forgery",
        usf_byte_range_removed,
        "invalid",
        "/ByteRange",
    ),
    Attack(
        "usf-byte-range-null", "universal signature forgery", usf_byte_range_null, "invalid", "/ByteRange"
    ),
    Attack(
        "usf-byte-range-zero", "universal signature forgery", usf_byte_range_zero, "invalid", "签章未覆盖"
    ),
    Attack(
        "usf-signature-transplanted",
        "universal signature forgery",
        usf_signature_transplanted,
        "invalid",
        "已被修改",
    ),
    Attack("shadow-hide", "shadow hide", shadow_hide, "later", "表单域「cover」的显示属性"),
    Attack("shadow-replace-field", "shadow replace", shadow_replace_field, "later", "表单域「amount」的值"),
    Attack(
        "shadow-replace-xref-only", "shadow replace", shadow_replace_xref_only, "later", "第1页的页面内容"
    ),
    Attack(
        "shadow-hide-and-replace", "shadow hide-and-replace", shadow_hide_and_replace, "later", "页面树被替换"
    ),
    Attack("eaa-free-text", "evil annotation", eaa_free_text, "later", "第1页新增注释（FreeText）"),
    Attack("eaa-stamp", "evil annotation", eaa_stamp, "later", "第1页新增注释（Stamp）"),
    Attack(
        "overlay-new-text-field",
        "evil annotation",
        overlay_new_text_field,
        "later",
        "第1页新增表单域「overlay」",
    ),
    Attack(
        "ssa-unsigned-signature-field",
        "sneaky signature",
        ssa_unsigned_signature_field,
        "later",
        "第1页新增未签名的签章域「sneaky」",
    ),
    Attack("seal-appearance-replaced", "shadow replace", seal_appearance_replaced, "later", "」的外观"),
    Attack(
        "many-fields-one-signature", "denial of service", many_fields_one_signature, "refused", "个签章，超过"
    ),
    Attack("shared-signature", "denial of service", shared_signature, "refused", "指向同一个签名"),
    Attack("many-revisions", "denial of service", many_revisions, "refused", "增量保存了"),
    Attack(
        "later-revision-malformed", "malformed", later_revision_malformed, "later", "签章之后追加的修订已损坏"
    ),
    Attack("xref-cycle", "malformed", xref_cycle, "later", "循环引用"),
    Attack("encrypted", "malformed", encrypted, "refused", "已加密"),
    Attack(
        "signature-dictionary-broken", "malformed", signature_dictionary_broken, "invalid", "不是签名字典"
    ),
]
