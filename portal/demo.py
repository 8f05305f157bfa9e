"""The demo data set: Jiangxi province shaped after DOMAIN.md, the same for the same seed.

``build(seed=...)`` plans unsaved records in memory, parents referenced as objects, and
``write(plan)`` inserts them with ``bulk_create`` in dependency order, so the database's
constraints and triggers (copied region codes, summaries) see ordinary inserts. Ji'an's
reported figures are reproduced exactly (net of reversal entries); everything else is drawn
from ``random.Random(seed)``.
"""

import datetime
import hashlib
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from funds.choices import CampaignKind, DonationChannel, DonationKind, DonorKind
from funds.models import Campaign, Donation, Donor
from members.choices import (
    Gender,
    MemberKind,
    MembershipEventKind,
    PositionRole,
    ServiceRecordStatus,
    ServiceType,
    VolunteerStatus,
)
from members.models import (
    Member,
    MembershipEvent,
    Position,
    ServiceRecord,
    Volunteer,
    VolunteerTeam,
)
from orgs.choices import (
    TERRITORIAL_KINDS,
    BranchKind,
    BranchRating,
    BranchStatus,
    RegionKind,
    RegionLevel,
)
from orgs.models import Assessment, Branch, Region, Standard, StandardItem
from orgs.validators import id_check_char
from portal.models import UserRole

Date = datetime.date
PROVINCE, CITY, COUNTY, TIANYU = "36", "3608", "360803", "360803100"
PROVINCE_BRANCH = "江西省红十字会"  # its presence marks an existing demo set
DEFAULT_SEED = 2019
YEARS = range(2019, 2026)
LAST_DAY = Date(2025, 12, 31)
CENT = Decimal("0.01")
BATCH_SIZE = 2000

# Reported figures (DOMAIN.md), reproduced exactly, in yuan.
JIAN_GIVING_DAY = {2019: Decimal("5169000.00"), 2020: Decimal("14000000.00")}
JIAN_CASH_2019 = Decimal("25510000.00")
JIAN_COVID = Decimal("70139000.00")
TIANYU_COVID_CASH = Decimal("332600.00")  # "330,000+ yuan"
MASK = ("医用口罩", "只", Decimal("2.50"))
TIANYU_MASKS = (Decimal("12500.00"), Decimal("5000.00"))  # 5,000 + 2,000 = 7,000 masks
TANGWEI, SCHOOL_AID = "塘尾老人幸福餐桌", "天玉贫困师生爱心助学"
TIANYU_GIVING_DAY_2020 = {TANGWEI: Decimal("58360.00"), SCHOOL_AID: Decimal("47215.50")}

FIGURES = [
    (
        _("Ji'an, 99 Giving Day 2019"),
        Q(campaign__kind=CampaignKind.GIVING_DAY, received_on__year=2019),
    ),
    (_("Ji'an, money raised in 2019"), Q(kind=DonationKind.CASH, received_on__year=2019)),
    (
        _("Ji'an, 99 Giving Day 2020"),
        Q(campaign__kind=CampaignKind.GIVING_DAY, received_on__year=2020),
    ),
    (_("Ji'an, COVID-19 appeal in money and goods"), Q(campaign__kind=CampaignKind.EMERGENCY)),
]


@dataclass(frozen=True)
class Account:
    """A demo account; its password is reset to this one at every run."""

    username: str
    password: str
    region: str | None
    role: str
    superuser: bool = False


ACCOUNTS = [
    Account("admin", "demo-admin-2026", None, UserRole.ADMIN, superuser=True),
    Account("jian", "demo-jian-2026", CITY, UserRole.VIEWER),
    Account("qingyuan", "demo-qingyuan-2026", COUNTY, UserRole.STAFF),
]

# Jiangxi's branches (DOMAIN.md); the sectoral ones at full size.
TOWNSHIP_BRANCHES = 851  # province-wide, Ji'an's 224 included
COMMUNITY_BRANCHES = 110
SECTORAL = {
    BranchKind.SCHOOL: 822,
    BranchKind.SCENIC_AREA: 10,
    BranchKind.ENTERPRISE: 35,
    BranchKind.OTHER: 435,
}
#: Branches are written tier by tier so that parents get their ids first; the rest last.
TIERS = {BranchKind.PROVINCE: 0, BranchKind.CITY: 1, BranchKind.COUNTY: 2, BranchKind.TOWNSHIP: 3}
DORMANT, PREPARING, REFOUNDED = 22, 9, 6  # township branches outside Ji'an
TIANYU_VILLAGES = ("360803100001", "360803100203")  # 临江社区, 塘尾村
TIANYU_MEMBERS, TIANYU_VOLUNTEERS = 232, 32
TIANYU_COUNCIL = [  # 38 positions: role, how many, employer and title
    (PositionRole.HONORARY_PRESIDENT, 1, "天玉镇党委书记"),
    (PositionRole.PRESIDENT, 1, "天玉镇人民政府镇长"),
    (PositionRole.EXECUTIVE_VICE_PRESIDENT, 1, "天玉镇人民政府副镇长"),
    (PositionRole.FULL_TIME_VICE_PRESIDENT, 1, "天玉镇红十字会"),
    (PositionRole.PART_TIME_VICE_PRESIDENT, 3, "天玉镇卫生院、天玉中学、乡贤代表"),
    (PositionRole.SECRETARY_GENERAL, 1, "天玉镇社会事务办主任"),
    (PositionRole.STANDING_COUNCIL_MEMBER, 8, "村党支部书记"),
    (PositionRole.COUNCIL_MEMBER, 17, "村（社区）干部、志愿者、乡贤"),
    (PositionRole.SUPERVISORY_CHAIR, 1, "天玉镇纪委书记"),
    (PositionRole.SUPERVISOR, 4, "村务监督委员会主任"),
]

SCENIC_AREAS = [  # Jiangxi's ten scenic-area branches: county, name
    ("360881", "井冈山风景旅游区"),
    ("360483", "庐山风景名胜区"),
    ("361123", "三清山风景名胜区"),
    ("360681", "龙虎山风景名胜区"),
    ("361130", "婺源江湾景区"),
    ("360902", "明月山风景名胜区"),
    ("360102", "滕王阁景区"),
    ("360323", "武功山风景名胜区"),
    ("360203", "景德镇古窑民俗博览区"),
    ("360781", "瑞金共和国摇篮景区"),
]
COUNTY_SCHOOLS = ["第一中学", "第二中学", "第三中学", "实验小学", "实验中学", "职业中专"]
TOWNSHIP_SCHOOLS = ["中心小学", "中学"]
OTHER_UNITS = ["机关事务管理局", "老年大学", "社会福利院", "公安局", "交通运输局", "汽车客运站", "应急管理局", "消防救援大队", "文化馆", "体育中心", "工业园区管委会", "供销合作社", "残疾人联合会", "总工会", "妇女联合会", "民政局", "退役军人事务局", "市场监督管理局"]  # fmt: skip
AREA_CODES = {  # telephone area codes of Jiangxi's cities
    "3601": "0791", "3602": "0798", "3603": "0799", "3604": "0792", "3605": "0790",
    "3606": "0701", "3607": "0797", "3608": "0796", "3609": "0795", "3610": "0794",
    "3611": "0793",
}  # fmt: skip

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "魏吕丁沈姚卢钟谭陆汪范金廖夏付方邹熊邱江尹段雷龙陶黎贺毛龚邵万严戴"
    "刘胡罗曾肖郭彭钟邱刘胡罗曾肖郭彭钟邱刘胡罗"  # Jiangxi's frequent surnames, weighted
)
MALE_CHARS = "伟强磊军勇杰涛斌超明辉刚平建国华文志鹏飞俊峰宇浩凯鑫林波成海龙东亮晨阳旭昊荣根生福"
FEMALE_CHARS = "芳娟敏静丽艳娜秀英霞玲燕红梅兰琴莉婷雪慧颖洁琳萍欣怡佳倩月凤丹桂香珍"
MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "158", "159", "177", "180", "182", "187", "188", "189", "191", "199"]  # fmt: skip
OCCUPATIONS = ["农民", "教师", "医生", "村干部", "个体工商户", "企业职工", "退休干部", "乡贤", "志愿者", "公务员"]  # fmt: skip
BRANDS = ["鑫源", "华盛", "宏达", "恒通", "金鹰", "瑞丰", "庐陵", "井冈", "赣江", "天祥", "永盛", "博大", "正邦", "汇丰", "新华", "富民", "长青", "绿源", "宏远"]  # fmt: skip
INDUSTRIES = ["实业", "建设", "医药", "电子", "农业开发", "食品", "建材", "物流", "房地产开发", "新能源", "电器", "纺织", "茶业", "米业"]  # fmt: skip
COMPANY_FORMS = ["有限公司", "有限公司", "股份有限公司"]
CHAMBER_ORIGINS = ["浙江", "福建", "广东", "温州", "江苏", "湖南", "安徽", "台州", "莆田", "四川", "河南", "湖北"]  # fmt: skip
ORGANIZATIONS = ["教育局", "卫生健康委员会", "机关工委", "总工会", "妇女联合会", "团委", "慈善会", "工商联"]  # fmt: skip
MATCHING_DONOR = "腾讯公益慈善基金会"
LEAVE_REASONS = ["迁居外地", "个人原因", "工作调动"]
REVERSAL_REASONS = ["重复录入", "金额录入错误", "捐赠人信息有误，冲正后重新登记"]
DESIGNATIONS = ["助学", "大病救助", "博爱家园建设", "应急救护培训", "防汛救灾", "困难群众帮扶"]
GOODS = {  # name, unit, appraised value per unit
    "covid": [
        MASK,
        ("N95口罩", "只", Decimal("12")),
        ("医用防护服", "套", Decimal("120")),
        ("消毒液", "箱", Decimal("60")),
        ("额温枪", "支", Decimal("180")),
        ("方便食品", "箱", Decimal("45")),
    ],
    "relief": [
        ("大米", "袋", Decimal("120")),
        ("食用油", "桶", Decimal("90")),
        ("棉被", "床", Decimal("150")),
        ("矿泉水", "箱", Decimal("30")),
        ("救生衣", "件", Decimal("80")),
        ("帐篷", "顶", Decimal("800")),
        ("学习用品", "套", Decimal("50")),
        ("轮椅", "台", Decimal("600")),
    ],
}
SERVICE_LABELS = {
    ServiceType.EMERGENCY: "应急救护",
    ServiceType.THREE_DONATIONS: "三献",
    ServiceType.ELDERLY_CARE: "养老服务",
    ServiceType.CARING: "关爱帮困",
    ServiceType.ARTS: "文艺",
    ServiceType.PUBLIC_AFFAIRS: "公共事务",
    ServiceType.LEGAL_MEDIATION: "法治调解",
}
SERVICE_WEIGHTS = [30, 10, 20, 20, 5, 10, 5]  # in SERVICE_LABELS order
ACTIVITIES = {
    ServiceType.EMERGENCY: ["应急救护培训", "防溺水宣传", "急救知识进校园", "防汛救灾"],
    ServiceType.THREE_DONATIONS: ["无偿献血宣传", "造血干细胞采样动员", "遗体器官捐献宣传"],
    ServiceType.ELDERLY_CARE: ["探访空巢老人", "幸福餐桌送餐", "敬老院义务理发"],
    ServiceType.CARING: ["走访困难家庭", "助学金发放", "博爱送万家慰问"],
    ServiceType.ARTS: ["文艺下乡演出", "广场舞培训"],
    ServiceType.PUBLIC_AFFAIRS: ["疫情防控卡点值守", "文明交通劝导", "环境卫生整治"],
    ServiceType.LEGAL_MEDIATION: ["邻里纠纷调解", "法律知识宣传"],
}


def missing_regions() -> list[str]:
    """The ``manage.py`` commands still to run before seeding (two queries)."""
    commands = []
    if not Region.objects.within(PROVINCE).filter(level=RegionLevel.TOWNSHIP).exists():
        commands.append("load_regions")
    if not Region.objects.within(CITY).filter(level=RegionLevel.COMMUNITY).exists():
        commands.append(f"load_regions --levels 5 --province {CITY}")
    return commands


def exists() -> bool:
    """Whether the demo set is already in the database (one query)."""
    return Branch.objects.filter(region_id=PROVINCE, name=PROVINCE_BRANCH).exists()


def figures() -> list[tuple[str, Decimal]]:
    """Ji'an's reported figures as the database sums them, reversals netted (one query)."""
    totals = {
        f"figure{i}": Coalesce(Sum("amount", filter=condition), Decimal(0))
        for i, (_label, condition) in enumerate(FIGURES)
    }
    sums = Donation.objects.within(CITY).aggregate(**totals)
    return [(label, sums[f"figure{i}"]) for i, (label, _condition) in enumerate(FIGURES)]


def build(*, seed: int = DEFAULT_SEED) -> "Plan":
    """Plan the demo set for ``seed`` from the regions and the default standard (three queries)."""
    standard = Standard.objects.filter(is_default=True).first()
    items = list(StandardItem.objects.filter(standard=standard).order_by("number"))
    return Builder(seed=seed, tree=RegionTree.load(), standard=standard, items=items).build()


def write(plan: "Plan") -> dict[str, int]:
    """Insert the plan in one transaction, parents first; return the rows written per table."""
    counts: dict[str, int] = defaultdict(int)
    with transaction.atomic():
        for model, rows in plan.batches():
            model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            counts[model._meta.db_table] += len(rows)
    return dict(counts)


def day_between(rng: random.Random, start: Date, end: Date) -> Date:
    """A day from ``start`` to ``end`` (``start`` when the span is empty)."""
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def village_short(name: str) -> str:
    """``岭上村委会`` → ``岭上村``, ``临江社区居委会`` → ``临江社区``: the name a branch takes."""
    suffixes = [("村民委员会", "村"), ("村委会", "村"), ("居民委员会", "社区"), ("居委会", "社区")]
    for suffix, short in suffixes:
        if name.endswith(suffix):
            stem = name.removesuffix(suffix)
            return stem if stem.endswith(short) else stem + short
    return name


# --- regions and people ------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A region as the builder needs it."""

    code: str
    name: str
    kind: str


class RegionTree:
    """Jiangxi's regions down to townships, and Ji'an's villages, as plain objects by code."""

    def __init__(self, rows: list[tuple[str, str, str]]):
        self.places = {code: Place(code, name, kind) for code, name, kind in sorted(rows)}
        self._counties: dict[str, str] = {}

    @classmethod
    def load(cls) -> "RegionTree":
        """Read the regions from the database (one query)."""
        wanted = Q(code__startswith=PROVINCE) & ~Q(level=RegionLevel.COMMUNITY)
        wanted |= Q(code__startswith=CITY, level=RegionLevel.COMMUNITY)
        rows = Region.objects.current().filter(wanted).values_list("code", "name", "kind")
        return cls(list(rows))

    def under(self, prefix: str, length: int) -> list[Place]:
        """Places with codes of ``length`` digits below ``prefix``, in code order."""
        return [p for c, p in self.places.items() if len(c) == length and c.startswith(prefix)]

    def townships(self, prefix: str) -> list[Place]:
        """Streets, towns and townships below ``prefix`` (not township-like units)."""
        return [p for p in self.under(prefix, 9) if p.kind != RegionKind.SPECIAL]

    def county_of(self, code: str) -> str:
        """The county of a region; for a city or the province, its first county (ID prefixes)."""
        if len(code) >= 6:
            return code[:6]
        if code not in self._counties:
            self._counties[code] = self.under(code, 6)[0].code
        return self._counties[code]


class People:
    """Chinese names, valid ID numbers, phones and unit names from the seed's random source."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.id_numbers: set[str] = set()
        self.companies: set[str] = set()

    def name(self, gender: str) -> str:
        chars = MALE_CHARS if gender == Gender.MALE else FEMALE_CHARS
        given = "".join(self.rng.choice(chars) for _n in range(self.rng.choice([1, 2, 2])))
        return self.rng.choice(SURNAMES) + given

    def person(self, county: str, *, born: tuple[int, int] = (1955, 2001)) -> dict:
        """A person's fields: name, gender, ID number (most have one) and mobile number."""
        gender = self.rng.choice([Gender.MALE, Gender.FEMALE])
        birth = day_between(self.rng, Date(born[0], 1, 1), Date(born[1], 12, 31))
        has_id = self.rng.random() < 0.85
        return {
            "name": self.name(gender),
            "gender": gender,
            "id_number": self.id_number(county, birth, gender) if has_id else "",
            "phone": self.mobile(),
        }

    def id_number(self, county: str, birth: Date, gender: str) -> str:
        """A resident ID number with a valid check character, unique in the data set."""
        while True:
            sequence = self.rng.randrange(0, 1000, 2) + (gender == Gender.MALE)
            first17 = f"{county}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + id_check_char(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def landline(self, code: str) -> str:
        return f"{AREA_CODES.get(code[:4], '0791')}-{self.rng.randint(2000000, 8999999)}"

    def company(self, place: str) -> str:
        """An enterprise name, unique in the data set."""
        while True:
            brand, industry = self.rng.choice(BRANDS), self.rng.choice(INDUSTRIES)
            name = f"{place}{brand}{industry}{self.rng.choice(COMPANY_FORMS)}"
            if name not in self.companies:
                self.companies.add(name)
                return name


# --- the plan ----------------------------------------------------------------------------


@dataclass
class Plan:
    """Unsaved records of the demo set; ``batches()`` gives them in the order they are written."""

    branch_tiers: list[list[Branch]] = field(default_factory=lambda: [[] for _n in range(5)])
    members: list[Member] = field(default_factory=list)
    events: list[MembershipEvent] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    teams: list[VolunteerTeam] = field(default_factory=list)
    volunteers: list[Volunteer] = field(default_factory=list)
    records: list[ServiceRecord] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    assessment_items: list[models.Model] = field(default_factory=list)
    donors: list[Donor] = field(default_factory=list)
    campaign_tiers: list[list[Campaign]] = field(default_factory=lambda: [[], []])
    donations: list[Donation] = field(default_factory=list)
    reversals: list[Donation] = field(default_factory=list)

    def batches(self) -> Iterator[tuple[type[models.Model], list]]:
        """(model, records) in dependency order: a record's parents are written before it."""
        for tier in self.branch_tiers:
            yield Branch, tier
        yield Member, self.members
        yield MembershipEvent, self.events
        yield Position, self.positions
        yield VolunteerTeam, self.teams
        yield Volunteer, self.volunteers
        yield ServiceRecord, self.records
        yield Assessment, self.assessments
        yield Assessment.items_met.through, self.assessment_items
        yield Donor, self.donors
        for tier in self.campaign_tiers:
            yield Campaign, tier
        yield Donation, self.donations
        yield Donation, self.reversals  # after the entries they reverse

    @property
    def branches(self) -> list[Branch]:
        return [branch for tier in self.branch_tiers for branch in tier]

    def fingerprint(self) -> str:
        """A digest of every planned value: equal plans have equal fingerprints (no query)."""
        digest = hashlib.sha256()
        for model, rows in self.batches():
            fields = [f for f in model._meta.concrete_fields if f.name not in _UNPLANNED]
            for row in rows:
                digest.update(repr([_planned_value(row, f) for f in fields]).encode())
        return digest.hexdigest()


_UNPLANNED = {"id", "created_at", "updated_at"}


def _planned_value(row: models.Model, model_field: models.Field):
    """A field's value; for a link to another planned (unsaved) record, that record's text."""
    value = getattr(row, model_field.attname)
    if value is None and model_field.is_relation and model_field.is_cached(row):
        return str(model_field.get_cached_value(row))
    return value


# --- branches, members, volunteers, assessments --------------------------------------------


class Builder:
    """Draws the demo set from one random source in a fixed order (hence deterministic)."""

    def __init__(
        self, *, seed: int, tree: RegionTree, standard: Standard | None, items: list[StandardItem]
    ):
        self.rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
        self.people = People(self.rng)
        self.tree = tree
        self.standard, self.items = standard, items
        self.plan = Plan()
        self.territorial: dict[str, Branch] = {}  # the current territorial branch by region
        self.tianyu: Branch | None = None

    def build(self) -> Plan:
        self.branches()
        self.memberships()
        self.councils()
        self.volunteering()
        self.assessments()
        Funds(self).raise_all()
        return self.plan

    def branches(self) -> None:
        """Province, cities and counties; townships; sectoral units; villages."""
        self.branch(PROVINCE, BranchKind.PROVINCE, Date(1985, 6, 1))
        for city in self.tree.under(PROVINCE, 4):
            founded = day_between(self.rng, Date(1986, 1, 1), Date(1995, 12, 31))
            self.branch(city.code, BranchKind.CITY, founded)
            for county in self.tree.under(city.code, 6):
                founded = day_between(self.rng, Date(1990, 1, 1), Date(2008, 12, 31))
                self.branch(county.code, BranchKind.COUNTY, founded)
        self.township_branches()
        self.sectoral_branches()
        self.community_branches()

    def branch(self, code: str, kind: str, founded: Date | None, **fields) -> Branch:
        """Plan a branch at region ``code`` under the nearest territorial branch above it."""
        place = self.tree.places[code]
        if "parent" not in fields and len(code) > 2:
            fields["parent"] = self.parent(code, inclusive=kind not in TERRITORIAL_KINDS)
        fields.setdefault("name", f"{place.name}红十字会")
        branch = Branch(
            region_id=code,
            kind=kind,
            founded_on=founded,
            address=self.address(place, kind, fields["name"]),
            phone=self.people.landline(code),
            **(self.milestones(founded) | fields),
        )
        self.plan.branch_tiers[TIERS.get(kind, len(TIERS))].append(branch)
        if branch.is_territorial and branch.status != BranchStatus.DISSOLVED:
            self.territorial[code] = branch
        return branch

    def address(self, place: Place, kind: str, name: str) -> str:
        """The government compound, the village committee, or the unit itself."""
        if kind not in TERRITORIAL_KINDS:
            return name.removesuffix("红十字会")
        if kind == BranchKind.COMMUNITY:
            return place.name
        office = "人民政府院内" if kind == BranchKind.TOWNSHIP else "红十字会办公楼"
        return f"{place.name}{office}"

    def milestones(self, founded: Date | None) -> dict:
        """First congress at founding; a supervisory board and complete bodies for most."""
        if founded is None:
            return {}
        board = self.rng.random() < 0.75
        board_on = min(LAST_DAY, founded + datetime.timedelta(self.rng.randint(0, 400)))
        return {
            "first_congress_on": founded,
            "supervisory_board_on": board_on if board else None,
            "bodies_complete": board and self.rng.random() < 0.85,
        }

    def parent(self, code: str, *, inclusive: bool) -> Branch:
        """The nearest territorial branch above region ``code`` (or at it, when ``inclusive``)."""
        for length in (9, 6, 4, 2):
            below = len(code) >= length if inclusive else len(code) > length
            if below and code[:length] in self.territorial:
                return self.territorial[code[:length]]
        raise LookupError(code)

    def rating(self, model: float, weak: float) -> str:
        draw = self.rng.random()
        if draw < model:
            return BranchRating.MODEL
        return BranchRating.WEAK if draw < model + weak else BranchRating.NORMAL

    def township_branches(self) -> None:
        """Every street, town and township of Ji'an; most but not all elsewhere in Jiangxi."""
        jian = self.tree.townships(CITY)
        for place in jian:
            founded = day_between(self.rng, Date(2018, 6, 1), Date(2020, 12, 31))
            rating = self.rating(0.08, 0.03)
            if place.code == TIANYU:
                founded, rating = Date(2019, 5, 8), BranchRating.MODEL
            branch = self.branch(place.code, BranchKind.TOWNSHIP, founded, rating=rating)
            if place.code == TIANYU:
                self.tianyu = branch
        others = [p for p in self.tree.townships(PROVINCE) if not p.code.startswith(CITY)]
        chosen = self.rng.sample(others, TOWNSHIP_BRANCHES - len(jian))
        fates = self.rng.sample(range(len(chosen)), DORMANT + PREPARING + REFOUNDED)
        fate_of = {index: rank for rank, index in enumerate(fates)}
        for index, place in sorted(enumerate(chosen), key=lambda pair: pair[1].code):
            self.other_township(place, fate_of.get(index, -1))

    def other_township(self, place: Place, fate: int) -> None:
        """A township branch outside Ji'an: active, dormant, preparing, or refounded in 2019."""
        founded = day_between(self.rng, Date(2015, 1, 1), Date(2024, 6, 30))
        township = BranchKind.TOWNSHIP
        if fate < 0:
            self.branch(place.code, township, founded, rating=self.rating(0.04, 0.05))
        elif fate < DORMANT:
            dormant = {"status": BranchStatus.DORMANT, "rating": self.rating(0, 0.5)}
            self.branch(place.code, township, founded, **dormant)
        elif fate < DORMANT + PREPARING:
            self.branch(place.code, township, None, status=BranchStatus.PREPARING)
        else:  # the old branch dissolved in a reorganization, a new one founded after it
            old = day_between(self.rng, Date(2008, 1, 1), Date(2014, 12, 31))
            dissolved = day_between(self.rng, Date(2019, 3, 1), Date(2019, 6, 30))
            gone = {"status": BranchStatus.DISSOLVED, "dissolved_on": dissolved}
            self.branch(place.code, township, old, name=f"{place.name}红十字分会", **gone)
            refounded = dissolved + datetime.timedelta(self.rng.randint(10, 120))
            self.branch(place.code, township, refounded)

    def sectoral_branches(self) -> None:
        """Schools, scenic areas, enterprises and other units, in Jiangxi's numbers."""
        counties = self.tree.under(PROVINCE, 6)
        townships = self.tree.townships(PROVINCE)
        schools = [(c.code, f"{c.name}{s}") for c in counties for s in COUNTY_SCHOOLS]
        schools += [(t.code, f"{t.name}{s}") for t in townships for s in TOWNSHIP_SCHOOLS]
        others = [(c.code, f"{c.name}{u}") for c in counties for u in OTHER_UNITS]
        others += [(t.code, f"{t.name}敬老院") for t in townships]
        hosts = self.rng.choices(counties, k=SECTORAL[BranchKind.ENTERPRISE])
        units = {
            BranchKind.SCHOOL: self.rng.sample(schools, SECTORAL[BranchKind.SCHOOL]),
            BranchKind.SCENIC_AREA: SCENIC_AREAS,
            BranchKind.ENTERPRISE: [(c.code, self.people.company(c.name)) for c in hosts],
            BranchKind.OTHER: self.rng.sample(others, SECTORAL[BranchKind.OTHER]),
        }
        for kind, chosen in units.items():
            for code, name in sorted(chosen):
                founded = day_between(self.rng, Date(2005, 1, 1), Date(2024, 12, 31))
                dormant = self.rng.random() < 0.03
                health = {"status": BranchStatus.DORMANT, "rating": BranchRating.WEAK}
                if not dormant:
                    health = {"rating": self.rating(0.03, 0)}
                self.branch(code, kind, founded, name=f"{name}红十字会", **health)

    def community_branches(self) -> None:
        """Branches in some of Ji'an's villages and communities, Tianyu's 临江 and 塘尾 among them."""
        villages = [v for v in self.tree.under(CITY, 12) if v.kind != RegionKind.SPECIAL]
        forced = [v for v in villages if v.code in TIANYU_VILLAGES]
        rest = [v for v in villages if v.code not in TIANYU_VILLAGES]
        chosen = forced + self.rng.sample(rest, COMMUNITY_BRANCHES - len(forced))
        for place in sorted(chosen, key=lambda p: p.code):
            draw = self.rng.random()
            founded = day_between(self.rng, Date(2019, 6, 1), Date(2023, 12, 31))
            health = {"status": BranchStatus.ACTIVE}
            if draw < 0.06:
                founded, health = None, {"status": BranchStatus.PREPARING}
            elif draw < 0.1:
                health = {"status": BranchStatus.DORMANT, "rating": BranchRating.WEAK}
            name = f"{village_short(place.name)}红十字会"
            self.branch(place.code, BranchKind.COMMUNITY, founded, name=name, **health)

    # members and leadership ---------------------------------------------------------------

    def member_count(self, branch: Branch) -> int:
        """Tens per township branch, fewer in villages and sectoral units, 232 at Tianyu."""
        if branch.status in (BranchStatus.PREPARING, BranchStatus.DISSOLVED):
            return 0
        if branch is self.tianyu:
            return TIANYU_MEMBERS
        jian = branch.region_id.startswith(CITY)
        ranges = {
            BranchKind.TOWNSHIP: (20, 50) if jian else (8, 30),
            BranchKind.COMMUNITY: (5, 15),
            BranchKind.COUNTY: (10, 30),
            BranchKind.CITY: (15, 30),
            BranchKind.PROVINCE: (20, 40),
        }
        if branch.kind in ranges:
            return self.rng.randint(*ranges[branch.kind])
        return self.rng.randint(3, 12) if self.rng.random() < 0.1 else 0

    def memberships(self) -> None:
        for branch in self.plan.branches:
            for _n in range(self.member_count(branch)):
                self.member(branch)

    def member(self, branch: Branch) -> None:
        """A member (a few are units) with a joined event; a few left, some of them rejoined."""
        county = self.tree.county_of(branch.region_id)
        unit = branch.kind in (BranchKind.COUNTY, BranchKind.CITY) and self.rng.random() < 0.1
        if unit:
            fields = {"kind": MemberKind.UNIT, "name": self.people.company("")}
            fields["phone"] = self.people.landline(county)
        else:
            fields = self.people.person(county) | {"occupation": self.rng.choice(OCCUPATIONS)}
        recruited_by = Date(2020, 12, 31) if branch is self.tianyu else LAST_DAY
        joined = day_between(self.rng, branch.founded_on, recruited_by)
        member = Member(branch=branch, region_code=branch.region_id, joined_on=joined, **fields)
        self.plan.members.append(member)
        self.event(member, MembershipEventKind.JOINED, joined)
        if branch is not self.tianyu and joined < LAST_DAY and self.rng.random() < 0.04:
            self.leave(member)

    def leave(self, member: Member) -> None:
        """The member left; one in three of the leavers rejoined later."""
        left = day_between(self.rng, member.joined_on + datetime.timedelta(1), LAST_DAY)
        reason = self.rng.choice(LEAVE_REASONS)
        self.event(member, MembershipEventKind.LEFT, left, reason)
        if left < LAST_DAY and self.rng.random() < 1 / 3:
            back = day_between(self.rng, left + datetime.timedelta(1), LAST_DAY)
            self.event(member, MembershipEventKind.REJOINED, back)
        else:
            member.left_on, member.leave_reason = left, reason

    def event(self, member: Member, kind: str, on: Date, reason: str = "") -> None:
        event = MembershipEvent(member=member, kind=kind, happened_on=on, reason=reason)
        self.plan.events.append(event)

    def councils(self) -> None:
        """Tianyu's council of 38; a small council at other active province to township branches."""
        members = defaultdict(list)
        for member in self.plan.members:
            members[id(member.branch)].append(member)
        for branch in self.plan.branches:
            if branch is self.tianyu:
                self.tianyu_council(branch, members[id(branch)])
            elif branch.kind in TIERS and branch.status == BranchStatus.ACTIVE:
                self.small_council(branch, members[id(branch)])

    def position(self, branch: Branch, role: str, started: Date, **fields) -> None:
        member = fields.get("member")
        holder = member.name if member else self.people.name(self.rng.choice(list(Gender)))
        position = Position(branch=branch, role=role, holder_name=holder, started_on=started)
        for name, value in fields.items():
            setattr(position, name, value)
        self.plan.positions.append(position)

    def tianyu_council(self, branch: Branch, members: list[Member]) -> None:
        individuals = [m for m in members if m.kind == MemberKind.INDIVIDUAL]
        holders = iter(
            self.rng.sample(individuals, sum(count for _role, count, _title in TIANYU_COUNCIL))
        )
        for role, count, title in TIANYU_COUNCIL:
            for holder in (next(holders) for _n in range(count)):
                started = max(branch.founded_on, holder.joined_on)
                self.position(branch, role, started, member=holder, holder_title=title)

    def small_council(self, branch: Branch, members: list[Member]) -> None:
        """President and secretary-general; more in Ji'an and above townships; some handovers."""
        started = branch.founded_on
        if branch.kind != BranchKind.TOWNSHIP and self.rng.random() < 0.5:
            handover = day_between(self.rng, Date(2020, 1, 1), Date(2024, 12, 31))
            ended = handover - datetime.timedelta(1)
            self.position(branch, PositionRole.PRESIDENT, started, ended_on=ended)
            started = handover
        self.position(branch, PositionRole.PRESIDENT, started)
        self.position(branch, PositionRole.SECRETARY_GENERAL, branch.founded_on)
        if branch.region_id.startswith(CITY) or branch.kind != BranchKind.TOWNSHIP:
            self.position(branch, PositionRole.PART_TIME_VICE_PRESIDENT, branch.founded_on)
            self.position(branch, PositionRole.SUPERVISORY_CHAIR, branch.founded_on)
            count = min(len(members), self.rng.randint(2, 5))
            for member in self.rng.sample(members, count):
                since = max(branch.founded_on, member.joined_on)
                self.position(branch, PositionRole.COUNCIL_MEMBER, since, member=member)

    # volunteers ------------------------------------------------------------------------------

    def team_plan(self, branch: Branch) -> list[tuple[str, int]]:
        """The teams of a branch: (service type, number of volunteers)."""
        jian = branch.region_id.startswith(CITY)
        if branch.status != BranchStatus.ACTIVE:
            return []
        if branch is self.tianyu:
            return [(ServiceType.EMERGENCY, TIANYU_VOLUNTEERS)]
        if branch.kind in (BranchKind.COUNTY, BranchKind.CITY):
            kinds = [ServiceType.EMERGENCY] + ([ServiceType.THREE_DONATIONS] if jian else [])
            return [(kind, self.rng.randint(15, 30)) for kind in kinds]
        chance, sizes = {
            BranchKind.TOWNSHIP: (1.0, (8, 20)) if jian else (0.3, (6, 15)),
            BranchKind.COMMUNITY: (0.3, (5, 12)),
            BranchKind.SCHOOL: (0.05, (6, 15)),
        }.get(branch.kind, (0, (0, 0)))
        if self.rng.random() >= chance:
            return []
        service_type = self.rng.choices(list(SERVICE_LABELS), SERVICE_WEIGHTS)[0]
        return [(service_type, self.rng.randint(*sizes))]

    def volunteering(self) -> None:
        """Teams with their volunteers; Tianyu's volunteers are drawn from its members."""
        tianyu_people = [
            m
            for m in self.plan.members
            if m.branch is self.tianyu and m.kind == MemberKind.INDIVIDUAL
        ]
        for branch in self.plan.branches:
            for service_type, size in self.team_plan(branch):
                team = self.team(branch, service_type)
                people = self.rng.sample(tianyu_people, size) if branch is self.tianyu else None
                self.volunteers(team, size, people)

    def team(self, branch: Branch, service_type: str) -> VolunteerTeam:
        place = branch.name.removesuffix("红十字会")
        label = "" if branch is self.tianyu else SERVICE_LABELS[service_type]
        share = 0.85 if branch.region_id.startswith(CITY) else 0.5
        unified = [self.rng.random() < share for _n in range(6)]
        start = max(branch.founded_on, Date(2019, 1, 1))
        formed = min(LAST_DAY, start + datetime.timedelta(self.rng.randint(0, 180)))
        team = VolunteerTeam(
            branch=branch,
            region_code=branch.region_id,
            name=f"{place}红十字{label}志愿服务队",
            service_type=service_type,
            founded_on=formed,
            unified_name=unified[0],
            unified_insignia=unified[1],
            unified_uniform=unified[2],
            unified_service=unified[3],
            commitment_signed=unified[4],
            managed_online=unified[5],
        )
        self.plan.teams.append(team)
        return team

    def volunteers(self, team: VolunteerTeam, size: int, people: list[Member] | None) -> None:
        """A team's volunteers (given people, or new ones) and their service records."""
        county = self.tree.county_of(team.region_code)
        for person in people or [None] * size:
            if person is None:
                fields = self.people.person(county, born=(1960, 2005))
            else:
                fields = {k: getattr(person, k) for k in ("name", "gender", "id_number", "phone")}
            active = self.rng.random() < 0.95
            volunteer = Volunteer(
                branch=team.branch,
                team=team,
                region_code=team.region_code,
                registered_on=self.soon_after(team.founded_on, days=120),
                status=VolunteerStatus.ACTIVE if active else VolunteerStatus.INACTIVE,
                **fields,
            )
            self.plan.volunteers.append(volunteer)
            for _n in range(self.rng.randint(0, 6) if active else self.rng.randint(0, 1)):
                self.service(volunteer)

    def soon_after(self, day: Date, *, days: int) -> Date:
        """A day after ``day``, ``days`` later on average (most soon, a few years on)."""
        return min(LAST_DAY, day + datetime.timedelta(int(self.rng.expovariate(1 / days))))

    def service(self, volunteer: Volunteer) -> None:
        """A service record: approved mostly, a few declined, recent ones often still pending."""
        served = day_between(self.rng, volunteer.registered_on, LAST_DAY)
        draw = self.rng.random()
        status = ServiceRecordStatus.DECLINED if draw < 0.04 else ServiceRecordStatus.APPROVED
        if served >= Date(2025, 11, 1) and draw > 0.4:
            status = ServiceRecordStatus.PENDING
        reviewed = None
        if status != ServiceRecordStatus.PENDING:
            day = served + datetime.timedelta(self.rng.randint(1, 7))
            reviewed = datetime.datetime.combine(
                day, datetime.time(10), tzinfo=ZoneInfo(settings.TIME_ZONE)
            )
        record = ServiceRecord(
            volunteer=volunteer,
            team=volunteer.team,
            region_code=volunteer.region_code,
            served_on=served,
            hours=Decimal(self.rng.randint(2, 16)) / 2,
            activity=self.rng.choice(ACTIVITIES[volunteer.team.service_type]),
            status=status,
            reviewed_at=reviewed,
        )
        self.plan.records.append(record)

    # assessments --------------------------------------------------------------------------

    def assessments(self) -> None:
        """The six haves for most branches in 2024; Ji'an's township branches also in 2022."""
        if self.standard is None or not self.items:
            return
        for branch in self.plan.branches:
            if branch.status in (BranchStatus.PREPARING, BranchStatus.DISSOLVED):
                continue
            if self.rng.random() < 0.15:
                continue
            if branch.kind == BranchKind.TOWNSHIP and branch.region_id.startswith(CITY):
                self.assessment(branch, 2022)
            self.assessment(branch, 2024)

    def assessment(self, branch: Branch, year: int) -> None:
        start, end = max(branch.founded_on, Date(year, 11, 1)), Date(year, 12, 31)
        if start > end:
            return
        met = sorted(self.rng.sample(self.items, self.items_met(branch)), key=lambda i: i.number)
        assessment = Assessment(
            branch=branch,
            standard=self.standard,
            assessed_on=day_between(self.rng, start, end),
            met_count=len(met),
            item_count=len(self.items),
        )
        self.plan.assessments.append(assessment)
        through = Assessment.items_met.through
        for item in met:
            self.plan.assessment_items.append(through(assessment=assessment, standarditem=item))

    def items_met(self, branch: Branch) -> int:
        """All items for model branches, few for weak or dormant ones, most for the rest."""
        total = len(self.items)
        if branch.rating == BranchRating.MODEL:
            return total
        if branch.rating == BranchRating.WEAK or branch.status == BranchStatus.DORMANT:
            return self.rng.randint(1, min(3, total))
        meets_all = 0.8 if branch.region_id.startswith(CITY) else 0.5
        if total == 1 or self.rng.random() < meets_all:
            return total
        return self.rng.randint(max(1, total - 4), total - 1)


# --- fundraising ---------------------------------------------------------------------------

MATCHING = "matching"  # the donor of a giving platform's matching funds


@dataclass
class Gift:
    """A donation to be: its branch, date, donor kind, and a fixed amount or a weighted share."""

    branch: Branch
    on: Date
    donor: str | None  # a DonorKind, MATCHING, or None for anonymous
    channel: str
    amount: Decimal | None = None
    weight: float = 1.0
    step: Decimal = CENT
    goods: tuple[str, str, Decimal] | None = None
    designation: str = ""
    matching: bool = False
    note: str = ""


def allocate(total: Decimal | None, gifts: list[Gift]) -> list[Decimal]:
    """Amounts for ``gifts`` summing exactly to ``total``: fixed ones kept, the rest by weight.

    Each share is rounded to its gift's step; the largest share absorbs the rounding. With
    ``total`` None every gift must have a fixed amount.
    """
    amounts = [g.amount for g in gifts]
    shares = [i for i, g in enumerate(gifts) if g.amount is None]
    if total is None or not shares:
        return amounts
    rest = total - sum((a for a in amounts if a is not None), Decimal(0))
    weight = sum(gifts[i].weight for i in shares)
    for i in shares:
        step = gifts[i].step
        share = (rest * Decimal(gifts[i].weight / weight) / step).to_integral_value() * step
        amounts[i] = max(step, share).quantize(CENT)
    largest = max(shares, key=lambda i: amounts[i])
    amounts[largest] += total - sum(amounts)
    if amounts[largest] <= 0:
        raise ValueError(f"Cannot share {rest} among {len(shares)} gifts.")
    return amounts


def copy_donation(original: Donation, **changes) -> Donation:
    """An unsaved donation with the original's fields, except ``changes``."""
    names = [
        "branch", "region_code", "donor", "campaign", "kind", "amount", "in_kind_description",
        "channel", "received_on", "designated", "designation", "matching", "note",
    ]  # fmt: skip
    return Donation(**({name: getattr(original, name) for name in names} | changes))


class Funds:
    """Campaigns, donors and donations: the reported figures exactly, the rest drawn."""

    def __init__(self, builder: Builder):
        self.rng, self.people, self.tree = builder.rng, builder.people, builder.tree
        self.plan, self.tianyu = builder.plan, builder.tianyu
        self.active = [b for b in self.plan.branches if b.status == BranchStatus.ACTIVE]
        self.pools: dict[tuple[str, str], list[Donor]] = defaultdict(list)
        self.giving_days: dict[tuple[str, int], Campaign] = {}
        self.projects: dict[str, Campaign] = {}
        self.covid: Campaign | None = None

    def raise_all(self) -> None:
        self.campaigns()
        cities = [p.code for p in self.tree.under(PROVINCE, 4) if p.code != CITY]
        for year in YEARS:
            self.jian_year(year)
            for city in cities:
                self.city_year(city, year)
            self.province_year(year)
        self.number_receipts()

    def of_kind(self, kind: str, prefix: str) -> list[Branch]:
        """Active branches of ``kind`` below region ``prefix``."""
        return [b for b in self.active if b.kind == kind and b.region_id.startswith(prefix)]

    def year_span(self, year: int) -> tuple[Date, Date]:
        return Date(year, 1, 1), Date(year, 12, 31)

    # campaigns ----------------------------------------------------------------------------

    def campaign(self, name: str, kind: str, region: str, starts: Date, **fields) -> Campaign:
        campaign = Campaign(name=name, kind=kind, region_id=region, starts_on=starts, **fields)
        self.plan.campaign_tiers[0 if fields.get("parent") is None else 1].append(campaign)
        return campaign

    def campaigns(self) -> None:
        """99 Giving Day each year (Jiangxi, with Ji'an's part), COVID-19, Tianyu's projects."""
        for year in YEARS:
            self.giving_day(year)
        self.covid = self.campaign(
            "新冠肺炎疫情防控募捐",
            CampaignKind.EMERGENCY,
            CITY,
            Date(2020, 1, 25),
            ends_on=Date(2020, 4, 30),
            description="吉安市红十字会接收抗击新冠肺炎疫情社会捐赠（款物）",
        )
        projects = [
            (TANGWEI, Date(2019, 6, 1), 200_000, "为塘尾村高龄、空巢老人提供爱心午餐"),
            (SCHOOL_AID, Date(2019, 8, 15), 300_000, "资助天玉镇家庭困难的师生"),
        ]
        for name, starts, target, text in projects:
            self.projects[name] = self.campaign(
                name, CampaignKind.PROJECT, TIANYU, starts,
                target_amount=Decimal(target), description=text,
            )  # fmt: skip

    def giving_day(self, year: int) -> None:
        """The province's 99 Giving Day of ``year`` and Ji'an's part of it."""
        days = {"ends_on": Date(year, 9, 9), "kind": CampaignKind.GIVING_DAY}
        root = self.campaign(
            f"{year}年99公益日", region=PROVINCE, starts=Date(year, 9, 7), **days,
            target_amount=Decimal(self.rng.randrange(30, 80) * 1_000_000),
            description="腾讯公益“99公益日”江西省红十字会联合募捐",
        )  # fmt: skip
        self.giving_days[(PROVINCE, year)] = root
        self.giving_days[(CITY, year)] = self.campaign(
            f"{year}年99公益日（吉安市）", region=CITY, starts=Date(year, 9, 7), **days,
            parent=root, target_amount=Decimal(self.rng.randrange(5, 15) * 1_000_000),
            description="吉安市红十字会99公益日网络募捐",
        )  # fmt: skip

    # donors --------------------------------------------------------------------------------

    def donor(self, kind: str | None, branch: Branch) -> Donor | None:
        """A donor near the branch: a known one again, or a new one registered there."""
        if kind is None:
            return None
        code = TIANYU if branch.region_id == TIANYU else branch.region_id[:6]
        pool = self.pools[(code, kind)]
        cap = {DonorKind.INDIVIDUAL: 40, DonorKind.ENTERPRISE: 15, MATCHING: 1}.get(kind, 4)
        if pool and (len(pool) >= cap or self.rng.random() < 0.3):
            return self.rng.choice(pool)
        donor = self.new_donor(kind, code)
        pool.append(donor)
        self.plan.donors.append(donor)
        return donor

    def new_donor(self, kind: str, code: str) -> Donor:
        place = self.tree.places[code].name
        if kind == DonorKind.INDIVIDUAL:
            person = self.people.person(self.tree.county_of(code))
            phone = person["phone"] if self.rng.random() < 0.7 else ""
            return Donor(
                kind=kind,
                name=person["name"],
                region_id=code,
                identifier=person["id_number"],
                phone=phone,
            )
        names = {
            MATCHING: MATCHING_DONOR,
            DonorKind.CHAMBER: f"{place}{self.rng.choice(CHAMBER_ORIGINS)}商会",
            DonorKind.ORGANIZATION: f"{place}{self.rng.choice(ORGANIZATIONS)}",
        }
        return Donor(
            kind=DonorKind.ORGANIZATION if kind == MATCHING else kind,
            name=names.get(kind) or self.people.company(place),
            region_id=code,
            phone=self.people.landline(code),
            address=place,
        )

    # donations -----------------------------------------------------------------------------

    def flow(self, total: Decimal | None, gifts: list[Gift], campaign=None, *, mistakes=0) -> None:
        """Donations for ``gifts`` summing exactly to ``total`` net; ``mistakes`` get reversed."""
        amounts = allocate(total, gifts)
        donations = [self.donation(g, a, campaign) for g, a in zip(gifts, amounts, strict=True)]
        self.plan.donations += donations
        for original in self.rng.sample(donations, min(mistakes, len(donations))):
            self.mistake(original)

    def donation(self, gift: Gift, amount: Decimal, campaign: Campaign | None) -> Donation:
        goods = ""
        if gift.goods:
            name, unit, value = gift.goods
            goods = f"{name}{max(1, int(amount / value)):,}{unit}"
        return Donation(
            branch=gift.branch,
            region_code=gift.branch.region_id,
            donor=self.donor(gift.donor, gift.branch),
            campaign=campaign,
            kind=DonationKind.IN_KIND if gift.goods else DonationKind.CASH,
            amount=amount,
            in_kind_description=goods,
            channel=gift.channel,
            received_on=gift.on,
            designated=bool(gift.designation),
            designation=gift.designation,
            matching=gift.matching,
            note=gift.note,
        )

    def mistake(self, original: Donation) -> None:
        """A wrong entry beside the right one (a typo or a duplicate) and its reversal entry."""
        typo = original.kind == DonationKind.CASH and self.rng.random() < 0.5
        wrong = copy_donation(original, amount=original.amount * (10 if typo else 1))
        year_end = Date(original.received_on.year, 12, 31)
        fixed_on = min(original.received_on + datetime.timedelta(self.rng.randint(0, 5)), year_end)
        reason = REVERSAL_REASONS[1] if typo else self.rng.choice(REVERSAL_REASONS[::2])
        reversal = copy_donation(
            wrong, amount=-wrong.amount, reverses=wrong, reason=reason, received_on=fixed_on
        )
        self.plan.donations.append(wrong)
        self.plan.reversals.append(reversal)

    def number_receipts(self) -> None:
        """Receipt numbers DEMO-<year>-<n>, in date order within each year."""
        entries = self.plan.donations + self.plan.reversals
        counters: dict[int, int] = defaultdict(int)
        for i in sorted(range(len(entries)), key=lambda i: (entries[i].received_on, i)):
            year = entries[i].received_on.year
            counters[year] += 1
            entries[i].receipt_no = f"DEMO-{year}-{counters[year]:06d}"

    # gifts -----------------------------------------------------------------------------------

    def giving_day_gifts(self, branch: Branch, year: int, weight: float, enterprise=True):
        """Three days of online batches, the platform's matching funds, maybe an enterprise."""
        gifts = [
            Gift(branch, Date(year, 9, day), None, DonationChannel.ONLINE,
                 weight=weight * self.rng.lognormvariate(0, 0.5),
                 note=f"99公益日网络筹款（9月{day}日）")
            for day in (7, 8, 9)
        ]  # fmt: skip
        gifts.append(
            Gift(branch, Date(year, 9, 9), MATCHING, DonationChannel.ONLINE,
                 weight=weight * 0.6, matching=True, note="99公益日配捐")
        )  # fmt: skip
        if enterprise and self.rng.random() < 0.5:
            amount = Decimal(self.rng.choice([10_000, 20_000, 30_000, 50_000, 100_000]))
            on = Date(year, 9, self.rng.randint(7, 9))
            gifts.append(
                Gift(branch, on, DonorKind.ENTERPRISE, DonationChannel.BANK, amount=amount,
                     designation=self.designation(0.3))
            )  # fmt: skip
        return gifts

    def general_gifts(self, branches, weights, span: tuple[Date, Date], n: int, note=""):
        """``n`` gifts: a few major ones sharing most of the total, many regular and small."""
        gifts = []
        for index in range(n):
            branch = self.rng.choices(branches, weights)[0]
            draw = 0.0 if index == 0 else self.rng.random()  # at least one major gift
            gifts.append(self.sized_gift(branch, day_between(self.rng, *span), draw, note))
        return gifts

    def sized_gift(self, branch: Branch, on: Date, draw: float, note: str) -> Gift:
        if draw < 0.15:
            kinds = [DonorKind.ENTERPRISE, DonorKind.CHAMBER, DonorKind.ORGANIZATION]
            donor = self.rng.choices([*kinds, DonorKind.INDIVIDUAL], [60, 15, 20, 5])[0]
            weight = self.rng.lognormvariate(0, 1)
            return Gift(branch, on, donor, DonationChannel.BANK, weight=weight,
                        step=Decimal(1000), designation=self.designation(0.2), note=note)  # fmt: skip
        if draw < 0.55:
            kinds = [DonorKind.INDIVIDUAL, DonorKind.ENTERPRISE, DonorKind.ORGANIZATION]
            donor = self.rng.choices(kinds, [50, 40, 10])[0]
            amount = self.rng.choice([1000, 2000, 3000, 5000, 8000, 10000, 20000])
            channel = self.rng.choice([DonationChannel.BANK, DonationChannel.CASH])
        else:
            donor = DonorKind.INDIVIDUAL if self.rng.random() < 0.75 else None
            amount = self.rng.choice([50, 100, 200, 300, 500, 800, 1000])
            channel = self.rng.choice([DonationChannel.CASH, DonationChannel.ONLINE])
        return Gift(branch, on, donor, channel, amount=Decimal(amount), note=note)

    def goods_gifts(self, branches, span: tuple[Date, Date], n: int, catalog: str, note=""):
        kinds = [
            DonorKind.ENTERPRISE,
            DonorKind.CHAMBER,
            DonorKind.ORGANIZATION,
            DonorKind.INDIVIDUAL,
        ]
        return [
            Gift(self.rng.choice(branches), day_between(self.rng, *span),
                 self.rng.choices(kinds, [50, 20, 15, 15])[0], DonationChannel.GOODS,
                 weight=self.rng.lognormvariate(0, 1), step=Decimal(100),
                 goods=self.rng.choice(GOODS[catalog]), note=note)
            for _n in range(n)
        ]  # fmt: skip

    def designation(self, chance: float) -> str:
        return f"定向用于{self.rng.choice(DESIGNATIONS)}" if self.rng.random() < chance else ""

    def thousands(self, low: int, high: int) -> Decimal:
        """A drawn total in whole thousands of yuan, from ``low`` to ``high`` thousand."""
        return Decimal(self.rng.randrange(low, high) * 1000)

    # Ji'an ---------------------------------------------------------------------------------

    def jian_branches(self, *, without_tianyu=False) -> tuple[list[Branch], list[float]]:
        """Ji'an's city, county and township branches, weighted by how much they raise."""
        counties = self.of_kind(BranchKind.COUNTY, CITY)
        townships = self.of_kind(BranchKind.TOWNSHIP, CITY)
        if without_tianyu:
            townships.remove(self.tianyu)
        branches = self.of_kind(BranchKind.CITY, CITY) + counties + townships
        return branches, [8.0] + [2.0] * len(counties) + [0.15] * len(townships)

    def jian_year(self, year: int) -> None:
        """Ji'an's 99 Giving Day, Tianyu's projects, general gifts, goods and (2020) COVID-19."""
        giving_day = JIAN_GIVING_DAY.get(year) or self.thousands(6_000, 16_000)
        if year == 2020:
            giving_day -= self.tianyu_giving_day_2020()
        gifts = self.jian_giving_day_gifts(year)
        self.flow(giving_day, gifts, self.giving_days[(CITY, year)], mistakes=2)
        projects = self.tianyu_projects(year)
        general = JIAN_CASH_2019 - JIAN_GIVING_DAY[2019] - projects
        if year > 2019:
            general = self.thousands(8_000, 20_000)
        branches, weights = self.jian_branches()
        span = self.year_span(year)
        self.flow(general, self.general_gifts(branches, weights, span, 220), mistakes=3)
        if year == 2020:
            self.covid_appeal()
        if year > 2019:  # the reported 2019 total is money only
            goods = self.goods_gifts(branches, span, 20, "relief")
            self.flow(self.thousands(300, 2_000), goods)

    def jian_giving_day_gifts(self, year: int) -> list[Gift]:
        """The city, its 13 counties and 20 townships; Tianyu among them but in 2020 (its projects)."""
        townships = [t for t in self.of_kind(BranchKind.TOWNSHIP, CITY) if t is not self.tianyu]
        chosen = self.rng.sample(townships, 19) + ([self.tianyu] if year != 2020 else [])
        gifts = []
        for city in self.of_kind(BranchKind.CITY, CITY):
            gifts += self.giving_day_gifts(city, year, 3.0)
        for county in self.of_kind(BranchKind.COUNTY, CITY):
            gifts += self.giving_day_gifts(county, year, 1.5)
        for township in chosen:
            gifts += self.giving_day_gifts(township, year, 0.4, enterprise=False)
        return gifts

    def tianyu_giving_day_2020(self) -> Decimal:
        """Tianyu's two 99 Giving Day projects of 2020: 100,000+ yuan designated to them."""
        for project, total in TIANYU_GIVING_DAY_2020.items():
            gifts = [
                Gift(self.tianyu, Date(2020, 9, day), None, DonationChannel.ONLINE,
                     weight=self.rng.lognormvariate(0, 0.4), designation=project,
                     note=f"99公益日网络筹款（9月{day}日）")
                for day in (7, 8, 9)
            ]  # fmt: skip
            self.flow(total, gifts, self.giving_days[(CITY, 2020)])
        return sum(TIANYU_GIVING_DAY_2020.values(), Decimal(0))

    def tianyu_projects(self, year: int) -> Decimal:
        """Year-round gifts to Tianyu's named projects; returns their sum."""
        total = Decimal(0)
        kinds = [DonorKind.INDIVIDUAL, DonorKind.ENTERPRISE, None]
        for campaign in self.projects.values():
            start = max(campaign.starts_on, Date(year, 1, 1))
            gifts = [
                Gift(self.tianyu, day_between(self.rng, start, Date(year, 12, 31)),
                     self.rng.choices(kinds, [70, 20, 10])[0],
                     self.rng.choice([DonationChannel.BANK, DonationChannel.CASH]),
                     amount=Decimal(self.rng.choice([200, 500, 1000, 2000, 5000, 10000, 20000])))
                for _n in range(self.rng.randint(6, 14))
            ]  # fmt: skip
            self.flow(None, gifts, campaign)
            total += sum(g.amount for g in gifts)
        return total

    def covid_appeal(self) -> None:
        """70,139,000 yuan in money and goods; Tianyu's 330,000+ yuan and 7,000 masks within."""
        span, note = (Date(2020, 1, 25), Date(2020, 4, 30)), "抗击新冠肺炎疫情捐赠"
        goods_total = self.thousands(15_000, 22_000)
        branches, weights = self.jian_branches(without_tianyu=True)
        cash = self.general_gifts(branches, weights, span, 400, note)
        self.flow(JIAN_COVID - goods_total - TIANYU_COVID_CASH, cash, self.covid, mistakes=3)
        local = self.general_gifts([self.tianyu], [1.0], (span[0], Date(2020, 3, 15)), 30, note)
        self.flow(TIANYU_COVID_CASH, local, self.covid, mistakes=1)
        donors = (DonorKind.ENTERPRISE, DonorKind.INDIVIDUAL)
        masks = [
            Gift(self.tianyu, Date(2020, 2, day), donor, DonationChannel.GOODS, amount=value,
                 goods=MASK, note=note)
            for day, donor, value in zip((3, 9), donors, TIANYU_MASKS, strict=True)
        ]  # fmt: skip
        self.flow(None, masks, self.covid)
        goods = self.goods_gifts(branches, span, 150, "covid", note)
        self.flow(goods_total - sum(TIANYU_MASKS), goods, self.covid, mistakes=1)

    # elsewhere -------------------------------------------------------------------------------

    def city_year(self, city: str, year: int) -> None:
        """Another city: less on 99 Giving Day 2019 than Ji'an; general gifts and goods."""
        top = self.of_kind(BranchKind.CITY, city)
        counties, townships = (
            self.of_kind(BranchKind.COUNTY, city),
            self.of_kind(BranchKind.TOWNSHIP, city),
        )
        gifts = self.giving_day_gifts(top[0], year, 3.0)
        for county in counties:
            gifts += self.giving_day_gifts(county, year, 1.0, enterprise=False)
        for township in self.rng.sample(townships, min(3, len(townships))):
            gifts += self.giving_day_gifts(township, year, 0.4, enterprise=False)
        total = self.thousands(800, 4_600) if year == 2019 else self.thousands(1_500, 12_000)
        mistakes = self.rng.randint(0, 1)
        self.flow(total, gifts, self.giving_days[(PROVINCE, year)], mistakes=mistakes)
        branches = top + counties + townships
        weights = [5.0] + [2.0] * len(counties) + [0.2] * len(townships)
        general = self.general_gifts(branches, weights, self.year_span(year), 60)
        self.flow(self.thousands(3_000, 15_000), general, mistakes=self.rng.randint(0, 1))
        if year > 2019:
            catalog = "covid" if year == 2020 else "relief"
            goods = self.goods_gifts(branches, self.year_span(year), 8, catalog)
            self.flow(self.thousands(200, 3_000), goods)

    def province_year(self, year: int) -> None:
        """The province branch: its own 99 Giving Day drive and general gifts."""
        province = self.of_kind(BranchKind.PROVINCE, PROVINCE)
        gifts = self.giving_day_gifts(province[0], year, 1.0)
        self.flow(self.thousands(2_000, 8_000), gifts, self.giving_days[(PROVINCE, year)])
        general = self.general_gifts(province, [1.0], self.year_span(year), 40)
        self.flow(self.thousands(10_000, 40_000), general, mistakes=1)
