"""CSV cells a spreadsheet would run are written as text; numbers, dates and zips are left alone."""

import polars as pl

from linkage.spreadsheet import neutralize, restore


def test_only_cells_a_spreadsheet_would_run_are_marked_and_marks_come_off_again():
    cells = ["=HYPERLINK(1)", "+1-555", "-5", "@SUM(1)", "\tx", "2026-01-26", "91766", "0123", "9 ELM ST", ":x", "<b>"]
    marked = neutralize(pl.DataFrame({"c": cells}))["c"].to_list()
    assert marked[:5] == ["'" + c for c in cells[:5]]
    assert marked[5:] == cells[5:]  # "+-@" once read as a range marked every cell starting with a digit
    assert restore(pl.DataFrame({"c": marked}))["c"].to_list() == cells
