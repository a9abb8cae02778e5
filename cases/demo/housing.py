"""The source's housing cases: the three stalled projects."""

# ruff: noqa: RUF001 -- Chinese text takes full-width punctuation (DOMAIN.md, "Language")

from datetime import date

from cases.choices import HousingStage, RiskLevel, Source, SupervisionLevel
from cases.demo.story import (
    CITY_SUPERVISOR,
    VERIFY,
    Accept,
    Answer,
    DemoCase,
    Edit,
    Follow,
    Issue,
    M,
    Move,
    T,
)


# ---------------------------------------------------------------- the source's housing cases
def housing_cases() -> list[DemoCase]:
    return [
        DemoCase(
            ref="DEMO-001", district="kundulun", category="real-estate",
            title="米兰春天小区烂尾项目",
            description="米兰春天小区2013年停工，烂尾10年，1200户业主未能交房，多次集体上访。",
            address="昆都仑区阿尔丁大街米兰春天小区",
            risk=RiskLevel.MAJOR, source=Source.ROLLING, registered=318,
            responsible_unit="昆都仑区住房和城乡建设局",
            lead_official="张志刚（副区长）",
            people_affected=1200, target_in_days=430,
            details={
                "project_name": "米兰春天",
                "developer": "包头市米兰房地产开发有限公司",
                "households_affected": 1200, "stalled_since": date(2013, 5, 1),
                "stage": HousingStage.HALTED,
            },
            history=[
                Move(T.VERIFY, "核实属实：停工十年，1200户未交房"),
                Move(T.START, "成立市区两级工作专班，引入纾困资金续建"),
                Issue(SupervisionLevel.CITY, "列入市级督办：30日内报送续建方案和资金来源，"
                                             "此后每月报告进度", 30),
                Follow(300, M.MEETING, "召开业主代表座谈会，公布续建方案"),
                Answer("续建方案已报送，纾困资金已到位，施工单位进场", days_ago=292),
                Accept("续建方案可行，按月报告进度"),
                Edit({"stage": HousingStage.RESUMED}),
                Follow(160, M.SITE_VISIT, "现场检查复工进度，1号至4号楼主体完工"),
                Follow(90, M.SITE_VISIT, "首批300户交付，办理入住", helped=300, households=300),
                Edit({"stage": HousingStage.DELIVERING}),
                Follow(3, M.SITE_VISIT, "第二批500户交付，其余400户计划年内交付",
                       helped=500, households=500),
            ],
        ),
        DemoCase(
            ref="DEMO-002", district="donghe", category="real-estate",
            title="新福地商住楼停工项目",
            description="新福地商住楼2004年停工，停工19年，业主长期无法入住。",
            address="东河区西脑包新福地商住楼",
            risk=RiskLevel.MAJOR, source=Source.PETITION, registered=252,
            responsible_unit="东河区住房和城乡建设局",
            lead_official="陈立新（区委常委）",
            people_affected=236, target_in_days=200, closer=CITY_SUPERVISOR,
            details={
                "project_name": "新福地商住楼",
                "developer": "包头市新福地置业有限公司",
                "households_affected": 236, "stalled_since": date(2004, 9, 1),
                "stage": HousingStage.HALTED,
            },
            history=[
                Move(T.VERIFY, "核实属实：停工19年，236户业主未入住"),
                Move(T.START, "区政府牵头处置，明确续建主体"),
                Follow(240, M.MEETING, "协调续建主体与业主签订交房协议"),
                Edit({"stage": HousingStage.RESUMED}),
                Follow(120, M.SITE_VISIT, "续建工程通过竣工验收"),
                Follow(60, M.SITE_VISIT, "为新福地业主办理交房手续，业主拿到住房钥匙",
                       helped=236, households=236),
                Edit({"stage": HousingStage.DELIVERED}),
                Move(T.RESOLVE, "业主已全部拿到钥匙，申请销号"),
                Move(T.CLOSE, "市级回访业主满意，同意销号"),
            ],
        ),
        DemoCase(
            ref="DEMO-003", district="qingshan", category="real-estate",
            title="宝鑫广场停工项目",
            description="宝鑫广场2013年停工，停工10年，开发企业资不抵债，购房户和施工方多次上访。",
            address="青山区钢铁大街宝鑫广场",
            risk=RiskLevel.MAJOR, source=Source.ROLLING, registered=214,
            responsible_unit="青山区人民政府",
            lead_official="刘建华（副区长）",
            people_affected=560, target_in_days=395,
            details={
                "project_name": "宝鑫广场",
                "developer": "包头市宝鑫置业有限公司",
                "households_affected": 560, "stalled_since": date(2013, 7, 1),
                "stage": HousingStage.HALTED,
            },
            history=[
                VERIFY,
                Move(T.START, "推动司法重整，成立清算组"),
                Follow(200, M.DOCUMENT, "法院裁定受理破产重整申请"),
                Edit({"stage": HousingStage.REORGANISATION}),
                Follow(70, M.MEETING, "债权人会议表决通过重整计划，确定重整投资人"),
                Follow(4, M.SITE_VISIT, "施工单位进场准备，项目即将复工"),
            ],
        ),
    ]
