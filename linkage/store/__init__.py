"""The DuckDB store: records, persons, pairs, runs, quarantine and the audit trail; one module opens
connections."""

from linkage.store.audit import AUDIT_DDL, AuditCheck, append_audit, chain_head, verify_audit, write_audit
from linkage.store.connect import store_connection, work_connection
from linkage.store.tables import (
    CurrentResult,
    RunOutput,
    begin_run,
    ensure_schema,
    fail_run,
    last_run_model,
    latest_complete_run,
    load_current,
    load_people,
    previous_person_ids,
    publish_run,
    read_events,
    run_model,
)

__all__ = [
    "AUDIT_DDL",
    "AuditCheck",
    "append_audit",
    "chain_head",
    "verify_audit",
    "store_connection",
    "work_connection",
    "CurrentResult",
    "RunOutput",
    "begin_run",
    "ensure_schema",
    "fail_run",
    "latest_complete_run",
    "load_current",
    "load_people",
    "last_run_model",
    "run_model",
    "previous_person_ids",
    "publish_run",
    "read_events",
    "write_audit",
]
