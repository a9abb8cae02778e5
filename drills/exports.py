"""Export of the filtered drill list to CSV and Excel, with the case export's writers
(cases.exports: cells no spreadsheet runs as a formula, a BOM for Excel)."""

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cases.exports import _local, csv_lines, write_sheet
from drills.models import Drill

CHUNK_SIZE = 2000


def _columns():
    field = Drill._meta.get_field
    return [
        (capfirst(field("date").verbose_name), lambda drill: drill.date, False),
        (capfirst(field("district").verbose_name), lambda drill: drill.district.name, False),
        (capfirst(field("kind").verbose_name), lambda drill: drill.get_kind_display(), False),
        (capfirst(field("participants").verbose_name), lambda drill: drill.participants, False),
        (capfirst(field("scenario").verbose_name), lambda drill: drill.scenario, True),
        (capfirst(field("findings").verbose_name), lambda drill: drill.findings, True),
        (capfirst(field("units").verbose_name), lambda drill: "; ".join(drill.unit_list), True),
        (_("Attachments"), lambda drill: drill.file_count, False),
        (capfirst(field("created_by").verbose_name),
         lambda drill: drill.created_by.get_username(), False),
        (capfirst(field("created_at").verbose_name), lambda drill: _local(drill.created_at),
         False),
    ]


def _rows(queryset, columns):
    drills = queryset.with_related().with_file_count().iterator(chunk_size=CHUNK_SIZE)
    for drill in drills:
        yield [accessor(drill) for _header, accessor, _wide in columns]


def csv_rows(queryset):
    columns = _columns()
    return csv_lines([header for header, _a, _w in columns], _rows(queryset, columns))


def write_xlsx(queryset, path) -> None:
    columns = _columns()
    write_sheet(path, title=Drill._meta.verbose_name_plural,
                header=[header for header, _a, _w in columns], rows=_rows(queryset, columns),
                wide=[wide for _h, _a, wide in columns])


def export_name(suffix):
    return f"riskdesk-drills-{timezone.localtime():%Y%m%d-%H%M}.{suffix}"
