"""The one place DuckDB connections are opened.

The store is a DuckDB file; the heavy work of a run happens in a separate in-memory database so
that the store only ever sees complete results, written in one transaction.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from pathlib import Path

import duckdb
import psutil

from linkage.errors import StoreError


def default_work_memory() -> str:
    """A quarter of the memory the machine (or its container) has. DuckDB's own default is 80%, but a
    run holds polars frames and Python objects beside it. Measured on 24 GB at 5 million records:
    a 6 GB limit scored the pairs in 33.6 s against 45.0 s with 3 GB (the joins no longer spill), for
    0.14 GB more peak; at 1 million records DuckDB stays under 3 GB either way."""
    total = psutil.virtual_memory().total
    with contextlib.suppress(OSError, ValueError):  # a container's limit (cgroup v2); "max" when there is none
        total = min(total, int(Path("/sys/fs/cgroup/memory.max").read_text().strip()))
    return f"{max(1024, total // 4 // 2**20)}MiB"


def check_memory_limit(limit: str) -> None:
    """Raise StoreError unless DuckDB reads `limit` as a size: a command checks it before a run starts."""
    con = duckdb.connect(":memory:")
    try:
        _set_memory_limit(con, limit)
    finally:
        con.close()


def _set_memory_limit(con: duckdb.DuckDBPyConnection, limit: str) -> None:
    try:
        con.execute(f"SET memory_limit = '{limit}'")
    except duckdb.Error as e:
        raise StoreError(f"memory limit {limit!r} is not a size DuckDB understands (use e.g. 4GB or 6GiB): {e}") from e


def work_connection(
    memory_limit: str | None = None, threads: int | None = None, temp_dir: Path | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory database for one run; spills to `temp_dir` past `memory_limit` (default:
    `default_work_memory()`)."""
    con = duckdb.connect(":memory:")
    _set_memory_limit(con, memory_limit or default_work_memory())
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    spill = temp_dir or Path(tempfile.gettempdir()) / "linkage_spill"
    con.execute(f"SET temp_directory = '{spill}'")
    con.execute("SET preserve_insertion_order = false")
    return con


WRITE_MEMORY_LIMIT = "2GB"  # a run publishing millions of rows: DuckDB would otherwise cache up to 80% of RAM


def store_connection(
    path: Path, read_only: bool = False, wait_seconds: float = 30.0, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the store. A file held by another process (the service reading it for a moment, or another
    run) is retried for `wait_seconds`: a nightly run must not fail because a reader looked in.
    memory_limit: DuckDB's for this connection (default: WRITE_MEMORY_LIMIT when writing)."""
    limit = memory_limit or (None if read_only else WRITE_MEMORY_LIMIT)
    config: dict[str, str | bool | int | float | list[str]] = {"memory_limit": limit} if limit else {}
    path = Path(path)
    if read_only and not path.exists():
        raise StoreError(f"no store at {path}: run `linkage dedupe RECORDS --db {path}` first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.IOException as e:
            if "lock" not in str(e).lower() or time.monotonic() >= deadline:
                raise StoreError(f"cannot open the store {path}: {e} (is another run writing it?)") from e
            time.sleep(0.2)
        except duckdb.Error as e:
            raise StoreError(f"cannot open the store {path}: {e}") from e
