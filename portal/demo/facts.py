"""The fixed facts the demo set is drawn around: reported figures, counts, name pools, dates."""

import datetime
import random
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from funds.choices import CampaignKind, DonationKind
from members.choices import PositionRole, ServiceType
from orgs.choices import BranchKind

Date = datetime.date
PROVINCE, CITY, COUNTY, TIANYU = "36", "3608", "360803", "360803100"
PROVINCE_BRANCH = "江西省红十字会"  # its presence marks an existing demo set
YEARS = range(2019, 2026)
LAST_DAY = Date(2025, 12, 31)
CENT = Decimal("0.01")

# Reported figures, reproduced exactly, in yuan.
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

# Jiangxi's branches; the sectoral ones at full size.
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


def day_between(rng: random.Random, start: Date, end: Date) -> Date:
    """A day from ``start`` to ``end`` (``start`` when the span is empty)."""
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))
