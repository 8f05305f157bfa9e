# Written by manage.py summary_triggers: the funds summary triggers as the declarations
# (core.summaries) generated them. Frozen text: later changes come in new migrations.

from django.db import migrations

FORWARD = """\
CREATE OR REPLACE FUNCTION funds_donation_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO funds_donationsummary AS s (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 9), extract(year FROM received_on)::int, channel, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_campaignsummary AS s (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 6), campaign_id, extract(year FROM received_on)::int, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_countydonationsummary AS s (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 6), extract(year FROM received_on)::int, channel, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_townshipcampaignsummary AS s (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 9), campaign_id, extract(year FROM received_on)::int, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_donationmonthsummary AS s (region_code, year, month, donations, amount, in_kind_value)
    SELECT left(region_code, 6), extract(year FROM received_on)::int, extract(month FROM received_on)::smallint, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, month) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_donorpresence AS s (region_code, year, donor_id, donations)
    SELECT left(left(c.region_code, p.n), 12), CASE WHEN a.all_years THEN 0 ELSE extract(year FROM received_on)::int END, donor_id, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c JOIN (VALUES (0), (2), (4), (6), (9), (12)) p(n) ON p.n <= length(c.region_code) CROSS JOIN (VALUES (false), (true)) a(all_years)
     WHERE donor_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))) <> ROW(0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, donor_id) DO UPDATE
       SET donations = s.donations + excluded.donations;

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_code, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO funds_donationsummary AS s (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 9), extract(year FROM received_on)::int, channel, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_campaignsummary AS s (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 6), campaign_id, extract(year FROM received_on)::int, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_countydonationsummary AS s (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 6), extract(year FROM received_on)::int, channel, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_townshipcampaignsummary AS s (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 9), campaign_id, extract(year FROM received_on)::int, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_donationmonthsummary AS s (region_code, year, month, donations, amount, in_kind_value)
    SELECT left(region_code, 6), extract(year FROM received_on)::int, extract(month FROM received_on)::smallint, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, month) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_donorpresence AS s (region_code, year, donor_id, donations)
    SELECT left(left(c.region_code, p.n), 12), CASE WHEN a.all_years THEN 0 ELSE extract(year FROM received_on)::int END, donor_id, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c JOIN (VALUES (0), (2), (4), (6), (9), (12)) p(n) ON p.n <= length(c.region_code) CROSS JOIN (VALUES (false), (true)) a(all_years)
     WHERE donor_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))) <> ROW(0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, donor_id) DO UPDATE
       SET donations = s.donations + excluded.donations;

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_code, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO funds_donationsummary AS s (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 9), extract(year FROM received_on)::int, channel, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_campaignsummary AS s (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 6), campaign_id, extract(year FROM received_on)::int, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_countydonationsummary AS s (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 6), extract(year FROM received_on)::int, channel, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_townshipcampaignsummary AS s (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 9), campaign_id, extract(year FROM received_on)::int, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_donationmonthsummary AS s (region_code, year, month, donations, amount, in_kind_value)
    SELECT left(region_code, 6), extract(year FROM received_on)::int, extract(month FROM received_on)::smallint, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, month) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_donorpresence AS s (region_code, year, donor_id, donations)
    SELECT left(left(c.region_code, p.n), 12), CASE WHEN a.all_years THEN 0 ELSE extract(year FROM received_on)::int END, donor_id, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c JOIN (VALUES (0), (2), (4), (6), (9), (12)) p(n) ON p.n <= length(c.region_code) CROSS JOIN (VALUES (false), (true)) a(all_years)
     WHERE donor_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))) <> ROW(0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, donor_id) DO UPDATE
       SET donations = s.donations + excluded.donations;

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
CREATE OR REPLACE FUNCTION funds_campaign_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_id, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_id, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_id, 9), count(*), statement_timestamp()
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
DROP TRIGGER IF EXISTS funds_campaign_summarize_insert ON funds_campaign;
CREATE TRIGGER funds_campaign_summarize_insert AFTER INSERT ON funds_campaign REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION funds_campaign_summarize();
DROP TRIGGER IF EXISTS funds_campaign_summarize_update ON funds_campaign;
CREATE TRIGGER funds_campaign_summarize_update AFTER UPDATE ON funds_campaign REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION funds_campaign_summarize();
DROP TRIGGER IF EXISTS funds_campaign_summarize_delete ON funds_campaign;
CREATE TRIGGER funds_campaign_summarize_delete AFTER DELETE ON funds_campaign REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION funds_campaign_summarize();
"""

BACKWARD = """\
DROP TRIGGER IF EXISTS funds_campaign_summarize_delete ON funds_campaign;
DROP TRIGGER IF EXISTS funds_campaign_summarize_update ON funds_campaign;
DROP TRIGGER IF EXISTS funds_campaign_summarize_insert ON funds_campaign;
DROP FUNCTION IF EXISTS funds_campaign_summarize();
CREATE OR REPLACE FUNCTION public.funds_donation_summarize()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO funds_donationsummary AS s (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 9), extract(year FROM received_on)::int, channel, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_campaignsummary AS s (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 6), campaign_id, extract(year FROM received_on)::int, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_countydonationsummary AS s (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 6), extract(year FROM received_on)::int, channel, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_townshipcampaignsummary AS s (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 9), campaign_id, extract(year FROM received_on)::int, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_donationmonthsummary AS s (region_code, year, month, donations, amount, in_kind_value)
    SELECT left(region_code, 6), extract(year FROM received_on)::int, extract(month FROM received_on)::smallint, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, month) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_donorpresence AS s (region_code, year, donor_id, donations)
    SELECT left(left(c.region_code, p.n), 12), CASE WHEN a.all_years THEN 0 ELSE extract(year FROM received_on)::int END, donor_id, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c JOIN (VALUES (0), (2), (4), (6), (9), (12)) p(n) ON p.n <= length(c.region_code) CROSS JOIN (VALUES (false), (true)) a(all_years)
     WHERE donor_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))) <> ROW(0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, donor_id) DO UPDATE
       SET donations = s.donations + excluded.donations;

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO funds_donationsummary AS s (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 9), extract(year FROM received_on)::int, channel, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_campaignsummary AS s (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 6), campaign_id, extract(year FROM received_on)::int, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_countydonationsummary AS s (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 6), extract(year FROM received_on)::int, channel, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_townshipcampaignsummary AS s (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 9), campaign_id, extract(year FROM received_on)::int, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_donationmonthsummary AS s (region_code, year, month, donations, amount, in_kind_value)
    SELECT left(region_code, 6), extract(year FROM received_on)::int, extract(month FROM received_on)::smallint, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, month) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_donorpresence AS s (region_code, year, donor_id, donations)
    SELECT left(left(c.region_code, p.n), 12), CASE WHEN a.all_years THEN 0 ELSE extract(year FROM received_on)::int END, donor_id, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c JOIN (VALUES (0), (2), (4), (6), (9), (12)) p(n) ON p.n <= length(c.region_code) CROSS JOIN (VALUES (false), (true)) a(all_years)
     WHERE donor_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))) <> ROW(0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, donor_id) DO UPDATE
       SET donations = s.donations + excluded.donations;

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO funds_donationsummary AS s (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 9), extract(year FROM received_on)::int, channel, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_campaignsummary AS s (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 6), campaign_id, extract(year FROM received_on)::int, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_countydonationsummary AS s (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 6), extract(year FROM received_on)::int, channel, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_townshipcampaignsummary AS s (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 9), campaign_id, extract(year FROM received_on)::int, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_donationmonthsummary AS s (region_code, year, month, donations, amount, in_kind_value)
    SELECT left(region_code, 6), extract(year FROM received_on)::int, extract(month FROM received_on)::smallint, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, month) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_donorpresence AS s (region_code, year, donor_id, donations)
    SELECT left(left(c.region_code, p.n), 12), CASE WHEN a.all_years THEN 0 ELSE extract(year FROM received_on)::int END, donor_id, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c JOIN (VALUES (0), (2), (4), (6), (9), (12)) p(n) ON p.n <= length(c.region_code) CROSS JOIN (VALUES (false), (true)) a(all_years)
     WHERE donor_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))) <> ROW(0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, donor_id) DO UPDATE
       SET donations = s.donations + excluded.donations;

    END IF;
    RETURN NULL;
END;
$function$
;
"""


class Migration(migrations.Migration):
    dependencies = [('funds', '0013_idempotency_key_per_user'), ('reports', '0001_initial')]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
