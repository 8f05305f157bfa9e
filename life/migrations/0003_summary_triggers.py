# Written by manage.py summary_triggers: the life summary triggers as the declarations
# (core.summaries) generated them. Frozen text: later changes come in new migrations.

from django.db import migrations

FORWARD = """\
LOCK TABLE life_activity IN SHARE ROW EXCLUSIVE MODE;
CREATE OR REPLACE FUNCTION life_activity_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO life_activitysummary AS s (region_code, year, activities, on_time)
    SELECT left(region_code, 9), extract(year FROM held_on)::int, sum(sign), sum(sign * (CASE WHEN late THEN 0 ELSE 1 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1, 2
    HAVING ROW(sum(sign), sum(sign * (CASE WHEN late THEN 0 ELSE 1 END))) <> ROW(0, 0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET activities = s.activities + excluded.activities, on_time = s.on_time + excluded.on_time;

    INSERT INTO life_countyactivitysummary AS s (region_code, year, activities, on_time)
    SELECT left(region_code, 6), extract(year FROM held_on)::int, sum(sign), sum(sign * (CASE WHEN late THEN 0 ELSE 1 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1, 2
    HAVING ROW(sum(sign), sum(sign * (CASE WHEN late THEN 0 ELSE 1 END))) <> ROW(0, 0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET activities = s.activities + excluded.activities, on_time = s.on_time + excluded.on_time;

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_code, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO life_activitysummary AS s (region_code, year, activities, on_time)
    SELECT left(region_code, 9), extract(year FROM held_on)::int, sum(sign), sum(sign * (CASE WHEN late THEN 0 ELSE 1 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2
    HAVING ROW(sum(sign), sum(sign * (CASE WHEN late THEN 0 ELSE 1 END))) <> ROW(0, 0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET activities = s.activities + excluded.activities, on_time = s.on_time + excluded.on_time;

    INSERT INTO life_countyactivitysummary AS s (region_code, year, activities, on_time)
    SELECT left(region_code, 6), extract(year FROM held_on)::int, sum(sign), sum(sign * (CASE WHEN late THEN 0 ELSE 1 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2
    HAVING ROW(sum(sign), sum(sign * (CASE WHEN late THEN 0 ELSE 1 END))) <> ROW(0, 0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET activities = s.activities + excluded.activities, on_time = s.on_time + excluded.on_time;

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_code, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO life_activitysummary AS s (region_code, year, activities, on_time)
    SELECT left(region_code, 9), extract(year FROM held_on)::int, sum(sign), sum(sign * (CASE WHEN late THEN 0 ELSE 1 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2
    HAVING ROW(sum(sign), sum(sign * (CASE WHEN late THEN 0 ELSE 1 END))) <> ROW(0, 0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET activities = s.activities + excluded.activities, on_time = s.on_time + excluded.on_time;

    INSERT INTO life_countyactivitysummary AS s (region_code, year, activities, on_time)
    SELECT left(region_code, 6), extract(year FROM held_on)::int, sum(sign), sum(sign * (CASE WHEN late THEN 0 ELSE 1 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2
    HAVING ROW(sum(sign), sum(sign * (CASE WHEN late THEN 0 ELSE 1 END))) <> ROW(0, 0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET activities = s.activities + excluded.activities, on_time = s.on_time + excluded.on_time;

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
DROP TRIGGER IF EXISTS life_activity_summarize_insert ON life_activity;
CREATE TRIGGER life_activity_summarize_insert AFTER INSERT ON life_activity REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION life_activity_summarize();
DROP TRIGGER IF EXISTS life_activity_summarize_update ON life_activity;
CREATE TRIGGER life_activity_summarize_update AFTER UPDATE ON life_activity REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION life_activity_summarize();
DROP TRIGGER IF EXISTS life_activity_summarize_delete ON life_activity;
CREATE TRIGGER life_activity_summarize_delete AFTER DELETE ON life_activity REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION life_activity_summarize();
INSERT INTO life_activitysummary (activities, on_time, region_code, year)
SELECT activities, on_time, region_code, year FROM (SELECT left(region_code, 9) AS region_code, extract(year FROM held_on)::int AS year, (count(*))::integer AS activities, (sum(CASE WHEN late THEN 0 ELSE 1 END))::integer AS on_time
  FROM life_activity c
 WHERE TRUE
 GROUP BY 1, 2) r
 WHERE NOT EXISTS (SELECT 1 FROM life_activitysummary);
CREATE STATISTICS IF NOT EXISTS life_activitysummary_prefixes ON (left(region_code, 2)), (left(region_code, 4)), (left(region_code, 6)) FROM life_activitysummary;
INSERT INTO life_countyactivitysummary (activities, on_time, region_code, year)
SELECT activities, on_time, region_code, year FROM (SELECT left(region_code, 6) AS region_code, extract(year FROM held_on)::int AS year, (count(*))::integer AS activities, (sum(CASE WHEN late THEN 0 ELSE 1 END))::integer AS on_time
  FROM life_activity c
 WHERE TRUE
 GROUP BY 1, 2) r
 WHERE NOT EXISTS (SELECT 1 FROM life_countyactivitysummary);
CREATE STATISTICS IF NOT EXISTS life_countyactivitysummary_prefixes ON (left(region_code, 2)), (left(region_code, 4)) FROM life_countyactivitysummary;
"""

BACKWARD = """\
TRUNCATE life_countyactivitysummary;
DROP STATISTICS IF EXISTS life_countyactivitysummary_prefixes;
TRUNCATE life_activitysummary;
DROP STATISTICS IF EXISTS life_activitysummary_prefixes;
DROP TRIGGER IF EXISTS life_activity_summarize_delete ON life_activity;
DROP TRIGGER IF EXISTS life_activity_summarize_update ON life_activity;
DROP TRIGGER IF EXISTS life_activity_summarize_insert ON life_activity;
DROP FUNCTION IF EXISTS life_activity_summarize();
"""


class Migration(migrations.Migration):
    dependencies = [('life', '0002_follow_branch_moves_and_kinds'), ('reports', '0001_initial')]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
