import subprocess
import sys
import time

import polars as pl
import pytest

from linkage.errors import StoreError
from linkage.store import (
    RunOutput,
    begin_run,
    ensure_schema,
    fail_run,
    previous_person_ids,
    publish_run,
    store_connection,
)


def previous_ids(con):
    ids, seq = previous_person_ids(con)
    return dict(ids.iter_rows()), seq


def output(ids, seq=3, summary_extra=None):
    records = pl.DataFrame({"record_id": list(ids), "person_id": list(ids.values())})
    q = pl.DataFrame(
        {"record_id": ["BAD"], "source_file": ["x.csv"], "row_number": [4], "reason": ["missing role"], "role": [None]},
        schema_overrides={"role": pl.String},
    )
    pairs = pl.DataFrame(
        {
            "record_id_l": ["r1"],
            "record_id_r": ["r2"],
            "match_weight": [6.6],
            "match_probability": [0.99],
            "match_key": ["0"],
            "held": [False],
        }
    )
    summary = {
        "rows_read": len(ids) + 1,
        "rows_linked": len(ids),
        "rows_quarantined": 1,
        "persons": 1,
        "persons_multi_program": 0,
        **(summary_extra or {}),
    }
    events = pl.DataFrame({"kind": ["merge"], "person_id": ["P1"], "other_ids": [["P2"]]})
    return RunOutput(records, q, pairs, events, seq, "default", summary)


def test_publish_then_read_back(tmp_path):
    con = store_connection(tmp_path / "s.duckdb")
    ensure_schema(con)
    run = begin_run(con, "linkage dedupe x", ["x.csv"])
    publish_run(con, run, output({"r1": "P1", "r2": "P1"}))
    ids, seq = previous_ids(con)
    assert ids == {"r1": "P1", "r2": "P1"} and seq == 3
    assert con.execute("SELECT status, rows_read, rows_linked, rows_quarantined FROM runs").fetchall() == [("complete", 3, 2, 1)]
    assert con.execute("SELECT reason, row_number FROM quarantine").fetchall() == [("missing role", 4)]
    assert con.execute("SELECT kind, other_ids FROM person_events").fetchall() == [("merge", ["P2"])]


def test_records_published_in_several_row_groups_arrive_whole_and_roll_back_whole(tmp_path, monkeypatch):
    monkeypatch.setattr("linkage.store.tables.PUBLISH_ROWS", 2)
    con = store_connection(tmp_path / "s.duckdb")
    ensure_schema(con)
    ids = {f"r{i}": f"P{i % 3}" for i in range(7)}
    publish_run(con, begin_run(con, "first", []), output(ids))
    assert previous_ids(con)[0] == ids
    assert con.execute("SELECT count(*), count(DISTINCT record_id) FROM records").fetchall() == [(7, 7)]
    bad = output({f"x{i}": "P1" for i in range(5)})
    bad.summary.pop("persons")
    with pytest.raises(KeyError):
        publish_run(con, begin_run(con, "second", []), bad)
    assert previous_ids(con)[0] == ids
    assert con.execute("SELECT count(*) FROM records").fetchall() == [(7,)]


def test_a_run_that_dies_while_publishing_leaves_the_previous_result(tmp_path, monkeypatch):
    con = store_connection(tmp_path / "s.duckdb")
    ensure_schema(con)
    publish_run(con, begin_run(con, "first", []), output({"r1": "P1"}))
    run2 = begin_run(con, "second", [])
    bad = output({"r1": "P9", "r2": "P9"})
    bad.summary.pop("persons")  # fails after the records were replaced, inside the transaction
    with pytest.raises(KeyError):
        publish_run(con, run2, bad)
    fail_run(con, run2, "interrupted")
    assert previous_ids(con) == ({"r1": "P1"}, 3)
    assert con.execute("SELECT count(*) FROM records").fetchall() == [(1,)]
    assert [r[0] for r in con.execute("SELECT status FROM runs ORDER BY run_id").fetchall()] == ["complete", "failed"]


def test_a_missing_store_opened_read_only_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="linkage dedupe"):
        store_connection(tmp_path / "none.duckdb", read_only=True)


def test_a_store_held_for_a_moment_by_another_process_is_waited_for(tmp_path):
    """The service opens the store read-only for a moment every few seconds; a nightly run starting in
    that moment must wait, not fail."""
    db = tmp_path / "held.duckdb"
    store_connection(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time\ncon = duckdb.connect({str(db)!r}, read_only=True)\nprint('held', flush=True)\ntime.sleep(1.5)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(StoreError, match="lock"):
        store_connection(db, wait_seconds=0)
    t0 = time.monotonic()
    con = store_connection(db, wait_seconds=20)
    assert time.monotonic() - t0 > 0.3
    con.close()
    holder.wait()


def test_a_run_killed_before_publishing_shows_as_failed_when_the_next_one_starts(tmp_path):
    con = store_connection(tmp_path / "s.duckdb")
    ensure_schema(con)
    killed = begin_run(con, "linkage dedupe a.csv", ["a.csv"])  # then the process is killed: nothing else
    nxt = begin_run(con, "linkage dedupe b.csv", ["b.csv"])
    rows = dict((r[0], r[1:]) for r in con.execute("SELECT run_id, status, error FROM runs").fetchall())
    con.close()
    assert rows[killed][0] == "failed" and f"found when run {nxt} started" in rows[killed][1]
    assert rows[nxt] == ("running", None)
