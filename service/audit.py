"""The audit trail: who looked up whom, when and why. Append-only, in the service's own DuckDB file
(the batch store is never held open by the service). Ids only: never an SSN or a date of birth."""
from __future__ import annotations

import threading
from pathlib import Path

import duckdb

from linkage.store import AUDIT_DDL, write_audit
from service.auth import Caller


class AuditLog:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(str(path))
        self._con.execute(AUDIT_DDL)
        self._lock = threading.Lock()

    def record(self, caller: Caller, action: str, person_ids: list[str], purpose: str | None = None) -> None:
        with self._lock:
            write_audit(self._con, caller.name, caller.role.value, purpose or "", action, person_ids)

    def rows(self) -> list[tuple]:
        with self._lock:
            return self._con.execute("SELECT logged_at, actor, role, purpose, action, person_ids FROM audit "
                                     "ORDER BY logged_at").fetchall()

    def close(self) -> None:
        with self._lock:
            self._con.close()
