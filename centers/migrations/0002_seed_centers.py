"""The three centers of the manuals, as data (an administrator may change them in the admin)."""

from django.db import migrations

CENTERS = [
    {
        "code": "changde",
        "name": "常德市公共资源交易中心",
        "short_name": "常德",
        "source": "registry",
        "profile_rule": "on_commitment",  # 000 §7: sealed commitment, then approved automatically
        "review_department": "信息技术部",
        "review_working_days": 1,
        "accepted_issuers": [],
        "phone": "0736-7256317",
        "sort": 1,
    },
    {
        "code": "hengyang",
        "name": "衡阳市公共资源交易中心",
        "short_name": "衡阳",
        "source": "registry",
        "profile_rule": "bidders_auto",  # 001 §2.2: bidders at once, agencies by 市场主体科
        "review_department": "市场主体科",
        "review_working_days": 1,
        "accepted_issuers": [],
        "phone": "0734-8846545",
        "sort": 2,
    },
    {
        "code": "fengtai",
        "name": "北京市丰台区公共资源交易中心",
        "short_name": "丰台",
        "source": "own",
        "profile_rule": "reviewed",  # 002 §3: reviewed within one working day
        "review_department": "政府采购科",
        "review_working_days": 1,
        # 002 §2: 北京一证通, 北京CA and 颐信CA. A deployment lists its own issuers' slugs here; the
        # demo trusts three demo CAs standing in for them.
        "accepted_issuers": ["demo-rsa", "demo-p256", "demo-sm2"],
        "phone": "87017123",
        "sort": 3,
    },
]


def seed(apps, schema_editor):
    Center = apps.get_model("centers", "Center")
    for row in CENTERS:
        Center.objects.update_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("centers", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
