# Written by manage.py summary_triggers: the funds summary triggers as the declarations
# (core.summaries) generated them. Frozen text: later changes come in new migrations.

from django.db import migrations

FORWARD = """\
LOCK TABLE funds_campaign, funds_donation, funds_donorpresence, funds_spending IN SHARE ROW EXCLUSIVE MODE;
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
$$;
DROP TRIGGER IF EXISTS funds_spending_summarize_insert ON funds_spending;
CREATE TRIGGER funds_spending_summarize_insert AFTER INSERT ON funds_spending REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION funds_spending_summarize();
DROP TRIGGER IF EXISTS funds_spending_summarize_update ON funds_spending;
CREATE TRIGGER funds_spending_summarize_update AFTER UPDATE ON funds_spending REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION funds_spending_summarize();
DROP TRIGGER IF EXISTS funds_spending_summarize_delete ON funds_spending;
CREATE TRIGGER funds_spending_summarize_delete AFTER DELETE ON funds_spending REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION funds_spending_summarize();
INSERT INTO funds_spendingsummary (region_code, year, category, spendings, amount)
SELECT region_code, year, category, spendings, amount FROM (SELECT left(region_code, 9) AS region_code, extract(year FROM spent_on)::int AS year, category, (sum(CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))::integer AS spendings, (sum(amount))::numeric(18, 2) AS amount
  FROM funds_spending c
 WHERE TRUE
 GROUP BY 1, 2, 3) r
 WHERE NOT EXISTS (SELECT 1 FROM funds_spendingsummary);
CREATE STATISTICS IF NOT EXISTS funds_spendingsummary_prefixes ON (left(region_code, 2)), (left(region_code, 4)), (left(region_code, 6)) FROM funds_spendingsummary;
"""

BACKWARD = """\
TRUNCATE funds_spendingsummary;
DROP STATISTICS IF EXISTS funds_spendingsummary_prefixes;
DROP TRIGGER IF EXISTS funds_spending_summarize_delete ON funds_spending;
DROP TRIGGER IF EXISTS funds_spending_summarize_update ON funds_spending;
DROP TRIGGER IF EXISTS funds_spending_summarize_insert ON funds_spending;
DROP FUNCTION IF EXISTS funds_spending_summarize();
"""


class Migration(migrations.Migration):
    dependencies = [('funds', '0016_donations_to_funds')]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
