"""Triggers that keep the funds summaries exact, and the summaries' first fill.

Statement-level triggers with transition tables (orgs.summaries.statement_triggers_sql): one
delta upsert per summary row, township rows first, then county × campaign rows, each in key
order. Donations are append-only; only their copied region_code changes (a branch move), and
the trigger moves the figures from the old key to the new one.
"""

from django.db import migrations

from orgs.summaries import drop_statement_triggers_sql, statement_triggers_sql

FIGURES = """
           sum(sign * CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END),
           sum(sign * CASE WHEN kind = 'cash' THEN amount ELSE 0 END),
           sum(sign * CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END)
"""

CHANGED = """
    HAVING (sum(sign * CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END),
            sum(sign * CASE WHEN kind = 'cash' THEN amount ELSE 0 END),
            sum(sign * CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END)) <> (0, 0, 0)
"""

ADD = """
       SET donations = s.donations + excluded.donations,
           amount = s.amount + excluded.amount,
           in_kind_value = s.in_kind_value + excluded.in_kind_value;
"""

DONATION_BODY = f"""
    INSERT INTO funds_donationsummary AS s
           (region_code, year, channel, donations, amount, in_kind_value)
    SELECT left(region_code, 9), extract(year FROM received_on)::int, channel, {FIGURES}
      FROM {{changes}} c
     GROUP BY 1, 2, 3 {CHANGED}
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, year, channel) DO UPDATE {ADD}
    INSERT INTO funds_campaignsummary AS s
           (region_code, campaign_id, year, donations, amount, in_kind_value)
    SELECT left(region_code, 6), campaign_id, extract(year FROM received_on)::int, {FIGURES}
      FROM {{changes}} c
     WHERE campaign_id IS NOT NULL
     GROUP BY 1, 2, 3 {CHANGED}
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, campaign_id, year) DO UPDATE {ADD}
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

FORWARD = (
    statement_triggers_sql(
        name="funds_donation_summarize", table="funds_donation", body=DONATION_BODY
    )
    + FILL
    + STATISTICS
)

BACKWARD = (
    # Without their triggers the summaries would fall behind: leave them empty, as created.
    "TRUNCATE funds_donationsummary, funds_campaignsummary;\n"
    + "DROP STATISTICS IF EXISTS funds_donationsummary_prefixes, funds_campaignsummary_prefixes;\n"
    + drop_statement_triggers_sql(name="funds_donation_summarize", table="funds_donation")
)


class Migration(migrations.Migration):
    dependencies = [("funds", "0005_summaries")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
