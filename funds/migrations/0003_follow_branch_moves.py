"""When a branch moves to another region, its donations' copied region codes follow it.

The donation append-only trigger lets exactly this column change.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION funds_follow_branch_move() RETURNS trigger AS $$
BEGIN
    UPDATE funds_donation SET region_code = NEW.region_id WHERE branch_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER funds_follow_branch_move
    AFTER UPDATE OF region_id ON orgs_branch
    FOR EACH ROW WHEN (OLD.region_id IS DISTINCT FROM NEW.region_id)
    EXECUTE FUNCTION funds_follow_branch_move();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS funds_follow_branch_move ON orgs_branch;
DROP FUNCTION IF EXISTS funds_follow_branch_move();
"""


class Migration(migrations.Migration):
    dependencies = [("funds", "0002_initial"), ("orgs", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
