# Written by manage.py summary_triggers: the funds summary triggers as the declarations
# (core.summaries) generated them. Frozen text: later changes come in new migrations.

from django.db import migrations

FORWARD = """\
CREATE OR REPLACE FUNCTION funds_donation_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO funds_donationsummary AS s (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 9), extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::int, channel, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_campaignsummary AS s (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 6), campaign_id, extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::int, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_countydonationsummary AS s (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 6), extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::int, channel, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_townshipcampaignsummary AS s (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 9), campaign_id, extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::int, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_donationmonthsummary AS s (region_code, year, month, donations, amount, in_kind_value)
    SELECT left(region_code, 6), extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::int, extract(month FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::smallint, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, month) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_donorpresence AS s (region_code, year, donor_id, donations)
    SELECT left(left(c.region_code, p.n), 12), CASE WHEN a.all_years THEN 0 ELSE extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::int END, donor_id, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))
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
    SELECT left(region_code, 9), extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::int, channel, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_campaignsummary AS s (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 6), campaign_id, extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::int, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_countydonationsummary AS s (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 6), extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::int, channel, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_townshipcampaignsummary AS s (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 9), campaign_id, extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::int, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_donationmonthsummary AS s (region_code, year, month, donations, amount, in_kind_value)
    SELECT left(region_code, 6), extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::int, extract(month FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::smallint, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, month) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_donorpresence AS s (region_code, year, donor_id, donations)
    SELECT left(left(c.region_code, p.n), 12), CASE WHEN a.all_years THEN 0 ELSE extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::int END, donor_id, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))
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
    SELECT left(region_code, 9), extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::int, channel, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_campaignsummary AS s (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 6), campaign_id, extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::int, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_countydonationsummary AS s (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 6), extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::int, channel, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_townshipcampaignsummary AS s (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 9), campaign_id, extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::int, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_donationmonthsummary AS s (region_code, year, month, donations, amount, in_kind_value)
    SELECT left(region_code, 6), extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::int, extract(month FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::smallint, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (CASE WHEN kind = 'cash' THEN amount ELSE 0 END)), sum(sign * (CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END))) <> ROW(0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, month) DO UPDATE
       SET donations = s.donations + excluded.donations, amount = s.amount + excluded.amount, in_kind_value = s.in_kind_value + excluded.in_kind_value;

    INSERT INTO funds_donorpresence AS s (region_code, year, donor_id, donations)
    SELECT left(left(c.region_code, p.n), 12), CASE WHEN a.all_years THEN 0 ELSE extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.received_on FROM funds_donation o WHERE o.id = c.reverses_id) ELSE c.received_on END)::int END, donor_id, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END))
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
CREATE OR REPLACE FUNCTION funds_spending_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO funds_spendingsummary AS s (region_code, year, category, spendings, amount)
    SELECT left(region_code, 9), extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.spent_on FROM funds_spending o WHERE o.id = c.reverses_id) ELSE c.spent_on END)::int, category, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (amount))
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
    SELECT left(region_code, 9), extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.spent_on FROM funds_spending o WHERE o.id = c.reverses_id) ELSE c.spent_on END)::int, category, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (amount))
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
    SELECT left(region_code, 9), extract(year FROM CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.spent_on FROM funds_spending o WHERE o.id = c.reverses_id) ELSE c.spent_on END)::int, category, sum(sign * (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)), sum(sign * (amount))
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
$function$
;
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
$function$
;
"""


class Migration(migrations.Migration):
    dependencies = [('funds', '0019_reversal_kinds')]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
