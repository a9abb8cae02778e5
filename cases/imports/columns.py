"""What an import reads and reports: its limits, the columns with their Chinese
headers and accepted values, and the results (row errors, counts)."""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import get_language, gettext_lazy

from cases.choices import CategoryKind, HousingStage, RiskLevel, SchemeType, Source
from cases.models import Case, MassVictimDetails, RealEstateDetails, WageArrearsDetails
from riskdesk.personal import normalise_phone, normalise_resident_id

# ---------------------------------------------------------------- limits
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
MAX_LINE_BYTES = 1024 * 1024
MAX_COLUMNS = 200
MAX_ROWS = 100_000
EXCEL_MAX_ROWS = 1_048_576  # a sheet claiming rows beyond this is not a real workbook
BATCH_SIZE = 1000
MAX_INTEGER = 2_147_483_647  # PositiveIntegerField on every database
MAX_AMOUNT = Decimal("99999999999999.99")  # DecimalField(max_digits=16, decimal_places=2)


# The template's example row has this source reference: imported unchanged, it is refused.
EXAMPLE_REFERENCE = "示例-导入前请删除此行"

# ---------------------------------------------------------------- the columns
class ImportColumn(NamedTuple):
    name: str
    chinese: str
    required: bool
    help: str


IMPORT_COLUMNS = [
    ImportColumn("source_reference", "来源编号", True, gettext_lazy(
        "The row's identifier in the investigation list, at most 64 characters. A row "
        "whose identifier already exists in its district is skipped, so the same list can "
        "be imported again.")),
    ImportColumn("title", "标题", True, gettext_lazy(
        "A short description of the problem, at most 200 characters.")),
    ImportColumn("category", "类别", True, gettext_lazy(
        "The category's code, or its English or Chinese name.")),
    ImportColumn("district", "地区", True, gettext_lazy(
        "The district's code, or its English or Chinese name. District staff can import "
        "cases only into their own district.")),
    ImportColumn("risk_level", "风险等级", True, gettext_lazy(
        "major, high, medium or low, or the level's English or Chinese name.")),
    ImportColumn("source", "来源", False, gettext_lazy(
        "Where the case came from: rolling (the default when empty), petition, hotline, "
        "police, media or inspection, or its English or Chinese name.")),
    ImportColumn("owner", "责任人", False, gettext_lazy(
        "The user name of the person in charge. District staff may leave it empty to own "
        "the cases themselves; supervisors must fill it in.")),
    ImportColumn("description", "情况描述", False, gettext_lazy(
        "What the problem is, who is affected and what has been done so far.")),
    ImportColumn("address", "地址", False, gettext_lazy("Where it is, at most 300 characters.")),
    ImportColumn("responsible_unit", "责任单位", False, gettext_lazy(
        "The department or unit responsible for resolving it.")),
    ImportColumn("lead_official", "包案领导", False, gettext_lazy(
        "The leading official in charge of the case.")),
    ImportColumn("contact_name", "联系人", False, gettext_lazy(
        "The person to contact about the case, at most 100 characters.")),
    ImportColumn("contact_id_number", "联系人身份证号", False, gettext_lazy(
        "The contact's 18-character resident ID number (checked, shown masked).")),
    ImportColumn("contact_phone", "联系电话", False, gettext_lazy(
        "The contact's mobile number, or a landline with its area code, e.g. 0472-5123456 "
        "(shown masked).")),
    ImportColumn("target_date", "计划化解日期", False, gettext_lazy(
        "The date by which it should be resolved, as YYYY-MM-DD, e.g. 2026-09-30.")),
    ImportColumn("people_affected", "涉及人数", False, gettext_lazy(
        "A whole number, 0 or more (workers for wage arrears, victims for mass-victim "
        "cases).")),
    ImportColumn("people_helped", "已化解人数", False, gettext_lazy(
        "A whole number, not more than the people affected.")),
    ImportColumn("amount_involved", "涉及金额", False, gettext_lazy(
        "In yuan, 0 or more, at most two decimals, e.g. 1,250,000.00.")),
    ImportColumn("amount_recovered", "已追回金额", False, gettext_lazy(
        "In yuan, not more than the amount involved.")),
    ImportColumn("project_name", "项目名称", False, gettext_lazy(
        "Real estate: the housing project; needed when any real-estate column is filled "
        "in.")),
    ImportColumn("developer", "开发商", False, gettext_lazy("Real estate: the developer.")),
    ImportColumn("households_affected", "涉及户数", False, gettext_lazy(
        "Real estate: households affected, a whole number.")),
    ImportColumn("households_delivered", "已交付户数", False, gettext_lazy(
        "Real estate: households that have received their homes, not more than those "
        "affected.")),
    ImportColumn("stage", "项目阶段", False, gettext_lazy(
        "Real estate: halted (the default), reorganisation, resumed, delivering or "
        "delivered, or the stage's English or Chinese name.")),
    ImportColumn("employer", "欠薪单位", False, gettext_lazy(
        "Wage arrears: the employer who owes the wages; needed when any wage-arrears column "
        "is filled in.")),
    ImportColumn("project", "所在项目", False, gettext_lazy(
        "Wage arrears: the project the workers worked on.")),
    ImportColumn("petition_number", "信访件编号", False, gettext_lazy(
        "Wage arrears: the number of the linked petition.")),
    ImportColumn("scheme_type", "案件类型", False, gettext_lazy(
        "Mass-victim cases: illegal_fundraising, investment_fraud, pyramid or other, or the "
        "type's English or Chinese name; needed when any mass-victim column is filled in.")),
    ImportColumn("police_case_number", "公安立案编号", False, gettext_lazy(
        "Mass-victim cases: the police case number.")),
]
# An export writes these too. The case's reference finds the case to update; the others
# are facts an import leaves alone (changed through the workflow, never by a file).
REFERENCE_COLUMN = ImportColumn("reference", "案件编号", False, gettext_lazy(
    "The case's reference (RC-2026-00042), as an export writes it; leave it empty for a "
    "new case. With “update the existing cases”, the row's values replace the case's."))
READ_ONLY_COLUMNS = [
    ImportColumn("status", "状态", False, ""),
    ImportColumn("next_follow_up_due", "下次跟进日期", False, ""),
    ImportColumn("created_at", "登记时间", False, ""),
    ImportColumn("updated_at", "更新时间", False, ""),
]
READ_ONLY = {column.name for column in READ_ONLY_COLUMNS}
COLUMNS = {column.name: column
           for column in [REFERENCE_COLUMN, *IMPORT_COLUMNS, *READ_ONLY_COLUMNS]}
REQUIRED = [column.name for column in IMPORT_COLUMNS if column.required]

TEXT_FIELDS = [
    "source_reference", "title", "description", "address", "responsible_unit", "lead_official",
    "contact_name",
]
PERSONAL_NUMBERS = {"contact_id_number": normalise_resident_id, "contact_phone": normalise_phone}
KIND_COLUMNS = {
    CategoryKind.REAL_ESTATE: [
        "project_name", "developer", "households_affected", "households_delivered", "stage",
    ],
    CategoryKind.WAGE_ARREARS: ["employer", "project", "petition_number"],
    CategoryKind.MASS_VICTIM: ["scheme_type", "police_case_number"],
}
KIND_OF_COLUMN = {name: kind for kind, names in KIND_COLUMNS.items() for name in names}
DETAILS_REQUIRED = {
    CategoryKind.REAL_ESTATE: "project_name",
    CategoryKind.WAGE_ARREARS: "employer",
    CategoryKind.MASS_VICTIM: "scheme_type",
}
DETAILS_MODEL = {
    CategoryKind.REAL_ESTATE: RealEstateDetails,
    CategoryKind.WAGE_ARREARS: WageArrearsDetails,
    CategoryKind.MASS_VICTIM: MassVictimDetails,
}
MAX_LENGTHS = {
    **{name: Case._meta.get_field(name).max_length for name in TEXT_FIELDS},
    **{
        name: DETAILS_MODEL[kind]._meta.get_field(name).max_length
        for kind, names in KIND_COLUMNS.items() for name in names
        if DETAILS_MODEL[kind]._meta.get_field(name).get_internal_type() == "CharField"
        and not DETAILS_MODEL[kind]._meta.get_field(name).choices
    },
}

# Chinese names accepted for choices besides the catalogue's translations.
CHINESE_CHOICES = {
    RiskLevel: {"重大": RiskLevel.MAJOR, "较大": RiskLevel.HIGH, "一般": RiskLevel.MEDIUM,
                "低": RiskLevel.LOW, "较低": RiskLevel.LOW},
    Source: {"滚动排查": Source.ROLLING, "信访": Source.PETITION, "12345热线": Source.HOTLINE,
             "12345": Source.HOTLINE, "公安移交": Source.POLICE, "媒体": Source.MEDIA,
             "督导检查": Source.INSPECTION},
    HousingStage: {"停工": HousingStage.HALTED, "停工停建": HousingStage.HALTED,
                   "破产重整": HousingStage.REORGANISATION, "复工": HousingStage.RESUMED,
                   "复工续建": HousingStage.RESUMED, "分批交付": HousingStage.DELIVERING,
                   "已交付": HousingStage.DELIVERED},
    SchemeType: {"非法集资": SchemeType.ILLEGAL_FUNDRAISING,
                 "投资诈骗": SchemeType.INVESTMENT_FRAUD, "传销": SchemeType.PYRAMID,
                 "其他": SchemeType.OTHER},
}


def match_key(text) -> str:
    """Headers and names compared without case, spaces, hyphens or required-marks."""
    return re.sub(r"[\s\-_*]+", "_", str(text).strip().lower()).strip("_")


HEADERS = {
    **{match_key(column.name): column.name for column in COLUMNS.values()},
    **{match_key(column.chinese): column.name for column in COLUMNS.values()},
}


def column_label(name: str) -> str:
    """A column as the user's template names it: its Chinese header on a Chinese page."""
    column = COLUMNS.get(name)
    if column is None:
        return name
    return column.chinese if (get_language() or "").startswith("zh") else column.name


# ---------------------------------------------------------------- results
@dataclass
class RowError:
    row: int  # the spreadsheet row; the header is row 1
    column: str  # the column's name, as in IMPORT_COLUMNS
    message: str

    @property
    def label(self) -> str:
        """The column as the user's template names it, in the active language."""
        return column_label(self.column)


@dataclass
class ImportResult:
    created: int
    skipped: int
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # imported, but to check
    # likely duplicates of the new cases (imports.suggesting.as_summary), unless the
    # import created too many cases to check them
    duplicates: list[dict] = field(default_factory=list)
    duplicates_unchecked: bool = False


class Row(dict):
    """One data row: column name -> the cell's value, with its spreadsheet row number."""

    def __init__(self, number: int):
        super().__init__()
        self.number = number
