"""The yearly release summary as XLSX, for the Träger's staffing (openpyxl).

Teams sits below ``reports``, so this is a small writer of its own in the style of
``reports.documents.xlsx``: German headers, a frozen header row, hours as numbers with two
decimals, every text cell through ``srb_project.spreadsheet.inert``.
"""

from __future__ import annotations

from io import BytesIO

from django.db import transaction
from django.utils.translation import gettext as _

from audit import events as audit_events
from srb_project.spreadsheet import inert, sheet_title
from teams.selectors_review import ReleaseSummary

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOURS_FORMAT = "#,##0.00"


def release_summary_xlsx(summary: ReleaseSummary) -> bytes:
    """One sheet: per Kita (grouped by Träger) hours in meetings, hours for approved tasks
    and their sum; a sum row per Träger and for all."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(_("Freistellungen %(year)s") % {"year": summary.year})
    headers = [
        _("Träger"),
        _("Kita"),
        _("Sitzungen"),
        _("Stunden in Team-Sitzungen"),
        _("Stunden für genehmigte Sonderaufgaben"),
        _("Stunden gesamt"),
    ]
    bold = Font(bold=True)
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=col, value=inert(header))
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDDDDD")

    def put(row: int, values: list, *, total: bool = False) -> None:
        for col, value in enumerate(values, start=1):
            stored = inert(value) if isinstance(value, str) else value
            cell = ws.cell(row=row, column=col, value=stored)
            if isinstance(value, str):
                cell.data_type = "s"
            elif col >= 4:
                cell.number_format = HOURS_FORMAT
            if total:
                cell.font = bold

    row = 2
    for t in summary.traeger:
        for k in t.kitas:
            put(
                row,
                [t.traeger.name, k.kita.name, k.meetings, k.meeting_hours, k.task_hours, k.total],
            )
            row += 1
        label = _("Summe %(traeger)s") % {"traeger": t.traeger.name}
        put(row, [label, "", None, t.meeting_hours, t.task_hours, t.total], total=True)
        row += 1
    put(
        row,
        [_("Summe"), "", None, summary.meeting_hours, summary.task_hours, summary.total],
        total=True,
    )
    for letter, width in zip("ABCDEF", (32, 36, 11, 16, 20, 14), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    notes = wb.create_sheet(sheet_title(_("Hinweise")))
    for i, line in enumerate(
        [
            _("Freistellungen der Kita-Leitungen im Jahr %(year)s") % {"year": summary.year},
            _(
                "Team-Sitzungen: Stunden aus der Anwesenheit der Kita-Leitungen; Sonderaufgaben: "
                "vom Jugendamt vorher genehmigte Freistellungen, nach dem Beginn ihres Zeitraums."
            ),
        ],
        start=1,
    ):
        notes.cell(row=i, column=1, value=inert(line)).data_type = "s"
    notes.column_dimensions["A"].width = 110
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@transaction.atomic
def record_summary_export(*, user, summary: ReleaseSummary) -> None:
    """The export is audited like the reports' exports (hours per Kita leave the product)."""
    audit_events.record(
        actor=user,
        action="export.release_summary",
        jugendamt_id=user.jugendamt_id,
        object_type="teams.releasesummary",
        object_repr=str(summary.year),
        new={"year": summary.year, "kitas": len(summary.kitas), "format": "xlsx"},
    )
