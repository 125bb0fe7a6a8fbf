"""The tuning notebook runs headless, top to bottom, on small generated data, offline."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import polars as pl
import pytest
from nbclient import NotebookClient

from linkage.model import latest_accepted
from linkage.model.files import default_models_dir
from tests.browser import chromium, open_offline
from tests.cli import run

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "tune_thresholds.ipynb"


def test_the_committed_notebook_carries_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.fixture
def env(small_data, tmp_path, monkeypatch):
    shutil.copytree(default_models_dir() / "default", tmp_path / "models" / "default")
    run("dedupe", small_data / "records.csv", "--out", tmp_path / "persons.csv", "--db", tmp_path / "s.duckdb")
    # an accuracy sample, reviewed by the generator's truth, for the notebook's estimates
    run("review", "sample", "--db", tmp_path / "s.duckdb", "--out", tmp_path / "sample.csv", "--size", "60", "--seed", "1")
    truth_file = pl.read_csv(small_data / "truth.csv", infer_schema=False)
    truth = dict(truth_file.select(truth_file.columns[:2]).iter_rows())
    sheet = pl.read_csv(tmp_path / "sample.csv", infer_schema=False)
    same = [truth[a] == truth[b] for a, b in zip(sheet["record_id_l"], sheet["record_id_r"])]
    sheet.with_columns(
        pl.Series("decision", ["match" if s else "not a match" for s in same]), pl.lit("reviewer A").alias("reviewer")
    ).write_csv(tmp_path / "decided.csv")
    run("review", "import", tmp_path / "decided.csv", "--db", tmp_path / "s.duckdb")
    values = {
        "LINKAGE_DB": tmp_path / "s.duckdb",
        "LINKAGE_TRUTH": small_data / "truth.csv",
        "LINKAGE_MODELS_DIR": tmp_path / "models",
        "LINKAGE_LINK": "0.99",
        "LINKAGE_REVIEW": "0.6",
        "LINKAGE_SAVE_AS": "tuned-in-notebook",
        "LINKAGE_ANALYST": "analyst B",
    }
    for k, v in values.items():
        monkeypatch.setenv(k, str(v))
    return tmp_path


def test_notebook_runs_and_saves_the_chosen_thresholds_as_a_version(env):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    ).execute()  # raises CellExecutionError naming the cell if any cell fails
    saved = latest_accepted(env / "models")
    assert saved.meta.name == "tuned-in-notebook" and saved.meta.accepted_by == "analyst B"
    assert (saved.meta.thresholds.link, saved.meta.thresholds.review) == (0.99, 0.6)
    charts = [
        o["data"]["text/html"]
        for c in nb.cells
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {}) and "vegaEmbed(" in o["data"]["text/html"]
    ]
    assert len(charts) >= 7  # weights, m/u, histogram, curve, the sample's estimates, two waterfalls
    assert not any(re.search(r"<script[^>]*\bsrc=", h) for h in charts)
    text = json.dumps([o for c in nb.cells for o in c.get("outputs", [])])
    assert "precision" in text and "saved tuned-in-notebook" in text
    assert "60 of 60 sampled pairs decided; precision" in text and "95% intervals" in text
    # every chart as the notebook shows it, drawn by Chromium with the network refused
    with chromium() as browser:
        for i, chart in enumerate(charts):
            page_file = env / f"chart{i}.html"
            page_file.write_text(f"<!DOCTYPE html><html><body>{chart}</body></html>")
            page, refused = open_offline(browser, page_file)
            page.wait_for_selector("svg, canvas", timeout=15000)
            assert refused == [] and page.errors == [] and "Javascript Error" not in page.inner_text("body")
