"""Some records standardized again from changed name fields, the rest untouched.

A file-level finding (names typed turned round, a surname cut short by a fixed-width field) changes
what a few records' names are read as, not what they hold: the fields stay as typed, the
standardized name columns are those of the fields as they should have been.
"""

from __future__ import annotations

import polars as pl

from linkage.standardize import standardize


def reread(records: pl.DataFrame, mask: pl.Series, fields: dict[str, pl.Expr], columns: tuple[str, ...]) -> pl.DataFrame:
    """`records` with `columns` of the rows in `mask` standardized from those rows with `fields`
    (field name -> expression over the row) put in place."""
    again = standardize(records.filter(mask).with_columns(e.alias(f) for f, e in fields.items()))
    # each record's row in `again` (null where not read again); only `columns` are rewritten (a
    # join would copy the whole frame: GBs at millions of records)
    at = pl.select(pl.when(mask).then(mask.cast(pl.Int64).cum_sum() - 1)).to_series()
    return records.with_columns(pl.when(mask).then(again[c].gather(at)).otherwise(pl.col(c)).alias(c) for c in columns)
