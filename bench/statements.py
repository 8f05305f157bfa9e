"""The SQL statements of the benchmark generator (bench/generate.py), in the order it runs them.

Parameters are psycopg2's ``%(name)s``; ``Generator.params`` gives the common ones.
"""

#: Drop and re-create statements of a table's indexes (the constraints they back included)
#: and of the foreign keys that reference it, the foreign keys first.
INDEXES_AND_REFERENCES = """
SELECT 'reference',
       'ALTER TABLE ' || c.conrelid::regclass::text || ' DROP CONSTRAINT ' || quote_ident(c.conname),
       'ALTER TABLE ' || c.conrelid::regclass::text || ' ADD CONSTRAINT ' || quote_ident(c.conname)
           || ' ' || pg_get_constraintdef(c.oid)
  FROM pg_constraint c
 WHERE c.contype = 'f' AND c.confrelid = %(table)s::regclass
UNION ALL
SELECT CASE WHEN i.indisprimary THEN 'primary' ELSE 'index' END,
       CASE WHEN c.oid IS NULL THEN 'DROP INDEX ' || i.indexrelid::regclass::text
            ELSE 'ALTER TABLE ' || i.indrelid::regclass::text
                 || ' DROP CONSTRAINT ' || quote_ident(c.conname) END,
       CASE WHEN c.oid IS NULL THEN pg_get_indexdef(i.indexrelid)
            ELSE 'ALTER TABLE ' || i.indrelid::regclass::text || ' ADD CONSTRAINT '
                 || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid) END
  FROM pg_index i
  LEFT JOIN pg_constraint c
    ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')
 WHERE i.indrelid = %(table)s::regclass
"""

#: Lookup tables the generator builds for its steps and drops at the end; unlogged rather than
#: temporary, so that both connections see them.
WORK_TABLES = [
    "bench_branch_plan",
    "bench_alloc",
    "bench_giving_day",
    "bench_emergency",
    "bench_donor_range",
    "bench_team",
]

# A number in [0, 1) from a text: deterministic "randomness" for weights that must not change
# between runs (which cities are big).
HASH01 = "(('x' || substr(md5({}), 1, 8))::bit(32)::bigint / 4294967296.0)"

BRANCH_PLAN = """
CREATE UNLOGGED TABLE bench_branch_plan AS
SELECT code AS region_id, level AS kind FROM orgs_region
 WHERE code LIKE %(prefix)s AND level IN ('province', 'city', 'county')
UNION ALL
SELECT code, 'township' FROM orgs_region
 WHERE code LIKE %(prefix)s AND level = 'township' AND kind <> 'special'
   AND {h} < %(coverage)s
""".format(h=HASH01.format("'township' || code"))

# Units that must hold a territorial branch of their level whatever their kind (the units a
# new vintage closes, for make bench-vintage), when the plan has none there yet.
ALSO_AT_PLAN = """
INSERT INTO bench_branch_plan
SELECT r.code, r.level FROM orgs_region r
 WHERE r.code = ANY (%(codes)s) AND r.code LIKE %(prefix)s
   AND r.level IN ('province', 'city', 'county', 'township', 'community')
   AND NOT EXISTS (
       SELECT 1 FROM bench_branch_plan p WHERE p.region_id = r.code AND p.kind = r.level)
"""

COMMUNITY_PLAN = """
INSERT INTO bench_branch_plan
SELECT code, 'community' FROM orgs_region
 WHERE code LIKE %(prefix)s AND level = 'community'
 ORDER BY md5('community' || code) LIMIT %(n)s
"""

# Sectoral branches (schools, enterprises, ...) at random counties and townships: picked from
# an array of their codes, so each pick is one array subscript.
SECTORAL_PLAN = """
WITH t AS (
    SELECT array_agg(code ORDER BY code) AS codes FROM orgs_region
     WHERE code LIKE %(prefix)s AND level IN ('county', 'township')
)
INSERT INTO bench_branch_plan
SELECT t.codes[1 + floor(random() * cardinality(t.codes))::int],
       CASE WHEN r < 0.55 THEN 'school' WHEN r < 0.62 THEN 'enterprise'
            WHEN r < 0.69 THEN 'hospital' WHEN r < 0.70 THEN 'scenic_area' ELSE 'other' END
  FROM t, (SELECT random() AS r FROM generate_series(1, %(n)s)) picks
"""

# Territorial branches above townships are all active; the others are sometimes preparing,
# dormant ("shell" branches) or dissolved. Names are unique at their region by construction.
BRANCH_INSERT = """
INSERT INTO orgs_branch (created_at, updated_at, name, region_id, kind, status, rating,
                         founded_on, dissolved_on, first_congress_on, supervisory_board_on,
                         bodies_complete, address, phone, note)
SELECT now(), now(), name, region_id, kind, status,
       CASE WHEN r2 < 0.05 THEN 'model' WHEN r2 < 0.10 THEN 'weak' ELSE 'normal' END,
       founded_on,
       CASE WHEN status = 'dissolved'
            THEN founded_on + floor(r3 * (%(today)s::date - founded_on))::int END,
       CASE WHEN r3 < 0.7 THEN founded_on + 30 END,
       CASE WHEN r3 < 0.5 THEN founded_on + 60 END,
       r3 < 0.4, '', '', ''
  FROM (
    SELECT p.region_id, p.kind, reg.name || CASE p.kind
               WHEN 'school' THEN '第' || n || '中学红十字会'
               WHEN 'enterprise' THEN '企业' || n || '红十字会'
               WHEN 'hospital' THEN '第' || n || '人民医院红十字会'
               WHEN 'scenic_area' THEN '景区' || n || '红十字会'
               WHEN 'other' THEN '社会组织' || n || '红十字会'
               ELSE '红十字会' END AS name,
           CASE WHEN p.kind IN ('province', 'city', 'county') OR r1 < 0.85 THEN 'active'
                WHEN r1 < 0.93 THEN 'dormant' WHEN r1 < 0.97 THEN 'preparing'
                ELSE 'dissolved' END AS status,
           DATE '2005-01-01' + floor(r2 * (DATE '2021-12-31' - DATE '2005-01-01'))::int
               AS founded_on,
           r2, r3
      FROM (SELECT *, row_number() OVER () AS n, random() AS r1, random() AS r2,
                   random() AS r3
              FROM bench_branch_plan) p
      JOIN orgs_region reg ON reg.code = p.region_id
  ) b
 ORDER BY region_id, kind, name
"""

# Integer weights per branch and the exact share of every table's rows: a branch gets
# floor(N * cum / total) - floor(N * (cum - w) / total), which adds up to N exactly.
ALLOCATION = """
CREATE UNLOGGED TABLE bench_alloc AS
WITH f AS (
    SELECT b.id AS branch_id, b.region_id, left(b.region_id, 2) AS province,
           left(b.region_id, 6) AS county, b.kind, b.status,
           0.5 + {province_hash} AS pf,
           CASE WHEN length(b.region_id) < 4 THEN 1
                WHEN substr(b.region_id, 3, 2) = '01' THEN 4
                ELSE 0.3 + 3 * power({city_hash}, 3) END AS cf,
           CASE b.status WHEN 'active' THEN 10 WHEN 'preparing' THEN 2
                WHEN 'dormant' THEN 1 ELSE 0 END AS sf
      FROM orgs_branch b
), w AS (
    SELECT f.*,
           round(100 * pf * cf * sf * CASE kind
               WHEN 'province' THEN 40 WHEN 'city' THEN 20 WHEN 'county' THEN 10
               WHEN 'township' THEN 3 WHEN 'enterprise' THEN 4 WHEN 'hospital' THEN 2
               WHEN 'scenic_area' THEN 2 ELSE 1 END)::numeric AS w_money,
           round(100 * pf * sqrt(cf) * sf * CASE kind
               WHEN 'province' THEN 5 WHEN 'city' THEN 5 WHEN 'county' THEN 10
               WHEN 'township' THEN 20 WHEN 'community' THEN 6 WHEN 'school' THEN 8
               WHEN 'enterprise' THEN 4 WHEN 'hospital' THEN 4 WHEN 'scenic_area' THEN 2
               ELSE 3 END)::numeric AS w_people
      FROM f
), c AS (
    SELECT w.*,
           sum(w_money) OVER (ORDER BY branch_id) AS cm, sum(w_money) OVER () AS tm,
           sum(w_people) OVER (ORDER BY branch_id) AS cp, sum(w_people) OVER () AS tp
      FROM w
)
SELECT branch_id, region_id, province, county, kind, status, w_money, w_people,
       (div(%(donations)s * cm, tm) - div(%(donations)s * (cm - w_money), tm))::bigint
           AS donations,
       (div(%(donors)s * cm, tm) - div(%(donors)s * (cm - w_money), tm))::bigint AS donors,
       (div(%(members)s * cp, tp) - div(%(members)s * (cp - w_people), tp))::bigint
           AS members,
       (div(%(volunteers)s * cp, tp) - div(%(volunteers)s * (cp - w_people), tp))::bigint
           AS volunteers
  FROM c
""".format(  # noqa: S608 (fixed SQL fragments, no input)
    province_hash=HASH01.format("left(b.region_id, 2)"),
    city_hash=HASH01.format("left(b.region_id, 4)"),
)

GIVING_DAY_CAMPAIGNS = """
INSERT INTO funds_campaign (created_at, updated_at, name, kind, region_id, starts_on, ends_on,
                            target_amount, description)
SELECT now(), now(), y || '年99公益日·' || p.name, 'giving_day', p.code,
       make_date(y, 9, 7), make_date(y, 9, 9), 10000000, '腾讯公益99公益日网络募捐'
  FROM orgs_region p, unnest(%(years)s::int[]) y
 WHERE p.level = 'province' AND p.code LIKE %(prefix)s AND make_date(y, 9, 7) <= %(today)s
"""

# A few summer flood appeals a year, each at one province for one month.
EMERGENCY_CAMPAIGNS = """
INSERT INTO funds_campaign (created_at, updated_at, name, kind, region_id, starts_on, ends_on,
                            target_amount, description)
SELECT now(), now(), y || '年' || p.name || '防汛救灾募捐', 'emergency', p.code,
       make_date(y, 6 + (abs(hashtext(y || p.code)) %% 3), 1),
       (make_date(y, 6 + (abs(hashtext(y || p.code)) %% 3), 1) + interval '1 month - 1 day')::date,
       NULL, '防汛救灾紧急募捐'
  FROM unnest(%(years)s::int[]) y
 CROSS JOIN LATERAL (
    SELECT code, name FROM orgs_region
     WHERE level = 'province' AND code LIKE %(prefix)s
     ORDER BY md5(y || code) LIMIT %(n)s
 ) p
 WHERE make_date(y, 6 + (abs(hashtext(y || p.code)) %% 3), 1) <= %(today)s
"""

PROJECT_CAMPAIGNS = """
INSERT INTO funds_campaign (created_at, updated_at, name, kind, region_id, starts_on, ends_on,
                            target_amount, description)
SELECT now(), now(),
       name || CASE WHEN n %% 2 = 0 THEN '老人幸福餐桌' ELSE '爱心助学' END, 'project', code,
       %(start)s::date - 365, NULL, 500000, '县级慈善项目'
  FROM (SELECT code, name, row_number() OVER () AS n FROM orgs_region
         WHERE level = 'county' AND code LIKE %(prefix)s
         ORDER BY md5('project' || code) LIMIT %(n)s) c
"""

CAMPAIGN_LOOKUPS = """
CREATE UNLOGGED TABLE bench_giving_day AS
SELECT region_id AS province, extract(year FROM starts_on)::int AS year, id AS campaign_id
  FROM funds_campaign WHERE kind = 'giving_day';
CREATE UNLOGGED TABLE bench_emergency AS
SELECT region_id AS province, to_char(starts_on, 'YYYY-MM') AS month, id AS campaign_id
  FROM funds_campaign WHERE kind = 'emergency';
ALTER TABLE bench_alloc ADD COLUMN project_id bigint;
UPDATE bench_alloc a SET project_id = c.id
  FROM funds_campaign c WHERE c.kind = 'project' AND c.region_id = a.county;
"""

# Donors registered at the county of the branches they give to, in county order, so that a
# county's donors have consecutive ids and a donation picks one with a single addition.
DONOR_INSERT = """
INSERT INTO funds_donor (created_at, updated_at, kind, name, region_id, identifier, phone,
                         address)
SELECT now(), now(), kind,
       CASE kind WHEN 'individual' THEN {name}
                 WHEN 'enterprise' THEN county_name || '实业有限公司' || g
                 WHEN 'chamber' THEN county_name || '商会' || g
                 ELSE county_name || '爱心协会' || g END,
       county, '', '', ''
  FROM (
    SELECT k.county, reg.name AS county_name, g,
           CASE WHEN r < 0.70 THEN 'individual' WHEN r < 0.90 THEN 'enterprise'
                WHEN r < 0.93 THEN 'chamber' ELSE 'organization' END AS kind, r1, r2
      FROM (
        SELECT d.county, g, random() AS r, random() AS r1, random() AS r2
          FROM (SELECT county, sum(donors)::int AS n FROM bench_alloc
                 WHERE length(county) = 6 GROUP BY county) d
         CROSS JOIN LATERAL generate_series(1, d.n) g
      ) k
      JOIN orgs_region reg ON reg.code = k.county
  ) x
 ORDER BY county, g
"""

DONOR_RANGES = """
CREATE UNLOGGED TABLE bench_donor_range AS
SELECT region_id AS county, min(id) AS lo, count(*) AS n FROM funds_donor GROUP BY region_id;
ALTER TABLE bench_alloc ADD COLUMN donor_lo bigint, ADD COLUMN donor_n bigint;
UPDATE bench_alloc a SET donor_lo = d.lo, donor_n = d.n
  FROM bench_donor_range d WHERE d.county = a.county;
ANALYZE bench_alloc;
"""

# Chinese names from a surname and one or two given-name characters.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉红玉兰春梅海波志"
NAME_SQL = (
    f"substr('{SURNAMES}', 1 + floor(r1 * {len(SURNAMES)})::int, 1) "
    f"|| substr('{GIVEN}', 1 + floor(r2 * {len(GIVEN)})::int, 1) "
    f"|| CASE WHEN r1 < 0.6 THEN substr('{GIVEN}', 1 + floor(r1 * r2 * {len(GIVEN)})::int, 1)"
    " ELSE '' END"
)
DONOR_INSERT = DONOR_INSERT.format(name=NAME_SQL)

# A time bucket's share of every branch: floor(n * cum_hi / total) - floor(n * cum_lo / total).
BUCKET_SHARE = "(({n} * %(cum_hi)s::bigint / %(total)s) - ({n} * %(cum_lo)s::bigint / %(total)s))"

MEMBER_INSERT = """
INSERT INTO members_member (created_at, updated_at, branch_id, region_code, kind, name, gender,
                            id_number, phone, occupation, joined_on, left_on, leave_reason)
SELECT now(), now(), branch_id, region_id,
       CASE WHEN r3 < 0.03 THEN 'unit' ELSE 'individual' END,
       CASE WHEN r3 < 0.03 THEN '会员单位' || branch_id || '-' || g ELSE {name} END,
       CASE WHEN r3 < 0.03 THEN '' WHEN r1 < 0.5 THEN 'male' ELSE 'female' END,
       '', '13' || lpad(floor(r2 * 1e9)::bigint::text, 9, '0'), '',
       joined_on, left_on, CASE WHEN left_on IS NULL THEN '' ELSE '工作调动，迁出本地' END
  FROM (
    SELECT k.*,
           CASE WHEN r3 > 0.92
                THEN joined_on + floor((r3 - 0.92) / 0.08 * (%(today)s::date - joined_on))::int
           END AS left_on
      FROM (
        SELECT a.branch_id, a.region_id, g, random() AS r1, random() AS r2, random() AS r3,
               %(lo)s::date + floor(random() * %(days)s)::int AS joined_on
          FROM bench_alloc a
         CROSS JOIN LATERAL generate_series(1, {share}) g
      ) k
  ) m
 ORDER BY joined_on
""".format(name=NAME_SQL, share=BUCKET_SHARE.format(n="a.members"))  # noqa: S608 (fixed SQL fragments, no input)

SERVICE_TYPES = [
    ("emergency", "应急救护"),
    ("three_donations", "三献宣传"),
    ("elderly_care", "养老服务"),
    ("caring", "关爱帮困"),
    ("arts", "文艺服务"),
    ("public_affairs", "公共事务"),
    ("legal_mediation", "法治调解"),
]
_TYPE_CODES = "ARRAY[" + ", ".join(f"'{code}'" for code, _ in SERVICE_TYPES) + "]"
_TYPE_NAMES = "ARRAY[" + ", ".join(f"'{name}'" for _, name in SERVICE_TYPES) + "]"

# Teams of about 35 volunteers, at least one for every branch with volunteers.
TEAMS = "ceil(a.volunteers / 35.0)::int"
TEAM_INSERT = f"""
INSERT INTO members_volunteerteam (created_at, updated_at, branch_id, region_code, name,
                                   service_type, founded_on, unified_name, unified_insignia,
                                   unified_uniform, unified_service, commitment_signed,
                                   managed_online)
SELECT now(), now(), a.branch_id, a.region_id,
       ({_TYPE_NAMES})[1 + (a.branch_id + t) %% 7] || '志愿服务队' || t,
       ({_TYPE_CODES})[1 + (a.branch_id + t) %% 7],
       %(start)s::date - 365 - floor(r * 3000)::int,
       r < 0.9, r < 0.8, r < 0.7, r < 0.8, r < 0.6, r < 0.5
  FROM (
    SELECT a.branch_id, a.region_id, t, random() AS r
      FROM bench_alloc a
     CROSS JOIN LATERAL generate_series(1, {TEAMS}) t
     WHERE a.volunteers > 0
  ) a
 ORDER BY a.branch_id, t
"""  # noqa: S608 (fixed SQL fragments, no input)

TEAM_LOOKUP = """
CREATE UNLOGGED TABLE bench_team AS
SELECT id AS team_id, branch_id, row_number() OVER (PARTITION BY branch_id ORDER BY id) AS no
  FROM members_volunteerteam;
CREATE INDEX ON bench_team (branch_id, no);
ANALYZE bench_team;
"""

VOLUNTEER_INSERT = """
INSERT INTO members_volunteer (created_at, updated_at, branch_id, team_id, region_code, name,
                               gender, id_number, phone, registered_on, status)
SELECT now(), now(), v.branch_id, t.team_id, v.region_id, {name},
       CASE WHEN r1 < 0.45 THEN 'male' ELSE 'female' END, '',
       '15' || lpad(floor(r2 * 1e9)::bigint::text, 9, '0'), v.registered_on,
       CASE WHEN r4 < 0.9 THEN 'active' ELSE 'inactive' END
  FROM (
    SELECT a.branch_id, a.region_id, 1 + floor(random() * {teams})::int AS team_no,
           random() AS r1, random() AS r2, random() AS r4,
           %(lo)s::date + floor(random() * %(days)s)::int AS registered_on
      FROM bench_alloc a
     CROSS JOIN LATERAL generate_series(1, {share}) g
  ) v
  JOIN bench_team t ON t.branch_id = v.branch_id AND t.no = v.team_no
 ORDER BY v.registered_on
""".format(name=NAME_SQL, share=BUCKET_SHARE.format(n="a.volunteers"), teams=TEAMS)  # noqa: S608 (fixed SQL fragments, no input)

# Records shared out by a small integer weight per volunteer (1 to 6), served between the
# volunteer's registration (or the window's start) and today; most are approved.
SERVICE_RECORD_INSERT = """
INSERT INTO members_servicerecord (created_at, updated_at, volunteer_id, team_id, region_code,
                                   served_on, hours, activity, status, reviewed_at)
SELECT now(), now(), volunteer_id, team_id, region_code, served_on,
       (1 + floor(r1 * 16)) / 2.0,
       (ARRAY['应急救护培训', '无偿献血宣传', '敬老院探访', '社区义诊', '防汛值守',
              '文艺演出', '法律咨询'])[1 + floor(r2 * 7)::int],
       CASE WHEN r3 < 0.85 THEN 'approved' WHEN r3 < 0.95 THEN 'pending' ELSE 'declined' END,
       CASE WHEN r3 < 0.85 OR r3 >= 0.95
            THEN least(now(), (served_on + interval '2 days 10 hours') AT TIME ZONE %(tz)s) END
  FROM (
    SELECT v.id AS volunteer_id, v.team_id, v.region_code,
           random() AS r1, random() AS r2, random() AS r3,
           greatest(v.registered_on, %(start)s::date) + floor(random() * (%(today)s::date
               - greatest(v.registered_on, %(start)s::date) + 1))::int AS served_on
      FROM (
        SELECT id, team_id, region_code, registered_on, 1 + id %% 6 AS w,
               sum(1 + id %% 6) OVER (ORDER BY id) AS cum, sum(1 + id %% 6) OVER () AS total
          FROM members_volunteer
      ) v
     CROSS JOIN LATERAL generate_series(1,
         (div(%(n)s * v.cum, v.total) - div(%(n)s * (v.cum - v.w), v.total))::int) g
  ) s
 ORDER BY served_on
"""

# Most branches that exist have been assessed against the default "six haves" standard.
ASSESSMENT_INSERT = """
INSERT INTO orgs_assessment (created_at, updated_at, branch_id, standard_id, assessed_on,
                             met_count, item_count, note)
SELECT now(), now(), b.id, s.id, %(today)s::date - floor(random() * 365)::int,
       3 + floor(random() * 4)::int, (SELECT count(*) FROM orgs_standarditem i
                                       WHERE i.standard_id = s.id), ''
  FROM orgs_branch b, orgs_standard s
 WHERE s.is_default AND b.status <> 'dissolved' AND random() < 0.8
 ORDER BY b.id
"""

ASSESSMENT_ITEMS_INSERT = """
INSERT INTO orgs_assessment_items_met (assessment_id, standarditem_id)
SELECT a.id, i.id FROM orgs_assessment a
  JOIN orgs_standarditem i ON i.standard_id = a.standard_id AND i.number <= a.met_count
"""

# The default standard's required activities (the demo's: portal.demo.activities.REQUIRED).
REQUIREMENT_INSERT = """
INSERT INTO life_requirement (created_at, updated_at, standard_id, kind_id, frequency, minimum)
SELECT now(), now(), s.id, k.id, req.frequency, req.minimum
  FROM orgs_standard s
 CROSS JOIN unnest(%(names)s::text[], %(frequencies)s::text[], %(minimums)s::int[])
       AS req(name, frequency, minimum)
  JOIN life_activitykind k ON k.name = req.name AND k.region_id IS NULL
 WHERE s.is_default
ON CONFLICT DO NOTHING
"""

# The activity ledgers since %(since)s: active branches record about ten times as many
# activities as dormant ones (preparing and dissolved branches none), each active branch a
# little more or less than the next; the kinds of %(kinds)s in the shares that the cumulative
# %(shares)s cut out of [0, 1); one entry in 25 recorded late (weeks after the day; none of the
# last ten weeks), the others within days.
ACTIVITY_INSERT = """
WITH kinds AS (
    SELECT array_agg(id ORDER BY array_position(%(kinds)s::text[], name::text)) AS ids
      FROM life_activitykind WHERE region_id IS NULL AND name = ANY (%(kinds)s::text[])
)
INSERT INTO life_activity (created_at, updated_at, branch_id, region_code, kind_id, held_on,
                           place, members_present, volunteers_present, summary, attachment,
                           late, recorded_by_id)
SELECT stamp, stamp, branch_id, region_id, kind_id, held_on,
       (ARRAY['镇政府会议室', '红十字会办公室', '村委会活动室', '新时代文明实践站',
              '社区服务中心'])[1 + floor(r_place * 5)::int],
       3 + floor(r_people * 25)::int, floor(r_people * 12)::int, '', '', late, NULL
  FROM (
    SELECT branch_id, region_id, held_on, late AND held_on <= %(today)s::date - 70 AS late,
           r_place, r_people,
           kinds.ids[1 + width_bucket(r_kind, %(shares)s::float8[])] AS kind_id,
           least(now(), (held_on + CASE WHEN late AND held_on <= %(today)s::date - 70 THEN 30 + floor(r_place * 40)::int
                                        ELSE floor(r_place * 5)::int END
                         + interval '10 hours') AT TIME ZONE %(tz)s) AS stamp
      FROM kinds, (
        SELECT b.id AS branch_id, b.region_id, random() AS r_kind, random() AS r_place,
               random() AS r_people, random() < 0.04 AS late,
               b.first_on + floor(random() * (%(today)s::date - b.first_on + 1))::int AS held_on
          FROM (
            SELECT id, region_id, first_on, w, sum(w) OVER (ORDER BY id) AS cum,
                   sum(w) OVER () AS total
              FROM (SELECT id, region_id, greatest(founded_on, %(since)s::date) AS first_on,
                           CASE status WHEN 'active' THEN 8 + id %% 5 WHEN 'dormant' THEN 1
                                ELSE 0 END AS w
                      FROM orgs_branch) x
             WHERE w > 0 AND first_on <= %(today)s::date
          ) b
         CROSS JOIN LATERAL generate_series(1,
             (div(%(n)s * b.cum, b.total) - div(%(n)s * (b.cum - b.w), b.total))::int) g
      ) a
  ) s
 ORDER BY held_on
"""

# One time bucket of donations: each branch's share, on random days of the bucket, in date
# order (the order records arrive in). On a Giving Day most gifts are small online gifts to
# the province's Giving Day campaign; other days bring bank transfers, cash, goods, flood
# appeals in their month and the county's charity project.
DONATION_INSERT = """
INSERT INTO funds_donation (created_at, updated_at, branch_id, region_code, donor_id,
                            campaign_id, kind, amount, in_kind_description, channel,
                            received_on, receipt_no, designated, designation, matching, reason,
                            reversal_kind, note)
SELECT stamp, stamp, branch_id, region_id,
       CASE WHEN r_donor < 0.5 AND donor_n > 0
            THEN donor_lo + floor(r_donor * 2 * donor_n)::bigint END,
       CASE WHEN %(giving_day)s::int IS NOT NULL AND r_campaign < 0.9 THEN giving_day_id
            WHEN emergency_id IS NOT NULL AND r_campaign < 0.4 THEN emergency_id
            WHEN r_campaign BETWEEN 0.4 AND 0.65 THEN project_id END,
       CASE WHEN in_kind THEN 'in_kind' ELSE 'cash' END,
       CASE WHEN %(giving_day)s::int IS NOT NULL
            THEN least(round((10 * power(1 - r_amount, -0.8))::numeric, 2), 200000)
            WHEN in_kind THEN round((500 + 100000 * power(r_amount, 3))::numeric, 2)
            ELSE least(round((20 * power(1 - r_amount, -0.8))::numeric, 2), 2000000) END,
       CASE WHEN in_kind THEN '口罩 ' || (100 * (1 + floor(r_amount * 100))) || ' 只' ELSE '' END,
       CASE WHEN in_kind THEN 'goods' WHEN %(giving_day)s::int IS NOT NULL THEN 'online'
            WHEN r_channel < 0.45 THEN 'online' WHEN r_channel < 0.8 THEN 'bank'
            ELSE 'cash' END,
       received_on,
       'B' || %(bucket)s || '-' || branch_id || '-' || g,
       designated, CASE WHEN designated THEN '定向用于困难群众救助' ELSE '' END, false, '', '', ''
  FROM (
    SELECT k.*, gd.campaign_id AS giving_day_id, e.campaign_id AS emergency_id,
           k.r_kind < 0.03 AND %(giving_day)s::int IS NULL AS in_kind,
           k.r_kind BETWEEN 0.03 AND 0.13 AS designated,
           (k.received_on + interval '1 hour' + k.r_channel * interval '10 hours')::timestamptz
               AS stamp
      FROM (
        SELECT a.branch_id, a.region_id, a.province, a.donor_lo, a.donor_n, a.project_id, g,
               random() AS r_donor, random() AS r_campaign, random() AS r_kind,
               random() AS r_amount, random() AS r_channel,
               %(lo)s::date + floor(random() * %(days)s)::int AS received_on
          FROM bench_alloc a
         CROSS JOIN LATERAL generate_series(1, {share}) g
      ) k
      LEFT JOIN bench_giving_day gd
        ON gd.province = k.province AND gd.year = %(giving_day)s::int
      LEFT JOIN bench_emergency e ON e.province = k.province AND e.month = %(month)s
  ) d
 ORDER BY received_on
""".format(share=BUCKET_SHARE.format(n="a.donations"))  # noqa: S608 (fixed SQL fragments, no input)

# Reversal entries: the negative of every REVERSAL_EVERY-th donation, refunded a few days
# later (a refund is booked on its own date, as the plain-SQL baseline sums it).
REVERSAL_INSERT = """
INSERT INTO funds_donation (created_at, updated_at, branch_id, region_code, donor_id,
                            campaign_id, kind, amount, in_kind_description, channel,
                            received_on, receipt_no, designated, designation, matching, reason,
                            reversal_kind, note, reverses_id)
SELECT created_at + interval '3 days', created_at + interval '3 days', branch_id, region_code,
       donor_id, campaign_id, kind, -amount, in_kind_description, channel,
       least(received_on + 3, %(today)s::date), receipt_no || '-R', designated, designation,
       matching, '捐赠人申请退款', 'refund', '', id
  FROM funds_donation
 WHERE id IN (SELECT generate_series(%(every)s::bigint, max(id), %(every)s) FROM funds_donation)
 ORDER BY id
"""
