"""The baseline: a rollup's figures computed by plain GROUP BY queries over the record tables.

The same figures as ``reports.rollups.region_rollup`` (docs/METRICS.md), for a region and its
direct children, read from branches, regions, members, volunteers, service records and
donations themselves, with no summary table. It is what the rollup would cost without
summaries, and an independent check of the figures the API answers.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from reports.rollups import figures_row, read_figures

CODE_LENGTHS = (2, 4, 6, 9, 12)

QUERIES = {
    "branches": """
        SELECT left(b.region_id, %(n)s) AS child, b.status, count(*) AS branches
          FROM orgs_branch b
         WHERE b.region_id LIKE %(prefix)s
         GROUP BY 1, 2
    """,
    "compliance": """
        SELECT left(b.region_id, %(n)s) AS child, count(*) AS compliant
          FROM orgs_branch b
          JOIN LATERAL (
                SELECT item_count, met_count FROM orgs_assessment
                 WHERE branch_id = b.id ORDER BY assessed_on DESC, id DESC LIMIT 1
          ) a ON a.item_count > 0 AND a.met_count = a.item_count
         WHERE b.region_id LIKE %(prefix)s AND b.status = 'active'
         GROUP BY 1
    """,
    # A unit is covered when an active branch of its own level's kind sits at its code;
    # townships and villages count only streets, towns, townships, communities and villages.
    "coverage": """
        SELECT left(r.code, %(n)s) AS child, r.level, count(*) AS total,
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM orgs_branch b
                    WHERE b.region_id = r.code AND b.kind = r.level AND b.status = 'active'
               )) AS covered
          FROM orgs_region r
         WHERE r.code LIKE %(prefix)s AND length(r.code) > %(own)s AND r.valid_to IS NULL
           AND (r.level IN ('province', 'city', 'county')
                OR r.kind IN ('street', 'town', 'township', 'community', 'village'))
         GROUP BY 1, 2
    """,
    "members": """
        SELECT left(region_code, %(n)s) AS child, count(*) AS members
          FROM members_member
         WHERE region_code LIKE %(prefix)s AND left_on IS NULL
         GROUP BY 1
    """,
    "volunteers": """
        SELECT left(region_code, %(n)s) AS child, count(*) AS volunteers
          FROM members_volunteer
         WHERE region_code LIKE %(prefix)s AND status = 'active'
         GROUP BY 1
    """,
    "hours": """
        SELECT left(region_code, %(n)s) AS child, sum(hours) AS hours
          FROM members_servicerecord
         WHERE region_code LIKE %(prefix)s AND status = 'approved'
           AND served_on >= %(first)s AND served_on < %(after)s
         GROUP BY 1
    """,
    "donations": """
        SELECT left(region_code, %(n)s) AS child, channel,
               sum(CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END) AS donations,
               coalesce(sum(amount) FILTER (WHERE kind = 'cash'), 0) AS amount,
               coalesce(sum(amount) FILTER (WHERE kind = 'in_kind'), 0) AS in_kind_value
          FROM funds_donation
         WHERE region_code LIKE %(prefix)s
           AND received_on >= %(first)s AND received_on < %(after)s
         GROUP BY 1, 2
    """,
    # Donors whose entries net to more than zero, per child and (child null) in the region.
    "donors": """
        SELECT child, count(*) AS donors
          FROM (SELECT left(region_code, %(n)s) AS child, donor_id
                  FROM funds_donation
                 WHERE region_code LIKE %(prefix)s AND donor_id IS NOT NULL
                   AND received_on >= %(first)s AND received_on < %(after)s
                 GROUP BY GROUPING SETS ((1, 2), (2))
                HAVING sum(CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END) > 0) d
         GROUP BY 1
    """,
    "campaigns": """
        SELECT left(d.region_code, %(n)s) AS child, c.id, c.name, sum(d.amount) AS amount
          FROM funds_donation d
          JOIN funds_campaign c ON c.id = d.campaign_id
         WHERE d.region_code LIKE %(prefix)s
           AND d.received_on >= %(first)s AND d.received_on < %(after)s
         GROUP BY 1, 2, 3
    """,
}


def parameters(code: str, year: int) -> dict:
    """Parameters of the queries: the subtree, the children's code length, the year."""
    longer = [length for length in CODE_LENGTHS if length > len(code)]
    return {
        "prefix": f"{code}%",
        "n": min(longer, default=len(code)),
        "own": len(code),
        "first": date(year, 1, 1),
        "after": date(year + 1, 1, 1),
    }


def run(cursor, code: str, year: int) -> dict[str, list[tuple]]:
    """Run every baseline query over the subtree of ``code`` (empty: the country)."""
    params = parameters(code, year)
    results = {}
    for name, sql in QUERIES.items():
        cursor.execute(sql, params)
        results[name] = cursor.fetchall()
    return results


def figures(results: dict[str, list[tuple]]) -> dict[str, dict]:
    """The compared figures per child code, and under "" the region's own (all rows), by
    their column in the rollup's flat rows."""
    table = defaultdict(lambda: defaultdict(Decimal))
    for child, status, count in results["branches"]:
        for key in (child, ""):
            table[key]["branches_total"] += count if status != "dissolved" else 0
            table[key]["branches_active"] += count if status == "active" else 0
    for name, column in (
        ("compliance", "branches_standard_compliant"),
        ("members", "members_active"),
        ("volunteers", "volunteers_active"),
        ("hours", "volunteers_service_hours"),
    ):
        for child, value in results[name]:
            table[child][column] += value
            table[""][column] += value
    for child, _channel, count, amount, in_kind in results["donations"]:
        for key in (child, ""):
            table[key]["donations_count"] += count
            table[key]["donations_amount"] += amount
            table[key]["donations_in_kind_value"] += in_kind
    for child, donors in results["donors"]:
        table[child or ""]["donors_count"] = donors
    for child, level, total, covered in results["coverage"]:
        for key in (child, ""):
            table[key][f"coverage_{level}_total"] += total
            table[key][f"coverage_{level}_covered"] += covered
    return table


def api_figures(rollup: dict) -> dict[str, dict]:
    """The same figures from a rollup answered by the API, per child and under "": the
    columns of the rollup's flat rows, but the coverage ratios (made of two figures checked)."""
    table = {"": _flatten(rollup)}
    for child in rollup["children"]:
        table[child["code"]] = _flatten(child)
    return table


#: The figure groups the baseline computes from the records. The fund-use (spending, funds)
#: and branch-life (activities) figures are checked against the records by verify_rollups.
COMPARED = ("branches", "members", "volunteers", "donations", "donors", "coverage")


def _flatten(node: dict) -> dict:
    flat = figures_row(read_figures(node))
    return {
        name: Decimal(str(value))
        for name, value in flat.items()
        if name.split("_", 1)[0] in COMPARED and not name.endswith("_ratio")
    }


def differences(api: dict[str, dict], baseline: dict[str, dict]) -> list[str]:
    """Every figure of the API's rollup that the baseline does not confirm."""
    found = []
    for key, figures_of_key in api.items():
        expected = baseline.get(key, {})
        for name, value in figures_of_key.items():
            if value != expected.get(name, Decimal(0)):
                found.append(
                    f"{key or 'region'} {name}: API {value}, records {expected.get(name, 0)}"
                )
    return found
