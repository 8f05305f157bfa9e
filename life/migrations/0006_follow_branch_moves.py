"""When a branch moves to another region, the copied region codes of all its branch-life
records follow it: its activities, as before, and now its rectification cases and its
evaluations."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION life_follow_branch_move() RETURNS trigger AS $$
BEGIN
    UPDATE life_activity SET region_code = NEW.region_id WHERE branch_id = NEW.id;{more}
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

MORE = """
    UPDATE life_rectificationcase SET region_code = NEW.region_id WHERE branch_id = NEW.id;
    UPDATE life_evaluation SET region_code = NEW.region_id WHERE branch_id = NEW.id;"""


class Migration(migrations.Migration):
    dependencies = [("life", "0005_evaluation")]

    operations = [
        migrations.RunSQL(FUNCTION.format(more=MORE), FUNCTION.format(more="")),
    ]
