"""`linkage referrals`, `reports` and `locate` end to end on generated data, through the installed command."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from benchmarks.case_truth import duplicate_truth, misdirected_truth, referral_truth
from benchmarks.referral_eval import score_duplicates, score_misdirected, score_referrals
from tests.cli import run


@pytest.fixture(scope="module")
def referral_run(small_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("referrals")
    p = run(
        "referrals",
        small_data / "records.csv",
        "--out",
        out / "decisions.csv",
        "--db",
        out / "s.duckdb",
        "--reports",
        out / "reports",
    )
    return out, p


def test_referrals_decide_every_referral_against_the_truth(small_data, referral_run):
    out, p = referral_run
    decisions = pl.read_csv(out / "decisions.csv", infer_schema=False)
    assert {"referral_id", "decision", "ivd_case_id", "score", "reasons"} <= set(decisions.columns)
    cases = pl.read_csv(small_data / "cases.csv", infer_schema=False)
    scores = score_referrals(decisions, referral_truth(cases))
    assert scores.referrals == decisions.height == cases.filter(pl.col("source_system") != "IV-D").height
    assert scores.precision >= 0.99 and scores.recall >= 0.97 and scores.review_share <= 0.03, scores.line()
    assert "referral decisions" in p.stdout and "existing_case" in p.stdout and "rows read" in p.stdout


def test_reports_written_with_the_run_and_again_from_the_store(small_data, referral_run):
    out, p = referral_run
    cases = pl.read_csv(small_data / "cases.csv", infer_schema=False)
    truth = pl.read_csv(small_data / "truth.csv", infer_schema=False)
    dup = score_duplicates(pl.read_csv(out / "reports" / "duplicate_cases.csv", infer_schema=False), duplicate_truth(cases))
    assert dup.true > 0 and dup.precision >= 0.95 and dup.recall >= 0.9, dup.line()
    mis = score_misdirected(
        pl.read_csv(out / "reports" / "misdirected_support.csv", infer_schema=False), misdirected_truth(cases), truth
    )
    assert mis.true > 0 and mis.precision >= 0.95 and mis.recall >= 0.9, mis.line()
    assert "duplicate IV-D cases" in p.stdout
    again = run("reports", "--db", out / "s.duckdb", "--out-dir", out / "again", "--format", "parquet")
    assert pl.read_parquet(out / "again" / "duplicate_cases.parquet").height == dup.found
    assert "TANF feedback" in again.stdout


def test_locate_prints_fathers_and_audits_the_lookup(small_data, referral_run):
    out, _ = referral_run
    db = out / "s.duckdb"
    con = duckdb.connect(str(db), read_only=True)
    rid, pid = con.execute(
        "SELECT r.record_id, r.person_id FROM records r JOIN records f USING (case_id) "
        "WHERE r.role = 'CH' AND r.source_system = 'IV-D' AND f.role = 'NCP' "
        "ORDER BY r.record_id LIMIT 1"
    ).fetchall()[0]
    con.close()
    p = run("locate", rid, "--db", db, "--purpose", "permanency hearing")
    assert f"({pid})" in p.stdout and "father " in p.stdout and "paternity" in p.stdout
    con = duckdb.connect(str(db), read_only=True)
    audit = con.execute("SELECT actor, purpose, action, person_ids FROM audit").fetchall()
    con.close()
    assert len(audit) == 1 and audit[0][1] == "permanency hearing" and audit[0][2] == f"locate {rid}"
    assert pid in audit[0][3]


def test_locate_needs_a_purpose_and_a_known_child(referral_run):
    out, _ = referral_run
    p = run("locate", "R000000001", "--db", out / "s.duckdb", "--purpose", "  ", check=False)
    assert p.returncode == 2 and "--purpose" in p.stderr
    p = run("locate", "NO-SUCH-ID", "--db", out / "s.duckdb", "--purpose", "x", check=False)
    assert p.returncode == 1 and "NO-SUCH-ID" in p.stderr and "Traceback" not in p.stderr + p.stdout


def test_reports_on_an_empty_store_is_a_clear_error(tmp_path):
    p = run("reports", "--db", tmp_path / "none.duckdb", "--out-dir", tmp_path / "r", check=False)
    assert p.returncode == 1 and "no store" in p.stderr
    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    p = run("reports", "--db", tmp_path / "empty.duckdb", "--out-dir", tmp_path / "r", check=False)
    assert p.returncode == 1 and "no complete run" in p.stderr


def test_worklist_writes_the_file_audits_the_look_up_and_refuses_bad_input(small_data, tmp_path):
    db = tmp_path / "s.duckdb"
    run("dedupe", small_data / "records.csv", "--out", tmp_path / "persons.csv", "--db", db)
    p = run("worklist", "--db", db, "--out", tmp_path / "w.parquet", "--as-of", "2026-11-01")
    rows = pl.read_parquet(tmp_path / "w.parquet")
    assert rows.height > 0 and rows["permanency_date"].is_sorted()
    assert f"{rows['child_person_id'].n_unique():,} children in an open placement on 2026-11-01" in p.stdout
    con = duckdb.connect(str(db), read_only=True)
    audited = con.execute("SELECT purpose, action FROM audit").fetchall()
    con.close()
    assert ("placement worklist", "worklist as of 2026-11-01") in audited
    bad = run("worklist", "--db", db, "--out", tmp_path / "w.csv", "--as-of", "11/01/2026", check=False)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr + bad.stdout
    missing = run("worklist", "--db", tmp_path / "none.duckdb", "--out", tmp_path / "w.csv", check=False)
    assert missing.returncode == 1 and "no such store" in missing.stderr + missing.stdout
    assert not (tmp_path / "none.duckdb").exists()
