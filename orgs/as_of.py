"""The tree and the branches as they were on a past day: what the structural figures of a
rollup (branches, coverage) read when asked ``on=<date>`` (docs/METRICS.md, "Figures of a
past day").

- **A unit** was in force on day D when it opened on or before D (``valid_from``, empty for
  the units of the first vintage) and had not closed by D (``valid_to`` empty or after D).
- **A branch** existed on D from the day it exists from (``orgs.summaries.BRANCH_FROM``: its
  founding, else the day it was recorded). Its region and status on D are those of its last
  history event that had taken effect by D: a write takes effect the day it is made, or on
  the day its context names (a region vintage's date in force, ``effective_on``). A branch
  recorded after D, founded before it, was where and as it was first recorded (active, if it
  was first recorded as dissolved after D). A dissolution date on or before D makes it
  dissolved on D, whatever was recorded when.
- **Its compliance** on D is that of its latest assessment made on or before D.

These read the records and their history, not the summary tables: a past day's rollup costs
more than today's (docs/SCALING.md). The SQL takes the parameters ``on`` (the day) and
``prefix`` (the subtree: the region's code and ``%``).
"""

from django.conf import settings

from orgs.summaries import BRANCH_FROM

#: The day a history event of a branch (``e``) took effect.
EVENT_DAY = (
    "coalesce((e.pgh_context->>'effective_on')::date, "
    f"(e.pgh_created_at AT TIME ZONE '{settings.TIME_ZONE}')::date)"
)

#: Whether a unit (``r``) was in force on the day ``%(on)s``.
IN_FORCE = (
    "(r.valid_from IS NULL OR r.valid_from <= %(on)s::date) "
    "AND (r.valid_to IS NULL OR r.valid_to > %(on)s::date)"
)

#: The branches that existed on ``%(on)s`` in the subtree ``%(prefix)s`` as they were that
#: day: id, region_code, kind, status, and whether their latest assessment by then met their
#: standard. A branch that has moved since is looked for by its history's regions too.
BRANCHES_ON = f"""
    SELECT * FROM (
        SELECT b.id, coalesce(was.region_id, first.region_id, b.region_id) AS region_code,
               b.kind,
               CASE WHEN b.dissolved_on <= %(on)s::date THEN 'dissolved'
                    WHEN was.status IS NOT NULL THEN was.status
                    WHEN coalesce(first.status, b.status) = 'dissolved' THEN 'active'
                    ELSE coalesce(first.status, b.status) END AS status,
               coalesce(a.compliant, FALSE) AS compliant
          FROM orgs_branch b
          LEFT JOIN LATERAL (
                SELECT e.region_id, e.status FROM history_branchevent e
                 WHERE e.pgh_obj_id = b.id AND {EVENT_DAY} <= %(on)s::date
                 ORDER BY {EVENT_DAY} DESC, e.pgh_id DESC LIMIT 1
          ) was ON TRUE
          LEFT JOIN LATERAL (
                SELECT e.region_id, e.status FROM history_branchevent e
                 WHERE e.pgh_obj_id = b.id ORDER BY e.pgh_id LIMIT 1
          ) first ON TRUE
          LEFT JOIN LATERAL (
                SELECT item_count > 0 AND met_count = item_count AS compliant
                  FROM orgs_assessment
                 WHERE branch_id = b.id AND assessed_on <= %(on)s::date
                 ORDER BY assessed_on DESC, id DESC LIMIT 1
          ) a ON TRUE
         WHERE {BRANCH_FROM} <= %(on)s::date
           AND (b.region_id LIKE %(prefix)s OR b.id IN (
                SELECT pgh_obj_id FROM history_branchevent WHERE region_id LIKE %(prefix)s))
    ) branches
     WHERE region_code LIKE %(prefix)s
"""  # noqa: S608 (fixed SQL)

#: The rows of the branch summaries (orgs.summaries.BranchSummary) as they were on ``%(on)s``.
BRANCH_ROWS_ON = f"""(
    SELECT region_code, kind, status, count(*)::int AS branches,
           (count(*) FILTER (WHERE compliant))::int AS compliant
      FROM ({BRANCHES_ON}) b
     GROUP BY 1, 2, 3
)"""  # noqa: S608 (fixed SQL)

#: Units of each level below the region in force on ``%(on)s`` that coverage counts, and those
#: an active branch of the unit's own level covered that day, per child (cut to ``%(n)s``)
#: and for the whole region (``whole``). ``counted`` is the condition on a unit ``r`` that
#: coverage counts it (its kinds at the township and village levels).
UNITS_ON = f"""
    WITH branches AS ({BRANCHES_ON})
    SELECT child, GROUPING(child) = 1 AS whole, level,
           count(*) AS total, count(*) FILTER (WHERE covered) AS covered
      FROM (SELECT left(r.code, %(n)s) AS child, r.level,
                   EXISTS (SELECT 1 FROM branches b
                            WHERE b.region_code = r.code AND b.kind = r.level
                              AND b.status = 'active') AS covered
              FROM orgs_region r
             WHERE r.code LIKE %(prefix)s AND length(r.code) > length(%(code)s)
               AND {IN_FORCE} AND {{counted}}) units
     GROUP BY GROUPING SETS ((child, level), (level))
"""  # noqa: S608 (fixed SQL)

#: Whether the tree below ``%(prefix)s`` on ``%(on)s`` differs from today's: a unit opened
#: or closed since.
TREE_CHANGED_SINCE = """
    SELECT EXISTS (
        SELECT 1 FROM orgs_region r
         WHERE r.code LIKE %(prefix)s
           AND (r.valid_from > %(on)s::date OR r.valid_to > %(on)s::date)
    )
"""
