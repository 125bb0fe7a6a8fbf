"""Reading a CSV whose rows are not all well formed: one bad row must not refuse a nightly extract.

Polars reads a well-formed file at full speed; only when it refuses the file is it read again here,
physical line by physical line. A quoted field may span lines (it is joined until its quotes
balance); a row whose quote never closes, or whose field count is more than the header's, is set
aside with its line number and the reading goes on at the next line, so one stray quote cannot
swallow the rest of the file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from linkage import columns as C
from linkage.errors import InvalidInputError

MAX_SPAN = 50  # lines one quoted field may span before its quote is taken as unterminated
RAW_LINE_CHARS = 300  # how much of a malformed line is kept for the quarantine


def _parse(chunk: str) -> list[list[str]] | None:
    """The rows of `chunk`, or None while a quoted field is still open (or quoting is broken)."""
    try:
        return list(csv.reader(io.StringIO(chunk), strict=True))
    except csv.Error:
        return None


def read_tolerant(path: Path, encoding: str) -> pl.DataFrame:
    """All rows as text; malformed rows have every field empty but `read_problem` and `raw_line`."""
    text = path.read_bytes().decode("utf-8", errors="replace" if encoding == "utf8-lossy" else "strict")
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    first = _parse(lines[0]) if lines else None
    if not first:
        raise InvalidInputError(f"{path}: the header row cannot be read as CSV")
    header, width = first[0], len(first[0])
    if len({h.strip().lower() for h in header}) < width:
        raise InvalidInputError(f"{path}: a column appears twice in the header")
    rows: list[list[str | None]] = []
    problems: dict[int, tuple[str, str]] = {}  # index in rows -> (problem, the line as read)
    i = 1
    while i < len(lines):
        j, parsed = i, _parse(lines[i])
        while parsed is None and j + 1 < len(lines) and j - i < MAX_SPAN:
            j += 1
            parsed = _parse("".join(lines[i : j + 1]))
        if parsed == [] or (parsed and len(parsed) == 1 and not any(parsed[0])):
            i = j + 1  # a blank line
            continue
        problem = None
        if parsed is None or len(parsed) != 1:
            problem, j = unclosed(f" at line {i + 1}"), i
        elif len(parsed[0]) > width:
            problem = too_many(len(parsed[0]), width, f" at line {i + 1}")
            if j > i:  # the lines joined for a quote do not make a row: only the first line is bad
                problem, j = unclosed(f" at line {i + 1}"), i
        if problem or parsed is None:
            problems[len(rows)] = (problem or "malformed CSV row", lines[i].rstrip("\r\n")[:RAW_LINE_CHARS])
            rows.append([None] * width)
        else:
            fields = parsed[0]
            rows.append([f if f != "" else None for f in fields] + [None] * (width - len(fields)))
        i = j + 1
    frame = pl.DataFrame(rows, schema={h: pl.String for h in header}, orient="row")
    return frame.with_columns(
        pl.Series(C.READ_PROBLEM, [problems.get(k, (None, None))[0] for k in range(len(rows))], dtype=pl.String),
        pl.Series(C.RAW_LINE, [problems.get(k, (None, None))[1] for k in range(len(rows))], dtype=pl.String),
    )


def unclosed(where: str = "") -> str:
    return f"malformed CSV row{where}: a quote that is never closed"


def too_many(fields: int, width: int, where: str = "") -> str:
    return f"malformed CSV row{where}: {fields} fields where the header has {width}"


def malformed(line: str, width: int, where: str = "") -> str | None:
    """Why one line is not a row of at most `width` fields (None: it is one; a short row is padded).
    For a reader that hands over its malformed lines one by one (Spark's CSV reader); `where`: " at
    line N"."""
    parsed = _parse(line)
    if parsed is None or len(parsed) != 1:
        return unclosed(where)
    return too_many(len(parsed[0]), width, where) if len(parsed[0]) > width else None
