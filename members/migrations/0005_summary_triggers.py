"""Triggers that keep the members summaries exact, and the summaries' first fill.

Statement-level triggers with transition tables: one
delta upsert per township row, in key order, for every INSERT, UPDATE, DELETE or COPY; a
branch move (the copied region_code updated) subtracts at the old key and adds at the new.
"""

from django.db import migrations

# The SQL below is frozen text: what the summary declarations generated when this
# migration was written. Later changes to the triggers come in new migrations.

TRIGGERS = """\
CREATE FUNCTION members_member_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO members_membersummary AS s (region_code, members, volunteers)
    SELECT left(region_code, 9), sum(sign), 0 FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     WHERE left_on IS NULL
     GROUP BY 1 HAVING sum(sign) <> 0 ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE SET members = s.members + excluded.members;

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO members_membersummary AS s (region_code, members, volunteers)
    SELECT left(region_code, 9), sum(sign), 0 FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE left_on IS NULL
     GROUP BY 1 HAVING sum(sign) <> 0 ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE SET members = s.members + excluded.members;

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO members_membersummary AS s (region_code, members, volunteers)
    SELECT left(region_code, 9), sum(sign), 0 FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE left_on IS NULL
     GROUP BY 1 HAVING sum(sign) <> 0 ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE SET members = s.members + excluded.members;

    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER members_member_summarize_insert AFTER INSERT ON members_member REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_member_summarize();
CREATE TRIGGER members_member_summarize_update AFTER UPDATE ON members_member REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_member_summarize();
CREATE TRIGGER members_member_summarize_delete AFTER DELETE ON members_member REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION members_member_summarize();
CREATE FUNCTION members_volunteer_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO members_membersummary AS s (region_code, members, volunteers)
    SELECT left(region_code, 9), 0, sum(sign) FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     WHERE status = 'active'
     GROUP BY 1 HAVING sum(sign) <> 0 ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE SET volunteers = s.volunteers + excluded.volunteers;

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO members_membersummary AS s (region_code, members, volunteers)
    SELECT left(region_code, 9), 0, sum(sign) FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE status = 'active'
     GROUP BY 1 HAVING sum(sign) <> 0 ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE SET volunteers = s.volunteers + excluded.volunteers;

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO members_membersummary AS s (region_code, members, volunteers)
    SELECT left(region_code, 9), 0, sum(sign) FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE status = 'active'
     GROUP BY 1 HAVING sum(sign) <> 0 ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE SET volunteers = s.volunteers + excluded.volunteers;

    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER members_volunteer_summarize_insert AFTER INSERT ON members_volunteer REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_volunteer_summarize();
CREATE TRIGGER members_volunteer_summarize_update AFTER UPDATE ON members_volunteer REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_volunteer_summarize();
CREATE TRIGGER members_volunteer_summarize_delete AFTER DELETE ON members_volunteer REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION members_volunteer_summarize();
CREATE FUNCTION members_servicerecord_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO members_servicehourssummary AS s (region_code, year, hours)
    SELECT left(region_code, 9), extract(year FROM served_on)::int, sum(sign * hours)
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     WHERE status = 'approved'
     GROUP BY 1, 2 HAVING sum(sign * hours) <> 0 ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE SET hours = s.hours + excluded.hours;

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO members_servicehourssummary AS s (region_code, year, hours)
    SELECT left(region_code, 9), extract(year FROM served_on)::int, sum(sign * hours)
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE status = 'approved'
     GROUP BY 1, 2 HAVING sum(sign * hours) <> 0 ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE SET hours = s.hours + excluded.hours;

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO members_servicehourssummary AS s (region_code, year, hours)
    SELECT left(region_code, 9), extract(year FROM served_on)::int, sum(sign * hours)
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE status = 'approved'
     GROUP BY 1, 2 HAVING sum(sign * hours) <> 0 ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE SET hours = s.hours + excluded.hours;

    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER members_servicerecord_summarize_insert AFTER INSERT ON members_servicerecord REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_servicerecord_summarize();
CREATE TRIGGER members_servicerecord_summarize_update AFTER UPDATE ON members_servicerecord REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_servicerecord_summarize();
CREATE TRIGGER members_servicerecord_summarize_delete AFTER DELETE ON members_servicerecord REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION members_servicerecord_summarize();
"""

FILL = """
INSERT INTO members_membersummary (region_code, members, volunteers)
SELECT region_code, sum(members), sum(volunteers) FROM (
    SELECT left(region_code, 9) AS region_code, count(*) AS members, 0 AS volunteers
      FROM members_member WHERE left_on IS NULL GROUP BY 1
    UNION ALL
    SELECT left(region_code, 9), 0, count(*)
      FROM members_volunteer WHERE status = 'active' GROUP BY 1
) counts GROUP BY 1;
INSERT INTO members_servicehourssummary (region_code, year, hours)
SELECT left(region_code, 9), extract(year FROM served_on)::int, sum(hours)
  FROM members_servicerecord WHERE status = 'approved' GROUP BY 1, 2;
"""

# Rollups group these rows by left(region_code, n): estimates of those groups.
STATISTICS = """
CREATE STATISTICS members_membersummary_prefixes
    ON (left(region_code, 2)), (left(region_code, 4)), (left(region_code, 6))
  FROM members_membersummary;
CREATE STATISTICS members_servicehourssummary_prefixes
    ON (left(region_code, 2)), (left(region_code, 4)), (left(region_code, 6))
  FROM members_servicehourssummary;
"""

FORWARD = TRIGGERS + FILL + STATISTICS

BACKWARD = """\
TRUNCATE members_membersummary, members_servicehourssummary;
DROP STATISTICS IF EXISTS members_membersummary_prefixes, members_servicehourssummary_prefixes;
DROP TRIGGER IF EXISTS members_member_summarize_insert ON members_member;
DROP TRIGGER IF EXISTS members_member_summarize_update ON members_member;
DROP TRIGGER IF EXISTS members_member_summarize_delete ON members_member;
DROP FUNCTION IF EXISTS members_member_summarize();
DROP TRIGGER IF EXISTS members_volunteer_summarize_insert ON members_volunteer;
DROP TRIGGER IF EXISTS members_volunteer_summarize_update ON members_volunteer;
DROP TRIGGER IF EXISTS members_volunteer_summarize_delete ON members_volunteer;
DROP FUNCTION IF EXISTS members_volunteer_summarize();
DROP TRIGGER IF EXISTS members_servicerecord_summarize_insert ON members_servicerecord;
DROP TRIGGER IF EXISTS members_servicerecord_summarize_update ON members_servicerecord;
DROP TRIGGER IF EXISTS members_servicerecord_summarize_delete ON members_servicerecord;
DROP FUNCTION IF EXISTS members_servicerecord_summarize();
"""


class Migration(migrations.Migration):
    dependencies = [("members", "0004_summaries")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
