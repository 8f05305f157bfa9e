# Written by manage.py summary_triggers: the orgs summary triggers as the declarations
# (core.summaries) generated them. Frozen text: later changes come in new migrations.

from django.db import migrations

FORWARD = """\
LOCK TABLE orgs_assessment, orgs_branch, orgs_branchsummary, orgs_coverageyearsummary, orgs_region, orgs_townshipsummary IN SHARE ROW EXCLUSIVE MODE;
CREATE OR REPLACE FUNCTION orgs_coverageyearsummary_refresh(codes text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(codes) = 0 THEN
        RETURN;
    END IF;
    PERFORM 1 FROM unnest(codes) AS k (code)
       JOIN orgs_townshipsummary s ON s.region_code = k.code
      ORDER BY s.region_code FOR UPDATE OF s;
    DELETE FROM orgs_coverageyearsummary s USING unnest(codes) AS k (code)
     WHERE s.region_code = k.code
       AND (s.region_code, s.year, s.covered_change) NOT IN (
           SELECT region_code, year, covered_change FROM (
        SELECT code AS region_code, year,
               covered::int - lag(covered::int, 1, 0) OVER (PARTITION BY code ORDER BY year)
                   AS covered_change
          FROM (
            SELECT b.region_id AS code, y.year,
                   sum(sum(y.n)) OVER (PARTITION BY b.region_id ORDER BY y.year) > 0 AS covered
              FROM orgs_branch b
              JOIN orgs_region t ON t.code = b.region_id
             CROSS JOIN LATERAL (
                   VALUES (extract(year FROM coalesce(b.founded_on, least((b.created_at AT TIME ZONE 'Asia/Shanghai')::date, b.dissolved_on)))::int, 1),
                          (extract(year FROM b.dissolved_on)::int, -1)
             ) y (year, n)
             WHERE b.kind = 'township'
               AND (b.status = 'active' OR b.status = 'dissolved' AND b.dissolved_on IS NOT NULL)
               AND y.year IS NOT NULL
               AND t.level = 'township' AND t.kind IN ('street', 'town', 'township')
               AND t.valid_to IS NULL
               AND b.region_id = ANY (codes)
             GROUP BY 1, 2
          ) running
           ) f WHERE covered_change <> 0);
    INSERT INTO orgs_coverageyearsummary AS s (region_code, year, covered_change)
    SELECT region_code, year, covered_change FROM (
        SELECT code AS region_code, year,
               covered::int - lag(covered::int, 1, 0) OVER (PARTITION BY code ORDER BY year)
                   AS covered_change
          FROM (
            SELECT b.region_id AS code, y.year,
                   sum(sum(y.n)) OVER (PARTITION BY b.region_id ORDER BY y.year) > 0 AS covered
              FROM orgs_branch b
              JOIN orgs_region t ON t.code = b.region_id
             CROSS JOIN LATERAL (
                   VALUES (extract(year FROM coalesce(b.founded_on, least((b.created_at AT TIME ZONE 'Asia/Shanghai')::date, b.dissolved_on)))::int, 1),
                          (extract(year FROM b.dissolved_on)::int, -1)
             ) y (year, n)
             WHERE b.kind = 'township'
               AND (b.status = 'active' OR b.status = 'dissolved' AND b.dissolved_on IS NOT NULL)
               AND y.year IS NOT NULL
               AND t.level = 'township' AND t.kind IN ('street', 'town', 'township')
               AND t.valid_to IS NULL
               AND b.region_id = ANY (codes)
             GROUP BY 1, 2
          ) running
    ) f
     WHERE covered_change <> 0
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO NOTHING;
END;
$$;
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

    PERFORM orgs_coverageyearsummary_refresh(ARRAY(
        SELECT DISTINCT left(region_id, 9) FROM (
            SELECT region_id, kind, status, founded_on, dissolved_on, created_at
              FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
             WHERE kind IN ('township', 'community')
             GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(sign) <> 0
        ) changed));

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

    PERFORM orgs_coverageyearsummary_refresh(ARRAY(
        SELECT DISTINCT left(region_id, 9) FROM (
            SELECT region_id, kind, status, founded_on, dissolved_on, created_at
              FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
             WHERE kind IN ('township', 'community')
             GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(sign) <> 0
        ) changed));

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

    PERFORM orgs_coverageyearsummary_refresh(ARRAY(
        SELECT DISTINCT left(region_id, 9) FROM (
            SELECT region_id, kind, status, founded_on, dissolved_on, created_at
              FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
             WHERE kind IN ('township', 'community')
             GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(sign) <> 0
        ) changed));

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
CREATE OR REPLACE FUNCTION orgs_region_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    PERFORM orgs_coverageyearsummary_refresh(ARRAY(
        SELECT DISTINCT left(code, 9) FROM (
            SELECT code, level, kind, valid_to FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
             WHERE length(code) >= 9
             GROUP BY 1, 2, 3, 4 HAVING sum(sign) <> 0
        ) changed));

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

    PERFORM orgs_coverageyearsummary_refresh(ARRAY(
        SELECT DISTINCT left(code, 9) FROM (
            SELECT code, level, kind, valid_to FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
             WHERE length(code) >= 9
             GROUP BY 1, 2, 3, 4 HAVING sum(sign) <> 0
        ) changed));

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

    PERFORM orgs_coverageyearsummary_refresh(ARRAY(
        SELECT DISTINCT left(code, 9) FROM (
            SELECT code, level, kind, valid_to FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
             WHERE length(code) >= 9
             GROUP BY 1, 2, 3, 4 HAVING sum(sign) <> 0
        ) changed));

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
CREATE OR REPLACE FUNCTION orgs_coverageyearsummary_to_county() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

    INSERT INTO orgs_countycoverageyearsummary AS s (region_code, year, covered_change)
    SELECT left(region_code, 6), year, sum(sign * (covered_change))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n) c
     GROUP BY 1, 2
    HAVING ROW(sum(sign * (covered_change))) <> ROW(0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET covered_change = s.covered_change + excluded.covered_change;

    ELSIF TG_OP = 'UPDATE' THEN

    INSERT INTO orgs_countycoverageyearsummary AS s (region_code, year, covered_change)
    SELECT left(region_code, 6), year, sum(sign * (covered_change))
      FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2
    HAVING ROW(sum(sign * (covered_change))) <> ROW(0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET covered_change = s.covered_change + excluded.covered_change;

    ELSIF TG_OP = 'DELETE' THEN

    INSERT INTO orgs_countycoverageyearsummary AS s (region_code, year, covered_change)
    SELECT left(region_code, 6), year, sum(sign * (covered_change))
      FROM (SELECT o.*, -1 AS sign FROM old_rows o) c
     GROUP BY 1, 2
    HAVING ROW(sum(sign * (covered_change))) <> ROW(0)
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO UPDATE
       SET covered_change = s.covered_change + excluded.covered_change;

    END IF;
    RETURN NULL;
END;
$$;
DROP TRIGGER IF EXISTS orgs_coverageyearsummary_to_county_insert ON orgs_coverageyearsummary;
CREATE TRIGGER orgs_coverageyearsummary_to_county_insert AFTER INSERT ON orgs_coverageyearsummary REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION orgs_coverageyearsummary_to_county();
DROP TRIGGER IF EXISTS orgs_coverageyearsummary_to_county_update ON orgs_coverageyearsummary;
CREATE TRIGGER orgs_coverageyearsummary_to_county_update AFTER UPDATE ON orgs_coverageyearsummary REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION orgs_coverageyearsummary_to_county();
DROP TRIGGER IF EXISTS orgs_coverageyearsummary_to_county_delete ON orgs_coverageyearsummary;
CREATE TRIGGER orgs_coverageyearsummary_to_county_delete AFTER DELETE ON orgs_coverageyearsummary REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION orgs_coverageyearsummary_to_county();
INSERT INTO orgs_coverageyearsummary (region_code, year, covered_change)
SELECT region_code, year, covered_change FROM (
        SELECT left(region_code, 9) AS region_code, year, covered_change::smallint AS covered_change
          FROM (
        SELECT code AS region_code, year,
               covered::int - lag(covered::int, 1, 0) OVER (PARTITION BY code ORDER BY year)
                   AS covered_change
          FROM (
            SELECT b.region_id AS code, y.year,
                   sum(sum(y.n)) OVER (PARTITION BY b.region_id ORDER BY y.year) > 0 AS covered
              FROM orgs_branch b
              JOIN orgs_region t ON t.code = b.region_id
             CROSS JOIN LATERAL (
                   VALUES (extract(year FROM coalesce(b.founded_on, least((b.created_at AT TIME ZONE 'Asia/Shanghai')::date, b.dissolved_on)))::int, 1),
                          (extract(year FROM b.dissolved_on)::int, -1)
             ) y (year, n)
             WHERE b.kind = 'township'
               AND (b.status = 'active' OR b.status = 'dissolved' AND b.dissolved_on IS NOT NULL)
               AND y.year IS NOT NULL
               AND t.level = 'township' AND t.kind IN ('street', 'town', 'township')
               AND t.valid_to IS NULL
               AND TRUE
             GROUP BY 1, 2
          ) running
          ) f
         WHERE covered_change <> 0 AND TRUE
    ) r
 WHERE NOT EXISTS (SELECT 1 FROM orgs_coverageyearsummary);
CREATE STATISTICS IF NOT EXISTS orgs_coverageyearsummary_prefixes ON (left(region_code, 2)), (left(region_code, 4)), (left(region_code, 6)) FROM orgs_coverageyearsummary;
INSERT INTO orgs_countycoverageyearsummary (region_code, year, covered_change)
SELECT region_code, year, covered_change FROM (SELECT left(region_code, 6) AS region_code, year, (sum(covered_change))::integer AS covered_change
  FROM (
        SELECT left(region_code, 9) AS region_code, year, covered_change::smallint AS covered_change
          FROM (
        SELECT code AS region_code, year,
               covered::int - lag(covered::int, 1, 0) OVER (PARTITION BY code ORDER BY year)
                   AS covered_change
          FROM (
            SELECT b.region_id AS code, y.year,
                   sum(sum(y.n)) OVER (PARTITION BY b.region_id ORDER BY y.year) > 0 AS covered
              FROM orgs_branch b
              JOIN orgs_region t ON t.code = b.region_id
             CROSS JOIN LATERAL (
                   VALUES (extract(year FROM coalesce(b.founded_on, least((b.created_at AT TIME ZONE 'Asia/Shanghai')::date, b.dissolved_on)))::int, 1),
                          (extract(year FROM b.dissolved_on)::int, -1)
             ) y (year, n)
             WHERE b.kind = 'township'
               AND (b.status = 'active' OR b.status = 'dissolved' AND b.dissolved_on IS NOT NULL)
               AND y.year IS NOT NULL
               AND t.level = 'township' AND t.kind IN ('street', 'town', 'township')
               AND t.valid_to IS NULL
               AND TRUE
             GROUP BY 1, 2
          ) running
          ) f
         WHERE covered_change <> 0 AND TRUE
    ) c
 WHERE TRUE
 GROUP BY 1, 2) r
 WHERE NOT EXISTS (SELECT 1 FROM orgs_countycoverageyearsummary);
CREATE STATISTICS IF NOT EXISTS orgs_countycoverageyearsummary_prefixes ON (left(region_code, 2)), (left(region_code, 4)) FROM orgs_countycoverageyearsummary;
"""

BACKWARD = """\
TRUNCATE orgs_countycoverageyearsummary;
DROP STATISTICS IF EXISTS orgs_countycoverageyearsummary_prefixes;
TRUNCATE orgs_coverageyearsummary;
DROP STATISTICS IF EXISTS orgs_coverageyearsummary_prefixes;
DROP TRIGGER IF EXISTS orgs_coverageyearsummary_to_county_delete ON orgs_coverageyearsummary;
DROP TRIGGER IF EXISTS orgs_coverageyearsummary_to_county_update ON orgs_coverageyearsummary;
DROP TRIGGER IF EXISTS orgs_coverageyearsummary_to_county_insert ON orgs_coverageyearsummary;
DROP FUNCTION IF EXISTS orgs_coverageyearsummary_to_county();
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
$function$
;
DROP FUNCTION IF EXISTS orgs_coverageyearsummary_refresh(codes text[]);
"""


class Migration(migrations.Migration):
    dependencies = [('orgs', '0011_coverage_year_summaries')]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
