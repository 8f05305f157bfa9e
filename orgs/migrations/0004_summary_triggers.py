"""Triggers that keep the orgs summaries exact, and the summaries' first fill from the records.

Statement-level triggers with transition tables fire
once per INSERT, UPDATE, DELETE or COPY, in the writing transaction. Additive figures are
upserted as deltas, ``INSERT … ON CONFLICT DO UPDATE SET n = t.n + EXCLUDED.n``, in key order.
Coverage counts distinct units, which deltas cannot do: each township row a statement touches
is locked, then counted again from the records (orgs_townshipsummary_refresh); the count is a
new statement, so it sees every transaction that committed before the lock was granted.
"""

from django.db import migrations

# The SQL below is frozen text: what the summary declarations generated when this
# migration was written. Later changes to the triggers come in new migrations.

REFRESH = """
CREATE FUNCTION orgs_townshipsummary_refresh(codes text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(codes) = 0 THEN
        RETURN;
    END IF;
    -- One row for every township-level unit, whatever its kind; none for a code that left.
    INSERT INTO orgs_townshipsummary (region_code, counted, covered, villages, villages_covered)
    SELECT t.code, FALSE, FALSE, 0, 0
      FROM unnest(codes) AS k (code) JOIN orgs_region t ON t.code = k.code
     WHERE t.level = 'township'
     ORDER BY t.code
    ON CONFLICT (region_code) DO NOTHING;
    DELETE FROM orgs_townshipsummary s USING unnest(codes) AS k (code)
     WHERE s.region_code = k.code
       AND NOT EXISTS (
           SELECT 1 FROM orgs_region r WHERE r.code = s.region_code AND r.level = 'township');
    PERFORM 1 FROM unnest(codes) AS k (code)
       JOIN orgs_townshipsummary s ON s.region_code = k.code
      ORDER BY s.region_code FOR UPDATE OF s;
    -- Index probes per township (villages by their parent, branches by region and kind):
    -- the cost follows the number of townships written, not the size of the tree.
    UPDATE orgs_townshipsummary s
       SET counted = f.counted, covered = f.covered,
           villages = f.villages, villages_covered = f.villages_covered
      FROM (
        SELECT t.code,
               t.kind IN ('street', 'town', 'township') AND t.valid_to IS NULL AS counted,
               t.kind IN ('street', 'town', 'township') AND t.valid_to IS NULL AND EXISTS (
                   SELECT 1 FROM orgs_branch b
                    WHERE b.region_id = t.code AND b.kind = 'township' AND b.status = 'active'
               ) AS covered,
               (SELECT count(*) FROM orgs_region v
                 WHERE v.parent_id = t.code AND v.level = 'community'
                   AND v.kind IN ('community', 'village') AND v.valid_to IS NULL
               )::int AS villages,
               (SELECT count(*) FROM orgs_region v
                 WHERE v.parent_id = t.code AND v.level = 'community'
                   AND v.kind IN ('community', 'village') AND v.valid_to IS NULL
                   AND EXISTS (
                       SELECT 1 FROM orgs_branch b
                        WHERE b.region_id = v.code AND b.kind = 'community'
                          AND b.status = 'active')
               )::int AS villages_covered
          FROM unnest(codes) AS k (code) JOIN orgs_region t ON t.code = k.code
         WHERE t.level = 'township'
      ) f
     WHERE s.region_code = f.code
       AND (s.counted, s.covered, s.villages, s.villages_covered)
           IS DISTINCT FROM (f.counted, f.covered, f.villages, f.villages_covered);
END;
$$;
"""

# A region loaded, closed or re-kinded: its township's row is counted again (orgs_region).
# Branch counts move by delta; a township or village branch that changed its activity or
# unit makes its township's coverage be counted again (orgs_branch).
# The branches whose latest assessment may have changed are locked first, as a write to the
# branch itself locks it: a branch's compliance and its status, kind and region then change
# one transaction at a time. The counts move before the flags, which still hold the old state
# (orgs_assessment).
TRIGGERS = """\
CREATE FUNCTION orgs_region_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
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
$$;
CREATE TRIGGER orgs_region_summarize_insert AFTER INSERT ON orgs_region REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION orgs_region_summarize();
CREATE TRIGGER orgs_region_summarize_update AFTER UPDATE ON orgs_region REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION orgs_region_summarize();
CREATE TRIGGER orgs_region_summarize_delete AFTER DELETE ON orgs_region REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION orgs_region_summarize();
CREATE FUNCTION orgs_branch_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
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
$$;
CREATE TRIGGER orgs_branch_summarize_insert AFTER INSERT ON orgs_branch REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION orgs_branch_summarize();
CREATE TRIGGER orgs_branch_summarize_update AFTER UPDATE ON orgs_branch REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION orgs_branch_summarize();
CREATE TRIGGER orgs_branch_summarize_delete AFTER DELETE ON orgs_branch REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION orgs_branch_summarize();
CREATE FUNCTION orgs_assessment_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
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
$$;
CREATE TRIGGER orgs_assessment_summarize_insert AFTER INSERT ON orgs_assessment REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION orgs_assessment_summarize();
CREATE TRIGGER orgs_assessment_summarize_update AFTER UPDATE ON orgs_assessment REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION orgs_assessment_summarize();
CREATE TRIGGER orgs_assessment_summarize_delete AFTER DELETE ON orgs_assessment REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION orgs_assessment_summarize();
"""

FILL = """
SELECT orgs_townshipsummary_refresh(ARRAY(SELECT code FROM orgs_region WHERE level = 'township'));
INSERT INTO orgs_latestassessment (branch_id, assessment_id, compliant)
SELECT DISTINCT ON (branch_id) branch_id, id, item_count > 0 AND met_count = item_count
  FROM orgs_assessment ORDER BY branch_id, assessed_on DESC, id DESC;
INSERT INTO orgs_branchsummary (region_code, kind, status, branches, compliant)
SELECT left(b.region_id, 9), b.kind, b.status, count(*), count(*) FILTER (WHERE l.compliant)
  FROM orgs_branch b LEFT JOIN orgs_latestassessment l ON l.branch_id = b.id
 GROUP BY 1, 2, 3;
"""

# Rollups group these rows by left(region_code, n): estimates of those groups.
STATISTICS = """
CREATE STATISTICS orgs_branchsummary_prefixes
    ON (left(region_code, 2)), (left(region_code, 4)), (left(region_code, 6))
  FROM orgs_branchsummary;
CREATE STATISTICS orgs_townshipsummary_prefixes
    ON (left(region_code, 2)), (left(region_code, 4)), (left(region_code, 6))
  FROM orgs_townshipsummary;
"""

FORWARD = REFRESH + TRIGGERS + FILL + STATISTICS

BACKWARD = """\
TRUNCATE orgs_branchsummary, orgs_townshipsummary, orgs_latestassessment;
DROP STATISTICS IF EXISTS orgs_branchsummary_prefixes, orgs_townshipsummary_prefixes;
DROP TRIGGER IF EXISTS orgs_region_summarize_insert ON orgs_region;
DROP TRIGGER IF EXISTS orgs_region_summarize_update ON orgs_region;
DROP TRIGGER IF EXISTS orgs_region_summarize_delete ON orgs_region;
DROP FUNCTION IF EXISTS orgs_region_summarize();
DROP TRIGGER IF EXISTS orgs_branch_summarize_insert ON orgs_branch;
DROP TRIGGER IF EXISTS orgs_branch_summarize_update ON orgs_branch;
DROP TRIGGER IF EXISTS orgs_branch_summarize_delete ON orgs_branch;
DROP FUNCTION IF EXISTS orgs_branch_summarize();
DROP TRIGGER IF EXISTS orgs_assessment_summarize_insert ON orgs_assessment;
DROP TRIGGER IF EXISTS orgs_assessment_summarize_update ON orgs_assessment;
DROP TRIGGER IF EXISTS orgs_assessment_summarize_delete ON orgs_assessment;
DROP FUNCTION IF EXISTS orgs_assessment_summarize();
DROP FUNCTION IF EXISTS orgs_townshipsummary_refresh(text[]);
"""


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_summaries")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
