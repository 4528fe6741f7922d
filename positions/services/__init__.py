"""Writes of the positions app (issue 16), one module per aggregate: ``positions``
(qualification catalogue, positions from approved lines, months, shares, the proof check),
``next_year`` (the next year's plan from the positions that continue), ``costs`` (actual
costs). Import the module you need (``from positions.services import positions as s``)."""
