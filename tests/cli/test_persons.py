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
        ("complete", read, read)
    ]
    multi = persons.group_by("person_id").agg(pl.col("source_system").n_unique()).filter(pl.col("source_system") > 1)
    assert 0 < multi.height < persons["person_id"].n_unique()
    assert con.execute("SELECT persons, persons_multi_program FROM runs").fetchall() == [
        (persons["person_id"].n_unique(), multi.height)
    ]


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
    p = run(
        "dedupe",
        small_data / "records.csv",
        "--out",
        tmp_path / "p.csv",
        "--db",
        tmp_path / "s.duckdb",
        "--model",
        "no-such-model",
        check=False,
    )
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
    p = run(
        "dedupe",
        small_data / "records.csv",
        "--out",
        tmp_path / "p.csv",
        "--db",
        tmp_path / "s.duckdb",
        "--labels",
        small_data / "truth.csv",
    )
    assert "comparisons per record" in p.stdout and "dob+name_token" in p.stdout
    assert "against --labels: pairwise precision" in p.stdout
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    assert '"blocking"' in con.execute("SELECT summary FROM runs").fetchall()[0][0]


def test_a_stricter_link_threshold_never_joins_more(small_data, first_run, tmp_path):
    out, _ = first_run
    run(
        "dedupe",
        small_data / "records.csv",
        "--out",
        tmp_path / "strict.csv",
        "--db",
        tmp_path / "s.duckdb",
        "--link-threshold",
        "0.999",
    )
    default = pl.read_csv(out / "persons.csv", infer_schema=False)["person_id"].n_unique()
    strict = pl.read_csv(tmp_path / "strict.csv", infer_schema=False)["person_id"].n_unique()
    assert strict >= default
    p = run("dedupe", small_data / "records.csv", "--out", tmp_path / "x.csv", "--link-threshold", "1.5", check=False)
    assert p.returncode == 2 and "between 0 and 1" in p.stderr


def test_work_dir_must_exist_and_is_left_clean(small_data, tmp_path):
    p = run(
        "dedupe",
        small_data / "records.csv",
        "--out",
        tmp_path / "p.csv",
        "--db",
        tmp_path / "s.duckdb",
        "--work-dir",
        tmp_path / "nowhere",
        check=False,
    )
    assert p.returncode == 2 and "--work-dir" in p.stderr and "Traceback" not in p.stderr
    work = tmp_path / "work"
    work.mkdir()
    run("dedupe", small_data / "records.csv", "--out", tmp_path / "p.csv", "--db", tmp_path / "s.duckdb", "--work-dir", work)
    assert pl.read_csv(tmp_path / "p.csv").height > 0 and list(work.iterdir()) == []


def test_a_memory_limit_that_is_not_a_size_exits_2(small_data, tmp_path):
    p = run(
        "dedupe",
        small_data / "records.csv",
        "--out",
        tmp_path / "p.csv",
        "--db",
        tmp_path / "s.duckdb",
        "--memory-limit",
        "lots",
        check=False,
    )
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


def test_events_follow_a_merge_a_split_new_and_retired_ids_across_runs(tmp_path):
    """Run 1: ANA RUIZ twice (a thin TANF record: two persons), LUIS SOTO twice (one person), EVA once.
    A reviewer says ANA's records match and LUIS's do not; EVA's record leaves the extract and NOE's
    arrives. Run 2's events: a merge, a split, a new id, a retired one, in every file format."""
    from datetime import datetime

    from linkage.store import store_connection
    from linkage.store.review import MATCH, NOT_A_MATCH, add_decisions
    from tests.conftest import person, records_frame

    luis = dict(dob="1985-03-04", ssn="412-55-1001", sex="M")
    base = [
        person("D1-CP", "ANA", "RUIZ", case="D1", dob="1990-02-03", sex="F"),
        person("A1-CP", "ANA", "RUIZ", case="A1", system="IV-A", sex="F"),
        person("D2-NCP", "LUIS", "SOTO", case="D2", role="NCP", **luis),
        person("A2-NCP", "LUIS", "SOTO", case="A2", system="IV-A", role="NCP", **luis),
    ]
    first, second = tmp_path / "r1.csv", tmp_path / "r2.csv"
    records_frame([*base, person("D3-CP", "EVA", "DIAZ", case="D3", dob="1979-09-09", sex="F")]).write_csv(first)
    records_frame([*base, person("D4-CP", "NOE", "LARA", case="D4", dob="1981-01-01", sex="M")]).write_csv(second)
    db = tmp_path / "s.duckdb"
    run("dedupe", first, "--out", tmp_path / "p1.csv", "--db", db)
    p1 = dict(pl.read_csv(tmp_path / "p1.csv", infer_schema=False).select("record_id", "person_id").iter_rows())
    assert p1["D1-CP"] != p1["A1-CP"] and p1["D2-NCP"] == p1["A2-NCP"]
    con = store_connection(db)
    add_decisions(
        con,
        pl.DataFrame(
            {
                "record_id_l": ["A1-CP", "A2-NCP"],
                "record_id_r": ["D1-CP", "D2-NCP"],
                "decision": [MATCH, NOT_A_MATCH],
                "reviewer": ["R. Reviewer"] * 2,
                "decided_at": [datetime(2026, 11, 29)] * 2,
                "note": [None, None],
            }
        ),
        "test",
    )
    con.close()
    run("dedupe", second, "--out", tmp_path / "p2.csv", "--db", db)
    p2 = dict(pl.read_csv(tmp_path / "p2.csv", infer_schema=False).select("record_id", "person_id").iter_rows())
    printed = run("events", "--since", "1", "--out", tmp_path / "e.csv", "--db", db).stdout
    events = pl.read_csv(tmp_path / "e.csv", infer_schema=False)
    got = {(k, pid, other) for k, pid, other in events.select("kind", "person_id", "other_ids").iter_rows()}
    merged_into, gone = p2["D1-CP"], ({p1["D1-CP"], p1["A1-CP"]} - {p2["D1-CP"]}).pop()
    assert ("merge", merged_into, gone) in got and ("retired", gone, "") in got
    split_parts = sorted({p2["D2-NCP"], p2["A2-NCP"]} - {p1["D2-NCP"]})
    assert ("split", p1["D2-NCP"], " ".join(split_parts)) in got
    assert ("new", p2["D4-CP"], "") in got and ("retired", p1["D3-CP"], "") in got
    assert "merge 1" in printed and "split 1" in printed
    run("events", "--since", "0", "--out", tmp_path / "e.jsonl", "--db", db)
    run("events", "--since", "1", "--out", tmp_path / "e.parquet", "--db", db)
    lines = (tmp_path / "e.jsonl").read_text().splitlines()
    assert len(lines) == events.height + 4  # run 1: four new persons
    assert pl.read_parquet(tmp_path / "e.parquet").height == events.height
    assert run("events", "--out", tmp_path / "e.txt", "--db", db, check=False).returncode == 2


def test_a_run_whose_input_lost_a_program_raises_an_alarm_and_fails_when_told(small_data, tmp_path):
    db = tmp_path / "s.duckdb"
    run("dedupe", small_data / "records.csv", "--out", tmp_path / "p1.csv", "--db", db)
    raw = pl.read_csv(small_data / "records.csv", infer_schema=False)
    without = tmp_path / "no_foster_care.csv"
    raw.filter(pl.col("source_system") != "IV-E").write_csv(without)
    p = run("dedupe", without, "--out", tmp_path / "p2.csv", "--db", db, "--fail-on-alarm", check=False)
    assert p.returncode == 3 and "the run is published" in p.stderr
    runs = run("runs", "--db", db).stdout
    assert "records of IV-E" in runs and "(gone)" in runs and "none" in runs  # run 1 had nothing to compare with
    run("report", "--db", db, "--out", tmp_path / "run.html")
    assert "<li>records of IV-E: " in (tmp_path / "run.html").read_text()
    assert run("dedupe", without, "--out", tmp_path / "p3.csv", "--db", db, "--fail-on-alarm").returncode == 0


def test_explain_reads_the_other_members_of_the_two_persons_cases_from_the_store(tmp_path):
    """Two LUIS SANCHEZ of one birthday, one in a foster-care case with his brothers and sister, one
    in a IV-D case with his: the rule between them reads the other children of both cases, which the
    store holds under other persons (in a file this small the link outweighs it)."""
    from tests.conftest import person, records_frame

    rows = [
        person("E1-1", "LUIS", "SANCHEZ MORENO", case="E1", system="IV-E", role="CH", dob="2015-12-01", sex="M"),
        person("E1-2", "JOSE", "SANCHEZ MORENO", case="E1", system="IV-E", role="CH", dob="2010-05-22", sex="M"),
        person("E1-3", "RICARDO", "SANCHEZ", case="E1", system="IV-E", role="CH", dob="2009-03-04", sex="M"),
        person("E1-4", "MARIA", "SANCHEZ MORENO", case="E1", system="IV-E", role="CH", dob="2022-08-14", sex="F"),
        person("D1-1", "GABRIELA", "LOPEZ", case="D1", dob="1982-02-24", ssn="891-46-5860", sex="F"),
        person("D1-2", "LUIZ", "SANCHEZ", case="D1", role="NCP", sex="M"),
        person("D1-3", "MIGUEL", "RUIZ", case="D1", role="CH", dob="2023-12-27", sex="M"),
        person("D1-4", "VERONICA", "SANCHEZ", case="D1", role="CH", dob="2020-08-14", sex="F"),
        person("D1-5", "LUIS", "SANCHEZ", case="D1", role="CH", dob="2015-12-01", sex="M"),
    ]
    records_frame(rows).write_csv(tmp_path / "records.csv")
    db = tmp_path / "s.duckdb"
    run("dedupe", tmp_path / "records.csv", "--out", tmp_path / "persons.csv", "--db", db)
    text = run("explain", "E1-1", "D1-5", "--db", db).stdout
    assert "the rule 'children of two cases that share no other child' was outweighed" in text, text
