"""The service's own DuckDB file: the audit trail, records added between batch runs, and alerts.

The audit fails closed: a request that returns person data first hands its audit row to the writer
and waits until that row is committed; if the commit fails, the request answers 503 and nothing
leaves. Rows waiting together are committed together (one DuckDB commit per request cost more than
the whole match), so the wait is one commit, shared. The writer survives a failed commit and tries
the next rows. Rows are chained (`linkage.store.audit`); the service has no path that updates or
deletes them. The batch store is never held open by the service, so these live here.
"""
from __future__ import annotations

import asyncio
import json
import logging
import queue
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime
from pathlib import Path

import duckdb

from linkage.errors import AuditError
from linkage.store import AUDIT_DDL, append_audit, chain_head
from linkage.store.audit import now
from service.auth import Caller

log = logging.getLogger("linkage.service")

SERVICE_DDL = """
CREATE TABLE IF NOT EXISTS added_records (record_id VARCHAR, person_id VARCHAR, added_at TIMESTAMP,
    actor VARCHAR, fields VARCHAR);
ALTER TABLE added_records ADD COLUMN IF NOT EXISTS source_system VARCHAR;
CREATE TABLE IF NOT EXISTS service_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS alerts (alert_id BIGINT, raised_at TIMESTAMP, actor VARCHAR, role VARCHAR,
    kind VARCHAR, detail VARCHAR, cleared_at TIMESTAMP, cleared_by VARCHAR);
"""
SERVICE_ID_PREFIX = "S"  # persons first seen by the service; the batch keeps P ids
AUDIT_WAIT_SECONDS = 5.0


class ServiceDb:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(str(path))
        self._con.execute(AUDIT_DDL)
        self._con.execute(SERVICE_DDL)
        self._head = chain_head(self._con)
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[tuple[tuple, Future] | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write_loop, name="audit-writer", daemon=True)
        self._writer.start()

    # --- audit -------------------------------------------------------------------------------------
    def audit(self, caller: Caller, action: str, person_ids: list[str], purpose: str | None = None) -> Future:
        """Queue one row; the future is done when it is committed (or holds the AuditError)."""
        done: Future = Future()
        self._queue.put(((now(), caller.name, caller.role.value, purpose or "", action, list(person_ids)), done))
        return done

    async def audited(self, caller: Caller, action: str, person_ids: list[str], purpose: str | None) -> None:
        """Return once the row is durably written; AuditError (503) if it cannot be."""
        try:
            await asyncio.wait_for(asyncio.wrap_future(self.audit(caller, action, person_ids, purpose)),
                                   AUDIT_WAIT_SECONDS)
        except asyncio.TimeoutError:
            raise AuditError("the audit trail did not confirm the look-up in time; nothing was answered") from None

    def audited_sync(self, caller: Caller, action: str, person_ids: list[str], purpose: str | None) -> None:
        try:
            self.audit(caller, action, person_ids, purpose).result(AUDIT_WAIT_SECONDS)
        except FutureTimeout:
            raise AuditError("the audit trail did not confirm the look-up in time; nothing was answered") from None

    def _write_loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while True:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            self._commit(batch)
            if stop:
                return

    def _commit(self, batch: list[tuple[tuple, Future]]) -> None:
        try:
            with self._lock:
                self._head = append_audit(self._con, [row for row, _ in batch], self._head)
        except Exception as e:  # noqa: BLE001 - any failure to write means the answers must not leave
            log.error("audit write failed for %d look-up(s); they are refused: %s", len(batch), type(e).__name__)
            for _, done in batch:
                done.set_exception(AuditError("the audit trail cannot be written; nothing was answered"))
            return
        for _, done in batch:
            done.set_result(None)

    def audit_rows(self, limit: int) -> list[tuple]:
        """The newest `limit` rows, newest first."""
        with self._lock:
            return self._con.execute("SELECT logged_at, actor, role, purpose, action, person_ids FROM audit "
                                     "ORDER BY seq DESC NULLS LAST, logged_at DESC LIMIT ?", [limit]).fetchall()

    # --- records added between batch runs ------------------------------------------------------------
    def save_added(self, caller: Caller, record_id: str, person_id: str, fields: dict) -> None:
        """Keep the latest version only (earlier ones are pruned in the same transaction)."""
        with self._lock:
            self._con.execute("BEGIN TRANSACTION")
            try:
                self._con.execute("DELETE FROM added_records WHERE record_id = ?", [record_id])
                self._con.execute("INSERT INTO added_records (record_id, person_id, added_at, actor, fields, source_system) "
                                  "VALUES (?, ?, ?, ?, ?, ?)", [record_id, person_id, now(), caller.name,
                                                                json.dumps(fields, default=str), fields.get("source_system")])
                self._con.execute("COMMIT")
            except BaseException:
                self._con.execute("ROLLBACK")
                raise

    def delete_added(self, record_id: str) -> bool:
        with self._lock:
            rows = self._con.execute("DELETE FROM added_records WHERE record_id = ? RETURNING record_id", [record_id]).fetchall()
        return bool(rows)

    def added(self) -> list[tuple[str, str, dict]]:
        """(record_id, person_id, fields) of every added record, oldest first."""
        with self._lock:
            rows = self._con.execute(
                "SELECT record_id, person_id, fields FROM (SELECT *, row_number() OVER (PARTITION BY record_id "
                "ORDER BY added_at DESC) AS n FROM added_records) WHERE n = 1 ORDER BY added_at").fetchall()
        return [(r, p, json.loads(f)) for r, p, f in rows]

    def added_by(self, actor: str) -> int:
        with self._lock:
            return self._con.execute("SELECT count(DISTINCT record_id) FROM added_records WHERE actor = ?",
                                     [actor]).fetchall()[0][0]

    def next_person_id(self) -> str:
        with self._lock:
            row = self._con.execute("SELECT value FROM service_meta WHERE key = 'next_person_seq'").fetchall()
            seq = int(row[0][0]) if row else 1
            self._con.execute("INSERT OR REPLACE INTO service_meta VALUES ('next_person_seq', ?)", [str(seq + 1)])
        return f"{SERVICE_ID_PREFIX}{seq:09d}"

    # --- alerts ------------------------------------------------------------------------------------
    def raise_alert(self, caller: Caller, kind: str, detail: str) -> int:
        with self._lock:
            alert_id = self._con.execute("SELECT coalesce(max(alert_id), 0) + 1 FROM alerts").fetchall()[0][0]
            self._con.execute("INSERT INTO alerts (alert_id, raised_at, actor, role, kind, detail) VALUES (?, ?, ?, ?, ?, ?)",
                              [alert_id, now(), caller.name, caller.role.value, kind, detail])
        return alert_id

    def alerts(self, open_only: bool = False) -> list[dict]:
        where = "WHERE cleared_at IS NULL" if open_only else ""
        with self._lock:
            cur = self._con.execute(f"SELECT alert_id, raised_at, actor, role, kind, detail, cleared_at, cleared_by "
                                    f"FROM alerts {where} ORDER BY alert_id DESC")
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]

    def clear_alert(self, alert_id: int, by: str) -> dict | None:
        with self._lock:
            rows = self._con.execute("UPDATE alerts SET cleared_at = ?, cleared_by = ? WHERE alert_id = ? AND cleared_at IS NULL "
                                     "RETURNING actor", [now(), by, alert_id]).fetchall()
        return {"actor": rows[0][0]} if rows else None

    def close(self) -> None:
        self._queue.put(None)
        self._writer.join(timeout=10)
        with self._lock:
            self._con.close()


def iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None
