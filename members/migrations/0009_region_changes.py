# Written by manage.py summary_triggers: the members summary triggers as the declarations
# (core.summaries) generated them. Frozen text: later changes come in new migrations.

from django.db import migrations

FORWARD = """\
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
$$;
CREATE OR REPLACE FUNCTION members_volunteer_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO members_membersummary AS s (region_code, members, volunteers)
    SELECT left(region_code, 9), 0, sum(sign)
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     WHERE status = 'active'
     GROUP BY 1
    HAVING ROW(sum(sign)) <> ROW(0)
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET volunteers = s.volunteers + excluded.volunteers;

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
    SELECT left(region_code, 9), 0, sum(sign)
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE status = 'active'
     GROUP BY 1
    HAVING ROW(sum(sign)) <> ROW(0)
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET volunteers = s.volunteers + excluded.volunteers;

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
    SELECT left(region_code, 9), 0, sum(sign)
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE status = 'active'
     GROUP BY 1
    HAVING ROW(sum(sign)) <> ROW(0)
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET volunteers = s.volunteers + excluded.volunteers;

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
CREATE OR REPLACE FUNCTION members_servicerecord_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO members_servicehourssummary AS s (region_code, year, hours)
    SELECT left(region_code, 9), extract(year FROM served_on)::int, sum(sign * (hours))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     WHERE status = 'approved'
     GROUP BY 1, 2
    HAVING ROW(sum(sign * (hours))) <> ROW(0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET hours = s.hours + excluded.hours;

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_code, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO members_servicehourssummary AS s (region_code, year, hours)
    SELECT left(region_code, 9), extract(year FROM served_on)::int, sum(sign * (hours))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE status = 'approved'
     GROUP BY 1, 2
    HAVING ROW(sum(sign * (hours))) <> ROW(0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET hours = s.hours + excluded.hours;

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_code, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO members_servicehourssummary AS s (region_code, year, hours)
    SELECT left(region_code, 9), extract(year FROM served_on)::int, sum(sign * (hours))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE status = 'approved'
     GROUP BY 1, 2
    HAVING ROW(sum(sign * (hours))) <> ROW(0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET hours = s.hours + excluded.hours;

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
"""

BACKWARD = """\
CREATE OR REPLACE FUNCTION public.members_servicerecord_summarize()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO members_servicehourssummary AS s (region_code, year, hours)
    SELECT left(region_code, 9), extract(year FROM served_on)::int, sum(sign * (hours))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     WHERE status = 'approved'
     GROUP BY 1, 2
    HAVING ROW(sum(sign * (hours))) <> ROW(0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET hours = s.hours + excluded.hours;

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO members_servicehourssummary AS s (region_code, year, hours)
    SELECT left(region_code, 9), extract(year FROM served_on)::int, sum(sign * (hours))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE status = 'approved'
     GROUP BY 1, 2
    HAVING ROW(sum(sign * (hours))) <> ROW(0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET hours = s.hours + excluded.hours;

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO members_servicehourssummary AS s (region_code, year, hours)
    SELECT left(region_code, 9), extract(year FROM served_on)::int, sum(sign * (hours))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE status = 'approved'
     GROUP BY 1, 2
    HAVING ROW(sum(sign * (hours))) <> ROW(0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET hours = s.hours + excluded.hours;

    END IF;
    RETURN NULL;
END;
$function$
;
CREATE OR REPLACE FUNCTION public.members_volunteer_summarize()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO members_membersummary AS s (region_code, members, volunteers)
    SELECT left(region_code, 9), 0, sum(sign)
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     WHERE status = 'active'
     GROUP BY 1
    HAVING ROW(sum(sign)) <> ROW(0)
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET volunteers = s.volunteers + excluded.volunteers;

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO members_membersummary AS s (region_code, members, volunteers)
    SELECT left(region_code, 9), 0, sum(sign)
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE status = 'active'
     GROUP BY 1
    HAVING ROW(sum(sign)) <> ROW(0)
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET volunteers = s.volunteers + excluded.volunteers;

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO members_membersummary AS s (region_code, members, volunteers)
    SELECT left(region_code, 9), 0, sum(sign)
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE status = 'active'
     GROUP BY 1
    HAVING ROW(sum(sign)) <> ROW(0)
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET volunteers = s.volunteers + excluded.volunteers;

    END IF;
    RETURN NULL;
END;
$function$
;
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

    END IF;
    RETURN NULL;
END;
$function$
;
"""


class Migration(migrations.Migration):
    dependencies = [('members', '0008_record_dates_and_visible_names'), ('reports', '0001_initial')]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
