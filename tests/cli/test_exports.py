"""What leaves through the console and the files people open: no date of birth or SSN printed, no
spreadsheet formula in any CSV, and a returned review sheet still reads back."""

from __future__ import annotations

import re

import polars as pl

from tests.cli import run

DATE = re.compile(r"\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b|\b[0-9]{2}/[0-9]{2}/[0-9]{4}\b|\b[0-9]{8}\b")
SSN = re.compile(r"(?<![0-9])[0-9]{3}-?[0-9]{2}-?[0-9]{4}(?![0-9])")


def _with_formulas(small_data, tmp_path):
    raw = pl.read_csv(small_data / "records.csv", infer_schema=False)
    head = raw.head(3).with_columns(
        pl.lit('=HYPERLINK("http://x.example/","click")').alias("first_name"), pl.lit("+1-555").alias("last_name")
    )
    future = raw.slice(3, 1).with_columns(pl.lit("2999-01-01").alias("dob"), pl.lit("@SUM(1)").alias("middle_name"))
    unusable = raw.slice(4, 1).with_columns(
        pl.lit("XX").alias("role"), pl.lit("=1+1").alias("first_name"), pl.lit("FORMULA-ROW").alias("record_id")
    )  # quarantined as read
    path = tmp_path / "records.csv"
    pl.concat([head, future, unusable, raw.slice(5)]).write_csv(path)
    return path


def test_console_and_report_print_no_birth_date_or_ssn(small_data, tmp_path):
    records = _with_formulas(small_data, tmp_path)
    raw = pl.read_csv(records, infer_schema=False)
    births = set(raw["dob"].drop_nulls().to_list())
    ssns = {re.sub(r"[^0-9]", "", s) for s in raw["ssn"].drop_nulls().to_list()} - {"000000000", "999999999", "123456789", ""}
    db = tmp_path / "s.duckdb"
    p = run("dedupe", records, "--out", tmp_path / "persons.csv", "--db", db)
    printed = p.stdout + p.stderr
    assert "dob: in the future" in printed  # the reason, counted
    assert not {m.group(0) for m in DATE.finditer(printed)} & births and not SSN.search(printed)
    run("report", "--db", db, "--out", tmp_path / "run.html")
    page = (tmp_path / "run.html").read_text()
    assert not {m.group(0) for m in DATE.finditer(page)} & births
    assert not {m.group(0).replace("-", "") for m in SSN.finditer(page)} & ssns


def test_csv_cells_that_spreadsheets_would_run_are_made_text(small_data, tmp_path):
    records = _with_formulas(small_data, tmp_path)
    db = tmp_path / "s.duckdb"
    run(
        "referrals",
        records,
        "--out",
        tmp_path / "decisions.csv",
        "--db",
        db,
        "--persons",
        tmp_path / "persons.csv",
        "--reports",
        tmp_path / "reports",
    )
    run("review", "export", "--db", db, "--out", tmp_path / "sheet.csv", "--limit", "500")
    for path in [
        tmp_path / "decisions.csv",
        tmp_path / "decisions.quarantine.csv",
        tmp_path / "sheet.csv",
        *(tmp_path / "reports").glob("*.csv"),
    ]:
        cells = [c for row in pl.read_csv(path, infer_schema=False).iter_rows() for c in row if c]
        assert not [c for c in cells if c[0] in "=+@"], path
    quarantined = pl.read_csv(tmp_path / "decisions.quarantine.csv", infer_schema=False)
    assert quarantined.filter(pl.col("record_id") == "FORMULA-ROW")["first_name"].to_list() == ["'=1+1"]
    sheet = pl.read_csv(tmp_path / "sheet.csv", infer_schema=False)
    decided = sheet.head(2).with_columns(pl.lit("match").alias("decision"), pl.lit("R. Reviewer").alias("reviewer"))
    decided.write_csv(tmp_path / "back.csv")
    back = run("review", "import", tmp_path / "back.csv", "--db", db)
    assert "2" in back.stdout
