"""The service's own DuckDB file (records added between batch runs, alerts, the audit table) and its
append-only audit log beside it.

The audit fails closed: a request that returns person data waits until its audit row is in the log
and fsynced; if that fails, the request answers 503 and nothing leaves. On the event loop, the rows
of requests waiting at the same moment are written together by one call scheduled on the loop itself
(a DuckDB insert per request cost more than the whole match, and a writer thread a thread switch of
up to 5 ms each way); requests in the threadpool write their own row. A thread copies the log into
the DuckDB `audit` table every second for SQL and `GET /v1/audit`. Rows are chained
(`linkage.store.audit`); the service has no path that updates or deletes them. The batch store is
never held open by the service, so these live here.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from datetime import datetime
from pathlib import Path

import duckdb

from linkage.errors import AuditError
from linkage.store import AUDIT_DDL, chain_head
from linkage.store.audit import AuditLog, AuditRow, copy_log, now
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
MAX_BATCH = 500  # audit rows committed by one statement at most
REFUSED = "the audit trail cannot be written; nothing was answered"


def added_export_path(service_db: Path) -> Path:
    """Where a service db's added records are exported for the batch: beside it, NAME.added.jsonl."""
    return service_db.with_name(f"{service_db.stem}.added.jsonl")


class ServiceDb:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(str(path))
        self._con.execute(AUDIT_DDL)
        self._con.execute(SERVICE_DDL)
        self._lock = threading.Lock()  # the DuckDB connection
        self._log_lock = threading.Lock()
        self.log = AuditLog(log_path(path), head=chain_head(self._con))
        self._copied_to = 0  # byte offset of the log the table has caught up with
        self.copy_log()  # rows a stopped service had not copied yet
        self._pending: list[tuple[AuditRow, asyncio.Future]] = []
        self._stop = threading.Event()
        self._copier = threading.Thread(target=self._copy_loop, name="audit-copy", daemon=True)
        self._copier.start()
        self.added_export = added_export_path(path)
        self._export_added()  # a service db from before the export, or an export lost: rebuilt from the table

    # --- audit -------------------------------------------------------------------------------------
    @staticmethod
    def _row(caller: Caller, action: str, person_ids: list[str], purpose: str | None) -> AuditRow:
        return (now(), caller.name, caller.role.value, purpose or "", action, list(person_ids))

    async def audited(self, caller: Caller, action: str, person_ids: list[str], purpose: str | None) -> None:
        """Return once the row is committed; AuditError (503) if it cannot be."""
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        if not self._pending:
            loop.call_soon(self._commit_pending)
        self._pending.append((self._row(caller, action, person_ids, purpose), done))
        await done

    def _commit_pending(self) -> None:
        batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
        if self._pending:
            asyncio.get_running_loop().call_soon(self._commit_pending)
        try:
            self._append([row for row, _ in batch])
        except AuditError as e:
            for _, done in batch:
                if not done.done():
                    done.set_exception(e)
            return
        for _, done in batch:
            if not done.done():
                done.set_result(None)

    def audited_sync(self, caller: Caller, action: str, person_ids: list[str], purpose: str | None) -> None:
        """The same from a threadpool route: commits this row now."""
        self._append([self._row(caller, action, person_ids, purpose)])

    def _append(self, rows: list[AuditRow]) -> None:
        try:
            with self._log_lock:
                self.log.append(rows)
        except Exception as e:  # noqa: BLE001 - any failure to write means the answers must not leave
            log.error("audit write failed for %d look-up(s); they are refused: %s", len(rows), type(e).__name__)
            raise AuditError(REFUSED) from None

    def copy_log(self) -> None:
        """Bring the DuckDB table up to the log (a failure is logged and tried again: the log holds it)."""
        try:
            with self._lock:
                _, self._copied_to = copy_log(self._con, self.log.path, self._copied_to)
        except (duckdb.Error, OSError, ValueError) as e:
            log.warning("audit table behind its log: %s", e)

    def _copy_loop(self) -> None:
        while not self._stop.wait(1.0):
            self.copy_log()

    def audit_rows(self, limit: int) -> list[tuple]:
        """The newest `limit` rows, newest first."""
        self.copy_log()
        with self._lock:
            return self._con.execute(
                "SELECT logged_at, actor, role, purpose, action, person_ids FROM audit "
                "ORDER BY seq DESC NULLS LAST, logged_at DESC LIMIT ?",
                [limit],
            ).fetchall()

    # --- records added between batch runs ------------------------------------------------------------
    def save_added(self, caller: Caller, record_id: str, person_id: str, fields: dict) -> None:
        """Keep the latest version only (earlier ones are pruned in the same transaction)."""
        with self._lock:
            self._con.execute("BEGIN TRANSACTION")
            try:
                self._con.execute("DELETE FROM added_records WHERE record_id = ?", [record_id])
                self._con.execute(
                    "INSERT INTO added_records (record_id, person_id, added_at, actor, fields, source_system) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [record_id, person_id, now(), caller.name, json.dumps(fields, default=str), fields.get("source_system")],
                )
                self._con.execute("COMMIT")
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            self._append_export({"op": "add", "record_id": record_id, "person_id": person_id, "fields": fields})

    def delete_added(self, record_id: str) -> bool:
        with self._lock:
            rows = self._con.execute("DELETE FROM added_records WHERE record_id = ? RETURNING record_id", [record_id]).fetchall()
            if rows:
                self._append_export({"op": "delete", "record_id": record_id})
        return bool(rows)

    def _append_export(self, entry: dict) -> None:
        """The next batch run's input (`linkage dedupe --service-added FILE`): one JSON line per change,
        on disk before the answer leaves (the service holds its DuckDB file; a batch reads this one)."""
        with self.added_export.open("a", encoding="utf-8") as f:
            f.write(json.dumps({**entry, "at": now().isoformat()}, default=str) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def _export_added(self) -> None:
        with self._lock:
            rows = self._con.execute(
                "SELECT record_id, person_id, fields FROM (SELECT *, row_number() OVER (PARTITION BY record_id "
                "ORDER BY added_at DESC) AS n FROM added_records) WHERE n = 1 ORDER BY added_at"
            ).fetchall()
            tmp = self.added_export.with_suffix(".tmp")
            with tmp.open("w", encoding="utf-8") as f:
                for r, p, fields in rows:
                    f.write(
                        json.dumps(
                            {"op": "add", "record_id": r, "person_id": p, "fields": json.loads(fields), "at": now().isoformat()}
                        )
                        + "\n"
                    )
                f.flush()
                os.fsync(f.fileno())
            tmp.replace(self.added_export)

    def added(self) -> list[tuple[str, str, dict]]:
        """(record_id, person_id, fields) of every added record, oldest first."""
        with self._lock:
            rows = self._con.execute(
                "SELECT record_id, person_id, fields FROM (SELECT *, row_number() OVER (PARTITION BY record_id "
                "ORDER BY added_at DESC) AS n FROM added_records) WHERE n = 1 ORDER BY added_at"
            ).fetchall()
        return [(r, p, json.loads(f)) for r, p, f in rows]

    def added_by(self, actor: str) -> int:
        with self._lock:
            return self._con.execute("SELECT count(DISTINCT record_id) FROM added_records WHERE actor = ?", [actor]).fetchall()[
                0
            ][0]

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
            self._con.execute(
                "INSERT INTO alerts (alert_id, raised_at, actor, role, kind, detail) VALUES (?, ?, ?, ?, ?, ?)",
                [alert_id, now(), caller.name, caller.role.value, kind, detail],
            )
        return alert_id

    def alerts(self, open_only: bool = False) -> list[dict]:
        where = "WHERE cleared_at IS NULL" if open_only else ""
        with self._lock:
            cur = self._con.execute(
                f"SELECT alert_id, raised_at, actor, role, kind, detail, cleared_at, cleared_by "
                f"FROM alerts {where} ORDER BY alert_id DESC"
            )
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]

    def clear_alert(self, alert_id: int, by: str) -> dict | None:
        with self._lock:
            rows = self._con.execute(
                "UPDATE alerts SET cleared_at = ?, cleared_by = ? WHERE alert_id = ? AND cleared_at IS NULL RETURNING actor",
                [now(), by, alert_id],
            ).fetchall()
        return {"actor": rows[0][0]} if rows else None

    def close(self) -> None:
        self._stop.set()
        self._copier.join(timeout=10)
        self.copy_log()
        with self._log_lock:
            self.log.close()
        with self._lock:
            self._con.close()


def log_path(db: Path) -> Path:
    """The audit log beside the service db: `service.audit.duckdb` -> `service.audit.log.jsonl`."""
    return db.with_suffix(".log.jsonl")


def iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None
