"""When a branch moves to another region, its records' copied region codes follow it.

The trigger sits on orgs_branch but is this app's: orgs knows nothing of members.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION members_follow_branch_move() RETURNS trigger AS $$
BEGIN
    UPDATE members_member SET region_code = NEW.region_id WHERE branch_id = NEW.id;
    UPDATE members_volunteerteam SET region_code = NEW.region_id WHERE branch_id = NEW.id;
    UPDATE members_volunteer SET region_code = NEW.region_id WHERE branch_id = NEW.id;
    UPDATE members_servicerecord s SET region_code = NEW.region_id
      FROM members_volunteer v WHERE s.volunteer_id = v.id AND v.branch_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER members_follow_branch_move
    AFTER UPDATE OF region_id ON orgs_branch
    FOR EACH ROW WHEN (OLD.region_id IS DISTINCT FROM NEW.region_id)
    EXECUTE FUNCTION members_follow_branch_move();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS members_follow_branch_move ON orgs_branch;
DROP FUNCTION IF EXISTS members_follow_branch_move();
"""


class Migration(migrations.Migration):
    dependencies = [("members", "0002_initial"), ("orgs", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
