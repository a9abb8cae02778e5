"""The source's 34 wage-arrears petitions, which paid 1,904 workers 49.96 million yuan."""

# ruff: noqa: RUF001 -- Chinese text takes full-width punctuation (DOMAIN.md, "Language")

from dataclasses import replace
from decimal import Decimal

from cases.choices import RiskLevel, Source
from cases.demo.story import CLOSE, DemoCase, Follow, M, Move, T
from riskdesk.demo import DISTRICTS as DEMO_DISTRICTS
from riskdesk.personal import id_check_character

# ---------------------------------------------------------------- 34 wage-arrears petitions
# district, project, workers paid, wages paid (yuan), how it ends.
# Together: 1,904 workers paid 49,960,000 yuan, as the source says.
WAGE_PETITIONS = [
    ("kundulun", "阳光花园三期住宅楼", 57, 1880900, "closed"),
    ("kundulun", "钢铁大街道路改造工程", 36, 714900, "closed"),
    ("kundulun", "昆区第十一中学教学楼", 65, 2035700, "closed"),
    ("kundulun", "友谊大街地下管网改造", 97, 2258300, "returned"),
    ("kundulun", "少先路老旧小区改造", 23, 488500, "closed"),
    ("kundulun", "昆河沿岸景观绿化", 26, 541100, "closed"),
    ("kundulun", "金域华府二期住宅楼", 83, 1953300, "closed"),
    ("kundulun", "团结大街商业综合体", 29, 890900, "closed"),
    ("qingshan", "青山区集中供热管网", 62, 1347900, "closed"),
    ("qingshan", "幸福路棚户区改造安置楼", 88, 2412600, "in_resolution"),
    ("qingshan", "青山宾馆装修工程", 24, 677200, "closed"),
    ("qingshan", "万青路跨线桥", 79, 1932400, "closed"),
    ("qingshan", "青福镇小学综合楼", 43, 1157500, "closed"),
    ("qingshan", "文化路地下停车场", 21, 420800, "closed"),
    ("qingshan", "装备园区道路硬化", 28, 560700, "closed"),
    ("donghe", "北梁棚改安置区五期", 70, 1546500, "closed"),
    ("donghe", "东河区人民医院门诊楼", 68, 1958100, "closed"),
    ("donghe", "南门外大街雨污分流", 25, 630800, "closed"),
    ("donghe", "转龙藏公园提升改造", 46, 1086300, "closed"),
    ("donghe", "东河区老年公寓", 28, 770700, "closed"),
    ("donghe", "巴彦塔拉大街沿街立面改造", 85, 2174900, "resolved"),
    ("jiuyuan", "九原区物流园仓储库", 69, 1616900, "closed"),
    ("jiuyuan", "哈林格尔镇农田水利", 24, 730700, "closed"),
    ("jiuyuan", "建华南路延伸工程", 87, 2528600, "closed"),
    ("jiuyuan", "九原区全民健身中心", 32, 724600, "closed"),
    ("tumed-right", "萨拉齐镇供水管网改造", 44, 1202600, "closed"),
    ("tumed-right", "土右旗职业中学实训楼", 94, 2502200, "in_resolution"),
    ("tumed-right", "美岱召景区游客中心", 94, 2966800, "closed"),
    ("rare-earth", "稀土新材料产业园标准厂房", 88, 2595200, "closed"),
    ("rare-earth", "黄河大街景观带", 24, 557100, "closed"),
    ("rare-earth", "高新区人才公寓", 88, 2909900, "closed"),
    ("guyang", "金山镇集中供暖改造", 88, 1834300, "closed"),
    ("guyang", "固阳县乡村道路硬化", 65, 1631200, "closed"),
    ("shiguai", "石拐区矿山生态修复", 24, 719900, "closed"),
]

EMPLOYERS = [
    "包头市鑫源建筑劳务有限公司",
    "内蒙古恒泰建设工程有限公司",
    "包头市宏达市政工程有限公司",
    "包头市盛世装饰工程有限公司",
    "内蒙古北方路桥工程有限公司",
    "包头市福源热力安装工程有限公司",
    "内蒙古德润园林绿化有限公司",
    "包头市金建劳务分包有限公司",
]

# code: Chinese name of the demo districts
DISTRICT_NAMES = {code: name_zh for code, _name_en, name_zh in DEMO_DISTRICTS}

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
    return (f"{SURNAMES[number % len(SURNAMES)]}某某（工人代表）",
            first17 + id_check_character(first17), f"139{number:04d}{5000 + number:04d}")


def _history(district, ending, start, paid_workers, paid):
    """The steps of one petition; ``start``: the days ago of the first meeting."""
    history = [
        Move(T.VERIFY, "核实属实，欠薪人数和金额已登记"),
        Move(T.START, "成立工作专班，约谈总包和劳务分包单位"),
        Follow(start, M.MEETING, "约谈总包单位，责令制定清欠计划"),
    ]
    if ending == "returned":
        first_workers = paid_workers - RETURNED_UNPAID
        first_yuan = (paid * first_workers / paid_workers).quantize(Decimal(100))
        return [
            *history,
            Follow(start - 14, M.SITE_VISIT, "现场监督工资发放",
                   helped=first_workers, recovered=first_yuan),
            Move(T.RESOLVE, "工资已发放，申请销号"),
            Move(T.RETURN, "回访发现仍有12名工人未领到工资，退回继续化解"),
            Follow(start - 30, M.SITE_VISIT, "剩余12名工人工资发放到位",
                   helped=RETURNED_UNPAID, recovered=paid - first_yuan),
            Move(T.RESOLVE, "全部工人工资已结清"),
            CLOSE,
        ]
    first_workers, second_workers = _split(paid_workers, 0.6)
    first_yuan, second_yuan = _split(paid, 0.6)
    if ending == "in_resolution":
        # One is followed closely; the other's follow-up is overdue.
        last = 6 if district == "qingshan" else 20
        return [
            *history,
            Follow(45, M.SITE_VISIT, "监督首批工资发放",
                   helped=first_workers, recovered=first_yuan),
            Follow(last, M.CALL, "督促总包单位筹措资金，第二批工资已发放",
                   helped=second_workers, recovered=second_yuan),
        ]
    if paid_workers >= 40:
        payments = [
            Follow(start - 10, M.SITE_VISIT, "监督首批工资发放",
                   helped=first_workers, recovered=first_yuan),
            Follow(start - 25, M.SITE_VISIT, "监督剩余工资发放",
                   helped=second_workers, recovered=second_yuan),
        ]
    else:
        payments = [
            Follow(start - 12, M.SITE_VISIT, "现场监督工资一次性发放",
                   helped=paid_workers, recovered=paid),
        ]
    if ending == "resolved":  # paid off lately, awaiting the supervisor's check
        payments[-1] = replace(payments[-1], days_ago=5)
    history += [*payments, Move(T.RESOLVE, "工资已全部发放到位")]
    return [*history, CLOSE] if ending == "closed" else history


def wage_cases() -> list[DemoCase]:
    cases = []
    for number, (district, project, paid_workers, paid_yuan, ending) in (
        enumerate(WAGE_PETITIONS, start=1)
    ):
        paid = Decimal(paid_yuan)
        employer = EMPLOYERS[number % len(EMPLOYERS)]
        still = STILL_WAITING if ending == "in_resolution" else 0
        affected = paid_workers + still
        owed = paid + (paid / paid_workers * still).quantize(Decimal(100))
        start = 340 - number * 8  # the petitions came in over the year
        registered = start + 3
        cases.append(DemoCase(
            ref=f"DEMO-{100 + number:03d}", district=district, category="wage-arrears",
            title=f"{project}拖欠农民工工资",
            description=(
                f"{employer}承建{project}，拖欠{affected}名农民工工资{owed:,.0f}元，"
                "工人到信访部门反映。"
            ),
            risk=RiskLevel.HIGH if affected >= 80 else RiskLevel.MEDIUM,
            source=Source.PETITION, registered=registered,
            responsible_unit=f"{DISTRICT_NAMES[district]}人力资源和社会保障局",
            people_affected=affected, amount_involved=owed,
            # two months to pay; the ones still open are due a month from now
            target_in_days=registered + 30 if ending in ("in_resolution", "resolved") else 60,
            details={
                "employer": employer, "project": project,
                "petition_number": f"包信〔{{year}}〕{200 + number * 7}号",
            },
            history=_history(district, ending, start, paid_workers, paid),
            contact=workers_representative(number),
        ))
    return cases
