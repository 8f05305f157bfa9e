# Written by manage.py summary_triggers: the funds summary triggers as the declarations
# (core.summaries) generated them. Frozen text: later changes come in new migrations.

from django.db import migrations

FORWARD = """\
LOCK TABLE funds_donation, funds_donorpresence IN SHARE ROW EXCLUSIVE MODE;
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
$$;
CREATE OR REPLACE FUNCTION funds_donorpresence_to_county() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO funds_donorcount AS s (region_code, year, donors)
    SELECT left(region_code, 12), year, sum(sign * (CASE WHEN donations > 0 THEN 1 ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1, 2
    HAVING ROW(sum(sign * (CASE WHEN donations > 0 THEN 1 ELSE 0 END))) <> ROW(0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET donors = s.donors + excluded.donors;

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO funds_donorcount AS s (region_code, year, donors)
    SELECT left(region_code, 12), year, sum(sign * (CASE WHEN donations > 0 THEN 1 ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2
    HAVING ROW(sum(sign * (CASE WHEN donations > 0 THEN 1 ELSE 0 END))) <> ROW(0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET donors = s.donors + excluded.donors;

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO funds_donorcount AS s (region_code, year, donors)
    SELECT left(region_code, 12), year, sum(sign * (CASE WHEN donations > 0 THEN 1 ELSE 0 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2
    HAVING ROW(sum(sign * (CASE WHEN donations > 0 THEN 1 ELSE 0 END))) <> ROW(0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET donors = s.donors + excluded.donors;

    END IF;
    RETURN NULL;
END;
$$;
DROP TRIGGER IF EXISTS funds_donorpresence_to_county_insert ON funds_donorpresence;
CREATE TRIGGER funds_donorpresence_to_county_insert AFTER INSERT ON funds_donorpresence REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION funds_donorpresence_to_county();
DROP TRIGGER IF EXISTS funds_donorpresence_to_county_update ON funds_donorpresence;
CREATE TRIGGER funds_donorpresence_to_county_update AFTER UPDATE ON funds_donorpresence REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION funds_donorpresence_to_county();
DROP TRIGGER IF EXISTS funds_donorpresence_to_county_delete ON funds_donorpresence;
CREATE TRIGGER funds_donorpresence_to_county_delete AFTER DELETE ON funds_donorpresence REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION funds_donorpresence_to_county();
INSERT INTO funds_donorpresence (region_code, year, donor_id, donations)
SELECT region_code, year, donor_id, donations FROM (SELECT left(left(c.region_code, p.n), 12) AS region_code, CASE WHEN a.all_years THEN 0 ELSE extract(year FROM received_on)::int END AS year, donor_id, (sum(CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))::integer AS donations
  FROM funds_donation c JOIN (VALUES (0), (2), (4), (6), (9), (12)) p(n) ON p.n <= length(c.region_code) CROSS JOIN (VALUES (false), (true)) a(all_years)
 WHERE donor_id IS NOT NULL
 GROUP BY 1, 2, 3) r
 WHERE NOT EXISTS (SELECT 1 FROM funds_donorpresence);
CREATE STATISTICS IF NOT EXISTS funds_donorpresence_prefixes ON (left(region_code, 2)), (left(region_code, 4)), (left(region_code, 6)) FROM funds_donorpresence;
INSERT INTO funds_donorcount (region_code, year, donors)
SELECT region_code, year, donors FROM (SELECT left(region_code, 12) AS region_code, year, (sum(CASE WHEN donations > 0 THEN 1 ELSE 0 END))::integer AS donors
  FROM (SELECT left(left(c.region_code, p.n), 12) AS region_code, CASE WHEN a.all_years THEN 0 ELSE extract(year FROM received_on)::int END AS year, donor_id, (sum(CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))::integer AS donations
  FROM funds_donation c JOIN (VALUES (0), (2), (4), (6), (9), (12)) p(n) ON p.n <= length(c.region_code) CROSS JOIN (VALUES (false), (true)) a(all_years)
 WHERE donor_id IS NOT NULL
 GROUP BY 1, 2, 3) c
 WHERE TRUE
 GROUP BY 1, 2) r
 WHERE NOT EXISTS (SELECT 1 FROM funds_donorcount);
CREATE STATISTICS IF NOT EXISTS funds_donorcount_prefixes ON (left(region_code, 2)), (left(region_code, 4)), (left(region_code, 6)) FROM funds_donorcount;
"""

BACKWARD = """\
TRUNCATE funds_donorcount;
DROP STATISTICS IF EXISTS funds_donorcount_prefixes;
TRUNCATE funds_donorpresence;
DROP STATISTICS IF EXISTS funds_donorpresence_prefixes;
DROP TRIGGER IF EXISTS funds_donorpresence_to_county_delete ON funds_donorpresence;
DROP TRIGGER IF EXISTS funds_donorpresence_to_county_update ON funds_donorpresence;
DROP TRIGGER IF EXISTS funds_donorpresence_to_county_insert ON funds_donorpresence;
DROP FUNCTION IF EXISTS funds_donorpresence_to_county();
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

    END IF;
    RETURN NULL;
END;
$function$
;
"""


class Migration(migrations.Migration):
    dependencies = [('funds', '0010_donor_counts')]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
