"""Triggers that keep the funds summaries exact, and the summaries' first fill.

Statement-level triggers with transition tables: one
delta upsert per summary row, township rows first, then county × campaign rows, each in key
order. Donations are append-only; only their copied region_code changes (a branch move), and
the trigger moves the figures from the old key to the new one.
"""

from django.db import migrations

# The SQL below is frozen text: what the summary declarations generated when this
# migration was written. Later changes to the triggers come in new migrations.

TRIGGERS = """\
CREATE FUNCTION funds_donation_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO funds_donationsummary AS s
           (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 9), extract(year FROM received_on)::int, channel, 
           sum(sign * CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END),
           sum(sign * CASE WHEN kind = 'cash' THEN amount ELSE 0 END),
           sum(sign * CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END)

      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1, 2, 3 
    HAVING (sum(sign * CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END),
            sum(sign * CASE WHEN kind = 'cash' THEN amount ELSE 0 END),
            sum(sign * CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END)) <> (0, 0, 0)

     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE 
       SET donations = s.donations + excluded.donations,
           amount = s.amount + excluded.amount,
           in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_campaignsummary AS s
           (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 6), campaign_id, extract(year FROM received_on)::int, 
           sum(sign * CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END),
           sum(sign * CASE WHEN kind = 'cash' THEN amount ELSE 0 END),
           sum(sign * CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END)

      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3 
    HAVING (sum(sign * CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END),
            sum(sign * CASE WHEN kind = 'cash' THEN amount ELSE 0 END),
            sum(sign * CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END)) <> (0, 0, 0)

     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE 
       SET donations = s.donations + excluded.donations,
           amount = s.amount + excluded.amount,
           in_kind_value = s.in_kind_value + excluded.in_kind_value;


    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO funds_donationsummary AS s
           (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 9), extract(year FROM received_on)::int, channel, 
           sum(sign * CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END),
           sum(sign * CASE WHEN kind = 'cash' THEN amount ELSE 0 END),
           sum(sign * CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END)

      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3 
    HAVING (sum(sign * CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END),
            sum(sign * CASE WHEN kind = 'cash' THEN amount ELSE 0 END),
            sum(sign * CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END)) <> (0, 0, 0)

     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE 
       SET donations = s.donations + excluded.donations,
           amount = s.amount + excluded.amount,
           in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_campaignsummary AS s
           (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 6), campaign_id, extract(year FROM received_on)::int, 
           sum(sign * CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END),
           sum(sign * CASE WHEN kind = 'cash' THEN amount ELSE 0 END),
           sum(sign * CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END)

      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3 
    HAVING (sum(sign * CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END),
            sum(sign * CASE WHEN kind = 'cash' THEN amount ELSE 0 END),
            sum(sign * CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END)) <> (0, 0, 0)

     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE 
       SET donations = s.donations + excluded.donations,
           amount = s.amount + excluded.amount,
           in_kind_value = s.in_kind_value + excluded.in_kind_value;


    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO funds_donationsummary AS s
           (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 9), extract(year FROM received_on)::int, channel, 
           sum(sign * CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END),
           sum(sign * CASE WHEN kind = 'cash' THEN amount ELSE 0 END),
           sum(sign * CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END)

      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3 
    HAVING (sum(sign * CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END),
            sum(sign * CASE WHEN kind = 'cash' THEN amount ELSE 0 END),
            sum(sign * CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END)) <> (0, 0, 0)

     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE 
       SET donations = s.donations + excluded.donations,
           amount = s.amount + excluded.amount,
           in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_campaignsummary AS s
           (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 6), campaign_id, extract(year FROM received_on)::int, 
           sum(sign * CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END),
           sum(sign * CASE WHEN kind = 'cash' THEN amount ELSE 0 END),
           sum(sign * CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END)

      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3 
    HAVING (sum(sign * CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END),
            sum(sign * CASE WHEN kind = 'cash' THEN amount ELSE 0 END),
            sum(sign * CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END)) <> (0, 0, 0)

     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE 
       SET donations = s.donations + excluded.donations,
           amount = s.amount + excluded.amount,
           in_kind_value = s.in_kind_value + excluded.in_kind_value;


    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER funds_donation_summarize_insert AFTER INSERT ON funds_donation REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION funds_donation_summarize();
CREATE TRIGGER funds_donation_summarize_update AFTER UPDATE ON funds_donation REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION funds_donation_summarize();
CREATE TRIGGER funds_donation_summarize_delete AFTER DELETE ON funds_donation REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION funds_donation_summarize();
"""

FILL = """
INSERT INTO funds_donationsummary (region_code, year, channel, donations, amount, in_kind_value)
SELECT left(region_code, 9), extract(year FROM received_on)::int, channel,
       sum(CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END),
       sum(CASE WHEN kind = 'cash' THEN amount ELSE 0 END),
       sum(CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END)
  FROM funds_donation GROUP BY 1, 2, 3;
INSERT INTO funds_campaignsummary
       (region_code, campaign_id, year, donations, amount, in_kind_value)
SELECT left(region_code, 6), campaign_id, extract(year FROM received_on)::int,
       sum(CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END),
       sum(CASE WHEN kind = 'cash' THEN amount ELSE 0 END),
       sum(CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END)
  FROM funds_donation WHERE campaign_id IS NOT NULL GROUP BY 1, 2, 3;
"""

# Rollups group these rows by left(region_code, n): estimates of those groups.
STATISTICS = """
CREATE STATISTICS funds_donationsummary_prefixes
    ON (left(region_code, 2)), (left(region_code, 4)), (left(region_code, 6))
  FROM funds_donationsummary;
CREATE STATISTICS funds_campaignsummary_prefixes
    ON (left(region_code, 2)), (left(region_code, 4))
  FROM funds_campaignsummary;
"""

FORWARD = TRIGGERS + FILL + STATISTICS

BACKWARD = """\
TRUNCATE funds_donationsummary, funds_campaignsummary;
DROP STATISTICS IF EXISTS funds_donationsummary_prefixes, funds_campaignsummary_prefixes;
DROP TRIGGER IF EXISTS funds_donation_summarize_insert ON funds_donation;
DROP TRIGGER IF EXISTS funds_donation_summarize_update ON funds_donation;
DROP TRIGGER IF EXISTS funds_donation_summarize_delete ON funds_donation;
DROP FUNCTION IF EXISTS funds_donation_summarize();
"""


class Migration(migrations.Migration):
    dependencies = [("funds", "0005_summaries")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
