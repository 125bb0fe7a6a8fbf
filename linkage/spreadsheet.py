"""CSV files people open in a spreadsheet: a cell that starts with `=`, `+`, `-`, `@` (or a tab or
carriage return) would be run as a formula there (`=HYPERLINK(...)` typed as a name in an extract).
Such a cell is written with a leading apostrophe, which spreadsheets show as text; `restore` takes
it off again where the project reads its own CSV back (a returned review sheet). Parquet is never
changed."""

from __future__ import annotations

import polars as pl

TRIGGERS = "=+-@\t\r"
_CLASS = r"[=+\-@\t\r]"  # the TRIGGERS as a regex class: '-' escaped (unescaped, "+-@" is a range holding the digits)
_FORMULA = f"^{_CLASS}"
_MARKED = f"^'{_CLASS}"


def neutralize(df: pl.DataFrame) -> pl.DataFrame:
    text = [c for c, t in df.schema.items() if t == pl.String]
    return df.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c) for c in text
    )


def restore(df: pl.DataFrame) -> pl.DataFrame:
    text = [c for c, t in df.schema.items() if t == pl.String]
    return df.with_columns(
        pl.when(pl.col(c).str.contains(_MARKED)).then(pl.col(c).str.slice(1)).otherwise(pl.col(c)).alias(c) for c in text
    )
