"""The notebook's path: a threshold chosen on the workbench is what the next batch run does."""

from __future__ import annotations

import shutil

import duckdb
import polars as pl
import pytest

from linkage.errors import ModelError
from linkage.model.files import default_models_dir
from linkage.tune import Workbench
from tests.cli import run


@pytest.fixture(scope="module")
def tuned(small_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("tune")
    shutil.copytree(default_models_dir() / "default", out / "models" / "default")
    run("dedupe", small_data / "records.csv", "--out", out / "persons.csv", "--db", out / "s.duckdb")
    return out


def _partition(df: pl.DataFrame) -> set[frozenset]:
    return {frozenset(g) for g in df.group_by("person_id").agg("record_id")["record_id"].to_list()}


def test_a_saved_threshold_changes_the_next_batch_run_as_predicted(small_data, tuned):
    wb = Workbench.open(tuned / "s.duckdb", models_dir=tuned / "models", truth=small_data / "truth.csv")
    base, strict = wb.outcome(0.9, 0.5), wb.outcome(0.9999, 0.5)
    assert strict["persons"] > base["persons"] and strict["pairs_linked"] < base["pairs_linked"]
    assert strict["review_queue"] > base["review_queue"]
    predicted = wb.persons_at(0.9999)
    wb.save("strict", 0.9999, 0.5, by="analyst A")

    shutil.copy(tuned / "s.duckdb", tuned / "again.duckdb")
    p = run(
        "dedupe",
        small_data / "records.csv",
        "--out",
        tuned / "again.csv",
        "--db",
        tuned / "again.duckdb",
        "--models-dir",
        tuned / "models",
    )
    assert "strict" in p.stdout
    again = pl.read_csv(tuned / "again.csv", infer_schema=False)
    assert again["person_id"].n_unique() == strict["persons"]
    assert _partition(again) == _partition(predicted)
    con = duckdb.connect(str(tuned / "again.duckdb"), read_only=True)
    assert con.execute("SELECT model FROM runs ORDER BY run_id DESC LIMIT 1").fetchall() == [("strict",)]
    assert con.execute("SELECT value FROM meta WHERE key = 'link_threshold'").fetchall() == [("0.9999",)]


def test_curve_and_accuracy_come_from_the_truth_labels(small_data, tuned):
    wb = Workbench.open(tuned / "s.duckdb", models_dir=tuned / "models", truth=small_data / "truth.csv")
    curve = wb.curve((0.5, 0.9, 0.999))
    assert curve["pairs"].is_sorted(descending=True) and curve["recall"].is_sorted(descending=True)
    assert (curve["precision"] > 0.9).all()
    o = wb.outcome(0.9, 0.5)
    assert 0.99 <= o["precision"] <= 1 and 0.9 <= o["recall"] <= 1
    with pytest.raises(ModelError, match="--review-threshold 0.2"):
        wb.outcome(0.9, 0.2)


def test_charts_are_drawn_from_inlined_libraries(tuned):
    wb = Workbench.open(tuned / "s.duckdb", models_dir=tuned / "models")
    a, b = wb.pairs.row(0)[:2]
    for chart in (wb.match_weights_chart(), wb.m_u_chart(), wb.histogram(0.9, 0.5), wb.waterfall(a, b)):
        page = chart._repr_html_()
        assert "vegaEmbed(" in page and "cdn.jsdelivr" not in page and "<script src=" not in page
    with pytest.raises(ModelError, match="not both in run"):
        wb.waterfall(a, "NOPE")
