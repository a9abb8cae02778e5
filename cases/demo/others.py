"""The other demo cases: mass-victim schemes and open cases of the other categories, a
few of them overdue."""

from decimal import Decimal

from cases.choices import JudicialStage, RiskLevel, SchemeType, Source
from cases.demo.story import CLOSE, VERIFY, DemoCase, Edit, Follow, M, Move, T


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
