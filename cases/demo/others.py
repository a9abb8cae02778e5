"""The other demo cases: the Hailuo eco-brick line, mass-victim schemes and open cases of
the other categories, a few of them overdue."""

# ruff: noqa: RUF001 -- Chinese text takes full-width punctuation (DOMAIN.md, "Language")

from decimal import Decimal

from cases.choices import JudicialStage, RiskLevel, SchemeType, Source, SupervisionLevel
from cases.demo.story import CLOSE, VERIFY, Answer, DemoCase, Edit, Follow, Issue, M, Move, T


# ---------------------------------------------------------------- the other cases
def other_cases() -> list[DemoCase]:
    return [*schemes(), *open_cases()]


def schemes() -> list[DemoCase]:
    return [
        DemoCase(
            ref="DEMO-201", district="kundulun", category="mass-victim",
            title="某投资咨询公司非法集资案",
            description="以高息理财为名向社会公众吸收资金，涉及约3000名群众，多为退休职工。",
            risk=RiskLevel.MAJOR, source=Source.POLICE, registered=163,
            responsible_unit="昆都仑区公安分局经侦大队",
            lead_official="王海（公安分局局长）",
            people_affected=3000, amount_involved=Decimal("312000000.00"), target_in_days=400,
            details={
                "scheme_type": SchemeType.ILLEGAL_FUNDRAISING,
                "police_case_number": "昆公（经）立字〔{year}〕112号",
                "judicial_stage": JudicialStage.INVESTIGATION,
            },
            history=[
                Move(T.VERIFY, "已立案侦查，冻结涉案账户"),
                Move(T.START, "成立专案组，开展追赃挽损和群众接访"),
                Follow(150, M.MEETING, "接待集资参与人代表，公布登记渠道"),
                Edit({"judicial_stage": JudicialStage.PROSECUTION}),
                Follow(30, M.DOCUMENT, "首批追缴资金按比例清退",
                       helped=1150, recovered=Decimal("46500000.00")),
                Follow(2, M.CALL, "跟进检察院审查起诉进度"),
            ],
        ),
        DemoCase(
            ref="DEMO-202", district="qingshan", category="mass-victim",
            title="虚拟货币投资平台诈骗案",
            description="网络平台以虚拟货币高额回报为诱饵实施诈骗，本地受害人640名。",
            risk=RiskLevel.HIGH, source=Source.POLICE, registered=24,
            responsible_unit="青山区公安分局", people_affected=640,
            amount_involved=Decimal("58000000.00"), target_in_days=175,
            details={
                "scheme_type": SchemeType.INVESTMENT_FRAUD,
                "police_case_number": "青公（刑）立字〔{year}〕376号",
                "judicial_stage": JudicialStage.INVESTIGATION,
            },
            history=[
                Move(T.VERIFY, "公安机关已立案"),
                Follow(10, M.MEETING, "组织受害人登记，开展政策解释"),
            ],
        ),
        DemoCase(
            ref="DEMO-203", district="donghe", category="mass-victim",
            title="养老机构预售床位非法集资案",
            description="养老机构以预售床位、会员卡名义吸收老年人资金，涉及1180人。",
            risk=RiskLevel.MAJOR, source=Source.HOTLINE, registered=128,
            responsible_unit="东河区民政局", people_affected=1180,
            amount_involved=Decimal("96000000.00"), target_in_days=113,
            details={
                "scheme_type": SchemeType.ILLEGAL_FUNDRAISING,
                "police_case_number": "东公（经）立字〔{year}〕058号",
                "judicial_stage": JudicialStage.TRIAL,
            },
            history=[
                VERIFY,
                Move(T.START, "法院审理中，同步推进资产处置"),
                Edit({"judicial_stage": JudicialStage.ENFORCEMENT}),
                Follow(20, M.MEETING, "资产拍卖款首轮发还",
                       helped=420, recovered=Decimal("21600000.00")),
                # asked for and not answered: the order is overdue
                Issue(SupervisionLevel.DISTRICT, "限10日内报送剩余资产处置方案和第二轮发还计划",
                      10, days_ago=16),
            ],
        ),
        DemoCase(
            ref="DEMO-204", district="rare-earth", category="mass-victim",
            title="保健品会销传销案",
            description="以保健品会销发展下线，涉及420人。",
            risk=RiskLevel.HIGH, source=Source.MEDIA, registered=18, people_affected=420,
            amount_involved=Decimal("8600000.00"),
            details={"scheme_type": SchemeType.PYRAMID},
            history=[],  # registered, never followed up: overdue
        ),
        DemoCase(
            ref="DEMO-301", district="jiuyuan", category="enterprise",
            title="海罗环保砖生产线项目落地",
            description="海罗环保砖生产线项目因用地、环评手续受阻停滞，企业和务工人员反映强烈。",
            risk=RiskLevel.HIGH, source=Source.ROLLING, registered=196,
            responsible_unit="九原区发展和改革委员会",
            people_affected=65, target_in_days=106,
            history=[
                VERIFY,
                Move(T.START, "协调自然资源、生态环境部门联合办理"),
                Follow(180, M.MEETING, "协调用地和环评手续"),
                Follow(110, M.SITE_VISIT, "生产线落地投产，65名工人返岗", helped=65),
                Move(T.RESOLVE, "项目已落地投产"),
                CLOSE,
            ],
        ),
    ]


def open_cases() -> list[DemoCase]:
    return [
        DemoCase(
            ref="DEMO-302", district="jiuyuan", category="land",
            title="哈业胡同镇征地补偿款分配纠纷",
            description="村民对征地补偿款分配方案有异议，多次聚集。",
            risk=RiskLevel.HIGH, source=Source.PETITION, registered=47, people_affected=210,
            amount_involved=Decimal("14500000.00"), target_in_days=37,
            history=[
                VERIFY,
                Follow(30, M.MEETING, "召开村民代表会议听取意见"),
            ],
        ),
        DemoCase(
            ref="DEMO-303", district="rare-earth", category="environment",
            title="尾矿库周边扬尘投诉",
            description="尾矿库周边村民反映扬尘污染影响生活。",
            risk=RiskLevel.HIGH, source=Source.HOTLINE, registered=12, people_affected=340,
            target_in_days=57,
            history=[
                VERIFY,
                Move(T.START, "责令企业落实覆盖抑尘措施"),
                Follow(5, M.SITE_VISIT, "现场检查抑尘网覆盖进度"),
            ],
        ),
        DemoCase(
            ref="DEMO-304", district="qingshan", category="labour",
            title="原国企改制职工社保补缴诉求",
            description="企业改制时部分职工社保未足额缴纳，260人反映。",
            risk=RiskLevel.MEDIUM, source=Source.PETITION, registered=98, people_affected=260,
            amount_involved=Decimal("5200000.00"), target_in_days=78,
            history=[
                VERIFY,
                Move(T.START, "人社部门逐人核对缴费记录"),
                Follow(45, M.DOCUMENT, "完成首批补缴", helped=90,
                       recovered=Decimal("1700000.00")),
                # answered, waiting for the supervisor to accept the answer
                Issue(SupervisionLevel.CITY, "说明剩余170人补缴的资金来源和完成时限", 14,
                      days_ago=40),
                Answer("区财政已安排补缴资金，剩余人员分两批于年底前补缴到位"),
            ],
        ),
        DemoCase(
            ref="DEMO-305", district="kundulun", category="education-medical",
            title="校外培训机构停业退费纠纷",
            description="培训机构突然停业，380名学生家长预付费未退。",
            risk=RiskLevel.MEDIUM, source=Source.HOTLINE, registered=41, people_affected=380,
            amount_involved=Decimal("2600000.00"), target_in_days=101,
            history=[
                VERIFY,
                Move(T.START, "教育、市场监管部门联合处置"),
                Follow(12, M.MEETING, "监管账户资金首批退费", helped=120,
                       recovered=Decimal("800000.00")),
            ],
        ),
        DemoCase(
            ref="DEMO-306", district="donghe", category="veterans",
            title="部分退役士兵反映安置待遇",
            description="部分退役士兵反映安置待遇落实不到位。",
            risk=RiskLevel.HIGH, source=Source.PETITION, registered=17, people_affected=35,
            target_in_days=47, history=[],  # registered, never followed up: overdue
        ),
        DemoCase(
            ref="DEMO-307", district="guyang", category="environment",
            title="采矿爆破致民房开裂",
            description="村民反映附近矿山爆破导致房屋开裂。",
            risk=RiskLevel.MEDIUM, source=Source.INSPECTION, registered=2, people_affected=48,
            history=[],
        ),
        DemoCase(
            ref="DEMO-308", district="tumed-right", category="land",
            title="高速公路征地青苗补偿",
            description="高速公路建设征地青苗补偿标准争议。",
            risk=RiskLevel.MEDIUM, source=Source.ROLLING, registered=52, people_affected=120,
            amount_involved=Decimal("3600000.00"), target_in_days=47,
            history=[
                VERIFY,
                Move(T.START, "旗政府组织重新测量"),
                Follow(8, M.SITE_VISIT, "完成重新测量并公示", helped=40,
                       recovered=Decimal("1150000.00")),
            ],
        ),
        DemoCase(
            ref="DEMO-309", district="donghe", category="education-medical",
            title="医疗纠纷患者家属聚集",
            description="患者死亡后家属在医院聚集，要求赔偿。",
            risk=RiskLevel.HIGH, source=Source.POLICE, registered=88, people_affected=12,
            target_in_days=28,
            history=[
                VERIFY,
                Move(T.START, "引导通过医疗纠纷人民调解委员会解决"),
                Follow(75, M.MEETING, "调解达成协议", helped=12),
                Move(T.RESOLVE, "协议已履行"),
                CLOSE,
            ],
        ),
    ]
