"""Moving frames between Spark tasks and the project's polars code, one partition at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import polars as pl
import pyarrow as pa
from pyspark.sql import DataFrame, Row
from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema
from pyspark.sql.types import StructType


def small(t: pa.DataType) -> pa.DataType:
    """Arrow's 32-bit string and list types (what Spark reads back by default) for polars' large ones."""
    if pa.types.is_large_string(t):
        return pa.string()
    if pa.types.is_large_list(t) or pa.types.is_list(t):
        return pa.list_(small(t.value_type))
    return t


def arrow_schema(frame: pl.DataFrame) -> pa.Schema:
    schema = frame.to_arrow(compat_level=pl.CompatLevel.oldest()).schema
    return pa.schema([pa.field(f.name, small(f.type)) for f in schema])


def spark_schema(frame: pl.DataFrame) -> StructType:
    """The Spark schema of what a task function returns, from an empty example of it."""
    return from_arrow_schema(arrow_schema(frame))


def to_table(frame: pl.DataFrame, schema: pa.Schema) -> pa.Table:
    """`frame` in exactly the Arrow types Spark was told to expect."""
    return frame.to_arrow(compat_level=pl.CompatLevel.oldest()).cast(schema)


def per_partition(
    fn: Callable[[pl.DataFrame], pl.DataFrame], out: StructType
) -> Callable[[Iterable[pa.RecordBatch]], Iterable[pa.RecordBatch]]:
    """A mapInArrow function that runs `fn` once on a whole partition (not per batch: duplicates and
    keys must be seen together)."""
    target = to_arrow_schema(out)

    def run(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        got = list(batches)
        if not got:
            return
        frame = frame_of(pa.Table.from_batches(got))
        yield from to_table(fn(frame), target).to_batches()

    return run


def frame_of(table: pa.Table) -> pl.DataFrame:
    """A polars frame of an Arrow table (`pl.from_arrow` is typed to give a Series too)."""
    frame = pl.from_arrow(table)
    if not isinstance(frame, pl.DataFrame):
        raise TypeError(f"expected a table from Arrow, got {type(frame).__name__}")
    return frame


def first_row(df: DataFrame) -> Row:
    """The row of a Spark query that always gives one (an aggregate over everything)."""
    row = df.first()
    if row is None:
        raise ValueError("an aggregate query gave no row")
    return row
