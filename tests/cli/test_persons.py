"""End to end through the installed `linkage` command on generated data."""
from __future__ import annotations

import duckdb
import polars as pl
import pytest

from benchmarks.evaluate import evaluate
from tests.cli import run


@pytest.fixture(scope="module")
def first_run(small_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    p = run("dedupe", small_data / "records.csv", "--out", out / "persons.csv", "--db", out / "s.duckdb")
    return out, p


def test_dedupe_writes_persons_quarantine_and_a_reconciled_summary(small_data, first_run):
    out, p = first_run
    persons = pl.read_csv(out / "persons.csv", infer_schema=False)
    quarantine = pl.read_csv(out / "persons.quarantine.csv", infer_schema=False)
    read = pl.read_csv(small_data / "records.csv", infer_schema=False).height
    assert persons.height + quarantine.height == read
    assert {"record_id", "person_id"} <= set(persons.columns) and quarantine["reason"].null_count() == 0
    assert "rows read" in p.stdout and f"{read:,}" in p.stdout and "found in more than one program" in p.stdout
    con = duckdb.connect(str(out / "s.duckdb"), read_only=True)
    assert con.execute("SELECT status, rows_read, rows_linked + rows_quarantined FROM runs").fetchall() == [
        ("complete", read, read)]
    multi = persons.group_by("person_id").agg(pl.col("source_system").n_unique()).filter(pl.col("source_system") > 1)
    assert 0 < multi.height < persons["person_id"].n_unique()
    assert con.execute("SELECT persons, persons_multi_program FROM runs").fetchall() == [
        (persons["person_id"].n_unique(), multi.height)]


def test_accuracy_and_no_lookalike_merges(small_data, first_run):
    out, _ = first_run
    truth = pl.read_csv(small_data / "truth.csv", infer_schema=False)
    hard = pl.read_csv(small_data / "hard_pairs.csv", infer_schema=False)
    scores, merges = evaluate(pl.read_csv(out / "persons.csv", infer_schema=False), truth, hard)
    assert scores.precision >= 0.99 and scores.recall >= 0.95, scores.line()
    merged = dict(zip(merges["kind"], merges["merged"]))
    assert merged.get("twins", 0) == 0 and merged.get("jr_sr", 0) == 0


def test_rerun_on_same_and_grown_input_keeps_person_ids(small_data, first_run, tmp_path):
    out, _ = first_run
    db = tmp_path / "s.duckdb"
    (tmp_path / "s.duckdb").write_bytes((out / "s.duckdb").read_bytes())
    before = pl.read_csv(out / "persons.csv", infer_schema=False)
    p = run("dedupe", small_data / "records.csv", "--out", tmp_path / "again.parquet", "--db", db)
    again = pl.read_parquet(tmp_path / "again.parquet")
    assert before.join(again, on="record_id").filter(pl.col("person_id") != pl.col("person_id_right")).height == 0
    # grown input: one more record for a person already known keeps every old id
    rows = pl.read_csv(small_data / "records.csv", infer_schema=False)
    known = rows.filter(pl.col("record_id").is_in(before["record_id"].implode())).row(0, named=True)
    grown = pl.concat([rows, pl.DataFrame([{**known, "record_id": "NEW-1", "case_id": "NEWCASE"}])])
    grown.write_csv(tmp_path / "grown.csv")
    run("dedupe", tmp_path / "grown.csv", "--out", tmp_path / "grown_persons.csv", "--db", db)
    g = pl.read_csv(tmp_path / "grown_persons.csv", infer_schema=False)
    changed = before.join(g, on="record_id").filter(pl.col("person_id") != pl.col("person_id_right"))
    assert changed.height == 0
    new_id = g.filter(pl.col("record_id") == "NEW-1")["person_id"][0]
    assert new_id == g.filter(pl.col("record_id") == known["record_id"])["person_id"][0]
    assert "ids kept from the last run" in p.stdout


def test_missing_column_exits_2_with_one_message(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("record_id,source_system,role,first_name,last_name\nR1,IV-D,CP,A,B\n")
    p = run("dedupe", bad, "--out", tmp_path / "p.csv", "--db", tmp_path / "s.duckdb", check=False)
    assert p.returncode == 2
    assert "case_id" in p.stderr and "Traceback" not in p.stderr and "Traceback" not in p.stdout
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    assert con.execute("SELECT status FROM runs").fetchall() == [("failed",)]


def test_unknown_output_type_and_missing_model(small_data, tmp_path):
    p = run("dedupe", small_data / "records.csv", "--out", tmp_path / "p.xlsx", check=False)
    assert p.returncode == 2 and ".csv or .parquet" in p.stderr
    p = run("dedupe", small_data / "records.csv", "--out", tmp_path / "p.csv", "--db", tmp_path / "s.duckdb",
            "--model", "no-such-model", check=False)
    assert p.returncode == 1 and "linkage train" in p.stderr and "Traceback" not in p.stderr


def test_placeholder_ssns_do_not_link_strangers(tmp_path):
    rows = "record_id,source_system,case_id,role,first_name,last_name,dob,ssn\n"
    rows += "R1,IV-D,D1,CP,MARIA,LOPEZ,1980-01-01,999-99-9999\nR2,IV-A,A1,CP,JOHN,SMITH,1975-05-05,999999999\n"
    (tmp_path / "r.csv").write_text(rows)
    run("dedupe", tmp_path / "r.csv", "--out", tmp_path / "p.csv", "--db", tmp_path / "s.duckdb")
    assert pl.read_csv(tmp_path / "p.csv")["person_id"].n_unique() == 2


def test_header_only_file_links_nothing(tmp_path):
    (tmp_path / "r.csv").write_text("record_id,source_system,case_id,role,first_name,last_name\n")
    p = run("dedupe", tmp_path / "r.csv", "--out", tmp_path / "p.csv", "--db", tmp_path / "s.duckdb")
    assert pl.read_csv(tmp_path / "p.csv").height == 0 and "rows read" in p.stdout


def test_labels_give_a_blocking_report_and_scores(small_data, tmp_path):
    p = run("dedupe", small_data / "records.csv", "--out", tmp_path / "p.csv", "--db", tmp_path / "s.duckdb",
            "--labels", small_data / "truth.csv")
    assert "comparisons per record" in p.stdout and "dob+name_token" in p.stdout
    assert "against --labels: pairwise precision" in p.stdout
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    assert '"blocking"' in con.execute("SELECT summary FROM runs").fetchall()[0][0]


def test_a_stricter_link_threshold_never_joins_more(small_data, first_run, tmp_path):
    out, _ = first_run
    run("dedupe", small_data / "records.csv", "--out", tmp_path / "strict.csv", "--db", tmp_path / "s.duckdb",
        "--link-threshold", "0.999")
    default = pl.read_csv(out / "persons.csv", infer_schema=False)["person_id"].n_unique()
    strict = pl.read_csv(tmp_path / "strict.csv", infer_schema=False)["person_id"].n_unique()
    assert strict >= default
    p = run("dedupe", small_data / "records.csv", "--out", tmp_path / "x.csv", "--link-threshold", "1.5", check=False)
    assert p.returncode == 2 and "between 0 and 1" in p.stderr


def test_work_dir_must_exist_and_is_left_clean(small_data, tmp_path):
    p = run("dedupe", small_data / "records.csv", "--out", tmp_path / "p.csv", "--db", tmp_path / "s.duckdb",
            "--work-dir", tmp_path / "nowhere", check=False)
    assert p.returncode == 2 and "--work-dir" in p.stderr and "Traceback" not in p.stderr
    work = tmp_path / "work"
    work.mkdir()
    run("dedupe", small_data / "records.csv", "--out", tmp_path / "p.csv", "--db", tmp_path / "s.duckdb",
        "--work-dir", work)
    assert pl.read_csv(tmp_path / "p.csv").height > 0 and list(work.iterdir()) == []


def test_a_memory_limit_that_is_not_a_size_exits_2(small_data, tmp_path):
    p = run("dedupe", small_data / "records.csv", "--out", tmp_path / "p.csv", "--db", tmp_path / "s.duckdb",
            "--memory-limit", "lots", check=False)
    assert p.returncode == 2 and "--memory-limit" in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "p.csv").exists()


def test_explain_prints_the_answer_as_text_or_json_and_refuses_an_unknown_record(small_data, tmp_path):
    import json

    db = tmp_path / "s.duckdb"
    run("dedupe", small_data / "records.csv", "--out", tmp_path / "persons.csv", "--db", db)
    persons = pl.read_csv(tmp_path / "persons.csv", infer_schema=False)
    pid = persons.group_by("person_id").len().filter(pl.col("len") >= 2)["person_id"][0]
    a, b = persons.filter(pl.col("person_id") == pid)["record_id"].head(2).to_list()
    text = run("explain", a, b, "--db", db).stdout
    assert text.startswith(f"{a} and {b}: one person ({pid})") and "match weight" in text
    answer = json.loads(run("explain", a, b, "--db", db, "--json").stdout)
    assert answer["same_person"] and answer["evidence"] and answer["person_a"] == pid
    bad = run("explain", a, "NO-SUCH-RECORD", "--db", db, check=False)
    assert bad.returncode == 1 and "NO-SUCH-RECORD" in bad.stderr
