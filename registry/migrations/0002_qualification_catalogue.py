"""Seed the qualification catalogue (资质目录) that 单位资质 chooses from (003 §4.2).

Staff can extend it in the admin; this is the common ground every installation starts with.
"""

from django.db import migrations

CATALOGUE = [
    ("建筑业企业资质（施工总承包）", "建筑工程施工总承包", ["特级", "一级", "二级", "三级"]),
    ("建筑业企业资质（施工总承包）", "公路工程施工总承包", ["特级", "一级", "二级", "三级"]),
    ("建筑业企业资质（施工总承包）", "水利水电工程施工总承包", ["特级", "一级", "二级", "三级"]),
    ("建筑业企业资质（施工总承包）", "市政公用工程施工总承包", ["特级", "一级", "二级", "三级"]),
    ("建筑业企业资质（施工总承包）", "电力工程施工总承包", ["特级", "一级", "二级", "三级"]),
    ("建筑业企业资质（施工总承包）", "机电工程施工总承包", ["特级", "一级", "二级", "三级"]),
    ("建筑业企业资质（专业承包）", "地基基础工程专业承包", ["一级", "二级", "三级"]),
    ("建筑业企业资质（专业承包）", "建筑装修装饰工程专业承包", ["一级", "二级"]),
    ("建筑业企业资质（专业承包）", "建筑机电安装工程专业承包", ["一级", "二级", "三级"]),
    ("建筑业企业资质（专业承包）", "消防设施工程专业承包", ["一级", "二级"]),
    ("建筑业企业资质（专业承包）", "环保工程专业承包", ["一级", "二级", "三级"]),
    ("建筑业企业资质（专业承包）", "城市及道路照明工程专业承包", ["一级", "二级", "三级"]),
    ("建筑业企业资质（施工劳务）", "施工劳务", ["不分等级"]),
    ("工程监理资质", "综合资质", ["不分等级"]),
    ("工程监理资质", "房屋建筑工程监理", ["甲级", "乙级", "丙级"]),
    ("工程监理资质", "市政公用工程监理", ["甲级", "乙级", "丙级"]),
    ("工程监理资质", "公路工程监理", ["甲级", "乙级", "丙级"]),
    ("工程勘察资质", "工程勘察综合资质", ["甲级"]),
    ("工程勘察资质", "岩土工程勘察", ["甲级", "乙级"]),
    ("工程设计资质", "建筑行业（建筑工程）设计", ["甲级", "乙级"]),
    ("工程设计资质", "市政行业设计", ["甲级", "乙级"]),
    ("安全生产许可证", "建筑施工企业安全生产许可证", []),
    ("其他资质", "其他行业资质", []),
]


def seed(apps, schema_editor):
    QualificationType = apps.get_model("registry", "QualificationType")
    for sort, (attribute, name, grades) in enumerate(CATALOGUE, start=1):
        QualificationType.objects.update_or_create(
            attribute=attribute, name=name, defaults={"grades": grades, "sort": sort}
        )


def unseed(apps, schema_editor):
    QualificationType = apps.get_model("registry", "QualificationType")
    for attribute, name, _ in CATALOGUE:
        QualificationType.objects.filter(attribute=attribute, name=name).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
