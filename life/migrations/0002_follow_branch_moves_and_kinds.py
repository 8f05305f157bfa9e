"""When a branch moves to another region, its activities' copied region codes follow it; and
the usual kinds of activity, set everywhere (operators add others and the requirements)."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION life_follow_branch_move() RETURNS trigger AS $$
BEGIN
    UPDATE life_activity SET region_code = NEW.region_id WHERE branch_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER life_follow_branch_move
    AFTER UPDATE OF region_id ON orgs_branch
    FOR EACH ROW WHEN (OLD.region_id IS DISTINCT FROM NEW.region_id)
    EXECUTE FUNCTION life_follow_branch_move();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS life_follow_branch_move ON orgs_branch;
DROP FUNCTION IF EXISTS life_follow_branch_move();
"""

KINDS = [
    ("理事会", "理事会（常务理事会）会议"),
    ("会员代表大会", "会员代表大会：换届、审议年度工作报告"),
    ("培训", "会员和志愿者的业务培训"),
    ("主题活动日", "每月一次的主题活动日"),
    ("服务活动", "面向群众的志愿服务活动"),
    ("应急救护培训", "面向群众的应急救护培训"),
]


def forward(apps, schema_editor):
    ActivityKind = apps.get_model("life", "ActivityKind")
    for name, description in KINDS:
        ActivityKind.objects.get_or_create(
            name=name, region=None, defaults={"description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("life", "0001_initial")]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
