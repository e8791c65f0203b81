"""Sample content for demo data, tests and benchmarks: small real files (a one-page PDF, a
PNG) and a complete unit basic information."""

import io
from typing import Any

from PIL import Image, ImageDraw


def png_bytes(text: str = "ggzy", size: tuple[int, int] = (240, 150)) -> bytes:
    image = Image.new("RGB", size, (235, 242, 250))
    ImageDraw.Draw(image).text((12, 12), text, fill=(20, 60, 120))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes(text: str = "ggzy demo") -> bytes:
    """A valid one-page PDF with correct cross-reference offsets."""
    content = f"BT /F1 18 Tf 40 100 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


# Everything 「提交」 requires of a unit's basic information, but the name and the scans.
UNIT_BASIC_TEXT: dict[str, Any] = {
    "entity_type": "enterprise",
    "roles": ["bidder"],
    "established_on": "2015-06-01",
    "business_term": "长期",
    "registered_capital": "1000",
    "legal_rep_name": "王五",
    "legal_rep_id_number": "11010519491231002X",
    "legal_rep_phone": "13800138000",
    "region": "430405",
    "registered_address": "衡阳市珠晖区测试路1号",
    "office_address": "",
    "postcode": "",
    "business_scope": "建筑工程施工",
    "introduction": "",
    "contact_name": "李四",
    "contact_phone": "13900139000",
    "contact_email": "contact@example.com",
    "bank_name": "中国银行衡阳分行",
    "bank_account": "6217000000000000",
}


def unit_basic(
    *, name: str, licence: dict[str, Any] | None, id_scan: dict[str, Any] | None, **overrides: Any
) -> dict[str, Any]:
    """A complete unit basic information: the scans are attachment references (or None)."""
    data = {
        "name": name,
        **UNIT_BASIC_TEXT,
        "bank_account_name": name,
        "licence_scan": licence,
        "legal_rep_id_scan": id_scan,
        "bank_permit_scan": None,
    }
    data.update(overrides)
    return data
