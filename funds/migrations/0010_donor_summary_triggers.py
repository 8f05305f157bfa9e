# Written by manage.py summary_triggers: the funds summary triggers as the declarations
# (core.summaries) generated them. Frozen text: later changes come in new migrations.

from django.db import migrations

FORWARD = """\
LOCK TABLE funds_donation IN SHARE ROW EXCLUSIVE MODE;
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

    INSERT INTO funds_donorsummary AS s (region_code, year, donor_id, donations)
    SELECT left(region_code, 9), extract(year FROM received_on)::int, donor_id, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     WHERE donor_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))) <> ROW(0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, donor_id) DO UPDATE
       SET donations = s.donations + excluded.donations;

    INSERT INTO funds_countydonorsummary AS s (region_code, year, donor_id, donations)
    SELECT left(region_code, 6), extract(year FROM received_on)::int, donor_id, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
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

    INSERT INTO funds_donorsummary AS s (region_code, year, donor_id, donations)
    SELECT left(region_code, 9), extract(year FROM received_on)::int, donor_id, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE donor_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))) <> ROW(0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, donor_id) DO UPDATE
       SET donations = s.donations + excluded.donations;

    INSERT INTO funds_countydonorsummary AS s (region_code, year, donor_id, donations)
    SELECT left(region_code, 6), extract(year FROM received_on)::int, donor_id, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
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

    INSERT INTO funds_donorsummary AS s (region_code, year, donor_id, donations)
    SELECT left(region_code, 9), extract(year FROM received_on)::int, donor_id, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE donor_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))) <> ROW(0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, donor_id) DO UPDATE
       SET donations = s.donations + excluded.donations;

    INSERT INTO funds_countydonorsummary AS s (region_code, year, donor_id, donations)
    SELECT left(region_code, 6), extract(year FROM received_on)::int, donor_id, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
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
INSERT INTO funds_donorsummary (region_code, year, donor_id, donations)
SELECT region_code, year, donor_id, donations FROM (SELECT left(region_code, 9) AS region_code, extract(year FROM received_on)::int AS year, donor_id, (sum(CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))::integer AS donations
  FROM funds_donation c
 WHERE donor_id IS NOT NULL
 GROUP BY 1, 2, 3) r
 WHERE NOT EXISTS (SELECT 1 FROM funds_donorsummary);
CREATE STATISTICS IF NOT EXISTS funds_donorsummary_prefixes ON (left(region_code, 2)), (left(region_code, 4)), (left(region_code, 6)) FROM funds_donorsummary;
INSERT INTO funds_countydonorsummary (region_code, year, donor_id, donations)
SELECT region_code, year, donor_id, donations FROM (SELECT left(region_code, 6) AS region_code, extract(year FROM received_on)::int AS year, donor_id, (sum(CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))::integer AS donations
  FROM funds_donation c
 WHERE donor_id IS NOT NULL
 GROUP BY 1, 2, 3) r
 WHERE NOT EXISTS (SELECT 1 FROM funds_countydonorsummary);
CREATE STATISTICS IF NOT EXISTS funds_countydonorsummary_prefixes ON (left(region_code, 2)), (left(region_code, 4)) FROM funds_countydonorsummary;
"""

BACKWARD = """\
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
TRUNCATE funds_donorsummary;
DROP STATISTICS IF EXISTS funds_donorsummary_prefixes;
TRUNCATE funds_countydonorsummary;
DROP STATISTICS IF EXISTS funds_countydonorsummary_prefixes;
"""


class Migration(migrations.Migration):
    dependencies = [('funds', '0009_donor_summaries')]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
