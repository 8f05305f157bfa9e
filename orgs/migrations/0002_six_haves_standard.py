"""The default standard: the "six haves" (六有) of DOMAIN.md, editable by operators."""

from django.db import migrations

ITEMS = [
    ("有热心红十字事业的带头人", "a leader devoted to the cause"),
    ("有稳定的会员和志愿者队伍", "a stable membership and volunteer team"),
    ("有规范的管理制度", "written management rules"),
    ("有服务群众的固定平台", "a stable platform serving the public"),
    ("有必要的经费、设备和物资保障", "the funding, equipment and materials it needs"),
    ("有特色鲜明的活动", "characteristic activities"),
]


def forward(apps, schema_editor):
    Standard = apps.get_model("orgs", "Standard")
    StandardItem = apps.get_model("orgs", "StandardItem")
    standard, _ = Standard.objects.get_or_create(
        code="six-haves",
        defaults={
            "name": "六有",
            "description": "基层红十字会“六有”建设标准",
            "is_default": True,
        },
    )
    for number, (title, description) in enumerate(ITEMS, start=1):
        StandardItem.objects.get_or_create(
            standard=standard, number=number, defaults={"title": title, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
