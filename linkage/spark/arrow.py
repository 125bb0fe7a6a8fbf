"""Moving frames between Spark tasks and the project's polars code, one partition at a time."""
from __future__ import annotations

from typing import Callable, Iterator

import polars as pl
import pyarrow as pa
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


def per_partition(fn: Callable[[pl.DataFrame], pl.DataFrame], out: StructType
                  ) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """A mapInArrow function that runs `fn` once on a whole partition (not per batch: duplicates and
    keys must be seen together)."""
    target = to_arrow_schema(out)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        got = list(batches)
        if not got:
            return
        frame = pl.from_arrow(pa.Table.from_batches(got))
        assert isinstance(frame, pl.DataFrame)
        yield from to_table(fn(frame), target).to_batches()

    return run
