"""The run report: written by the CLI, opened in headless Chromium with the network refused."""

from __future__ import annotations

import polars as pl
import pytest

from tests.browser import ARTIFACTS, chromium, open_offline
from tests.cli import run


@pytest.fixture(scope="module")
def report(small_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    db = out / "s.duckdb"
    run("dedupe", small_data / "records.csv", "--out", out / "persons.csv", "--db", db)
    run("review", "export", "--db", db, "--out", out / "sheet.csv", "--limit", "10")
    sheet = pl.read_csv(out / "sheet.csv", infer_schema=False)
    sheet.with_columns(pl.Series("decision", ["match", "not a match"] * 5)).write_csv(out / "sheet.csv")
    run("review", "import", out / "sheet.csv", "--db", db, "--reviewer", "rev")
    run("report", "--db", db, "--out", out / "run.html", "--labels", small_data / "truth.csv")
    return out / "run.html"


def test_report_renders_its_charts_offline(report):
    with chromium() as browser:
        page, refused = open_offline(browser, report)
        page.wait_for_selector("figure.chart svg .mark-rect", timeout=15000)
        charts = page.locator("figure.chart")
        assert charts.count() == 4  # programs, weights, truth curve, review curve
        for i in range(charts.count()):
            assert charts.nth(i).locator("svg path, svg .mark-rect path, svg .mark-symbol path").count() > 0
        (ARTIFACTS / "report").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report" / "report.png"), full_page=True)
        text = page.inner_text("body")
        assert refused == [] and page.errors == []
    assert "undecided pairs in the queue" in text and "decided pairs\t10" in text
    assert "pairwise precision" in text and "reviewed pairs" in text


def test_report_holds_counts_not_people(report, small_data):
    page = report.read_text()
    records = pl.read_csv(small_data / "records.csv", infer_schema=False)
    assert not any(rid in page for rid in records["record_id"].drop_nulls().head(200).to_list())
    assert "<script src" not in page


def test_report_refuses_a_non_html_name_and_an_empty_store(tmp_path):
    p = run("report", "--db", tmp_path / "none.duckdb", "--out", tmp_path / "r.pdf", check=False)
    assert p.returncode == 2 and ".html" in p.stderr
    p = run("report", "--db", tmp_path / "none.duckdb", "--out", tmp_path / "r.html", check=False)
    assert p.returncode != 0 and "Traceback" not in p.stderr and not (tmp_path / "r.html").exists()
