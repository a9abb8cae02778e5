"""The source's housing cases: the three stalled projects and the Hailuo eco-brick line."""

from datetime import date

from cases.choices import HousingStage, RiskLevel, Source
from cases.demo.story import CITY_SUPERVISOR, VERIFY, DemoCase, Edit, Follow, M, Move, T


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
