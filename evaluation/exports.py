"""The results of an instrument as XLSX (openpyxl), for the Jugendamt's staff.

In the style of ``reports.documents.xlsx`` (which sits above this app): German headers, a
frozen header row, numbers as numbers, every text cell through
``srb_project.spreadsheet.inert``. Three sheets: results per wave, block and item (hidden
below 5 answers, as on the page), the comparison T0 → T1 → T2, the free texts.
"""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _

from evaluation.selectors import Comparison, WaveResults
from srb_project.spreadsheet import inert

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(wb, title, headers, rows, *, first=False):
    from openpyxl.styles import Font

    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append([inert(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append([inert(v) if isinstance(v, str) else v for v in row])
    return ws


def results_xlsx(results: list[WaveResults], comparison: Comparison) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    too_few = _("noch zu wenige Antworten (n < 5)")
    rows = []
    texts = []
    for wr in results:
        for block in wr.blocks:
            for r in block.items:
                base = [wr.wave.code, f"{block.code} {block.title}", r.item.code, r.item.text]
                kind = r.item.get_kind_display()
                if r.item.kind == "text":
                    texts.extend([wr.wave.code, r.item.code, t] for t in r.texts)
                    continue
                if not r.shown:
                    rows.append([*base, kind, r.n, None, too_few])
                    continue
                dist = "; ".join(f"{o.label}: {o.count}" for o in r.options)
                mean = float(r.mean) if r.mean is not None else None
                rows.append([*base, kind, r.n, mean, dist])
    _sheet(
        wb,
        _("Ergebnisse"),
        [
            _("Welle"),
            _("Block"),
            _("Frage"),
            _("Text"),
            _("Art"),
            "n",
            _("Mittelwert"),
            _("Verteilung"),
        ],
        rows,
        first=True,
    )
    codes = [w.code for w in comparison.waves]
    headers = [_("Frage"), _("Text"), *[_("Mittelwert %(w)s") % {"w": c} for c in codes]]
    headers += [f"{a} → {b}" for a, b in zip(codes, codes[1:], strict=False)]
    compare_rows = []
    for row in comparison.rows:
        compare_rows.append(
            [
                row.item.code,
                row.item.text,
                *[float(m) if m is not None else None for m in row.means],
                *[f"{c.text} {c.arrow}" if c else "" for c in row.changes],
            ]
        )
    _sheet(wb, _("Vergleich"), headers, compare_rows)
    _sheet(wb, _("Freitexte"), [_("Welle"), _("Frage"), _("Antwort")], texts)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
