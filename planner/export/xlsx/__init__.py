"""The plan as a live XLSX model (openpyxl), laid out the way financial models are audited
(FAST standard, ICAEW Financial Modelling Code): inputs, calculations and outputs on separate
sheets, one scenario switch, a Checks sheet whose master check every output sheet shows.

Sheets, named in the plan's language (:data:`SHEET_NAMES`, the one place for them):

- outputs: ``Summary`` (key figures, the master check, native charts), ``P&L`` (plan years as
  columns), ``Key figures`` (both sides, docs/model.md section 4), the results on
  ``Scenarios``;
- inputs: ``Inputs`` (every plan value, one per row, with its reasoning; each cell a
  workbook-level defined name such as ``revenue_deal_size``, and the scenario switch), the
  scenario definitions on ``Scenarios`` (read back on import), ``Actuals``;
- calculations: the values in use under the switch (``Scenarios``), ``Team`` and
  ``Investments`` (per-item helper columns), ``Monthly`` (every docs/model.md monthly column as
  formulas, one generator per column in :data:`MONTHLY_FORMULAS`), ``Yearly``;
- ``Checks`` (totals tie out, the shape matches ``months`` and the lists, no error values, a
  valid switch) and ``Sign-off``.

Sign convention: costs are positive amounts on the P&L lines (a line that is subtracted says
so with "−"), cash flows carry their sign. User text is data: it is written as a string cell
(never a formula), with a quote prefix so that editing it keeps it text, and with characters
XML cannot carry escaped the OOXML way (``_x0001_``). Money is in the plan's currency, rates
are fractions shown as percentages.

The package, one module per sheet over one shared layer:

- shared: :mod:`~planner.export.xlsx.layout` (sheet names, the rows and columns an import
  reads back), :mod:`~planner.export.xlsx.refs` (defined names, references),
  :mod:`~planner.export.xlsx.cells` (writing cells: text, styles, headings, print setup),
  :mod:`~planner.export.xlsx.fields` (per plan field: number format, unit, allowed range as
  data validation, enumeration labels, dates) and :mod:`~planner.export.xlsx.book` (the plan's
  values by path, the scenario switch, the :class:`Book` every sheet writer shares);
- sheets: ``inputs``, ``items`` (Team, Investments), ``monthly``, ``yearly``, ``pnl``,
  ``figures``, ``scenarios``, ``checks``, ``summary``, ``actuals``, ``signoff``;
- :mod:`~planner.export.xlsx.workbook` writes them in order and, for a side from which inputs
  are hidden, makes its edition (:mod:`~planner.export.xlsx.edition`).
"""

from __future__ import annotations

from planner.export.xlsx.book import (
    Book,
    ScenarioSwitch,
    plan_values,
    scenario_switch,
)
from planner.export.xlsx.cells import (
    FONT,
    escape_text,
    exact_text,
    put_text,
    unescape_text,
)
from planner.export.xlsx.fields import (
    Formats,
    enum_value,
    shown_enum,
)
from planner.export.xlsx.figures import (
    FIGURE_ROWS,
    figure_formula,
    irr_guess,
)
from planner.export.xlsx.inputs import (
    InputRow,
)
from planner.export.xlsx.items import (
    ItemBlock,
)
from planner.export.xlsx.layout import (
    DEFINITION_NOTE_COLUMN,
    DEFINITIONS_KEYS,
    INPUT_EXACT_COLUMN,
    INPUT_FIRST_ROW,
    INPUT_NOTE_COLUMN,
    INPUT_PATH_COLUMN,
    INPUT_VALUE_COLUMN,
    MONTHLY_FIRST_ROW,
    NOTE_PREFIX,
    PROTECTED,
    SHEET_NAMES,
    SWITCH_ROW,
    sheet_name,
    sheet_names,
)
from planner.export.xlsx.monthly import (
    HELPERS,
    MONTHLY_FORMULAS,
    MONTHLY_PAGE_COLUMNS,
    Month,
    MonthlyLayout,
)
from planner.export.xlsx.pnl import (
    PNL_FIRST_ROW,
    PNL_LINES,
    PNL_TIES,
    PnlLayout,
    pnl_source,
)
from planner.export.xlsx.refs import (
    TOLERANCE,
    defined_name,
)
from planner.export.xlsx.workbook import (
    build_workbook,
)
from planner.export.xlsx.yearly import (
    YearlyLayout,
)

__all__ = [
    "DEFINITIONS_KEYS",
    "DEFINITION_NOTE_COLUMN",
    "FIGURE_ROWS",
    "FONT",
    "HELPERS",
    "INPUT_EXACT_COLUMN",
    "INPUT_FIRST_ROW",
    "INPUT_NOTE_COLUMN",
    "INPUT_PATH_COLUMN",
    "INPUT_VALUE_COLUMN",
    "MONTHLY_FIRST_ROW",
    "MONTHLY_FORMULAS",
    "MONTHLY_PAGE_COLUMNS",
    "NOTE_PREFIX",
    "PNL_FIRST_ROW",
    "PNL_LINES",
    "PNL_TIES",
    "PROTECTED",
    "SHEET_NAMES",
    "SWITCH_ROW",
    "TOLERANCE",
    "Book",
    "Formats",
    "InputRow",
    "ItemBlock",
    "Month",
    "MonthlyLayout",
    "PnlLayout",
    "ScenarioSwitch",
    "YearlyLayout",
    "build_workbook",
    "defined_name",
    "enum_value",
    "escape_text",
    "exact_text",
    "figure_formula",
    "irr_guess",
    "plan_values",
    "pnl_source",
    "put_text",
    "scenario_switch",
    "sheet_name",
    "sheet_names",
    "shown_enum",
    "unescape_text",
]
