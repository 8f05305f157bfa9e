# Written by manage.py summary_triggers: the orgs summary triggers as the declarations
# (core.summaries) generated them. Frozen text: later changes come in new migrations.

from django.db import migrations

FORWARD = """\
CREATE OR REPLACE FUNCTION orgs_branch_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO orgs_branchsummary AS s (region_code, kind, status, branches, compliant)
    SELECT left(region_id, 9), kind, status, sum(sign), sum(sign * (coalesce(l.compliant, FALSE)::int))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c LEFT JOIN orgs_latestassessment l ON l.branch_id = c.id
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign), sum(sign * (coalesce(l.compliant, FALSE)::int))) <> ROW(0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, kind, status) DO UPDATE
       SET branches = s.branches + excluded.branches, compliant = s.compliant + excluded.compliant;

    PERFORM orgs_townshipsummary_refresh(ARRAY(
        SELECT DISTINCT left(region_id, 9) FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
         WHERE kind IN ('township', 'community') AND status = 'active'
         GROUP BY region_id, kind HAVING sum(sign) <> 0));

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO orgs_branchsummary AS s (region_code, kind, status, branches, compliant)
    SELECT left(region_id, 9), kind, status, sum(sign), sum(sign * (coalesce(l.compliant, FALSE)::int))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c LEFT JOIN orgs_latestassessment l ON l.branch_id = c.id
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign), sum(sign * (coalesce(l.compliant, FALSE)::int))) <> ROW(0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, kind, status) DO UPDATE
       SET branches = s.branches + excluded.branches, compliant = s.compliant + excluded.compliant;

    PERFORM orgs_townshipsummary_refresh(ARRAY(
        SELECT DISTINCT left(region_id, 9) FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
         WHERE kind IN ('township', 'community') AND status = 'active'
         GROUP BY region_id, kind HAVING sum(sign) <> 0));

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO orgs_branchsummary AS s (region_code, kind, status, branches, compliant)
    SELECT left(region_id, 9), kind, status, sum(sign), sum(sign * (coalesce(l.compliant, FALSE)::int))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c LEFT JOIN orgs_latestassessment l ON l.branch_id = c.id
     GROUP BY 1, 2, 3
    HAVING ROW(sum(sign), sum(sign * (coalesce(l.compliant, FALSE)::int))) <> ROW(0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, kind, status) DO UPDATE
       SET branches = s.branches + excluded.branches, compliant = s.compliant + excluded.compliant;

    PERFORM orgs_townshipsummary_refresh(ARRAY(
        SELECT DISTINCT left(region_id, 9) FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
         WHERE kind IN ('township', 'community') AND status = 'active'
         GROUP BY region_id, kind HAVING sum(sign) <> 0));

    END IF;
    RETURN NULL;
END;
$$;
"""

BACKWARD = """\
CREATE OR REPLACE FUNCTION public.orgs_branch_summarize()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO orgs_branchsummary AS s (region_code, kind, status, branches, compliant)
    SELECT left(c.region_id, 9), c.kind, c.status, sum(c.sign),
           sum(c.sign * coalesce(l.compliant, FALSE)::int)
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c LEFT JOIN orgs_latestassessment l ON l.branch_id = c.id
     GROUP BY 1, 2, 3
    HAVING sum(c.sign) <> 0 OR sum(c.sign * coalesce(l.compliant, FALSE)::int) <> 0
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, kind, status) DO UPDATE
       SET branches = s.branches + excluded.branches,
           compliant = s.compliant + excluded.compliant;
    PERFORM orgs_townshipsummary_refresh(ARRAY(
        SELECT DISTINCT left(region_id, 9) FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
         WHERE kind IN ('township', 'community') AND status = 'active'
         GROUP BY region_id, kind HAVING sum(sign) <> 0));

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO orgs_branchsummary AS s (region_code, kind, status, branches, compliant)
    SELECT left(c.region_id, 9), c.kind, c.status, sum(c.sign),
           sum(c.sign * coalesce(l.compliant, FALSE)::int)
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c LEFT JOIN orgs_latestassessment l ON l.branch_id = c.id
     GROUP BY 1, 2, 3
    HAVING sum(c.sign) <> 0 OR sum(c.sign * coalesce(l.compliant, FALSE)::int) <> 0
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, kind, status) DO UPDATE
       SET branches = s.branches + excluded.branches,
           compliant = s.compliant + excluded.compliant;
    PERFORM orgs_townshipsummary_refresh(ARRAY(
        SELECT DISTINCT left(region_id, 9) FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
         WHERE kind IN ('township', 'community') AND status = 'active'
         GROUP BY region_id, kind HAVING sum(sign) <> 0));

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO orgs_branchsummary AS s (region_code, kind, status, branches, compliant)
    SELECT left(c.region_id, 9), c.kind, c.status, sum(c.sign),
           sum(c.sign * coalesce(l.compliant, FALSE)::int)
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c LEFT JOIN orgs_latestassessment l ON l.branch_id = c.id
     GROUP BY 1, 2, 3
    HAVING sum(c.sign) <> 0 OR sum(c.sign * coalesce(l.compliant, FALSE)::int) <> 0
     ORDER BY 1, 2, 3
    ON CONFLICT (region_code, kind, status) DO UPDATE
       SET branches = s.branches + excluded.branches,
           compliant = s.compliant + excluded.compliant;
    PERFORM orgs_townshipsummary_refresh(ARRAY(
        SELECT DISTINCT left(region_id, 9) FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
         WHERE kind IN ('township', 'community') AND status = 'active'
         GROUP BY region_id, kind HAVING sum(sign) <> 0));

    END IF;
    RETURN NULL;
END;
$function$
;
"""


class Migration(migrations.Migration):
    dependencies = [('orgs', '0006_scale_county_summaries')]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
