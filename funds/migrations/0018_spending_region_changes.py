# Written by manage.py summary_triggers: the funds summary triggers as the declarations
# (core.summaries) generated them. Frozen text: later changes come in new migrations.

from django.db import migrations

FORWARD = """\
CREATE OR REPLACE FUNCTION funds_spending_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO funds_spendingsummary AS s (region_code, year, category, spendings, amount)
    SELECT left(region_code, 9), extract(year FROM spent_on)::int, category, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (amount))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (amount))) <> ROW(0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, category) DO UPDATE
       SET spendings = s.spendings + excluded.spendings, amount = s.amount + excluded.amount;

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_code, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO funds_spendingsummary AS s (region_code, year, category, spendings, amount)
    SELECT left(region_code, 9), extract(year FROM spent_on)::int, category, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (amount))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (amount))) <> ROW(0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, category) DO UPDATE
       SET spendings = s.spendings + excluded.spendings, amount = s.amount + excluded.amount;

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_code, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO funds_spendingsummary AS s (region_code, year, category, spendings, amount)
    SELECT left(region_code, 9), extract(year FROM spent_on)::int, category, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (amount))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (amount))) <> ROW(0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, category) DO UPDATE
       SET spendings = s.spendings + excluded.spendings, amount = s.amount + excluded.amount;

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
CREATE OR REPLACE FUNCTION public.funds_spending_summarize()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO funds_spendingsummary AS s (region_code, year, category, spendings, amount)
    SELECT left(region_code, 9), extract(year FROM spent_on)::int, category, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (amount))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (amount))) <> ROW(0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, category) DO UPDATE
       SET spendings = s.spendings + excluded.spendings, amount = s.amount + excluded.amount;

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO funds_spendingsummary AS s (region_code, year, category, spendings, amount)
    SELECT left(region_code, 9), extract(year FROM spent_on)::int, category, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (amount))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (amount))) <> ROW(0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, category) DO UPDATE
       SET spendings = s.spendings + excluded.spendings, amount = s.amount + excluded.amount;

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO funds_spendingsummary AS s (region_code, year, category, spendings, amount)
    SELECT left(region_code, 9), extract(year FROM spent_on)::int, category, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (amount))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (amount))) <> ROW(0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, category) DO UPDATE
       SET spendings = s.spendings + excluded.spendings, amount = s.amount + excluded.amount;

    END IF;
    RETURN NULL;
END;
$function$
;
"""


class Migration(migrations.Migration):
    dependencies = [('funds', '0017_summary_triggers')]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
