"""Files first, then the form: both forms with 电子件 (practitioner, 解绑申请) keep every accepted file
and name the refused one at its slot, whatever else is wrong (centers.views_people._bound_with_uploads)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from centers.models import UnbindRequest
from registry.models import Attachment
from registry.samples import pdf_bytes
from tests.centers.factories import center
from tests.centers.people_factories import bind_unit_key, make_agency, trust_all

pytestmark = pytest.mark.django_db


def test_unbind_a_refused_licence_is_named_and_the_letter_and_words_are_kept(tmp_path, password_client):
    account, _ = make_agency(center())
    bound = bind_unit_key(trust_all(tmp_path / "trust")["rsa"], account)
    response = password_client(account).post(
        "/centers/changde/unbind/new/",
        {
            "certificate": bound.pk,
            "reason": "lost",
            "explanation": "证书遗失",
            "letter__file": SimpleUploadedFile("解绑申请书.pdf", pdf_bytes("letter")),
            "licence__file": SimpleUploadedFile("营业执照.pdf", b"MZ not a pdf"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "文件“营业执照.pdf”不是PDF、JPG或PNG格式" in page
    assert "解绑申请书.pdf" in page and "证书遗失" in page
    assert Attachment.objects.filter(subject=account.subject, original_name="解绑申请书.pdf").count() == 1
    assert not UnbindRequest.objects.at(center()).exists()
