"""An assessment's grade and a case's risk level are different words in Chinese."""

from django.utils import translation

from assessments.choices import Grade
from cases.choices import RiskLevel


def test_a_high_grade_and_a_high_risk_level_read_differently_in_chinese():
    with translation.override("zh-hans"):
        grades = [str(label) for label in Grade.labels]
        levels = [str(label) for label in RiskLevel.labels]
    assert grades == ["高风险", "中风险", "低风险"]
    assert levels == ["重大", "较大", "一般", "低"]


def test_both_read_as_before_in_english():
    with translation.override("en"):
        assert [str(label) for label in Grade.labels] == ["High", "Medium", "Low"]
        assert [str(label) for label in RiskLevel.labels] == ["Major", "High", "Medium", "Low"]
