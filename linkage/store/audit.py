"""The audit trail: who looked up whom, when and why. Ids only, never an SSN or a date of birth.

Rows are appended, never updated or deleted by this package, and chained: each row's `hash` is the
SHA-256 of the previous row's hash and its own fields, so editing, inserting or deleting a row
anywhere before the last one breaks every hash after it (`verify_audit`, `verify_log`, `linkage
audit verify`). The chain cannot show the *last* rows cut off; keep the files where the service
cannot truncate them alone, or copy `verify`'s head hash elsewhere now and then to anchor it.

Two homes, one shape: the `audit` table of a DuckDB file (the batch store, for the CLI's locate; the
service's own file, for SQL), and the service's append-only log of JSON lines (`AuditLog`), which
is what makes a look-up durable before its answer leaves: one write and one fsync, a tenth of a
DuckDB insert's cost. The service copies the log into its table behind the answers.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

AUDIT_DDL = """CREATE TABLE IF NOT EXISTS audit (logged_at TIMESTAMP, actor VARCHAR, role VARCHAR, purpose VARCHAR,
    action VARCHAR, person_ids VARCHAR[]);
ALTER TABLE audit ADD COLUMN IF NOT EXISTS seq BIGINT;
ALTER TABLE audit ADD COLUMN IF NOT EXISTS hash VARCHAR;"""
GENESIS = "0" * 64
FIELDS = ("logged_at", "actor", "role", "purpose", "action", "person_ids")

AuditRow = tuple  # (logged_at, actor, role, purpose, action, person_ids)


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def row_hash(previous: str, row: AuditRow) -> str:
    logged_at, actor, role, purpose, action, person_ids = row
    text = json.dumps(
        [previous, logged_at.isoformat(timespec="microseconds"), actor, role, purpose, action, list(person_ids or [])],
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def chain_head(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    """(last seq, last hash) of the chain; (0, GENESIS) when it is empty."""
    rows = con.execute("SELECT seq, hash FROM audit WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1").fetchall()
    return (int(rows[0][0]), rows[0][1]) if rows else (0, GENESIS)


def append_audit(
    con: duckdb.DuckDBPyConnection, rows: Sequence[AuditRow], head: tuple[int, str] | None = None
) -> tuple[int, str]:
    """Append `rows` in one transaction, chained after `head` (read from the table when None);
    returns the new head. Raises duckdb.Error when the rows could not be written: nothing is."""
    chained, new_head = _chained(rows, chain_head(con) if head is None else head)
    _insert(con, [(*row[:5], list(row[5] or []), seq, digest) for seq, digest, row in chained])
    return new_head


def _chained(rows: Sequence[AuditRow], head: tuple[int, str]) -> tuple[list[tuple[int, str, AuditRow]], tuple[int, str]]:
    """(seq, hash, row) for each row chained after `head`, and the new head."""
    seq, previous = head
    out = []
    for row in rows:
        seq += 1
        previous = row_hash(previous, row)
        out.append((seq, previous, row))
    return out, (seq, previous)


def write_audit(con: duckdb.DuckDBPyConnection, actor: str, role: str, purpose: str, action: str, person_ids: list[str]) -> None:
    """Append one look-up (the CLI's locate)."""
    append_audit(con, [(now(), actor, role, purpose, action, person_ids)])


@dataclass(frozen=True)
class AuditCheck:
    rows: int  # chained rows checked
    unchained: int  # rows written before the chain existed (no seq)
    head: str  # the last row's hash: keep it elsewhere to anchor the tail
    broken_at: int | None = None  # seq of the first row that does not verify
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_audit(con: duckdb.DuckDBPyConnection) -> AuditCheck:
    """Recompute the chain from the first row; the first row whose hash or number is wrong is named."""
    unchained = con.execute("SELECT count(*) FROM audit WHERE seq IS NULL").fetchall()[0][0]
    rows = con.execute(f"SELECT seq, hash, {', '.join(FIELDS)} FROM audit WHERE seq IS NOT NULL ORDER BY seq").fetchall()
    return _verify(((seq, stored, tuple(fields)) for seq, stored, *fields in rows), unchained)


def _verify(entries: Iterable[tuple[int, str, AuditRow]], unchained: int = 0, may_continue: bool = False) -> AuditCheck:
    """The chain check of a table or a log. may_continue: the first entry may carry on a chain
    begun elsewhere (a log started after its table); its stored hash is then taken as the start."""
    previous, expected, n = GENESIS, 1, 0
    for seq, stored, row in entries:
        if n == 0 and may_continue and seq > 1:
            previous, expected, n = stored, seq + 1, 1
            continue
        if seq != expected:
            what = "missing" if seq > expected else "numbered twice"
            return AuditCheck(n, unchained, previous, expected, f"row {expected} is {what}")
        previous = row_hash(previous, row)
        if previous != stored:
            return AuditCheck(n, unchained, stored, seq, f"row {seq} was changed (or a row before it)")
        expected, n = expected + 1, n + 1
    return AuditCheck(n, unchained, previous)


class AuditLog:
    """The append-only log: one JSON line per row, `fsync`ed before `append` returns."""

    def __init__(self, path: Path, head: tuple[int, str] = (0, GENESIS)):
        self.path = Path(path)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        _drop_unfinished_line(self.path)
        last = _last_line(self.path)
        self.head = (last["seq"], last["hash"]) if last else head

    def append(self, rows: Sequence[AuditRow]) -> tuple[int, str]:
        """Chain and write `rows`; OSError if they are not on disk (then none count)."""
        chained, head = _chained(rows, self.head)
        data = "".join(_line(seq, digest, row) for seq, digest, row in chained).encode("utf-8")
        written = os.write(self._fd, data)
        if written != len(data):
            raise OSError(f"audit log {self.path}: short write")
        os.fsync(self._fd)
        self.head = head
        return head

    def close(self) -> None:
        os.close(self._fd)


def _line(seq: int, digest: str, row: AuditRow) -> str:
    fields = dict(zip(FIELDS, row))
    fields["logged_at"] = row[0].isoformat(timespec="microseconds")
    fields["person_ids"] = list(row[5] or [])
    return json.dumps({"seq": seq, "hash": digest, **fields}, separators=(",", ":")) + "\n"


def log_rows(path: Path, start: int = 0) -> Iterator[tuple[int, str, AuditRow, int]]:
    """(seq, hash, row, byte offset after its line) of every complete line of the log from byte `start`."""
    with open(path, "rb") as f:
        f.seek(start)
        offset = start
        for raw in f:
            if not raw.endswith(b"\n"):
                return  # a line cut off by a crash was never confirmed
            offset += len(raw)
            d = json.loads(raw)
            row = (datetime.fromisoformat(d["logged_at"]), d["actor"], d["role"], d["purpose"], d["action"], d["person_ids"])
            yield d["seq"], d["hash"], row, offset


def copy_log(con: duckdb.DuckDBPyConnection, path: Path, start: int = 0, batch: int = 1000) -> tuple[int, int]:
    """Copy the log's rows from byte `start` that the table lacks into it: (rows copied, where to
    start next time), so that a growing log is never read whole again."""
    have = con.execute("SELECT coalesce(max(seq), 0) FROM audit").fetchall()[0][0]
    pending, copied, offset = [], 0, start
    for seq, digest, row, end in log_rows(path, start):
        offset = end
        if seq > have:
            pending.append((*row[:5], list(row[5]), seq, digest))
        if len(pending) >= batch:
            copied += _insert(con, pending)
            pending = []
    if pending:
        copied += _insert(con, pending)
    return copied, offset


def _insert(con: duckdb.DuckDBPyConnection, values: list[tuple]) -> int:
    """One INSERT for all rows (atomic on its own): a transaction around executemany cost three times as much."""
    rows_sql = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?)"] * len(values))
    con.execute(
        f"INSERT INTO audit (logged_at, actor, role, purpose, action, person_ids, seq, hash) VALUES {rows_sql}",
        [v for row in values for v in row],
    )
    return len(values)


def verify_log(path: Path) -> AuditCheck:
    """The same check as `verify_audit`, over the log's lines."""
    try:
        return _verify(((seq, stored, row) for seq, stored, row, _ in log_rows(path)), may_continue=True)
    except (ValueError, KeyError) as e:
        return AuditCheck(0, 0, GENESIS, 1, f"a line of the log is not an audit row ({e})")


def _drop_unfinished_line(path: Path) -> None:
    """A crash in the middle of a write leaves part of a line whose answer never left: cut it off,
    so that the next row starts a line of its own."""
    size = path.stat().st_size
    if not size:
        return
    with open(path, "rb") as f:
        back = min(size, 65536)
        f.seek(size - back)
        tail = f.read()
    if not tail.endswith(b"\n"):
        cut = tail.rfind(b"\n")
        os.truncate(path, size - back + cut + 1 if cut >= 0 else (0 if back == size else size))


def _last_line(path: Path) -> dict | None:
    """The last complete line of the log, read from its end."""
    size = path.stat().st_size
    if not size:
        return None
    with open(path, "rb") as f:
        back = min(size, 65536)
        f.seek(size - back)
        tail = f.read().split(b"\n")
    complete = [t for t in tail[:-1] if t.strip()]
    return json.loads(complete[-1]) if complete else None
