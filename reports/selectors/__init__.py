"""Read side of the reports, one module per page family:

- ``committee``: the committee report (Sozialraum level only, small-cell rule)
- ``trends``: indices and shares per survey round
- ``dashboards``: the Jugendamt start page and a Kita leader's page
- ``exports``: rows for the xlsx exports
- ``common``: strands, index categories, strand sums, the money of a budget year
  (``year_funding``: computed once, shown by every report), small-cell counts,
  budget-year lookups

Every function runs a constant number of queries whatever the number of Kitas:
aggregates are computed in the database (``values(...).annotate(...)``), per-row
figures in Python from rows already loaded.

The names below are what ``reports.views`` reads as ``rs.<name>``.
"""

from reports.selectors.committee import CommitteeReport, committee_report
from reports.selectors.common import (
    CATEGORIES,
    CATEGORY_LABELS,
    SMALL_CELL_MIN_KITAS,
    STRAND_LABELS,
    STRANDS,
    StrandCell,
    YearFunding,
    budget_year_for,
    budget_year_list,
    newest_budget_year,
    year_funding,
)
from reports.selectors.dashboards import jugendamt_dashboard, kita_overview
from reports.selectors.exports import (
    allocation_lines,
    kita_index_rows,
    rounds_with_runs,
    sozialraum_index_rows,
)
from reports.selectors.trends import trends

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "SMALL_CELL_MIN_KITAS",
    "STRANDS",
    "STRAND_LABELS",
    "CommitteeReport",
    "StrandCell",
    "YearFunding",
    "allocation_lines",
    "budget_year_for",
    "budget_year_list",
    "committee_report",
    "jugendamt_dashboard",
    "kita_index_rows",
    "kita_overview",
    "newest_budget_year",
    "rounds_with_runs",
    "sozialraum_index_rows",
    "trends",
    "year_funding",
]
