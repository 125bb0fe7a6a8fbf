"""The store's tables and the one transaction that publishes a run.

A run is registered as `running` first; its results replace the current records, persons and pairs
in a single transaction that also marks it `complete`. A run that dies before that commit leaves the
previous complete result in place, readable, and the run row says it never finished.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

from linkage.errors import StoreError
from linkage.ingest.validate import BLANKED_SCHEMA
from linkage.model import SavedModel, model_from_json
from linkage.store.audit import AUDIT_DDL
from linkage.store.review import ensure_review_schema, publish_queue

SCHEMA_VERSION = "1"

DDL = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY, command VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP,
    status VARCHAR, model VARCHAR, inputs VARCHAR, rows_read BIGINT, rows_linked BIGINT,
    rows_quarantined BIGINT, persons BIGINT, persons_multi_program BIGINT, error VARCHAR,
    summary VARCHAR);
CREATE TABLE IF NOT EXISTS persons (record_id VARCHAR, person_id VARCHAR, run_id INTEGER);
CREATE TABLE IF NOT EXISTS quarantine (run_id INTEGER, source_file VARCHAR, row_number BIGINT,
    record_id VARCHAR, reason VARCHAR, row_json VARCHAR);
CREATE TABLE IF NOT EXISTS person_events (run_id INTEGER, kind VARCHAR, person_id VARCHAR,
    other_ids VARCHAR[]);
CREATE TABLE IF NOT EXISTS blanked_fields (run_id INTEGER, source_file VARCHAR, row_number BIGINT,
    record_id VARCHAR, field VARCHAR, reason VARCHAR);
"""


@dataclass(frozen=True)
class RunOutput:
    """What a completed run publishes."""

    records: pl.DataFrame  # standardized records with person_id
    quarantine: pl.DataFrame  # rows as read, with `reason`, `source_file`, `row_number`
    pairs: pl.DataFrame  # scored pairs kept for review and explanation (`held`: a link not taken)
    events: pl.DataFrame  # kind, person_id, other_ids (`persons.ids.event_rows`: merge, split, new, retired)
    next_seq: int
    model: str
    summary: dict
    # fields blanked: source_file, row_number, record_id, field, reason (never the value)
    blanked: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=BLANKED_SCHEMA))
    # a fixed share of the compared pairs scored under the review threshold, each standing for
    # `below_review_every` (pipeline.BELOW_REVIEW_EVERY): the accuracy sample's view of low scores
    below_review: pl.DataFrame | None = None
    below_review_every: int = 0
    # a model trained in the run (`model.model_json`): kept with the result it made, since it is no
    # saved version for `explain` (or anything else reading the run as it was scored) to load
    model_json: str | None = None


@dataclass
class People:
    """The records of a few persons of the last complete run, with what scoring them as the run did
    needs from the rest: the run's size, its reading of the file, and term frequencies of their
    values (a question about two records reads those persons, not a statewide store)."""

    records: pl.DataFrame
    pairs: pl.DataFrame  # the run's scored pairs among these records
    reviewed: pl.DataFrame  # reviewers' decisions among them
    n_records: int
    link_threshold: float
    file_rates: dict
    frequencies: dict[str, dict[str, float]]  # column -> value -> share of the run's non-null values


def last_run_model(con: duckdb.DuckDBPyConnection) -> str | None:
    rows = (
        con.execute("SELECT model FROM runs WHERE status = 'complete' ORDER BY run_id DESC LIMIT 1").fetchall()
        if _has_table(con, "runs")
        else []
    )
    return rows[0][0] if rows else None


def run_model(con: duckdb.DuckDBPyConnection) -> SavedModel | None:
    """The model the last complete run trained on its input, if it trained one (None: it loaded a
    saved version, named in `runs.model`)."""
    rows = con.execute("SELECT value FROM meta WHERE key = 'run_model'").fetchall() if _has_table(con, "meta") else []
    return model_from_json(rows[0][0]) if rows else None


def _frequencies(con: duckdb.DuckDBPyConnection, records: pl.DataFrame, cols: tuple[str, ...]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for col in cols:
        values = records[col].drop_nulls().unique().to_list() if col in records.columns else []
        total = con.execute(f'SELECT count("{col}") FROM records').fetchall()[0][0] or 1
        counts = (
            con.execute(f'SELECT "{col}", count(*) FROM records WHERE list_contains(?, "{col}") GROUP BY 1', [values]).fetchall()
            if values
            else []
        )
        out[col] = {v: n / total for v, n in counts}
    return out


def load_people(
    con: duckdb.DuckDBPyConnection, record_ids: list[str], columns: tuple[str, ...], tf_columns: tuple[str, ...] = ()
) -> People:
    """The persons holding `record_ids` in the last complete run (StoreError: no run), and the other
    members of their cases (the never-merge rules read who raises a child and who its brothers and
    sisters are); tf_columns: the model's term-frequency columns."""
    from linkage.store.review import read_labels

    runs = (
        con.execute("SELECT summary FROM runs WHERE status = 'complete' ORDER BY run_id DESC LIMIT 1").fetchall()
        if _has_table(con, "runs")
        else []
    )
    if not runs or not _has_table(con, "records"):
        raise StoreError("the store holds no complete run: run `linkage dedupe` or `linkage referrals` on it first")
    summary = runs[0][0]
    summary = json.loads(summary or "{}")
    have = {
        r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'records'").fetchall()
    }
    select = ", ".join(f'"{c}"' for c in dict.fromkeys(columns) if c in have)
    records = con.sql(
        "WITH asked AS (SELECT person_id FROM records WHERE list_contains($ids, record_id)), "
        "cases AS (SELECT DISTINCT source_system, case_id FROM records WHERE person_id IN (SELECT person_id FROM asked)) "
        f"SELECT {select} FROM records WHERE person_id IN (SELECT person_id FROM asked) "
        "OR (source_system, case_id) IN (SELECT (source_system, case_id) FROM cases)",
        params={"ids": record_ids},
    ).pl()
    members = records["record_id"].to_list()
    pairs = con.sql(
        "SELECT * FROM pairs WHERE list_contains($m, record_id_l) AND list_contains($m, record_id_r)", params={"m": members}
    ).pl()
    reviewed = read_labels(con).filter(pl.col("record_id_l").is_in(members) & pl.col("record_id_r").is_in(members))
    n = con.execute("SELECT count(*) FROM records").fetchall()[0][0]
    threshold = float(summary.get("thresholds", {}).get("link", 0.9))
    return People(records, pairs, reviewed, n, threshold, summary.get("file_rates") or {}, _frequencies(con, records, tf_columns))


def read_events(con: duckdb.DuckDBPyConnection, since: int) -> pl.DataFrame:
    """Person events of the complete runs after run `since`: run_id, finished_at, kind, person_id, other_ids."""
    return con.sql(
        "SELECT e.run_id, r.finished_at, e.kind, e.person_id, e.other_ids FROM person_events e "
        "JOIN runs r USING (run_id) WHERE r.status = 'complete' AND e.run_id > $since "
        "ORDER BY e.run_id, e.kind, e.person_id",
        params={"since": since},
    ).pl()


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)
    con.execute(AUDIT_DDL)
    ensure_review_schema(con)
    con.execute("INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT DO NOTHING", [SCHEMA_VERSION])


def previous_person_ids(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, int]:
    """(record_id, person_id) of the last complete run, and the next free person sequence number.
    A frame, not a dict: a statewide store holds millions."""
    ids = con.sql("SELECT record_id, person_id FROM persons").pl()
    row = con.execute("SELECT value FROM meta WHERE key = 'next_person_seq'").fetchall()
    return ids, int(row[0][0]) if row else 1


def begin_run(con: duckdb.DuckDBPyConnection, command: str, inputs: list[str]) -> int:
    """Register a run as `running`. A run still `running` here was killed or crashed: a run holds the
    store for writing from start to end, so no other can be under way. It is marked failed, saying so."""
    run_id = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchall()[0][0]
    con.execute(
        "UPDATE runs SET status = 'failed', finished_at = ?, error = ? WHERE status = 'running'",
        [_now(), f"did not finish: the process ended before publishing (killed or crashed); found when run {run_id} started"],
    )
    con.execute(
        "INSERT INTO runs (run_id, command, started_at, status, inputs) VALUES (?, ?, ?, 'running', ?)",
        [run_id, command, _now(), json.dumps(inputs)],
    )
    return run_id


def fail_run(con: duckdb.DuckDBPyConnection, run_id: int, error: str) -> None:
    con.execute("UPDATE runs SET status = 'failed', finished_at = ?, error = ? WHERE run_id = ?", [_now(), error[:2000], run_id])


PUBLISH_ROWS = 100_000  # rows per Parquet row group on the way into the store
PUBLISH_MEMORY = "600MB"  # DuckDB's buffer while the records go in (more is no faster)


def publish_run(con: duckdb.DuckDBPyConnection, run_id: int, out: RunOutput) -> None:
    """Replace the current result with this run's, all or nothing."""
    s = out.summary
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM persons")
        with tempfile.TemporaryDirectory(prefix="linkage_publish_") as tmp:
            # Through a Parquet file, which DuckDB reads a row group at a time: handing it the frame
            # copies every string at once, and inserts inside the transaction are held in memory.
            path = Path(tmp) / "records.parquet"
            out.records.write_parquet(path, row_group_size=PUBLISH_ROWS, compression="lz4")
            # in no particular order (a table has none; readers that need one sort), with a capped
            # buffer: keeping the file's order cost 5.8 s and 0.3 GB at 1M records, 24 s and 2.7 GB at
            # 5M; this 3.3 s and 0.5 GB, 15 s and 0.6 GB (2026-11-29)
            con.execute(f"SET preserve_insertion_order = false; SET memory_limit = '{PUBLISH_MEMORY}'")
            try:
                con.execute("CREATE OR REPLACE TABLE records AS SELECT * FROM read_parquet(?)", [str(path)])
            finally:
                con.execute("RESET preserve_insertion_order; RESET memory_limit")
        con.execute(f"INSERT INTO persons SELECT record_id, person_id, {run_id} FROM records")
        con.register("__run_pairs", out.pairs)
        con.execute("CREATE OR REPLACE TABLE pairs AS SELECT * FROM __run_pairs")
        if out.below_review is not None:
            con.register("__run_below", out.below_review)
            con.execute("CREATE OR REPLACE TABLE pairs_below_review AS SELECT * FROM __run_below")
        else:
            con.execute("DROP TABLE IF EXISTS pairs_below_review")
        con.execute("INSERT OR REPLACE INTO meta VALUES ('below_review_every', ?)", [str(out.below_review_every)])
        con.execute("DELETE FROM meta WHERE key = 'run_model'")
        if out.model_json:
            con.execute("INSERT INTO meta VALUES ('run_model', ?)", [out.model_json])
        con.register("__run_quarantine", _quarantine_rows(out.quarantine))
        con.execute(f"INSERT INTO quarantine SELECT {run_id}, * FROM __run_quarantine")
        con.register("__run_blanked", out.blanked)
        con.execute(
            f"INSERT INTO blanked_fields SELECT {run_id}, source_file, row_number, record_id, field, reason FROM __run_blanked"
        )
        con.register("__run_events", out.events)
        con.execute(f"INSERT INTO person_events SELECT {run_id}, kind, person_id, other_ids FROM __run_events")
        con.execute("INSERT OR REPLACE INTO meta VALUES ('next_person_seq', ?)", [str(out.next_seq)])
        t = s.get("thresholds") or {"link": 0.9, "review": 0.5}
        publish_queue(con, t["link"], t["review"])
        con.execute(
            "UPDATE runs SET status = 'complete', finished_at = ?, model = ?, rows_read = ?, rows_linked = ?, "
            "rows_quarantined = ?, persons = ?, persons_multi_program = ?, summary = ? WHERE run_id = ?",
            [
                _now(),
                out.model,
                s["rows_read"],
                s["rows_linked"],
                s["rows_quarantined"],
                s["persons"],
                s["persons_multi_program"],
                json.dumps(s, default=str),
                run_id,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in ("__run_pairs", "__run_quarantine", "__run_blanked", "__run_below"):
            con.unregister(name)


def _quarantine_rows(q: pl.DataFrame) -> pl.DataFrame:
    data_cols = [c for c in q.columns if c not in ("source_file", "row_number", "reason")]
    rows = [json.dumps(r, ensure_ascii=False) for r in q.select(data_cols).iter_rows(named=True)]
    return pl.DataFrame(
        {
            "source_file": q["source_file"] if "source_file" in q.columns else [None] * q.height,
            "row_number": q["row_number"] if "row_number" in q.columns else [None] * q.height,
            "record_id": q["record_id"],
            "reason": q["reason"],
            "row_json": rows,
        },
        schema={
            "source_file": pl.String,
            "row_number": pl.Int64,
            "record_id": pl.String,
            "reason": pl.String,
            "row_json": pl.String,
        },
    )


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class CurrentResult:
    """The last complete run as the case stage reads it."""

    run_id: int
    records: pl.DataFrame  # standardized records with person_id
    pairs: pl.DataFrame  # record_id_l, record_id_r, match_weight, match_probability, match_key
    link_threshold: float
    finished_at: datetime | None = None  # when the run was published: how current its addresses are
    default_dates: dict = field(default_factory=dict)  # birth dates the run read as "unknown" (DefaultDates)
    file_rates: dict = field(default_factory=dict)  # how often values were wholly different (file_rates)
    profile: dict = field(default_factory=dict)  # what kind of file the run read (standardize.profile)
    cut_surnames: dict = field(default_factory=dict)  # surnames a fixed-width field cut (CutSurnames)


def latest_complete_run(con: duckdb.DuckDBPyConnection) -> int | None:
    """The id of the last complete run, or None (no run yet, or not a store)."""
    if not _has_table(con, "runs"):
        return None
    rows = con.execute("SELECT max(run_id) FROM runs WHERE status = 'complete'").fetchall()
    return rows[0][0] if rows else None


def load_current(
    con: duckdb.DuckDBPyConnection, columns: tuple[str, ...] | None = None, with_pairs: bool = True
) -> CurrentResult:
    """Records (all columns, or those of `columns` the table has) and pairs of the last complete run;
    StoreError when there is none."""
    runs = (
        con.execute(
            "SELECT run_id, summary, finished_at FROM runs WHERE status = 'complete' ORDER BY run_id DESC LIMIT 1"
        ).fetchall()
        if _has_table(con, "runs")
        else []
    )
    if not runs or not _has_table(con, "records"):
        raise StoreError("the store holds no complete run: run `linkage dedupe` or `linkage referrals` on it first")
    run_id, summary, finished_at = runs[0]
    summary = json.loads(summary or "{}")
    threshold = summary.get("thresholds", {}).get("link", 0.9)
    if columns:
        have = {
            r[0]
            for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'records'").fetchall()
        }
        select = ", ".join(f'"{c}"' for c in columns if c in have)
    else:
        select = "*"
    records = con.sql(f"SELECT {select} FROM records").pl()
    pairs = con.sql("SELECT * FROM pairs").pl() if with_pairs else pl.DataFrame()
    return CurrentResult(
        run_id,
        records,
        pairs,
        float(threshold),
        finished_at,
        summary.get("default_dates") or {},
        summary.get("file_rates") or {},
        summary.get("profile") or {},
        summary.get("cut_surnames") or {},
    )


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT 1 FROM information_schema.tables WHERE table_name = ?", [name]).fetchall())
