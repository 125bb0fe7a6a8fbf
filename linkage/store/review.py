"""The clerical review tables: decisions kept forever, exports remembered, the queue a view.

The queue is a view over the current run's pairs, so it never drifts from them: pairs between the
run's review and link thresholds, and links above the link threshold that clustering held back
(`held`: the record fits two people of one case), that nobody has decided. Decisions are keyed by the two record ids
(smaller first) and survive every run; the latest decision on a pair is the one that counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import duckdb
import polars as pl

MATCH = "match"
NOT_A_MATCH = "not a match"
UNSURE = "unsure"
DECISIONS = (MATCH, NOT_A_MATCH, UNSURE)

REVIEW_DDL = """
CREATE TABLE IF NOT EXISTS review_decisions (record_id_l VARCHAR NOT NULL, record_id_r VARCHAR NOT NULL,
    decision VARCHAR NOT NULL, reviewer VARCHAR NOT NULL, decided_at TIMESTAMP NOT NULL,
    imported_at TIMESTAMP NOT NULL, source_file VARCHAR, note VARCHAR,
    CHECK (record_id_l < record_id_r), CHECK (decision IN ('match', 'not a match', 'unsure')));
CREATE TABLE IF NOT EXISTS review_exports (record_id_l VARCHAR, record_id_r VARCHAR, exported_at TIMESTAMP,
    file VARCHAR);
CREATE TABLE IF NOT EXISTS review_samples (sample_id INTEGER PRIMARY KEY, run_id INTEGER, drawn_at TIMESTAMP,
    seed BIGINT, size INTEGER, by_programs BOOLEAN, file VARCHAR);
CREATE TABLE IF NOT EXISTS review_sample_strata (sample_id INTEGER, stratum VARCHAR, linked BOOLEAN, band VARCHAR,
    programs VARCHAR, pairs BIGINT, drawn BIGINT);
CREATE TABLE IF NOT EXISTS review_sample_pairs (sample_id INTEGER, record_id_l VARCHAR, record_id_r VARCHAR,
    stratum VARCHAR);
CREATE OR REPLACE VIEW review_labels AS
    SELECT record_id_l, record_id_r, decision, reviewer, decided_at FROM review_decisions
    QUALIFY row_number() OVER (PARTITION BY record_id_l, record_id_r ORDER BY decided_at DESC, imported_at DESC) = 1;
"""

# Created when a run publishes its pairs (the view needs the table).
QUEUE_VIEW = """
CREATE OR REPLACE VIEW review_queue AS
WITH t AS (SELECT max(CASE WHEN key = 'link_threshold' THEN CAST(value AS DOUBLE) END) AS link,
                  max(CASE WHEN key = 'review_threshold' THEN CAST(value AS DOUBLE) END) AS review FROM meta),
p AS (SELECT least(record_id_l, record_id_r) AS record_id_l, greatest(record_id_l, record_id_r) AS record_id_r,
             match_weight, match_probability, held FROM pairs)
SELECT p.* FROM p, t
WHERE (p.match_probability >= t.review AND p.match_probability < t.link OR p.held)
  AND NOT EXISTS (SELECT 1 FROM review_decisions d
                  WHERE d.record_id_l = p.record_id_l AND d.record_id_r = p.record_id_r);
"""


def ensure_review_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(REVIEW_DDL)
    if (
        _has(con, "pairs")
        and not con.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'pairs' AND column_name = 'held'"
        ).fetchall()
    ):
        # a store published before held links were kept: none of its pairs is flagged
        con.execute("ALTER TABLE pairs ADD COLUMN held BOOLEAN DEFAULT false")
        con.execute(QUEUE_VIEW)


def publish_queue(con: duckdb.DuckDBPyConnection, link: float, review: float) -> None:
    """Inside the run's publishing transaction: the thresholds the queue is cut by, and the view."""
    con.execute("INSERT OR REPLACE INTO meta VALUES ('link_threshold', ?), ('review_threshold', ?)", [repr(link), repr(review)])
    con.execute(QUEUE_VIEW)


def next_batch(con: duckdb.DuckDBPyConnection, limit: int, again_after_days: float = 14.0) -> pl.DataFrame:
    """Undecided pairs, held links first (each decides whether two people of a case are told apart),
    then the grey zone most uncertain first (closest to even odds), leaving out pairs sent to a
    reviewer in the last `again_after_days` days that have not come back yet."""
    if not _has(con, "review_queue"):
        return pl.DataFrame(
            schema={
                "record_id_l": pl.String,
                "record_id_r": pl.String,
                "match_weight": pl.Float64,
                "match_probability": pl.Float64,
                "held": pl.Boolean,
            }
        )
    since = _now() - timedelta(days=again_after_days)
    return con.sql(
        "SELECT q.* FROM review_queue q WHERE NOT EXISTS (SELECT 1 FROM review_exports e WHERE "
        "e.record_id_l = q.record_id_l AND e.record_id_r = q.record_id_r AND e.exported_at > ?) "
        "ORDER BY q.held DESC, abs(q.match_weight), q.record_id_l, q.record_id_r LIMIT ?",
        params=[since, limit],
    ).pl()


def record_export(con: duckdb.DuckDBPyConnection, pairs: pl.DataFrame, file: str) -> None:
    con.register("__exported", pairs.select("record_id_l", "record_id_r"))
    try:
        con.execute("INSERT INTO review_exports SELECT record_id_l, record_id_r, ?, ? FROM __exported", [_now(), file])
    finally:
        con.unregister("__exported")


def add_decisions(con: duckdb.DuckDBPyConnection, decisions: pl.DataFrame, source_file: str) -> int:
    """Append decisions (record_id_l < record_id_r, decision, reviewer, decided_at, note) in one
    transaction; returns how many."""
    with _writing(con, __decisions=decisions):
        con.execute(
            "INSERT INTO review_decisions SELECT record_id_l, record_id_r, decision, reviewer, decided_at, "
            "?, ?, note FROM __decisions",
            [_now(), source_file],
        )
    return decisions.height


def read_labels(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The latest decision on every reviewed pair: record_id_l, record_id_r, decision, reviewer, decided_at."""
    if not _has(con, "review_labels"):
        return pl.DataFrame(
            schema={
                "record_id_l": pl.String,
                "record_id_r": pl.String,
                "decision": pl.String,
                "reviewer": pl.String,
                "decided_at": pl.Datetime,
            }
        )
    return con.sql("SELECT * FROM review_labels ORDER BY record_id_l, record_id_r").pl()


@dataclass(frozen=True)
class StoredSample:
    sample_id: int
    run_id: int
    drawn_at: datetime
    seed: int
    strata: pl.DataFrame  # stratum, linked, band, programs, pairs, drawn
    decisions: pl.DataFrame  # record_id_l, record_id_r, stratum, decision (null: not decided yet)


def save_sample(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    seed: int,
    by_programs: bool,
    file: str,
    strata: pl.DataFrame,
    pairs: pl.DataFrame,
) -> int:
    """Keep a drawn sample (its strata sizes are what the estimates weigh by); returns its id."""
    sample_id = con.execute("SELECT coalesce(max(sample_id), 0) + 1 FROM review_samples").fetchall()[0][0]
    with _writing(
        con,
        __strata=strata.select("stratum", "linked", "band", "programs", "pairs", "drawn"),
        __sampled=pairs.select("record_id_l", "record_id_r", "stratum"),
    ):
        con.execute(
            "INSERT INTO review_samples VALUES (?, ?, ?, ?, ?, ?, ?)",
            [sample_id, run_id, _now(), seed, pairs.height, by_programs, file],
        )
        con.execute("INSERT INTO review_sample_strata SELECT ?, * FROM __strata", [sample_id])
        con.execute("INSERT INTO review_sample_pairs SELECT ?, * FROM __sampled", [sample_id])
    return sample_id


def latest_sample(con: duckdb.DuckDBPyConnection) -> StoredSample | None:
    """The last sample drawn, with the latest decision on each of its pairs."""
    if not _has(con, "review_samples"):
        return None
    rows = con.execute("SELECT sample_id, run_id, drawn_at, seed FROM review_samples ORDER BY sample_id DESC LIMIT 1").fetchall()
    if not rows:
        return None
    sample_id, run_id, drawn_at, seed = rows[0]
    strata = con.sql(
        "SELECT stratum, linked, band, programs, pairs, drawn FROM review_sample_strata WHERE sample_id = $s ORDER BY stratum",
        params={"s": sample_id},
    ).pl()
    decisions = con.sql(
        "SELECT p.record_id_l, p.record_id_r, p.stratum, l.decision FROM review_sample_pairs p "
        "LEFT JOIN review_labels l USING (record_id_l, record_id_r) WHERE p.sample_id = $s "
        "ORDER BY p.record_id_l, p.record_id_r",
        params={"s": sample_id},
    ).pl()
    return StoredSample(sample_id, run_id, drawn_at, seed, strata, decisions)


def queue_size(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(*) FROM review_queue").fetchall()[0][0] if _has(con, "review_queue") else 0


@contextmanager
def _writing(con: duckdb.DuckDBPyConnection, **frames: pl.DataFrame) -> Iterator[None]:
    """The frames registered under their names, and one transaction: all of the writes land or none."""
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        con.execute("BEGIN TRANSACTION")
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in frames:
            con.unregister(name)


def _has(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT 1 FROM information_schema.tables WHERE table_name = ?", [name]).fetchall())


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
