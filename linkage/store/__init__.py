"""The DuckDB store: records, persons, pairs, runs and quarantine; one module opens connections."""
from linkage.store.connect import store_connection, work_connection
from linkage.store.tables import (
    RunOutput,
    begin_run,
    ensure_schema,
    fail_run,
    previous_person_ids,
    publish_run,
)

__all__ = ["store_connection", "work_connection", "RunOutput", "begin_run", "ensure_schema", "fail_run",
           "previous_person_ids", "publish_run"]
