"""The audit trail: who looked up whom, when and why. Ids only, never an SSN or a date of birth.

Rows are appended, never updated or deleted by this package, and chained: each row's `hash` is the
SHA-256 of the previous row's hash and its own fields, so editing, inserting or deleting a row
anywhere before the last one breaks every hash after it (`verify_audit`, `linkage audit verify`).
The chain cannot show the *last* rows cut off; keep the file where the service cannot truncate it
alone, or copy `verify`'s head hash elsewhere now and then to anchor it. The batch store's `audit`
table (the CLI's locate) and the service's own audit file share this shape and this code.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Sequence

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
    text = json.dumps([previous, logged_at.isoformat(timespec="microseconds"), actor, role, purpose, action,
                       list(person_ids or [])], separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def chain_head(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    """(last seq, last hash) of the chain; (0, GENESIS) when it is empty."""
    rows = con.execute("SELECT seq, hash FROM audit WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1").fetchall()
    return (int(rows[0][0]), rows[0][1]) if rows else (0, GENESIS)


def append_audit(con: duckdb.DuckDBPyConnection, rows: Sequence[AuditRow],
                 head: tuple[int, str] | None = None) -> tuple[int, str]:
    """Append `rows` in one transaction, chained after `head` (read from the table when None);
    returns the new head. Raises duckdb.Error when the rows could not be written: nothing is."""
    seq, previous = chain_head(con) if head is None else head
    values = []
    for row in rows:
        seq += 1
        previous = row_hash(previous, row)
        values.append((*row[:5], list(row[5] or []), seq, previous))
    con.execute("BEGIN TRANSACTION")
    try:
        con.executemany("INSERT INTO audit (logged_at, actor, role, purpose, action, person_ids, seq, hash) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", values)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return seq, previous


def write_audit(con: duckdb.DuckDBPyConnection, actor: str, role: str, purpose: str, action: str,
                person_ids: list[str]) -> None:
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
    previous, expected = GENESIS, 1
    for seq, stored, *fields in rows:
        if seq != expected:
            what = "missing" if seq > expected else "numbered twice"
            return AuditCheck(len(rows), unchained, previous, expected, f"row {expected} is {what}")
        previous = row_hash(previous, tuple(fields))
        if previous != stored:
            return AuditCheck(len(rows), unchained, stored, seq, f"row {seq} was changed (or a row before it)")
        expected += 1
    return AuditCheck(len(rows), unchained, previous)
