"""The demo risk cases, from the source (the city's 2023 review of its stability work).

`seed(stdout)` is called by `manage.py seed_demo` (through ``CasesConfig.seed_demo``),
inside its transaction, once the districts and demo users exist. It creates the nine
categories of the rolling investigation and the source's cases: the three stalled housing
projects, the Hailuo eco-brick line, the 34 wage-arrears petitions that paid 1,904 workers
49.96 million yuan, a few mass-victim schemes and some open cases, a few of them overdue.

Every case is registered and moved along through the same actions people use
(`cases.actions`), so each has a real history. The follow-ups are dated in the past;
the events are stamped with the time the seed ran.

Idempotent: categories are found by code and cases by their ``source_reference``
(``DEMO-nnn``) within their district; what exists is never touched again.
"""

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases import actions
from cases.choices import (
    CategoryKind,
    FollowUpMethod,
    HousingStage,
    JudicialStage,
    RiskLevel,
    SchemeType,
    Source,
    Transition,
)
from cases.models import DETAILS_MODELS, Case, Category, FollowUp
from riskdesk.choices import Role
from riskdesk.demo import DISTRICTS as DEMO_DISTRICTS
from riskdesk.models import District
from riskdesk.personal import id_check_character

CITY_SUPERVISOR = "city.supervisor"

# code, English name, Chinese name, kind, sort order. The source names the first three
# ("房地产领域、拖欠农民工工资、涉众型经济案件等9大类"); the other six are the usual ones.
CATEGORIES = [
    ("real-estate", "Real estate", "房地产领域", CategoryKind.REAL_ESTATE, 1),
    ("wage-arrears", "Unpaid migrant-worker wages", "拖欠农民工工资",
     CategoryKind.WAGE_ARREARS, 2),
    ("mass-victim", "Mass-victim economic cases", "涉众型经济案件", CategoryKind.MASS_VICTIM, 3),
    ("land", "Land acquisition and demolition", "征地拆迁", CategoryKind.GENERAL, 4),
    ("environment", "Environmental pollution", "生态环境", CategoryKind.GENERAL, 5),
    ("labour", "Labour and social security disputes", "劳动社保", CategoryKind.GENERAL, 6),
    ("education-medical", "Education and medical disputes", "教育医疗",
     CategoryKind.GENERAL, 7),
    ("veterans", "Veterans' affairs", "退役军人", CategoryKind.GENERAL, 8),
    ("enterprise", "Enterprise restructuring and investment projects", "企业改制与项目落地",
     CategoryKind.GENERAL, 9),
]

M = FollowUpMethod
T = Transition


# ---------------------------------------------------------------- what happens to a case
@dataclass(frozen=True)
class Move:
    """A workflow step (`cases.actions.transition`); supervisors' steps by the closer."""

    name: str
    note: str

    @property
    def by_supervisor(self) -> bool:
        return self.name in (T.CLOSE, T.RETURN, T.REOPEN)


@dataclass(frozen=True)
class Follow:
    """A follow-up (`cases.actions.log_follow_up`) dated ``days_ago`` before today."""

    days_ago: int
    method: str
    summary: str
    helped: int = 0
    recovered: Decimal = Decimal(0)
    households: int = 0


@dataclass(frozen=True)
class Edit:
    """A change of the kind details (`cases.actions.update_case`), e.g. a new stage."""

    details: dict


@dataclass
class DemoCase:
    ref: str
    district: str
    category: str
    title: str
    description: str
    risk: str
    source: str
    history: list
    address: str = ""
    responsible_unit: str = ""
    lead_official: str = ""
    people_affected: int = 0
    amount_involved: Decimal = Decimal(0)
    target_in_days: int | None = None  # from today; negative: the target date has passed
    next_due_in_days: int | None = None  # as registered; negative: overdue from the start
    details: dict = field(default_factory=dict)
    closer: str | None = None  # the supervisor who closes or sends back, if not the usual
    contact: tuple[str, str, str] = ("", "", "")  # name, resident ID number, phone


VERIFY = Move(T.VERIFY, "经现场核实,情况属实 / verified on site: the report is accurate")
CLOSE = Move(T.CLOSE, "经回访核实,化解到位,同意销号 / confirmed on a return visit; closed")


# ---------------------------------------------------------------- the source's housing cases
def housing_cases() -> list[DemoCase]:
    return [
        DemoCase(
            ref="DEMO-001", district="kundulun", category="real-estate",
            title="米兰春天小区烂尾项目 / Milan Spring stalled housing estate",
            description=(
                "米兰春天小区2013年停工,烂尾10年,1200户业主未能交房,多次集体上访。\n"
                "Milan Spring stalled in 2013; for ten years 1,200 households could not move "
                "in and petitioned repeatedly."
            ),
            address="昆都仑区阿尔丁大街米兰春天小区 / Milan Spring, Aerding Avenue",
            risk=RiskLevel.MAJOR, source=Source.ROLLING,
            responsible_unit="昆都仑区住房和城乡建设局 / Kundulun housing and construction bureau",
            lead_official="张志刚(副区长) / Zhang Zhigang, deputy district head",
            people_affected=1200, target_in_days=120,
            details={
                "project_name": "米兰春天 Milan Spring",
                "developer": "包头市米兰房地产开发有限公司 / Milan Real Estate Development Co.",
                "households_affected": 1200, "stalled_since": date(2013, 5, 1),
                "stage": HousingStage.HALTED,
            },
            history=[
                Move(T.VERIFY, "核实属实:停工十年,1200户未交房 / verified on site: stalled ten "
                               "years, 1,200 households without their homes"),
                Move(T.START, "成立市区两级工作专班,引入纾困资金续建 / city and district task "
                              "force set up; relief funds brought in to finish the building"),
                Follow(300, M.MEETING, "召开业主代表座谈会,公布续建方案 / met the owners' "
                                       "representatives and published the completion plan"),
                Edit({"stage": HousingStage.RESUMED}),
                Follow(160, M.SITE_VISIT, "现场检查复工进度,1号至4号楼主体完工 / site visit: "
                                          "blocks 1 to 4 structurally complete"),
                Follow(90, M.SITE_VISIT, "首批300户交付,办理入住 / first batch of 300 homes "
                                         "handed over", helped=300, households=300),
                Edit({"stage": HousingStage.DELIVERING}),
                Follow(3, M.SITE_VISIT, "第二批500户交付,其余400户计划年内交付 / second batch of "
                                        "500 handed over; the other 400 are due this year",
                       helped=500, households=500),
            ],
        ),
        DemoCase(
            ref="DEMO-002", district="donghe", category="real-estate",
            title="新福地商住楼停工项目 / Xinfudi commercial-residential building",
            description=(
                "新福地商住楼2004年停工,停工19年,业主长期无法入住。\n"
                "The Xinfudi commercial-residential building stopped in 2004; for nineteen "
                "years its owners could not move in."
            ),
            address="东河区西脑包新福地商住楼 / Xinfudi building, Xinaobao",
            risk=RiskLevel.MAJOR, source=Source.PETITION,
            responsible_unit="东河区住房和城乡建设局 / Donghe housing and construction bureau",
            lead_official="陈立新(区委常委) / Chen Lixin, district committee member",
            people_affected=236, target_in_days=-30, closer=CITY_SUPERVISOR,
            details={
                "project_name": "新福地商住楼 Xinfudi",
                "developer": "包头市新福地置业有限公司 / Xinfudi Property Co.",
                "households_affected": 236, "stalled_since": date(2004, 9, 1),
                "stage": HousingStage.HALTED,
            },
            history=[
                Move(T.VERIFY, "核实属实:停工19年,236户业主未入住 / verified on site: stopped "
                               "nineteen years, 236 households never moved in"),
                Move(T.START, "区政府牵头处置,明确续建主体 / the district government takes the "
                              "lead and names who finishes the building"),
                Follow(240, M.MEETING, "协调续建主体与业主签订交房协议 / agreement on handing "
                                       "over signed between the builder and the owners"),
                Edit({"stage": HousingStage.RESUMED}),
                Follow(120, M.SITE_VISIT, "续建工程通过竣工验收 / completion inspection "
                                          "passed"),
                Follow(60, M.SITE_VISIT, "为新福地业主办理交房手续,业主拿到住房钥匙 / handing-"
                                         "over done: the owners have their keys",
                       helped=236, households=236),
                Edit({"stage": HousingStage.DELIVERED}),
                Move(T.RESOLVE, "业主已全部拿到钥匙,申请销号 / every owner has the keys; "
                                "asking for closure"),
                Move(T.CLOSE, "市级回访业主满意,同意销号 / city return visit: owners satisfied; "
                              "closed"),
            ],
        ),
        DemoCase(
            ref="DEMO-003", district="qingshan", category="real-estate",
            title="宝鑫广场停工项目 / Baoxin Plaza stalled project",
            description=(
                "宝鑫广场2013年停工,停工10年,开发企业资不抵债,购房户和施工方多次上访。\n"
                "Baoxin Plaza stalled in 2013; the insolvent developer left buyers and "
                "builders unpaid for ten years."
            ),
            address="青山区钢铁大街宝鑫广场 / Baoxin Plaza, Gangtie Avenue",
            risk=RiskLevel.MAJOR, source=Source.ROLLING,
            responsible_unit="青山区人民政府 / Qingshan district government",
            lead_official="刘建华(副区长) / Liu Jianhua, deputy district head",
            people_affected=560, target_in_days=180,
            details={
                "project_name": "宝鑫广场 Baoxin Plaza",
                "developer": "包头市宝鑫置业有限公司 / Baoxin Property Co.",
                "households_affected": 560, "stalled_since": date(2013, 7, 1),
                "stage": HousingStage.HALTED,
            },
            history=[
                VERIFY,
                Move(T.START, "推动司法重整,成立清算组 / judicial reorganisation pursued; "
                              "administrator appointed"),
                Follow(200, M.DOCUMENT, "法院裁定受理破产重整申请 / the court accepted the "
                                        "bankruptcy reorganisation petition"),
                Edit({"stage": HousingStage.REORGANISATION}),
                Follow(70, M.MEETING, "债权人会议表决通过重整计划,确定重整投资人 / creditors "
                                      "approved the reorganisation plan and its investor"),
                Follow(4, M.SITE_VISIT, "施工单位进场准备,项目即将复工 / the builder is on site "
                                        "preparing; construction about to resume"),
            ],
        ),
    ]


# ---------------------------------------------------------------- 34 wage-arrears petitions
# district, project (Chinese, English), workers paid, wages paid (yuan), how it ends.
# Together: 1,904 workers paid 49,960,000 yuan, as the source says.
WAGE_PETITIONS = [
    ("kundulun", "阳光花园三期住宅楼", "Sunshine Garden phase 3 housing", 57, 1880900, "closed"),
    ("kundulun", "钢铁大街道路改造工程", "Gangtie Avenue road upgrade", 36, 714900, "closed"),
    ("kundulun", "昆区第十一中学教学楼", "Kundulun No. 11 Middle School building", 65, 2035700,
     "closed"),
    ("kundulun", "友谊大街地下管网改造", "Youyi Avenue pipe renewal", 97, 2258300, "returned"),
    ("kundulun", "少先路老旧小区改造", "Shaoxian Road old-estate renovation", 23, 488500,
     "closed"),
    ("kundulun", "昆河沿岸景观绿化", "Kun River bank landscaping", 26, 541100, "closed"),
    ("kundulun", "金域华府二期住宅楼", "Jinyu Huafu phase 2 housing", 83, 1953300, "closed"),
    ("kundulun", "团结大街商业综合体", "Tuanjie Avenue commercial complex", 29, 890900, "closed"),
    ("qingshan", "青山区集中供热管网", "Qingshan district-heating network", 62, 1347900,
     "closed"),
    ("qingshan", "幸福路棚户区改造安置楼", "Xingfu Road resettlement housing", 88, 2412600,
     "in_resolution"),
    ("qingshan", "青山宾馆装修工程", "Qingshan Hotel refurbishment", 24, 677200, "closed"),
    ("qingshan", "万青路跨线桥", "Wanqing Road flyover", 79, 1932400, "closed"),
    ("qingshan", "青福镇小学综合楼", "Qingfu Town primary school building", 43, 1157500,
     "closed"),
    ("qingshan", "文化路地下停车场", "Wenhua Road underground car park", 21, 420800, "closed"),
    ("qingshan", "装备园区道路硬化", "Equipment industrial park road paving", 28, 560700,
     "closed"),
    ("donghe", "北梁棚改安置区五期", "Beiliang resettlement area phase 5", 70, 1546500, "closed"),
    ("donghe", "东河区人民医院门诊楼", "Donghe People's Hospital outpatient building", 68,
     1958100, "closed"),
    ("donghe", "南门外大街雨污分流", "Nanmenwai Street sewer separation", 25, 630800, "closed"),
    ("donghe", "转龙藏公园提升改造", "Zhuanlongzang Park renewal", 46, 1086300, "closed"),
    ("donghe", "东河区老年公寓", "Donghe seniors' apartments", 28, 770700, "closed"),
    ("donghe", "巴彦塔拉大街沿街立面改造", "Bayantala Street facade renovation", 85, 2174900,
     "resolved"),
    ("jiuyuan", "九原区物流园仓储库", "Jiuyuan logistics park warehouses", 69, 1616900, "closed"),
    ("jiuyuan", "哈林格尔镇农田水利", "Halinggeer Town farmland irrigation", 24, 730700,
     "closed"),
    ("jiuyuan", "建华南路延伸工程", "Jianhua South Road extension", 87, 2528600, "closed"),
    ("jiuyuan", "九原区全民健身中心", "Jiuyuan public fitness centre", 32, 724600, "closed"),
    ("tumed-right", "萨拉齐镇供水管网改造", "Salaqi Town water-main renewal", 44, 1202600,
     "closed"),
    ("tumed-right", "土右旗职业中学实训楼", "Tumed Right vocational school workshops", 94,
     2502200, "in_resolution"),
    ("tumed-right", "美岱召景区游客中心", "Meidaizhao visitor centre", 94, 2966800, "closed"),
    ("rare-earth", "稀土新材料产业园标准厂房", "Rare-earth materials park factory buildings", 88,
     2595200, "closed"),
    ("rare-earth", "黄河大街景观带", "Huanghe Avenue landscape belt", 24, 557100, "closed"),
    ("rare-earth", "高新区人才公寓", "Hi-Tech Zone talent apartments", 88, 2909900, "closed"),
    ("guyang", "金山镇集中供暖改造", "Jinshan Town heating renovation", 88, 1834300, "closed"),
    ("guyang", "固阳县乡村道路硬化", "Guyang rural road paving", 65, 1631200, "closed"),
    ("shiguai", "石拐区矿山生态修复", "Shiguai mine ecological restoration", 24, 719900,
     "closed"),
]

EMPLOYERS = [
    "包头市鑫源建筑劳务有限公司 / Xinyuan Construction Labour Co.",
    "内蒙古恒泰建设工程有限公司 / Hengtai Construction Engineering Co.",
    "包头市宏达市政工程有限公司 / Hongda Municipal Engineering Co.",
    "包头市盛世装饰工程有限公司 / Shengshi Decoration Co.",
    "内蒙古北方路桥工程有限公司 / Beifang Road and Bridge Co.",
    "包头市福源热力安装工程有限公司 / Fuyuan Heating Installation Co.",
    "内蒙古德润园林绿化有限公司 / Derun Landscaping Co.",
    "包头市金建劳务分包有限公司 / Jinjian Labour Subcontracting Co.",
]

# code: (English name, Chinese name) of the demo districts
DISTRICT_NAMES = {code: (name_en, name_zh) for code, name_en, name_zh in DEMO_DISTRICTS}

# The "returned" case was first marked resolved with this many workers still unpaid; the
# two still in resolution have this many workers waiting for their wages.
RETURNED_UNPAID = 12
STILL_WAITING = 32


def _split(total, share: float):
    """``total`` in two parts, the first about ``share`` of it (whole hundreds of yuan)."""
    if isinstance(total, Decimal):
        first = (total * Decimal(str(share)) / 100).quantize(Decimal(1)) * 100
    else:
        first = round(total * share)
    return first, total - first


SURNAMES = "王李张刘陈杨赵黄周吴"


def workers_representative(number: int) -> tuple[str, str, str]:
    """A made-up workers' representative with a well-formed (fictitious) ID and phone."""
    first17 = f"150203{1970 + number % 25}{1 + number % 12:02d}{1 + number % 28:02d}{number:03d}"
    return (f"{SURNAMES[number % len(SURNAMES)]}某某(工人代表) / workers' representative",
            first17 + id_check_character(first17), f"139{number:04d}{5000 + number:04d}")


def wage_cases() -> list[DemoCase]:
    cases = []
    for number, (district, project_zh, project_en, paid_workers, paid_yuan, ending) in (
        enumerate(WAGE_PETITIONS, start=1)
    ):
        paid = Decimal(paid_yuan)
        employer = EMPLOYERS[number % len(EMPLOYERS)]
        still = STILL_WAITING if ending == "in_resolution" else 0
        affected = paid_workers + still
        owed = paid + (paid / paid_workers * still).quantize(Decimal(100))
        start = 340 - number * 8  # the petitions came in over the year
        history = [
            Move(T.VERIFY, "核实属实,欠薪人数和金额已登记 / verified: workers and amounts "
                           "owed confirmed with the payroll"),
            Move(T.START, "成立工作专班,约谈总包和劳务分包单位 / task force set up; main "
                          "contractor and labour subcontractor summoned"),
            Follow(start, M.MEETING, "约谈总包单位,责令制定清欠计划 / summoned the main "
                                     "contractor and ordered a repayment plan"),
        ]
        if ending == "returned":
            first_workers = paid_workers - RETURNED_UNPAID
            first_yuan = (paid * first_workers / paid_workers).quantize(Decimal(100))
            history += [
                Follow(start - 14, M.SITE_VISIT, "现场监督工资发放 / wage payment watched on site",
                       helped=first_workers, recovered=first_yuan),
                Move(T.RESOLVE, "工资已发放,申请销号 / wages paid; asking for closure"),
                Move(T.RETURN, "回访发现仍有12名工人未领到工资,退回继续化解 / return visit: "
                               "12 workers still unpaid; sent back"),
                Follow(start - 30, M.SITE_VISIT, "剩余12名工人工资发放到位 / the last 12 "
                                                 "workers paid",
                       helped=RETURNED_UNPAID, recovered=paid - first_yuan),
                Move(T.RESOLVE, "全部工人工资已结清 / every worker paid in full"),
                CLOSE,
            ]
        elif ending == "in_resolution":
            # One is followed closely; the other's follow-up is overdue.
            last = 6 if district == "qingshan" else 20
            first_workers, second_workers = _split(paid_workers, 0.6)
            first_yuan, second_yuan = _split(paid, 0.6)
            history += [
                Follow(45, M.SITE_VISIT, "监督首批工资发放 / first payment watched on site",
                       helped=first_workers, recovered=first_yuan),
                Follow(last, M.CALL, "督促总包单位筹措资金,第二批工资已发放 / contractor "
                                     "pressed for funds; second payment made",
                       helped=second_workers, recovered=second_yuan),
            ]
        else:
            if paid_workers >= 40:
                first_workers, second_workers = _split(paid_workers, 0.6)
                first_yuan, second_yuan = _split(paid, 0.6)
                payments = [
                    Follow(start - 10, M.SITE_VISIT, "监督首批工资发放 / first payment "
                                                     "watched on site",
                           helped=first_workers, recovered=first_yuan),
                    Follow(start - 25, M.SITE_VISIT, "监督剩余工资发放 / remaining wages "
                                                     "paid, watched on site",
                           helped=second_workers, recovered=second_yuan),
                ]
            else:
                payments = [
                    Follow(start - 12, M.SITE_VISIT, "现场监督工资一次性发放 / wages paid in "
                                                     "one payment, watched on site",
                           helped=paid_workers, recovered=paid),
                ]
            if ending == "resolved":  # paid off lately, awaiting the supervisor's check
                payments[-1] = replace(payments[-1], days_ago=5)
            history += [*payments, Move(T.RESOLVE, "工资已全部发放到位 / all wages paid")]
            if ending == "closed":
                history.append(CLOSE)
        name_en, name_zh = DISTRICT_NAMES[district]
        cases.append(DemoCase(
            ref=f"DEMO-{100 + number:03d}", district=district, category="wage-arrears",
            title=f"{project_zh}拖欠农民工工资 / Unpaid wages: {project_en}",
            description=(
                f"{employer.split(' / ')[0]}承建{project_zh},拖欠{affected}名农民工工资"
                f"{owed:,.0f}元,工人到信访部门反映。\n"
                f"{employer.split(' / ')[1]} owes {affected} workers {owed:,.0f} yuan on "
                f"{project_en}; the workers petitioned."
            ),
            risk=RiskLevel.HIGH if affected >= 80 else RiskLevel.MEDIUM,
            source=Source.PETITION,
            responsible_unit=f"{name_zh}人力资源和社会保障局 / {name_en} human resources "
                             "and social security bureau",
            people_affected=affected, amount_involved=owed,
            target_in_days=30 if ending in ("in_resolution", "resolved") else 60 - start,
            details={
                "employer": employer, "project": f"{project_zh} {project_en}",
                "petition_number": f"包信[2023]{200 + number * 7}号",
            },
            history=history,
            contact=workers_representative(number),
        ))
    return cases


# ---------------------------------------------------------------- the other cases
def other_cases() -> list[DemoCase]:
    return [
        DemoCase(
            ref="DEMO-201", district="kundulun", category="mass-victim",
            title="某投资咨询公司非法集资案 / Illegal fundraising by an investment consultancy",
            description=(
                "以高息理财为名向社会公众吸收资金,涉及约3000名群众,多为退休职工。\n"
                "Took deposits from the public for 'high-yield wealth products'; about 3,000 "
                "victims, most of them retired workers."
            ),
            risk=RiskLevel.MAJOR, source=Source.POLICE,
            responsible_unit="昆都仑区公安分局经侦大队 / Kundulun economic crime squad",
            lead_official="王海(公安分局局长) / Wang Hai, police chief",
            people_affected=3000, amount_involved=Decimal("312000000.00"), target_in_days=240,
            details={
                "scheme_type": SchemeType.ILLEGAL_FUNDRAISING,
                "police_case_number": "昆公(经)立字[2023]112号",
                "judicial_stage": JudicialStage.INVESTIGATION,
            },
            history=[
                Move(T.VERIFY, "已立案侦查,冻结涉案账户 / case opened; accounts frozen"),
                Move(T.START, "成立专案组,开展追赃挽损和群众接访 / task force for asset "
                              "recovery and meeting the victims"),
                Follow(150, M.MEETING, "接待集资参与人代表,公布登记渠道 / met the victims' "
                                       "representatives; registration channels published"),
                Edit({"judicial_stage": JudicialStage.PROSECUTION}),
                Follow(30, M.DOCUMENT, "首批追缴资金按比例清退 / first recovered funds "
                                       "returned pro rata",
                       helped=1150, recovered=Decimal("46500000.00")),
                Follow(2, M.CALL, "跟进检察院审查起诉进度 / checked progress with the "
                                  "prosecutors"),
            ],
        ),
        DemoCase(
            ref="DEMO-202", district="qingshan", category="mass-victim",
            title="虚拟货币投资平台诈骗案 / Fake cryptocurrency investment platform",
            description=(
                "网络平台以虚拟货币高额回报为诱饵实施诈骗,本地受害人640名。\n"
                "An online platform promising crypto returns defrauded 640 local victims."
            ),
            risk=RiskLevel.HIGH, source=Source.POLICE,
            responsible_unit="青山区公安分局 / Qingshan police", people_affected=640,
            amount_involved=Decimal("58000000.00"), target_in_days=150,
            details={
                "scheme_type": SchemeType.INVESTMENT_FRAUD,
                "police_case_number": "青公(刑)立字[2023]376号",
                "judicial_stage": JudicialStage.INVESTIGATION,
            },
            history=[
                Move(T.VERIFY, "公安机关已立案 / opened by the police"),
                Follow(10, M.MEETING, "组织受害人登记,开展政策解释 / victims registered and "
                                      "the procedure explained"),
            ],
        ),
        DemoCase(
            ref="DEMO-203", district="donghe", category="mass-victim",
            title="养老机构预售床位非法集资案 / Elderly-care home selling 'bed memberships'",
            description=(
                "养老机构以预售床位、会员卡名义吸收老年人资金,涉及1180人。\n"
                "A care home took money from 1,180 elderly people for 'bed memberships'."
            ),
            risk=RiskLevel.MAJOR, source=Source.HOTLINE,
            responsible_unit="东河区民政局 / Donghe civil affairs bureau", people_affected=1180,
            amount_involved=Decimal("96000000.00"), target_in_days=-15,
            details={
                "scheme_type": SchemeType.ILLEGAL_FUNDRAISING,
                "police_case_number": "东公(经)立字[2023]058号",
                "judicial_stage": JudicialStage.TRIAL,
            },
            history=[
                VERIFY,
                Move(T.START, "法院审理中,同步推进资产处置 / on trial; asset disposal under way"),
                Edit({"judicial_stage": JudicialStage.ENFORCEMENT}),
                Follow(20, M.MEETING, "资产拍卖款首轮发还 / first auction proceeds returned",
                       helped=420, recovered=Decimal("21600000.00")),
            ],
        ),
        DemoCase(
            ref="DEMO-204", district="rare-earth", category="mass-victim",
            title="保健品会销传销案 / Health-product pyramid selling ring",
            description=(
                "以保健品会销发展下线,涉及420人。\n"
                "A health-product 'sales meeting' ring recruited 420 people into a pyramid."
            ),
            risk=RiskLevel.HIGH, source=Source.MEDIA, people_affected=420,
            amount_involved=Decimal("8600000.00"), next_due_in_days=-4,
            details={"scheme_type": SchemeType.PYRAMID},
            history=[],
        ),
        DemoCase(
            ref="DEMO-301", district="jiuyuan", category="enterprise",
            title="海罗环保砖生产线项目落地 / Hailuo eco-brick production line",
            description=(
                "海罗环保砖生产线项目因用地、环评手续受阻停滞,企业和务工人员反映强烈。\n"
                "The Hailuo eco-brick line was blocked over land and environmental approvals; "
                "the company and its workers complained."
            ),
            risk=RiskLevel.HIGH, source=Source.ROLLING,
            responsible_unit="九原区发展和改革委员会 / Jiuyuan development and reform bureau",
            people_affected=65, target_in_days=-90,
            history=[
                VERIFY,
                Move(T.START, "协调自然资源、生态环境部门联合办理 / land and environment "
                              "bureaus brought together"),
                Follow(180, M.MEETING, "协调用地和环评手续 / land use and environmental "
                                       "approvals coordinated"),
                Follow(110, M.SITE_VISIT, "生产线落地投产,65名工人返岗 / the line is installed "
                                          "and running; 65 workers back at work", helped=65),
                Move(T.RESOLVE, "项目已落地投产 / the project is in production"),
                CLOSE,
            ],
        ),
        DemoCase(
            ref="DEMO-302", district="jiuyuan", category="land",
            title="哈业胡同镇征地补偿款分配纠纷 / Dispute over land compensation, Hayehutong",
            description=(
                "村民对征地补偿款分配方案有异议,多次聚集。\n"
                "Villagers dispute how the land compensation is shared and have gathered "
                "several times."
            ),
            risk=RiskLevel.HIGH, source=Source.PETITION, people_affected=210,
            amount_involved=Decimal("14500000.00"), target_in_days=-10,
            history=[
                VERIFY,
                Follow(30, M.MEETING, "召开村民代表会议听取意见 / villagers' representatives "
                                      "heard"),
            ],
        ),
        DemoCase(
            ref="DEMO-303", district="rare-earth", category="environment",
            title="尾矿库周边扬尘投诉 / Dust from the tailings dam",
            description=(
                "尾矿库周边村民反映扬尘污染影响生活。\n"
                "Villagers near the tailings dam complain of dust."
            ),
            risk=RiskLevel.HIGH, source=Source.HOTLINE, people_affected=340,
            target_in_days=45,
            history=[
                VERIFY,
                Move(T.START, "责令企业落实覆盖抑尘措施 / the company ordered to cover the "
                              "tailings"),
                Follow(5, M.SITE_VISIT, "现场检查抑尘网覆盖进度 / checked the dust nets on "
                                        "site"),
            ],
        ),
        DemoCase(
            ref="DEMO-304", district="qingshan", category="labour",
            title="原国企改制职工社保补缴诉求 / Former SOE workers' pension contributions",
            description=(
                "企业改制时部分职工社保未足额缴纳,260人反映。\n"
                "260 workers say their pension contributions were cut short when their "
                "state-owned employer was restructured."
            ),
            risk=RiskLevel.MEDIUM, source=Source.PETITION, people_affected=260,
            amount_involved=Decimal("5200000.00"), target_in_days=-20,
            history=[
                VERIFY,
                Move(T.START, "人社部门逐人核对缴费记录 / contribution records checked one "
                              "by one"),
                Follow(45, M.DOCUMENT, "完成首批补缴 / first contributions paid",
                       helped=90, recovered=Decimal("1700000.00")),
            ],
        ),
        DemoCase(
            ref="DEMO-305", district="kundulun", category="education-medical",
            title="校外培训机构停业退费纠纷 / Refunds owed by a closed tutoring school",
            description=(
                "培训机构突然停业,380名学生家长预付费未退。\n"
                "A tutoring school closed suddenly owing fees to 380 families."
            ),
            risk=RiskLevel.MEDIUM, source=Source.HOTLINE, people_affected=380,
            amount_involved=Decimal("2600000.00"), target_in_days=60,
            history=[
                VERIFY,
                Move(T.START, "教育、市场监管部门联合处置 / education and market regulators "
                              "act together"),
                Follow(12, M.MEETING, "监管账户资金首批退费 / first refunds from the escrow "
                                      "account", helped=120, recovered=Decimal("800000.00")),
            ],
        ),
        DemoCase(
            ref="DEMO-306", district="donghe", category="veterans",
            title="部分退役士兵反映安置待遇 / Veterans' resettlement grievances",
            description=(
                "部分退役士兵反映安置待遇落实不到位。\n"
                "Some veterans say their resettlement benefits were never delivered."
            ),
            risk=RiskLevel.HIGH, source=Source.PETITION, people_affected=35,
            target_in_days=30, next_due_in_days=-3, history=[],
        ),
        DemoCase(
            ref="DEMO-307", district="guyang", category="environment",
            title="采矿爆破致民房开裂 / Mining blasts crack village houses",
            description=(
                "村民反映附近矿山爆破导致房屋开裂。\n"
                "Villagers say blasting at a nearby mine has cracked their houses."
            ),
            risk=RiskLevel.MEDIUM, source=Source.INSPECTION, people_affected=48,
            history=[],
        ),
        DemoCase(
            ref="DEMO-308", district="tumed-right", category="land",
            title="高速公路征地青苗补偿 / Crop compensation for expressway land",
            description=(
                "高速公路建设征地青苗补偿标准争议。\n"
                "Farmers dispute the crop compensation for land taken by the expressway."
            ),
            risk=RiskLevel.MEDIUM, source=Source.ROLLING, people_affected=120,
            amount_involved=Decimal("3600000.00"), target_in_days=-5,
            history=[
                VERIFY,
                Move(T.START, "旗政府组织重新测量 / the banner government has the land "
                              "re-measured"),
                Follow(8, M.SITE_VISIT, "完成重新测量并公示 / re-measurement done and posted",
                       helped=40, recovered=Decimal("1150000.00")),
            ],
        ),
        DemoCase(
            ref="DEMO-309", district="donghe", category="education-medical",
            title="医疗纠纷患者家属聚集 / Patient's family protesting at a hospital",
            description=(
                "患者死亡后家属在医院聚集,要求赔偿。\n"
                "After a patient's death the family gathered at the hospital demanding "
                "compensation."
            ),
            risk=RiskLevel.HIGH, source=Source.POLICE, people_affected=12,
            target_in_days=-60,
            history=[
                VERIFY,
                Move(T.START, "引导通过医疗纠纷人民调解委员会解决 / referred to the medical "
                              "dispute mediation committee"),
                Follow(75, M.MEETING, "调解达成协议 / mediation agreement signed", helped=12),
                Move(T.RESOLVE, "协议已履行 / the agreement has been carried out"),
                CLOSE,
            ],
        ),
    ]


def demo_cases() -> list[DemoCase]:
    return [*housing_cases(), *wage_cases(), *other_cases()]


# ---------------------------------------------------------------- seeding
def seed_categories() -> tuple[dict[str, Category], int]:
    categories, created = {}, 0
    for code, name_en, name_zh, kind, order in CATEGORIES:
        category, was_created = Category.objects.get_or_create(
            code=code,
            defaults={"name_en": name_en, "name_zh": name_zh, "kind": kind, "sort_order": order},
        )
        categories[code] = category
        created += was_created
    return categories, created


class People:
    """The demo users who work on a district's cases, found once per district."""

    def __init__(self):
        self.users = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
        self._eligible = {}

    def _eligible_for(self, district):
        if district.pk not in self._eligible:
            self._eligible[district.pk] = {
                user.username: user.membership.role
                for user in actions.eligible_owners(district.pk).select_related("membership")
            }
        return self._eligible[district.pk]

    def owner(self, district):
        """The district's demo staff member, else the city supervisor."""
        eligible = self._eligible_for(district)
        for username in (f"{district.code}.staff", CITY_SUPERVISOR):
            if username in eligible:
                return self.users[username]
        return None

    def closer(self, district, preferred=None):
        """A supervisor covering the district: its own, else the city supervisor."""
        eligible = self._eligible_for(district)
        for username in (preferred, f"{district.code}.supervisor", CITY_SUPERVISOR):
            if username and eligible.get(username) == Role.SUPERVISOR:
                return self.users[username]
        return None


def play(demo: DemoCase, *, category, district, owner, closer, today) -> Case:
    """Register the case and replay its history through the actions."""
    def day(offset):
        return None if offset is None else today + timedelta(days=offset)

    case = Case(
        title=demo.title, description=demo.description, category=category, district=district,
        address=demo.address, risk_level=demo.risk, source=demo.source,
        responsible_unit=demo.responsible_unit, lead_official=demo.lead_official, owner=owner,
        people_affected=demo.people_affected, amount_involved=demo.amount_involved,
        target_date=day(demo.target_in_days), next_follow_up_due=day(demo.next_due_in_days),
        source_reference=demo.ref, contact_name=demo.contact[0],
        contact_id_number=demo.contact[1], contact_phone=demo.contact[2],
    )
    details_model = DETAILS_MODELS.get(category.kind)
    details = details_model(**demo.details) if details_model and demo.details else None
    case = actions.register_case(user=owner, case=case, details=details)
    for step in demo.history:
        if isinstance(step, Move):
            actions.transition(
                user=closer if step.by_supervisor else owner, case=case, name=step.name,
                note=step.note,
            )
        elif isinstance(step, Follow):
            actions.log_follow_up(user=owner, case=case, follow_up=FollowUp(
                date=today - timedelta(days=step.days_ago), method=step.method,
                summary=step.summary, people_helped_added=step.helped,
                amount_recovered_added=step.recovered,
                households_delivered_added=step.households,
            ))
        else:
            case.refresh_from_db()  # the follow-ups changed its figures meanwhile
            row = details_model.objects.get(case=case)
            for name, value in step.details.items():
                setattr(row, name, value)
            actions.update_case(user=owner, case=case, details=row)
    return case


def seed(stdout) -> None:
    today = timezone.localdate()
    categories, new_categories = seed_categories()
    districts = {district.code: district for district in District.objects.all()}
    existing = set(
        Case.objects.exclude(source_reference="").values_list(
            "district__code", "source_reference"
        )
    )
    people = People()
    created, skipped = Counter(), []
    for demo in demo_cases():
        district = districts.get(demo.district)
        if district is None:
            skipped.append(demo.ref)
            continue
        if (demo.district, demo.ref) in existing:
            continue
        owner = people.owner(district)
        closer = people.closer(district, demo.closer)
        needs_closer = any(isinstance(s, Move) and s.by_supervisor for s in demo.history)
        if owner is None or (needs_closer and closer is None):
            skipped.append(demo.ref)  # the demo users were changed: leave this one out
            continue
        play(demo, category=categories[demo.category], district=district, owner=owner,
             closer=closer, today=today)
        created[demo.district] += 1
    where = ", ".join(f"{code} {n}" for code, n in sorted(created.items()))
    line = (
        f"Cases demo: {new_categories} new categories, {sum(created.values())} new cases"
        f"{f' ({where})' if where else ''}"
    )
    if skipped:
        line += f"; skipped (district or demo user missing): {', '.join(skipped)}"
    stdout.write(line + ".")
