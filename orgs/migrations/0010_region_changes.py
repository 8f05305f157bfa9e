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

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_id, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

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

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.region_id, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

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
CREATE OR REPLACE FUNCTION orgs_assessment_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN

    ids := ARRAY(
        SELECT DISTINCT branch_id FROM (
            SELECT id, branch_id, assessed_on, met_count, item_count FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
             GROUP BY 1, 2, 3, 4, 5 HAVING sum(sign) <> 0
        ) changed);
    IF cardinality(ids) > 0 THEN
        PERFORM 1 FROM orgs_branch WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
        INSERT INTO orgs_branchsummary AS s (region_code, kind, status, branches, compliant)
        SELECT left(b.region_id, 9), b.kind, b.status, 0,
               sum(coalesce(n.compliant, FALSE)::int - coalesce(l.compliant, FALSE)::int)
          FROM orgs_branch b
          LEFT JOIN orgs_latestassessment l ON l.branch_id = b.id
          LEFT JOIN LATERAL (
                SELECT a.item_count > 0 AND a.met_count = a.item_count AS compliant
                  FROM orgs_assessment a WHERE a.branch_id = b.id
                 ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1
          ) n ON TRUE
         WHERE b.id = ANY (ids)
         GROUP BY 1, 2, 3
        HAVING sum(coalesce(n.compliant, FALSE)::int - coalesce(l.compliant, FALSE)::int) <> 0
         ORDER BY 1, 2, 3
        ON CONFLICT (region_code, kind, status) DO UPDATE
           SET compliant = s.compliant + excluded.compliant;
        DELETE FROM orgs_latestassessment l
         WHERE l.branch_id = ANY (ids)
           AND NOT EXISTS (SELECT 1 FROM orgs_assessment a WHERE a.branch_id = l.branch_id);
        INSERT INTO orgs_latestassessment AS l (branch_id, assessment_id, compliant)
        SELECT DISTINCT ON (a.branch_id) a.branch_id, a.id,
               a.item_count > 0 AND a.met_count = a.item_count
          FROM orgs_assessment a WHERE a.branch_id = ANY (ids)
         ORDER BY a.branch_id, a.assessed_on DESC, a.id DESC
        ON CONFLICT (branch_id) DO UPDATE
           SET assessment_id = excluded.assessment_id, compliant = excluded.compliant
         WHERE (l.assessment_id, l.compliant)
               IS DISTINCT FROM (excluded.assessment_id, excluded.compliant);
    END IF;

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(b.region_id, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c JOIN orgs_branch b ON b.id = c.branch_id
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    ELSIF TG_OP = 'UPDATE' THEN

    ids := ARRAY(
        SELECT DISTINCT branch_id FROM (
            SELECT id, branch_id, assessed_on, met_count, item_count FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
             GROUP BY 1, 2, 3, 4, 5 HAVING sum(sign) <> 0
        ) changed);
    IF cardinality(ids) > 0 THEN
        PERFORM 1 FROM orgs_branch WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
        INSERT INTO orgs_branchsummary AS s (region_code, kind, status, branches, compliant)
        SELECT left(b.region_id, 9), b.kind, b.status, 0,
               sum(coalesce(n.compliant, FALSE)::int - coalesce(l.compliant, FALSE)::int)
          FROM orgs_branch b
          LEFT JOIN orgs_latestassessment l ON l.branch_id = b.id
          LEFT JOIN LATERAL (
                SELECT a.item_count > 0 AND a.met_count = a.item_count AS compliant
                  FROM orgs_assessment a WHERE a.branch_id = b.id
                 ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1
          ) n ON TRUE
         WHERE b.id = ANY (ids)
         GROUP BY 1, 2, 3
        HAVING sum(coalesce(n.compliant, FALSE)::int - coalesce(l.compliant, FALSE)::int) <> 0
         ORDER BY 1, 2, 3
        ON CONFLICT (region_code, kind, status) DO UPDATE
           SET compliant = s.compliant + excluded.compliant;
        DELETE FROM orgs_latestassessment l
         WHERE l.branch_id = ANY (ids)
           AND NOT EXISTS (SELECT 1 FROM orgs_assessment a WHERE a.branch_id = l.branch_id);
        INSERT INTO orgs_latestassessment AS l (branch_id, assessment_id, compliant)
        SELECT DISTINCT ON (a.branch_id) a.branch_id, a.id,
               a.item_count > 0 AND a.met_count = a.item_count
          FROM orgs_assessment a WHERE a.branch_id = ANY (ids)
         ORDER BY a.branch_id, a.assessed_on DESC, a.id DESC
        ON CONFLICT (branch_id) DO UPDATE
           SET assessment_id = excluded.assessment_id, compliant = excluded.compliant
         WHERE (l.assessment_id, l.compliant)
               IS DISTINCT FROM (excluded.assessment_id, excluded.compliant);
    END IF;

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(b.region_id, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c JOIN orgs_branch b ON b.id = c.branch_id
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    ELSIF TG_OP = 'DELETE' THEN

    ids := ARRAY(
        SELECT DISTINCT branch_id FROM (
            SELECT id, branch_id, assessed_on, met_count, item_count FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
             GROUP BY 1, 2, 3, 4, 5 HAVING sum(sign) <> 0
        ) changed);
    IF cardinality(ids) > 0 THEN
        PERFORM 1 FROM orgs_branch WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
        INSERT INTO orgs_branchsummary AS s (region_code, kind, status, branches, compliant)
        SELECT left(b.region_id, 9), b.kind, b.status, 0,
               sum(coalesce(n.compliant, FALSE)::int - coalesce(l.compliant, FALSE)::int)
          FROM orgs_branch b
          LEFT JOIN orgs_latestassessment l ON l.branch_id = b.id
          LEFT JOIN LATERAL (
                SELECT a.item_count > 0 AND a.met_count = a.item_count AS compliant
                  FROM orgs_assessment a WHERE a.branch_id = b.id
                 ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1
          ) n ON TRUE
         WHERE b.id = ANY (ids)
         GROUP BY 1, 2, 3
        HAVING sum(coalesce(n.compliant, FALSE)::int - coalesce(l.compliant, FALSE)::int) <> 0
         ORDER BY 1, 2, 3
        ON CONFLICT (region_code, kind, status) DO UPDATE
           SET compliant = s.compliant + excluded.compliant;
        DELETE FROM orgs_latestassessment l
         WHERE l.branch_id = ANY (ids)
           AND NOT EXISTS (SELECT 1 FROM orgs_assessment a WHERE a.branch_id = l.branch_id);
        INSERT INTO orgs_latestassessment AS l (branch_id, assessment_id, compliant)
        SELECT DISTINCT ON (a.branch_id) a.branch_id, a.id,
               a.item_count > 0 AND a.met_count = a.item_count
          FROM orgs_assessment a WHERE a.branch_id = ANY (ids)
         ORDER BY a.branch_id, a.assessed_on DESC, a.id DESC
        ON CONFLICT (branch_id) DO UPDATE
           SET assessment_id = excluded.assessment_id, compliant = excluded.compliant
         WHERE (l.assessment_id, l.compliant)
               IS DISTINCT FROM (excluded.assessment_id, excluded.compliant);
    END IF;

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(b.region_id, 9), count(*), statement_timestamp()
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c JOIN orgs_branch b ON b.id = c.branch_id
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    END IF;
    RETURN NULL;
END;
$$;
CREATE OR REPLACE FUNCTION orgs_region_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    PERFORM orgs_townshipsummary_refresh(ARRAY(
        SELECT DISTINCT left(code, 9) FROM (
            SELECT code, level, kind, valid_to FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
             WHERE length(code) >= 9
             GROUP BY 1, 2, 3, 4 HAVING sum(sign) <> 0
        ) changed));

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.code, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    ELSIF TG_OP = 'UPDATE' THEN

    PERFORM orgs_townshipsummary_refresh(ARRAY(
        SELECT DISTINCT left(code, 9) FROM (
            SELECT code, level, kind, valid_to FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
             WHERE length(code) >= 9
             GROUP BY 1, 2, 3, 4 HAVING sum(sign) <> 0
        ) changed));

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.code, 9), count(*), statement_timestamp()
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);

    ELSIF TG_OP = 'DELETE' THEN

    PERFORM orgs_townshipsummary_refresh(ARRAY(
        SELECT DISTINCT left(code, 9) FROM (
            SELECT code, level, kind, valid_to FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
             WHERE length(code) >= 9
             GROUP BY 1, 2, 3, 4 HAVING sum(sign) <> 0
        ) changed));

    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left(c.code, 9), count(*), statement_timestamp()
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
CREATE OR REPLACE FUNCTION public.orgs_region_summarize()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF TG_OP = 'INSERT' THEN

    PERFORM orgs_townshipsummary_refresh(ARRAY(
        SELECT DISTINCT left(code, 9) FROM (
            SELECT code, level, kind, valid_to FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
             WHERE length(code) >= 9
             GROUP BY 1, 2, 3, 4 HAVING sum(sign) <> 0
        ) changed));

    ELSIF TG_OP = 'UPDATE' THEN

    PERFORM orgs_townshipsummary_refresh(ARRAY(
        SELECT DISTINCT left(code, 9) FROM (
            SELECT code, level, kind, valid_to FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
             WHERE length(code) >= 9
             GROUP BY 1, 2, 3, 4 HAVING sum(sign) <> 0
        ) changed));

    ELSIF TG_OP = 'DELETE' THEN

    PERFORM orgs_townshipsummary_refresh(ARRAY(
        SELECT DISTINCT left(code, 9) FROM (
            SELECT code, level, kind, valid_to FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
             WHERE length(code) >= 9
             GROUP BY 1, 2, 3, 4 HAVING sum(sign) <> 0
        ) changed));

    END IF;
    RETURN NULL;
END;
$function$
;
CREATE OR REPLACE FUNCTION public.orgs_assessment_summarize()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN

    ids := ARRAY(
        SELECT DISTINCT branch_id FROM (
            SELECT id, branch_id, assessed_on, met_count, item_count FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
             GROUP BY 1, 2, 3, 4, 5 HAVING sum(sign) <> 0
        ) changed);
    IF cardinality(ids) > 0 THEN
        PERFORM 1 FROM orgs_branch WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
        INSERT INTO orgs_branchsummary AS s (region_code, kind, status, branches, compliant)
        SELECT left(b.region_id, 9), b.kind, b.status, 0,
               sum(coalesce(n.compliant, FALSE)::int - coalesce(l.compliant, FALSE)::int)
          FROM orgs_branch b
          LEFT JOIN orgs_latestassessment l ON l.branch_id = b.id
          LEFT JOIN LATERAL (
                SELECT a.item_count > 0 AND a.met_count = a.item_count AS compliant
                  FROM orgs_assessment a WHERE a.branch_id = b.id
                 ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1
          ) n ON TRUE
         WHERE b.id = ANY (ids)
         GROUP BY 1, 2, 3
        HAVING sum(coalesce(n.compliant, FALSE)::int - coalesce(l.compliant, FALSE)::int) <> 0
         ORDER BY 1, 2, 3
        ON CONFLICT (region_code, kind, status) DO UPDATE
           SET compliant = s.compliant + excluded.compliant;
        DELETE FROM orgs_latestassessment l
         WHERE l.branch_id = ANY (ids)
           AND NOT EXISTS (SELECT 1 FROM orgs_assessment a WHERE a.branch_id = l.branch_id);
        INSERT INTO orgs_latestassessment AS l (branch_id, assessment_id, compliant)
        SELECT DISTINCT ON (a.branch_id) a.branch_id, a.id,
               a.item_count > 0 AND a.met_count = a.item_count
          FROM orgs_assessment a WHERE a.branch_id = ANY (ids)
         ORDER BY a.branch_id, a.assessed_on DESC, a.id DESC
        ON CONFLICT (branch_id) DO UPDATE
           SET assessment_id = excluded.assessment_id, compliant = excluded.compliant
         WHERE (l.assessment_id, l.compliant)
               IS DISTINCT FROM (excluded.assessment_id, excluded.compliant);
    END IF;

    ELSIF TG_OP = 'UPDATE' THEN

    ids := ARRAY(
        SELECT DISTINCT branch_id FROM (
            SELECT id, branch_id, assessed_on, met_count, item_count FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
             GROUP BY 1, 2, 3, 4, 5 HAVING sum(sign) <> 0
        ) changed);
    IF cardinality(ids) > 0 THEN
        PERFORM 1 FROM orgs_branch WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
        INSERT INTO orgs_branchsummary AS s (region_code, kind, status, branches, compliant)
        SELECT left(b.region_id, 9), b.kind, b.status, 0,
               sum(coalesce(n.compliant, FALSE)::int - coalesce(l.compliant, FALSE)::int)
          FROM orgs_branch b
          LEFT JOIN orgs_latestassessment l ON l.branch_id = b.id
          LEFT JOIN LATERAL (
                SELECT a.item_count > 0 AND a.met_count = a.item_count AS compliant
                  FROM orgs_assessment a WHERE a.branch_id = b.id
                 ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1
          ) n ON TRUE
         WHERE b.id = ANY (ids)
         GROUP BY 1, 2, 3
        HAVING sum(coalesce(n.compliant, FALSE)::int - coalesce(l.compliant, FALSE)::int) <> 0
         ORDER BY 1, 2, 3
        ON CONFLICT (region_code, kind, status) DO UPDATE
           SET compliant = s.compliant + excluded.compliant;
        DELETE FROM orgs_latestassessment l
         WHERE l.branch_id = ANY (ids)
           AND NOT EXISTS (SELECT 1 FROM orgs_assessment a WHERE a.branch_id = l.branch_id);
        INSERT INTO orgs_latestassessment AS l (branch_id, assessment_id, compliant)
        SELECT DISTINCT ON (a.branch_id) a.branch_id, a.id,
               a.item_count > 0 AND a.met_count = a.item_count
          FROM orgs_assessment a WHERE a.branch_id = ANY (ids)
         ORDER BY a.branch_id, a.assessed_on DESC, a.id DESC
        ON CONFLICT (branch_id) DO UPDATE
           SET assessment_id = excluded.assessment_id, compliant = excluded.compliant
         WHERE (l.assessment_id, l.compliant)
               IS DISTINCT FROM (excluded.assessment_id, excluded.compliant);
    END IF;

    ELSIF TG_OP = 'DELETE' THEN

    ids := ARRAY(
        SELECT DISTINCT branch_id FROM (
            SELECT id, branch_id, assessed_on, met_count, item_count FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
             GROUP BY 1, 2, 3, 4, 5 HAVING sum(sign) <> 0
        ) changed);
    IF cardinality(ids) > 0 THEN
        PERFORM 1 FROM orgs_branch WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
        INSERT INTO orgs_branchsummary AS s (region_code, kind, status, branches, compliant)
        SELECT left(b.region_id, 9), b.kind, b.status, 0,
               sum(coalesce(n.compliant, FALSE)::int - coalesce(l.compliant, FALSE)::int)
          FROM orgs_branch b
          LEFT JOIN orgs_latestassessment l ON l.branch_id = b.id
          LEFT JOIN LATERAL (
                SELECT a.item_count > 0 AND a.met_count = a.item_count AS compliant
                  FROM orgs_assessment a WHERE a.branch_id = b.id
                 ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1
          ) n ON TRUE
         WHERE b.id = ANY (ids)
         GROUP BY 1, 2, 3
        HAVING sum(coalesce(n.compliant, FALSE)::int - coalesce(l.compliant, FALSE)::int) <> 0
         ORDER BY 1, 2, 3
        ON CONFLICT (region_code, kind, status) DO UPDATE
           SET compliant = s.compliant + excluded.compliant;
        DELETE FROM orgs_latestassessment l
         WHERE l.branch_id = ANY (ids)
           AND NOT EXISTS (SELECT 1 FROM orgs_assessment a WHERE a.branch_id = l.branch_id);
        INSERT INTO orgs_latestassessment AS l (branch_id, assessment_id, compliant)
        SELECT DISTINCT ON (a.branch_id) a.branch_id, a.id,
               a.item_count > 0 AND a.met_count = a.item_count
          FROM orgs_assessment a WHERE a.branch_id = ANY (ids)
         ORDER BY a.branch_id, a.assessed_on DESC, a.id DESC
        ON CONFLICT (branch_id) DO UPDATE
           SET assessment_id = excluded.assessment_id, compliant = excluded.compliant
         WHERE (l.assessment_id, l.compliant)
               IS DISTINCT FROM (excluded.assessment_id, excluded.compliant);
    END IF;

    END IF;
    RETURN NULL;
END;
$function$
;
CREATE OR REPLACE FUNCTION public.orgs_branch_summarize()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
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
$function$
;
"""


class Migration(migrations.Migration):
    dependencies = [('orgs', '0009_township_label'), ('reports', '0001_initial')]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
