"""Read program-record files (CSV or Parquet) into one all-text frame, or fail with one clear message."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from linkage import columns as C
from linkage.errors import InvalidInputError
from linkage.ingest.tolerant import read_tolerant

DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y%m%d")  # the dates the contract accepts (docs/contract.md)

BAD_BYTES = "\ufffd"  # what lossy UTF-8 decoding puts where a byte could not be read


def read_records(paths: list[Path] | Path) -> pl.DataFrame:
    """All files as text columns in the schema's names, with `source_file` and `row_number` added.

    Column names are matched without regard to case or surrounding spaces; optional columns that
    are missing are added empty; columns not in the schema are kept and passed through.
    """
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if not paths:
        raise InvalidInputError("no input files were given")
    frames = [_read_one(Path(p)) for p in paths]
    return pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]


def _read_one(path: Path) -> pl.DataFrame:
    if not path.exists():
        raise InvalidInputError(f"{path}: file not found")
    if path.is_dir():
        raise InvalidInputError(f"{path}: is a directory, expected a CSV or Parquet file")
    if path.stat().st_size == 0:
        raise InvalidInputError(f"{path}: file is empty (expected a header row with the columns {', '.join(C.REQUIRED_COLUMNS)})")
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        df = _read_parquet(path)
    elif suffix in (".csv", ".txt", ""):
        df = _read_csv(path)
    else:
        raise InvalidInputError(f"{path}: unknown file type '{suffix}' (use .csv or .parquet)")
    df = _normalize_header(df, path)
    return df.with_columns(
        pl.lit(str(path)).alias(C.SOURCE_FILE),
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(C.ROW_NUMBER),
    )


def _read_csv(path: Path) -> pl.DataFrame:
    """Strict UTF-8 first; bytes that are not UTF-8 are read lossily (their fields blanked later);
    rows polars cannot split (a stray quote, too many fields) send the file through the tolerant
    reader, which sets those rows aside with their line numbers and reads the rest."""
    encoding = "utf8"
    try:
        return pl.read_csv(path, infer_schema=False, encoding=encoding)
    except pl.exceptions.NoDataError as e:
        raise InvalidInputError(f"{path}: file has no header row ({e})") from e
    except pl.exceptions.ComputeError as e:
        if "utf" in str(e).lower():
            encoding = "utf8-lossy"
    try:
        return pl.read_csv(path, infer_schema=False, encoding=encoding)
    except pl.exceptions.ComputeError:
        pass
    except Exception as e:  # noqa: BLE001 - any other parser failure is the same answer for the user
        raise InvalidInputError(f"{path}: cannot be read as CSV: {e}") from e
    return read_tolerant(path, encoding)


def _read_parquet(path: Path) -> pl.DataFrame:
    try:
        df = pl.read_parquet(path)
    except Exception as e:  # noqa: BLE001
        raise InvalidInputError(f"{path}: cannot be read as Parquet: {e}") from e
    return df.with_columns(_to_text(df, c) for c in df.columns)


def _to_text(df: pl.DataFrame, name: str) -> pl.Expr:
    dtype = df.schema[name]
    if dtype == pl.Date:
        return pl.col(name).dt.strftime("%Y-%m-%d")
    if dtype in (pl.List, pl.Struct, pl.Array) or isinstance(dtype, (pl.List, pl.Struct, pl.Array)):
        return pl.col(name).cast(pl.String, strict=False)
    return pl.col(name).cast(pl.String)


def header_plan(columns: list[str], path: Path) -> tuple[dict[str, str], list[str]]:
    """How a file's header maps onto the schema (original -> clean name, reserved names moved
    aside) and which optional columns it lacks; InvalidInputError when a required one is missing.
    Both engines read headers through here."""
    renames, seen = {}, {}
    for col in columns:
        clean = col.lstrip("\ufeff").strip().lower()
        if clean in seen:
            raise InvalidInputError(f"{path}: column '{clean}' appears twice in the header")
        seen[clean] = col
        renames[col] = f"input_{clean}" if clean in (C.SOURCE_FILE, C.ROW_NUMBER, C.UID) else clean
    have = set(renames.values())
    missing = [c for c in C.REQUIRED_COLUMNS if c not in have]
    if missing:
        raise InvalidInputError(
            f"{path}: missing required column(s) {', '.join(missing)}; the header has "
            f"{', '.join(seen) or 'no columns'}. See docs/contract.md for the input contract."
        )
    return renames, [c for c in C.OPTIONAL_COLUMNS if c not in have]


def _normalize_header(df: pl.DataFrame, path: Path) -> pl.DataFrame:
    renames, absent = header_plan(df.columns, path)
    return df.rename(renames).with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in absent)
