# Written by manage.py summary_triggers: the members summary triggers as the declarations
# (core.summaries) generated them. Frozen text: later changes come in new migrations.

from django.db import migrations

FORWARD = """\
LOCK TABLE members_member, members_membersummary, members_memberyearsummary, members_servicehourssummary, members_servicerecord, members_volunteer IN SHARE ROW EXCLUSIVE MODE;
CREATE OR REPLACE FUNCTION members_member_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO members_membersummary AS s (region_code, members, volunteers)
    SELECT left(region_code, 9), sum(sign), 0
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     WHERE left_on IS NULL
     GROUP BY 1
    HAVING ROW(sum(sign)) <> ROW(0)
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET members = s.members + excluded.members;

    INSERT INTO members_memberyearsummary AS s (region_code, year, joined, departed)
    SELECT left(region_code, 9), extract(year FROM CASE WHEN e.on_joining THEN joined_on ELSE left_on END)::int, sum(sign * (e.on_joining::int)), sum(sign * ((NOT e.on_joining)::int))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c CROSS JOIN (VALUES (true), (false)) e(on_joining)
     WHERE e.on_joining OR left_on IS NOT NULL
     GROUP BY 1, 2
    HAVING ROW(sum(sign * (e.on_joining::int)), sum(sign * ((NOT e.on_joining)::int))) <> ROW(0, 0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET joined = s.joined + excluded.joined, departed = s.departed + excluded.departed;

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_code, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO members_membersummary AS s (region_code, members, volunteers)
    SELECT left(region_code, 9), sum(sign), 0
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE left_on IS NULL
     GROUP BY 1
    HAVING ROW(sum(sign)) <> ROW(0)
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET members = s.members + excluded.members;

    INSERT INTO members_memberyearsummary AS s (region_code, year, joined, departed)
    SELECT left(region_code, 9), extract(year FROM CASE WHEN e.on_joining THEN joined_on ELSE left_on END)::int, sum(sign * (e.on_joining::int)), sum(sign * ((NOT e.on_joining)::int))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c CROSS JOIN (VALUES (true), (false)) e(on_joining)
     WHERE e.on_joining OR left_on IS NOT NULL
     GROUP BY 1, 2
    HAVING ROW(sum(sign * (e.on_joining::int)), sum(sign * ((NOT e.on_joining)::int))) <> ROW(0, 0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET joined = s.joined + excluded.joined, departed = s.departed + excluded.departed;

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_code, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO members_membersummary AS s (region_code, members, volunteers)
    SELECT left(region_code, 9), sum(sign), 0
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE left_on IS NULL
     GROUP BY 1
    HAVING ROW(sum(sign)) <> ROW(0)
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET members = s.members + excluded.members;

    INSERT INTO members_memberyearsummary AS s (region_code, year, joined, departed)
    SELECT left(region_code, 9), extract(year FROM CASE WHEN e.on_joining THEN joined_on ELSE left_on END)::int, sum(sign * (e.on_joining::int)), sum(sign * ((NOT e.on_joining)::int))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c CROSS JOIN (VALUES (true), (false)) e(on_joining)
     WHERE e.on_joining OR left_on IS NOT NULL
     GROUP BY 1, 2
    HAVING ROW(sum(sign * (e.on_joining::int)), sum(sign * ((NOT e.on_joining)::int))) <> ROW(0, 0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET joined = s.joined + excluded.joined, departed = s.departed + excluded.departed;

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_code, 9), count(*), statement_timestamp()
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    END IF;
    RETURN NULL;
END;
$$;
CREATE OR REPLACE FUNCTION members_memberyearsummary_to_county() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO members_countymemberyearsummary AS s (region_code, year, joined, departed)
    SELECT left(region_code, 6), year, sum(sign * (joined)), sum(sign * (departed))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1, 2
    HAVING ROW(sum(sign * (joined)), sum(sign * (departed))) <> ROW(0, 0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET joined = s.joined + excluded.joined, departed = s.departed + excluded.departed;

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO members_countymemberyearsummary AS s (region_code, year, joined, departed)
    SELECT left(region_code, 6), year, sum(sign * (joined)), sum(sign * (departed))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2
    HAVING ROW(sum(sign * (joined)), sum(sign * (departed))) <> ROW(0, 0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET joined = s.joined + excluded.joined, departed = s.departed + excluded.departed;

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO members_countymemberyearsummary AS s (region_code, year, joined, departed)
    SELECT left(region_code, 6), year, sum(sign * (joined)), sum(sign * (departed))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2
    HAVING ROW(sum(sign * (joined)), sum(sign * (departed))) <> ROW(0, 0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET joined = s.joined + excluded.joined, departed = s.departed + excluded.departed;

    END IF;
    RETURN NULL;
END;
$$;
DROP TRIGGER IF EXISTS members_memberyearsummary_to_county_insert ON members_memberyearsummary;
CREATE TRIGGER members_memberyearsummary_to_county_insert AFTER INSERT ON members_memberyearsummary REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_memberyearsummary_to_county();
DROP TRIGGER IF EXISTS members_memberyearsummary_to_county_update ON members_memberyearsummary;
CREATE TRIGGER members_memberyearsummary_to_county_update AFTER UPDATE ON members_memberyearsummary REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_memberyearsummary_to_county();
DROP TRIGGER IF EXISTS members_memberyearsummary_to_county_delete ON members_memberyearsummary;
CREATE TRIGGER members_memberyearsummary_to_county_delete AFTER DELETE ON members_memberyearsummary REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION members_memberyearsummary_to_county();
INSERT INTO members_memberyearsummary (region_code, year, joined, departed)
SELECT region_code, year, joined, departed FROM (SELECT left(region_code, 9) AS region_code, extract(year FROM CASE WHEN e.on_joining THEN joined_on ELSE left_on END)::int AS year, (sum(e.on_joining::int))::integer AS joined, (sum((NOT e.on_joining)::int))::integer AS departed
  FROM members_member c CROSS JOIN (VALUES (true), (false)) e(on_joining)
 WHERE e.on_joining OR left_on IS NOT NULL
 GROUP BY 1, 2) r
 WHERE NOT EXISTS (SELECT 1 FROM members_memberyearsummary);
CREATE STATISTICS IF NOT EXISTS members_memberyearsummary_prefixes ON (left(region_code, 2)), (left(region_code, 4)), (left(region_code, 6)) FROM members_memberyearsummary;
INSERT INTO members_countymemberyearsummary (region_code, year, joined, departed)
SELECT region_code, year, joined, departed FROM (SELECT left(region_code, 6) AS region_code, year, (sum(joined))::integer AS joined, (sum(departed))::integer AS departed
  FROM (SELECT left(region_code, 9) AS region_code, extract(year FROM CASE WHEN e.on_joining THEN joined_on ELSE left_on END)::int AS year, (sum(e.on_joining::int))::integer AS joined, (sum((NOT e.on_joining)::int))::integer AS departed
  FROM members_member c CROSS JOIN (VALUES (true), (false)) e(on_joining)
 WHERE e.on_joining OR left_on IS NOT NULL
 GROUP BY 1, 2) c
 WHERE TRUE
 GROUP BY 1, 2) r
 WHERE NOT EXISTS (SELECT 1 FROM members_countymemberyearsummary);
CREATE STATISTICS IF NOT EXISTS members_countymemberyearsummary_prefixes ON (left(region_code, 2)), (left(region_code, 4)) FROM members_countymemberyearsummary;
"""

BACKWARD = """\
TRUNCATE members_countymemberyearsummary;
DROP STATISTICS IF EXISTS members_countymemberyearsummary_prefixes;
TRUNCATE members_memberyearsummary;
DROP STATISTICS IF EXISTS members_memberyearsummary_prefixes;
DROP TRIGGER IF EXISTS members_memberyearsummary_to_county_delete ON members_memberyearsummary;
DROP TRIGGER IF EXISTS members_memberyearsummary_to_county_update ON members_memberyearsummary;
DROP TRIGGER IF EXISTS members_memberyearsummary_to_county_insert ON members_memberyearsummary;
DROP FUNCTION IF EXISTS members_memberyearsummary_to_county();
CREATE OR REPLACE FUNCTION public.members_member_summarize()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO members_membersummary AS s (region_code, members, volunteers)
    SELECT left(region_code, 9), sum(sign), 0
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     WHERE left_on IS NULL
     GROUP BY 1
    HAVING ROW(sum(sign)) <> ROW(0)
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET members = s.members + excluded.members;

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_code, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO members_membersummary AS s (region_code, members, volunteers)
    SELECT left(region_code, 9), sum(sign), 0
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE left_on IS NULL
     GROUP BY 1
    HAVING ROW(sum(sign)) <> ROW(0)
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET members = s.members + excluded.members;

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_code, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO members_membersummary AS s (region_code, members, volunteers)
    SELECT left(region_code, 9), sum(sign), 0
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE left_on IS NULL
     GROUP BY 1
    HAVING ROW(sum(sign)) <> ROW(0)
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET members = s.members + excluded.members;

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_code, 9), count(*), statement_timestamp()
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    END IF;
    RETURN NULL;
END;
$function$
;
"""


class Migration(migrations.Migration):
    dependencies = [('members', '0010_member_year_summaries')]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
