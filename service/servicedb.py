"""The service's own DuckDB file: the audit trail and the records added between batch runs.

Append-only audit: who looked up whom, when and why; ids only, never an SSN or a date of birth.
Audit rows are queued by the request and written in batches by one thread (a DuckDB commit per
request cost more than the whole match); `flush()` and `close()` write what is queued, and reading
the audit flushes first. The batch store is never held open by the service, so these live here.
"""
from __future__ import annotations

import json
import queue
import threading
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

from linkage.store import AUDIT_DDL
from service.auth import Caller

ADDED_DDL = """
CREATE TABLE IF NOT EXISTS added_records (record_id VARCHAR, person_id VARCHAR, added_at TIMESTAMP,
    actor VARCHAR, fields VARCHAR);
CREATE TABLE IF NOT EXISTS service_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
"""
SERVICE_ID_PREFIX = "S"  # persons first seen by the service; the batch keeps P ids


class ServiceDb:
    def __init__(self, path: Path, flush_seconds: float = 0.05):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(str(path))
        self._con.execute(AUDIT_DDL)
        self._con.execute(ADDED_DDL)
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[tuple] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._writer = threading.Thread(target=self._write_loop, args=(flush_seconds,), name="audit-writer", daemon=True)
        self._writer.start()

    def audit(self, caller: Caller, action: str, person_ids: list[str], purpose: str | None = None) -> None:
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        self._queue.put((now, caller.name, caller.role.value, purpose or "", action, list(person_ids)))

    def flush(self) -> None:
        rows = []
        while True:
            try:
                rows.append(self._queue.get_nowait())
            except queue.Empty:
                break
        if rows:
            batch = pl.DataFrame(rows, schema={"logged_at": pl.Datetime("us"), "actor": pl.String, "role": pl.String,
                                               "purpose": pl.String, "action": pl.String,
                                               "person_ids": pl.List(pl.String)}, orient="row")
            with self._lock:  # one vectorized insert: executemany ran one statement per row
                self._con.register("__audit_batch", batch)
                self._con.execute("INSERT INTO audit SELECT * FROM __audit_batch")
                self._con.unregister("__audit_batch")

    def _write_loop(self, every: float) -> None:
        while not self._stop.wait(every):
            self.flush()

    def audit_rows(self) -> list[tuple]:
        self.flush()
        with self._lock:
            return self._con.execute("SELECT logged_at, actor, role, purpose, action, person_ids FROM audit "
                                     "ORDER BY logged_at").fetchall()

    def save_added(self, caller: Caller, record_id: str, person_id: str, fields: dict) -> None:
        with self._lock:
            self._con.execute("INSERT INTO added_records VALUES (?, ?, ?, ?, ?)",
                              [record_id, person_id, datetime.now(timezone.utc).replace(tzinfo=None), caller.name,
                               json.dumps(fields, default=str)])

    def added(self) -> list[tuple[str, str, dict]]:
        """(record_id, person_id, fields) of the latest version of every added record, oldest first."""
        with self._lock:
            rows = self._con.execute(
                "SELECT record_id, person_id, fields FROM (SELECT *, row_number() OVER (PARTITION BY record_id "
                "ORDER BY added_at DESC) AS n FROM added_records) WHERE n = 1 ORDER BY added_at").fetchall()
        return [(r, p, json.loads(f)) for r, p, f in rows]

    def next_person_id(self) -> str:
        with self._lock:
            row = self._con.execute("SELECT value FROM service_meta WHERE key = 'next_person_seq'").fetchall()
            seq = int(row[0][0]) if row else 1
            self._con.execute("INSERT OR REPLACE INTO service_meta VALUES ('next_person_seq', ?)", [str(seq + 1)])
        return f"{SERVICE_ID_PREFIX}{seq:09d}"

    def close(self) -> None:
        self._stop.set()
        self._writer.join(timeout=5)
        self.flush()
        with self._lock:
            self._con.close()
