"""The Spark engine in local mode against the DuckDB engine, on the same generated input."""

from __future__ import annotations

import re

import polars as pl
import pytest

from linkage.evaluate import score_clusters
from tests.cli import run


def with_malformed_lines(records, out):
    """`records` with a line of more fields than the header, a quote never closed and a short row
    (to be linked) near the top (lines 6, 7 and 8), and another line of more fields fifth from the
    end: (the file, the short row)."""
    lines = records.read_text().splitlines()
    header = lines[0].split(",")
    extra = lines[5] + ",UNEXPECTED"
    unclosed = lines[6].replace(",", ',"', 4)
    short = ",".join(lines[7].split(",")[: header.index("last_name") + 1])
    late = lines[-5] + ",LATE"
    bad = out / "records.csv"
    bad.write_text("\n".join([lines[0], *lines[1:5], extra, unclosed, short, *lines[8:-5], late, *lines[-4:]]) + "\n")
    return bad, short


@pytest.fixture(scope="module")
def both(small_data, tmp_path_factory):
    """One DuckDB and one Spark run of the small data set with malformed lines added (each Spark run
    takes a minute here: the tests below share these two)."""
    out = tmp_path_factory.mktemp("engines")
    records, short = with_malformed_lines(small_data / "records.csv", out)
    run("dedupe", records, "--out", out / "duck.parquet", "--db", out / "s.duckdb")
    (out / "tmp").mkdir()
    p = run(
        "dedupe",
        records,
        "--out",
        out / "spark.parquet",
        "--engine",
        "spark",
        "--spark-master",
        "local[2]",
        "--spark-partitions",
        "4",
        "--spark-conf",
        "spark.sql.files.maxPartitionBytes=65536",  # the file read in several splits, its lines numbered across them
        env={"TMPDIR": str(out / "tmp")},
    )
    return out, p, short


def test_a_spark_run_leaves_no_checkpoint_directory_behind(both):
    out, _, _ = both
    assert not list((out / "tmp").glob("linkage-spark-*"))


def test_spark_and_duckdb_engines_give_the_same_persons(both):
    out, _, short = both
    duck = pl.read_parquet(out / "duck.parquet")
    spark = pl.read_parquet(out / "spark.parquet" / "*.parquet")
    assert sorted(spark["record_id"].to_list()) == sorted(duck["record_id"].to_list())
    agreement = score_clusters(spark, duck.select("record_id", pl.col("person_id").alias("person_key")))
    assert agreement.f1 >= 0.999, agreement.line()
    assert set(spark.columns) == {"record_id", "person_id", "source_system", "case_id", "role"}
    assert short.split(",")[0] in spark["record_id"].to_list()  # a short row is linked


def test_spark_quarantine_reconciles_with_the_duckdb_engine(both):
    """A line with more fields than the header and a quote never closed are quarantined with their
    text and their line number, as on DuckDB; every other row is linked or quarantined as there."""
    out, p, _ = both
    duck_q = pl.read_parquet(out / "duck.quarantine.parquet")
    spark_q = pl.read_parquet(out / "spark.quarantine.parquet" / "*.parquet")
    assert sorted(spark_q["reason"].to_list()) == sorted(duck_q["reason"].to_list())
    malformed = spark_q.filter(pl.col("reason").str.starts_with("malformed"))
    assert malformed.height == 3 and malformed["raw_line"].str.contains("UNEXPECTED").any()
    lines = (out / "records.csv").read_text().splitlines()
    late = len(lines) - 4  # fifth from the end, the header being line 1
    assert lines[late - 1].endswith(",LATE")
    assert sorted(malformed["reason"].str.extract(r"at line (\d+)").cast(int).to_list()) == [6, 7, late]
    read = len((out / "records.csv").read_text().splitlines()) - 1
    assert f"{read:,}" in p.stdout and "not written" in p.stdout and "program records" in p.stdout


def test_spark_reads_a_person_list_as_duckdb_does(tmp_path):
    """FEBRL3 (every record its own case): the look-alike patterns left to the model on Spark too
    (which takes a version and does not train: the shipped model here). Read with the program rules
    it scored F1 0.974."""
    from benchmarks import febrl

    raw = febrl.load("febrl3")
    febrl.as_program_records(raw).write_csv(tmp_path / "records.csv")
    p = run("dedupe", tmp_path / "records.csv", "--out", tmp_path / "p.parquet", "--engine", "spark", "--spark-partitions", "4")
    scores = score_clusters(pl.read_parquet(tmp_path / "p.parquet" / "*.parquet"), febrl.truth(raw))
    assert scores.precision >= 0.999 and scores.f1 >= 0.99, scores.line()
    assert "person list" in p.stdout


def test_spark_engine_refuses_what_it_cannot_do(small_data, tmp_path):
    p = run("dedupe", small_data / "records.csv", "--out", tmp_path / "p.csv", "--engine", "spark", check=False)
    assert p.returncode == 2 and "Parquet" in p.stderr
    p = run("dedupe", small_data / "records.csv", "--out", tmp_path / "p.parquet", "--engine", "spark", "--train", check=False)
    assert p.returncode == 2 and "DuckDB engine" in p.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("record_id,first_name\nR1,ANA\n")
    p = run("dedupe", bad, "--out", tmp_path / "p.parquet", "--engine", "spark", check=False)
    assert p.returncode == 2 and "missing required column(s) source_system, case_id, role, last_name" in p.stderr


def test_spark_referral_decisions_are_the_duckdb_engines(small_data, tmp_path):
    from linkage.cases.referrals import DECISION_COLUMNS
    from linkage.spark.cases import DECISIONS

    assert tuple(DECISIONS.columns) == DECISION_COLUMNS
    run("referrals", small_data / "records.csv", "--out", tmp_path / "duck.parquet", "--db", tmp_path / "s.duckdb")
    p = run(
        "referrals",
        small_data / "records.csv",
        "--out",
        tmp_path / "spark.parquet",
        "--engine",
        "spark",
        "--spark-partitions",
        "4",
    )
    assert "decisions dataset" in p.stdout
    duck = pl.read_parquet(tmp_path / "duck.parquet").sort("source_system", "referral_id")
    spark = pl.read_parquet(tmp_path / "spark.parquet" / "*.parquet").sort("source_system", "referral_id")
    assert spark.height == duck.height > 0
    same = duck.join(spark, on=["source_system", "referral_id"], suffix="_spark").filter(
        (pl.col("decision") == pl.col("decision_spark")) & pl.col("ivd_case_id").eq_missing(pl.col("ivd_case_id_spark"))
    )
    assert same.height >= 0.999 * duck.height
    persons = pl.read_parquet(tmp_path / "spark.persons.parquet" / "*.parquet")
    assert persons.height > 0
    p = run(
        "referrals",
        small_data / "records.csv",
        "--out",
        tmp_path / "x.parquet",
        "--engine",
        "spark",
        "--reports",
        tmp_path / "r",
        check=False,
    )
    assert p.returncode == 2 and "DuckDB engine" in p.stderr


def test_spark_reads_default_dates_and_the_files_rates_as_the_duckdb_engine_does(tmp_path):
    """A file with the second error model's defaults (January 1st for year-only dates) and wholly
    wrong values: both engines read the same defaults and rates, and give the same persons."""
    from benchmarks.generate import generate, write

    write(generate(families=1200, seed=21, errors="admin"), tmp_path)
    duck = run("dedupe", tmp_path / "records.csv", "--out", tmp_path / "duck.parquet", "--db", tmp_path / "s.duckdb")
    spark = run(
        "dedupe",
        tmp_path / "records.csv",
        "--out",
        tmp_path / "spark.parquet",
        "--engine",
        "spark",
        "--spark-master",
        "local[2]",
        "--spark-partitions",
        "4",
    )
    for printed in (duck.stdout, spark.stdout):  # both engines say what they read
        rates = printed.split("read from the file")[1][:600]
        assert "01-01 read as year only" in printed and re.search(r"ssn \d+\.\d%", rates), printed
    turned = [re.search(r"names read turned round.*?([\d,]+)", printed, re.S) for printed in (duck.stdout, spark.stdout)]
    assert turned[0] and turned[1] and turned[0][1] == turned[1][1] and turned[0][1] != "0", (duck.stdout, spark.stdout)
    cut = [
        re.search(r"surnames cut by a fixed-width field\W*([\d,]+) completed; (IV-A at \d+)", printed)
        for printed in (duck.stdout, spark.stdout)
    ]
    assert cut[0] and cut[1] and cut[0].groups() == cut[1].groups(), (duck.stdout, spark.stdout)
    blanked = [sorted(re.findall(r"blanked [\d,]+: .*", printed)) for printed in (duck.stdout, spark.stdout)]
    assert blanked[0] == blanked[1] and any("only the year is read" in line for line in blanked[0]), blanked
    ours = pl.read_parquet(tmp_path / "duck.parquet")
    theirs = pl.read_parquet(tmp_path / "spark.parquet" / "*.parquet")
    agreement = score_clusters(theirs, ours.select("record_id", pl.col("person_id").alias("person_key")))
    # 0.9916 when Spark read neither; the rest: rules that read the whole data set (an SSN several
    # people hold, a possible twin elsewhere) see one component at a time on Spark
    assert agreement.f1 >= 0.998, agreement.line()


def test_spark_person_ids_carry_over_from_the_previous_run_with_events(both, tmp_path):
    """A second Spark run on the same input, given the first run's persons, keeps every person id and
    writes no merge or split; the first run's events are its new ids."""
    out, _, _ = both
    first, second = out / "spark.parquet", tmp_path / "second.parquet"
    p = run("dedupe", out / "records.csv", "--out", second, "--engine", "spark", "--spark-partitions", "4", "--previous", first)
    a = pl.read_parquet(first / "*.parquet").select("record_id", "person_id").sort("record_id")
    b = pl.read_parquet(second / "*.parquet").select("record_id", "person_id").sort("record_id")
    assert a.equals(b) and a["person_id"].str.starts_with("P0").all()
    events = pl.read_parquet(out / "spark.events.parquet")
    assert set(events["kind"]) == {"new"} and events.height == a["person_id"].n_unique()
    assert pl.read_parquet(tmp_path / "second.events.parquet").is_empty() and "ids kept from --previous" in p.stdout
    bad = run("dedupe", out / "records.csv", "--out", tmp_path / "x.parquet", "--previous", first, check=False)
    assert bad.returncode == 2 and "--engine spark" in bad.stderr
