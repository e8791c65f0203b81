"""What units read on the center pages: no manual references, the one password rule."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from registry import passwords
from tests import pkiparts
from tests.centers.test_fengtai import DETAILS, prove
from tests.factories import make_unit, new_uscc

pytestmark = pytest.mark.django_db

# How the engineers cite the manuals (「常德手册 第5节 情况2」, 「003 §4」): fine in code comments,
# meaningless to a unit.
MANUAL_REFERENCE = re.compile(r"手册|第\d+节|情况\d|\d{3} ?§")
COMMENTS = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)


def test_the_centers_overview_cites_no_manual(password_client):
    page = password_client(make_unit(name="衡阳措辞建设有限公司")).get("/centers/").content.decode()
    assert "重新同步" in page
    assert not MANUAL_REFERENCE.search(page)


def test_no_template_shows_a_manual_reference():
    root = Path(settings.BASE_DIR) / "templates"
    found = [
        f"{path.relative_to(root)}: {match.group()}"
        for path in sorted(root.rglob("*.html"))
        for match in MANUAL_REFERENCE.finditer(COMMENTS.sub("", path.read_text()))
    ]
    assert found == []


def test_the_centers_registration_shows_the_registrys_one_password_rule(client, trusted):
    key = pkiparts.holder(trusted["demo-p256"], name="北京措辞供应链有限公司", code=new_uscc())
    assert prove(client, key)["ok"] is True
    page = client.get(DETAILS).content.decode()
    assert page.count(passwords.PASSWORD_RULE) == 1
    assert "不能与名称相近或过于常见" not in page  # the old words, which the rule did not keep
