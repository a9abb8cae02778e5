"""The source's 34 wage-arrears petitions, which paid 1,904 workers 49.96 million yuan."""

from dataclasses import replace
from decimal import Decimal

from cases.choices import RiskLevel, Source
from cases.demo.story import CLOSE, DemoCase, Follow, M, Move, T
from riskdesk.demo import DISTRICTS as DEMO_DISTRICTS
from riskdesk.personal import id_check_character

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
