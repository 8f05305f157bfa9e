"""Triggers that keep the members summaries exact, and the summaries' first fill.

Statement-level triggers with transition tables (orgs.summaries.statement_triggers_sql): one
delta upsert per township row, in key order, for every INSERT, UPDATE, DELETE or COPY; a
branch move (the copied region_code updated) subtracts at the old key and adds at the new.
"""

from django.db import migrations

from orgs.summaries import drop_statement_triggers_sql, statement_triggers_sql

MEMBER_BODY = """
    INSERT INTO members_membersummary AS s (region_code, members, volunteers)
    SELECT left(region_code, 9), sum(sign), 0 FROM {changes} c
     WHERE left_on IS NULL
     GROUP BY 1 HAVING sum(sign) <> 0 ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE SET members = s.members + excluded.members;
"""

VOLUNTEER_BODY = """
    INSERT INTO members_membersummary AS s (region_code, members, volunteers)
    SELECT left(region_code, 9), 0, sum(sign) FROM {changes} c
     WHERE status = 'active'
     GROUP BY 1 HAVING sum(sign) <> 0 ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE SET volunteers = s.volunteers + excluded.volunteers;
"""

SERVICE_BODY = """
    INSERT INTO members_servicehourssummary AS s (region_code, year, hours)
    SELECT left(region_code, 9), extract(year FROM served_on)::int, sum(sign * hours)
      FROM {changes} c
     WHERE status = 'approved'
     GROUP BY 1, 2 HAVING sum(sign * hours) <> 0 ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE SET hours = s.hours + excluded.hours;
"""

FILL = """
INSERT INTO members_membersummary (region_code, members, volunteers)
SELECT region_code, sum(members), sum(volunteers) FROM (
    SELECT left(region_code, 9) AS region_code, count(*) AS members, 0 AS volunteers
      FROM members_member WHERE left_on IS NULL GROUP BY 1
    UNION ALL
    SELECT left(region_code, 9), 0, count(*)
      FROM members_volunteer WHERE status = 'active' GROUP BY 1
) counts GROUP BY 1;
INSERT INTO members_servicehourssummary (region_code, year, hours)
SELECT left(region_code, 9), extract(year FROM served_on)::int, sum(hours)
  FROM members_servicerecord WHERE status = 'approved' GROUP BY 1, 2;
"""

# Rollups group these rows by left(region_code, n): estimates of those groups.
STATISTICS = """
CREATE STATISTICS members_membersummary_prefixes
    ON (left(region_code, 2)), (left(region_code, 4)), (left(region_code, 6))
  FROM members_membersummary;
CREATE STATISTICS members_servicehourssummary_prefixes
    ON (left(region_code, 2)), (left(region_code, 4)), (left(region_code, 6))
  FROM members_servicehourssummary;
"""

TRIGGERS = [
    ("members_member_summarize", "members_member", MEMBER_BODY),
    ("members_volunteer_summarize", "members_volunteer", VOLUNTEER_BODY),
    ("members_servicerecord_summarize", "members_servicerecord", SERVICE_BODY),
]

FORWARD = (
    "".join(
        statement_triggers_sql(name=name, table=table, body=body) for name, table, body in TRIGGERS
    )
    + FILL
    + STATISTICS
)

BACKWARD = (
    # Without their triggers the summaries would fall behind: leave them empty, as created.
    "TRUNCATE members_membersummary, members_servicehourssummary;\n"
    + "DROP STATISTICS IF EXISTS members_membersummary_prefixes, "
    "members_servicehourssummary_prefixes;\n"
    + "".join(drop_statement_triggers_sql(name=name, table=table) for name, table, _ in TRIGGERS)
)


class Migration(migrations.Migration):
    dependencies = [("members", "0004_summaries")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
