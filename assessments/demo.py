"""The demo data of the source: the city marathon, the taxi fare adjustment and the
"sandwich housing" (夹心房) renovation with concluded assessments, three agencies in
different states, the red-line list and the 8 training sessions. Idempotent: records are
found by their natural keys (credit code, title, topic) and never made twice.

Like the cases demo it replays the twelve months before the seeding: each step runs
through the actions at its own moment (``cases.demo.clock.frozen_at``), so agencies are
approved, assessments concluded and decisions taken over the year, not all today.
"""

# ruff: noqa: RUF001 -- Chinese text takes full-width punctuation (DOMAIN.md, "Language")

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from assessments import actions
from assessments.choices import (
    AgencyStatus,
    AgencyStep,
    AssessorKind,
    Consequence,
    DecisionLevel,
    DecisionType,
    Grade,
    Recommendation,
)
from assessments.models import (
    Agency,
    AgencyMember,
    Attendance,
    Decision,
    Department,
    ExpertReview,
    PublicNotice,
    RedLine,
    RiskItem,
    Training,
)
from cases.demo.clock import frozen_at
from riskdesk.actions import save_user
from riskdesk.models import District

DEPARTMENTS = [
    ("City Development and Reform Commission", "包头市发展和改革委员会", None),
    ("City Sports Bureau", "包头市体育局", None),
    ("City Transport Bureau", "包头市交通运输局", None),
    ("City Housing and Urban-Rural Development Bureau", "包头市住房和城乡建设局", None),
    ("Kundulun District Housing Bureau", "昆都仑区住房和城乡建设局", "kundulun"),
    ("Qingshan District Housing Bureau", "青山区住房和城乡建设局", "qingshan"),
]

RED_LINES = [
    ("falsified-data", "Falsified data or conclusions", "弄虚作假、出具虚假评估结论",
     Consequence.REVOCATION, None),
    ("subcontracting", "Subcontracting the assessment", "转包、违法分包评估业务",
     Consequence.SUSPENSION, 6),
    ("conflict-of-interest", "Undisclosed conflict of interest", "隐瞒利害关系承接评估",
     Consequence.SUSPENSION, 12),
    ("leaking", "Leaking confidential information", "泄露国家秘密或工作秘密",
     Consequence.REVOCATION, None),
    ("late-report", "Report late without reason", "无正当理由逾期提交评估报告",
     Consequence.WARNING, None),
]

# name, code, state, scope (applied 340 days before the seeding, approved 330 days before
# for a year; the suspended one broke a red line 60 days before)
AGENCIES = [
    ("包头市北方社会风险评估中心", "91150200MA0N1B2C3D", AgencyStatus.APPROVED,
     list(DecisionType.values)),
    ("内蒙古恒信评估咨询有限公司", "91150000MA0Q4R5T6D", AgencyStatus.UNDER_REVIEW,
     [DecisionType.PRICE, DecisionType.POLICY]),
    ("包头市求实社会稳定评估事务所", "52150200MA0K7L8M94", AgencyStatus.SUSPENDED,
     [DecisionType.RENEWAL, DecisionType.LAND]),
]

# days before the seeding, topic, trainer: about one a month
TRAININGS = [
    (300, "稳评工作规范与第三方机构管理办法解读", "市委政法委维稳指导科"),
    (265, "风险识别与风险研判方法", "内蒙古大学公共管理学院"),
    (230, "公开公示与群众意见征集", "市委政法委维稳指导科"),
    (200, "专家论证的组织与意见采纳", "市社会科学院"),
    (165, "重大活动类项目稳评实务（包头马拉松）", "市体育局、北方评估中心"),
    (130, "价格调整类项目稳评实务（出租车调价）", "市发展和改革委员会"),
    (75, "城市更新与房屋改造项目稳评（夹心房改造）", "市住房和城乡建设局"),
    (40, "评估报告撰写与质量评查", "市委政法委维稳指导科"),
]


def day(days_ago: int) -> datetime.date:
    """A day before the seeding; called outside ``frozen_at``, which moves "today"."""
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def at(on: datetime.date, hour: int = 10) -> datetime.datetime:
    """The moment a demo step happens: ``hour`` o'clock on the day ``on``."""
    return datetime.datetime.combine(on, datetime.time(hour),
                                     tzinfo=timezone.get_current_timezone())


def seed(stdout) -> None:
    User = get_user_model()
    admin = User.objects.filter(username="admin", is_active=True).first()
    supervisor = User.objects.filter(username="city.supervisor", is_active=True).first()
    districts = {d.code: d for d in District.objects.all()}
    departments = {}
    for name_en, name_zh, code in DEPARTMENTS:
        departments[name_en], _created = Department.objects.get_or_create(
            name_zh=name_zh, defaults={"name_en": name_en, "district": districts.get(code)})
    red_lines = {}
    for code, name_en, name_zh, consequence, months in RED_LINES:
        red_lines[code], _created = RedLine.objects.get_or_create(code=code, defaults={
            "name_en": name_en, "name_zh": name_zh, "consequence": consequence,
            "suspension_months": months})
    new_agencies = 0
    if admin is not None:
        new_agencies = seed_agencies(admin, red_lines)
    agency = Agency.objects.filter(credit_code=AGENCIES[0][1]).first()
    assessor = seed_assessor(agency)
    new_decisions = 0
    if admin and supervisor and assessor and agency and agency.status == AgencyStatus.APPROVED:
        new_decisions = seed_decisions(admin, supervisor, assessor, agency, departments)
    new_trainings = seed_trainings(agency, districts)
    stdout.write(f"Assessments demo: {new_agencies} new agencies, {new_decisions} new "
                 f"decisions, {new_trainings} new training sessions.")


def seed_agencies(admin, red_lines) -> int:
    created = 0
    applied, reviewed, approved, violated = day(340), day(337), day(330), day(62)
    for name, code, state, scope in AGENCIES:
        if Agency.objects.filter(credit_code=code).exists():
            continue
        with frozen_at(at(applied)):
            agency = actions.apply(actions.Application(
                agency=Agency(name=name, credit_code=code, legal_representative="张建国",
                              contact_name="李娜", contact_phone="0472-5123456",
                              contact_email=f"office-{code[-4:].lower()}@example.invalid",
                              address="内蒙古自治区包头市昆都仑区钢铁大街", qualifications=
                              "社会稳定风险评估专业人员12名；近三年承担评估项目30余项"),
                scope=scope, departments=[], experts=[("王教授", "社会学", "教授"),
                                                      ("陈律师", "法律", "律师")],
                uploads=[]))
        created += 1
        with frozen_at(at(reviewed)):
            actions.agency_step(user=admin, agency=agency, step=AgencyStep.REVIEW,
                                note="材料齐全，进入审核")
        if state == AgencyStatus.UNDER_REVIEW:
            continue
        with frozen_at(at(approved)):
            actions.agency_step(user=admin, agency=agency, step=AgencyStep.APPROVE,
                                note="符合管理办法要求，准予入库",
                                valid_until=approved + datetime.timedelta(days=365))
        if state == AgencyStatus.SUSPENDED:
            with frozen_at(at(violated + datetime.timedelta(days=2))):
                actions.record_violation(
                    user=admin, agency=agency, red_line=red_lines["subcontracting"],
                    occurred_on=violated, description="将入户调查工作转包给无资质公司")
    return created


def seed_assessor(agency):
    if agency is None:
        return None
    from riskdesk.demo import DEMO_PASSWORD

    user, _created = save_user("beifang.assessor", role="assessor", password=DEMO_PASSWORD,
                               full_name="孙评估 Sun (agency assessor)",
                               email="beifang.assessor@example.invalid")
    AgencyMember.objects.get_or_create(user=user, defaults={"agency": agency})
    return user


def seed_decisions(admin, supervisor, assessor, agency, departments) -> int:
    created = 0
    # title, type, department, decided (days before the seeding), assessor, grade,
    # recommendation, risks (description, likelihood, impact, mitigation)
    specs = [
        ("包头马拉松赛", DecisionType.EVENT, "City Sports Bureau", 215,
         AssessorKind.AGENCY, Grade.MEDIUM, Recommendation.PROCEED_WITH_MITIGATION,
         [("赛道沿线交通管制引发群众不满", 3, 3, "提前公告绕行方案"),
          ("参赛人员密集踩踏风险", 2, 5, "分区起跑、增派安保")]),
        ("全市出租车运价调整", DecisionType.PRICE, "City Development and Reform Commission",
         120, AssessorKind.SELF, Grade.MEDIUM, Recommendation.PROCEED_WITH_MITIGATION,
         [("司机群体对份子钱未同步调整不满", 4, 3, "同步规范承包费"),
          ("乘客对涨价的负面舆情", 3, 2, "召开价格听证会")]),
        ("全市夹心房改造", DecisionType.RENEWAL,
         "City Housing and Urban-Rural Development Bureau", 45,
         AssessorKind.AGENCY, Grade.LOW, Recommendation.PROCEED,
         [("个别住户对改造方案有异议", 2, 2, "一户一策上门沟通")]),
    ]
    for title, dtype, dept, decided, kind, grade, rec, risks in specs:
        if Decision.objects.filter(title=title).exists():
            continue
        planned = day(decided)
        start = planned - datetime.timedelta(days=60)  # the public notice starts

        def on(days_after_start, start=start):
            return frozen_at(at(start + datetime.timedelta(days=days_after_start)))

        with on(-10):
            decision = actions.register_decision(user=supervisor, decision=Decision(
                title=title, department=departments[dept], level=DecisionLevel.CITY,
                decision_type=dtype, planned_date=planned, key_sensitive=True))
        with on(-5):
            assessment = actions.start_assessment(
                user=supervisor, decision=decision, assessor_kind=kind,
                agency=agency if kind == AssessorKind.AGENCY else None)
        recorder = assessor if kind == AssessorKind.AGENCY else supervisor
        with on(11):
            actions.record_notice(user=recorder, assessment=assessment, notice=PublicNotice(
                channel="website", starts_on=start, ends_on=start + datetime.timedelta(days=10),
                comments_received=37, summary="意见主要集中在交通和补偿方面"))
        with on(15):
            for description, likelihood, impact, mitigation in risks:
                actions.record_risk(user=recorder, assessment=assessment, risk=RiskItem(
                    description=description, likelihood=likelihood, impact=impact,
                    mitigation=mitigation))
        with on(20):
            actions.record_expert_review(
                user=recorder, assessment=assessment, review=ExpertReview(
                    experts="王教授，社会学，教授\n陈律师，法律，律师",
                    held_on=start + datetime.timedelta(days=20),
                    opinion="风险可控，建议落实化解措施后实施"))
        with on(25):
            actions.conclude(user=recorder, assessment=assessment, grade=grade,
                             recommendation=rec, mitigation="落实风险化解措施，明确责任单位")
        if kind == AssessorKind.AGENCY:
            with on(30):
                actions.score_assessment(user=supervisor, assessment=assessment, score=4,
                                         comment="三项机制落实到位")
        with on(60):
            actions.mark_decided(user=supervisor, decision=decision, decided_on=planned,
                                 note="经集体研究决定实施")
        with on(90):
            actions.record_outcome(user=supervisor, decision=decision, implemented=True,
                                   note="已实施，未引发涉稳问题")
        created += 1
    return created


def seed_trainings(agency, districts) -> int:
    created = 0
    for days_ago, topic, trainer in TRAININGS:
        if Training.objects.filter(topic=topic).exists():
            continue
        training = Training.objects.create(date=day(days_ago), topic=topic, trainer=trainer,
                                           location="包头市委政法委")
        created += 1
        if agency is not None:
            Attendance.objects.create(training=training, name="孙评估", agency=agency)
        for code, name in (("kundulun", "李伟"), ("donghe", "刘洋")):
            if code in districts:
                Attendance.objects.create(training=training, name=name,
                                          district=districts[code])
    return created
