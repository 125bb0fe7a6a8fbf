"""Writes tune_thresholds.ipynb (kept as code so that review diffs are readable; run after editing)."""

from pathlib import Path

import nbformat as nbf

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
cells = [
    md("""# Tune match thresholds

Open a linkage run and a model version, look at the model, move the two thresholds and see what
changes, then save the choice as a **new model version**. Runs that name no `--model`
(`linkage dedupe`, `linkage referrals`, `linkage serve`) use the version accepted last, so saving here
is what ships the thresholds to the batch and the service.

- **link threshold**: pairs at or above it are joined into one person (never against a never-merge rule
  or a reviewer's "not a match").
- **review threshold**: pairs between it and the link threshold go to the clerical review queue
  (`linkage review export`).

Charts are drawn from the Vega libraries inside the installed Splink package: nothing is fetched from
the network. Set the paths in the next cell (or the `LINKAGE_*` environment variables) and run all."""),
    code("""import os
from pathlib import Path

import polars as pl
from IPython.display import display

from linkage.tune import Workbench

ROOT = Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd()
DB = Path(os.environ.get("LINKAGE_DB", ROOT / "data/demo/linkage.duckdb"))  # a store after `make demo`
TRUTH = os.environ.get("LINKAGE_TRUTH", str(ROOT / "data/demo/truth.csv"))  # record_id, person key; "" if none
MODEL = os.environ.get("LINKAGE_MODEL") or None  # None: the latest accepted version
MODELS_DIR = Path(os.environ["LINKAGE_MODELS_DIR"]) if os.environ.get("LINKAGE_MODELS_DIR") else None"""),
    code("""wb = Workbench.open(DB, MODEL, MODELS_DIR, truth=TRUTH if TRUTH and Path(TRUTH).exists() else None)
labelled, true_pairs, label_source = wb.labelled()
LINK, REVIEW = wb.model.meta.thresholds.link, wb.model.meta.thresholds.review
print(f"run {wb.run_id}: {wb.records.height:,} records, {wb.pairs.height:,} scored pairs kept "
      f"(from match probability {wb.run_review})")
print(f"model {wb.model.meta.name} (status {wb.model.meta.status}): link >= {LINK}, review >= {REVIEW}")
print(f"labels: {label_source}")"""),
    md("""## The model

Match weight of each comparison level (how much agreement or disagreement on that field moves the
odds), and the m and u probabilities behind it."""),
    code("wb.match_weights_chart()"),
    code("wb.m_u_chart()"),
    md("""## Where the pairs fall

The match weights of the run's scored pairs; the dashed rules are the current link and review thresholds."""),
    code("wb.histogram(LINK, REVIEW)"),
    md("""## Precision and recall against the link threshold

Pairwise, before clustering, from the labels named above. Reviewer decisions cover grey-zone pairs
only: read them as a sample of the hard cases, not of all links."""),
    code("curve = wb.curve()\ncurve"),
    code("wb.curve_chart()"),
    md("""## Accuracy from the clerical sample

A stratified random sample of all the run's decisions (`linkage review sample`), reviewed blind and
imported: precision and recall with 95% intervals, each stratum weighted by its size. Recall counts the
true pairs among those the run compared (under the review threshold through the share the run kept)."""),
    code("""estimates = wb.sample_estimates()
print("no sample drawn yet" if estimates is None else
      f"{estimates.decided:,} of {estimates.drawn:,} sampled pairs decided; precision {estimates.precision.words()}, "
      f"recall {estimates.recall.words()}")"""),
    code("wb.estimates_chart()"),
    md("""## Try thresholds

What a batch run would give with each pair of thresholds: the run's pairs are re-clustered by the same
function the batch uses (never-merge rules, family evidence and reviewer decisions included)."""),
    code("""candidates = [(0.9, 0.5), (0.95, 0.5), (0.99, 0.6), (0.999, 0.6)]
pl.DataFrame([wb.outcome(link, review) for link, review in candidates if review >= wb.run_review])"""),
    md("""## Why a pair scores what it does

Waterfall charts of the two pairs closest to the link threshold: each field's contribution to the match weight."""),
    code("""near = (wb.pairs.with_columns((pl.col("match_probability") - LINK).abs().alias("distance"))
        .sort("distance").head(2))
for a, b, p in near.select("record_id_l", "record_id_r", "match_probability").iter_rows():
    print(f"{a} ~ {b}: match probability {p:.4f}")
    display(wb.waterfall(a, b))"""),
    md("""## Choose and save

Set the thresholds, a name for the new version and your name, and run the cell. The version is saved
under `models/` with its card (thresholds, who chose them, what they gave on this run) and accepted:
from now on it is the default of every run."""),
    code("""CHOSEN_LINK = float(os.environ.get("LINKAGE_LINK", LINK))
CHOSEN_REVIEW = float(os.environ.get("LINKAGE_REVIEW", REVIEW))
NEW_VERSION = os.environ.get("LINKAGE_SAVE_AS", "")  # e.g. "county-2026-12"
ANALYST = os.environ.get("LINKAGE_ANALYST", "")

print(wb.outcome(CHOSEN_LINK, CHOSEN_REVIEW))
if NEW_VERSION:
    saved = wb.save(NEW_VERSION, CHOSEN_LINK, CHOSEN_REVIEW, by=ANALYST)
    print(f"saved {saved.meta.name} in {saved.path}: accepted by {saved.meta.accepted_by}")
else:
    print("set NEW_VERSION and ANALYST to save these thresholds as a new model version")"""),
]
for i, cell in enumerate(cells):
    cell["id"] = f"cell-{i:02d}"  # stable ids: a rebuild changes only what was edited
nb = nbf.v4.new_notebook(
    cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
)
nbf.write(nb, Path(__file__).with_name("tune_thresholds.ipynb"))
