"""The analyst's workbench behind `notebooks/tune_thresholds.ipynb`: open a run and a model version,
look at the model, move the thresholds, see what changes, save the choice as a new version.

Everything the notebook does goes through here, so a test can take the same path: what `outcome`
predicts for a threshold is what the next batch run with the saved version produces (the run's pairs
are re-clustered with the same function the batch uses).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
from splink import DuckDBAPI, Linker

from linkage import columns as C
from linkage.charts import Offline, interval_chart, threshold_curve_chart, weight_histogram, weight_of
from linkage.errors import ModelError
from linkage.evaluate import score_clusters
from linkage.model import SavedModel, Thresholds, resolve_model, save_version
from linkage.model.comparisons import COMPARISON_COLUMNS
from linkage.model.file_rates import as_run_scored
from linkage.pipeline import cluster_persons, reviewed_by_uid
from linkage.review.accuracy import Estimates, estimate
from linkage.review.estimates import DEFAULT_THRESHOLDS, from_review, from_truth, ordered, threshold_curve
from linkage.standardize import complete_stored
from linkage.store import load_current, store_connection
from linkage.store.review import StoredSample, latest_sample, read_labels


@dataclass
class Workbench:
    model: SavedModel
    records: pl.DataFrame  # the run's standardized records, by uid
    pairs: pl.DataFrame  # the run's scored pairs (record_id_l, record_id_r, match_weight, match_probability)
    run_id: int
    run_review: float  # pairs below the run's review threshold were not kept
    reviewed: pl.DataFrame  # clerical decisions
    truth: pl.DataFrame | None = None  # record_id, person key (generated or fully reviewed data)
    models_dir: Path | None = None
    file_rates: dict = field(default_factory=dict)  # the run's reading of its input (model.file_rates)
    sample: StoredSample | None = None  # the last accuracy sample drawn (`linkage review sample`)
    _linker: Linker | None = field(default=None, repr=False)

    @classmethod
    def open(
        cls,
        db: Path | str,
        model: str | None = None,
        models_dir: Path | None = None,
        truth: Path | str | pl.DataFrame | None = None,
    ) -> Workbench:
        """The last complete run in `db`, and a model version (default: the latest accepted)."""
        con = store_connection(Path(db), read_only=True)
        try:
            current = load_current(con)
            reviewed = read_labels(con)
            sample = latest_sample(con)
            rows = con.execute("SELECT value FROM meta WHERE key = 'review_threshold'").fetchall()
        finally:
            con.close()
        if isinstance(truth, (str, Path)):
            truth = pl.read_csv(truth, infer_schema=False)
        run_review = float(rows[0][0]) if rows else Thresholds().review
        return cls(
            resolve_model(model, models_dir),
            complete_stored(current.records).sort(C.UID),
            current.pairs,
            current.run_id,
            run_review,
            reviewed,
            truth,
            models_dir,
            current.file_rates,
            sample,
        )

    # --- the numbers ----------------------------------------------------------------------------------

    def labelled(self) -> tuple[pl.DataFrame, int, str]:
        """Scored pairs marked match or not, how many true pairs recall is out of, and where from."""
        if self.truth is not None:
            scored, n = from_truth(self.pairs, self.truth)
            return scored, n, "truth labels"
        scored, n = from_review(self.reviewed, self.pairs)
        return scored, n, f"{self.reviewed.height:,} reviewer decisions (grey-zone pairs only)"

    def curve(self, thresholds: tuple[float, ...] = DEFAULT_THRESHOLDS) -> pl.DataFrame:
        scored, n, _ = self.labelled()
        return threshold_curve(scored, n, tuple(t for t in thresholds if t >= self.run_review))

    def sample_estimates(self) -> Estimates | None:
        """Precision and recall with 95% intervals from the reviewed accuracy sample (None: none drawn)."""
        return estimate(self.sample.strata, self.sample.decisions) if self.sample is not None else None

    def persons_at(self, link: float) -> pl.DataFrame:
        """record_id -> person label, as the batch would cluster this run's pairs at `link`."""
        self._check(link)
        scored = self.pairs.join(
            self.records.select(pl.col(C.RECORD_ID).alias("record_id_l"), pl.col(C.UID).alias("uid_l")), on="record_id_l"
        ).join(self.records.select(pl.col(C.RECORD_ID).alias("record_id_r"), pl.col(C.UID).alias("uid_r")), on="record_id_r")
        clusters, _ = cluster_persons(self.records, scored, link, reviewed=reviewed_by_uid(self.reviewed, self.records))
        return pl.DataFrame({C.RECORD_ID: self.records[C.RECORD_ID], C.PERSON_ID: clusters.labels().astype(str)})

    def outcome(self, link: float, review: float) -> dict:
        """What a run with these thresholds gives: persons, links, the review queue, and accuracy
        against truth labels when there are some."""
        Thresholds(link=link, review=review)
        self._check(review)
        persons = self.persons_at(link)
        p = self.pairs["match_probability"]
        decided = set(zip(self.reviewed["record_id_l"], self.reviewed["record_id_r"]))
        grey = ordered(self.pairs.filter((p >= review) & (p < link))).select("record_id_l", "record_id_r")
        multi = (
            persons.join(self.records.select(C.RECORD_ID, C.SOURCE_SYSTEM), on=C.RECORD_ID)
            .group_by(C.PERSON_ID)
            .agg(pl.col(C.SOURCE_SYSTEM).n_unique().alias("n"))
            .filter(pl.col("n") > 1)
            .height
        )
        out = {
            "link": link,
            "review": review,
            "persons": persons[C.PERSON_ID].n_unique(),
            "persons_multi_program": multi,
            "pairs_linked": int((p >= link).sum()),
            "review_queue": sum((a, b) not in decided for a, b in grey.iter_rows()),
        }
        if self.truth is not None:
            truth = self.truth.select(
                pl.col(self.truth.columns[0]).alias(C.RECORD_ID), pl.col(self.truth.columns[1]).alias("person_key")
            )
            s = score_clusters(persons, truth)
            out.update(precision=round(s.precision, 4), recall=round(s.recall, 4), f1=round(s.f1, 4))
        return out

    def _check(self, threshold: float) -> None:
        if threshold < self.run_review - 1e-12:
            raise ModelError(
                f"run {self.run_id} kept pairs from match probability {self.run_review} up; to look "
                f"below that, re-run the batch with --review-threshold {threshold}"
            )

    # --- the charts (offline) ---------------------------------------------------------------------------

    def linker(self) -> Linker:
        """A Splink linker on this run's records, with the model as the batch scores with it."""
        if self._linker is None:
            con = duckdb.connect()
            con.register("__recs", self.records.select(C.UID, *COMPARISON_COLUMNS))
            con.execute("CREATE TABLE recs AS SELECT * FROM __recs")
            splink = as_run_scored(self.model, self.records.height, self.file_rates)
            settings = {**splink, "retain_matching_columns": True, "retain_intermediate_calculation_columns": True}
            self._linker = Linker(DuckDBAPI(con).register("recs"), settings, log_level=logging.ERROR)
        return self._linker

    def match_weights_chart(self) -> Offline:
        return Offline(self.linker().visualisations.match_weights_chart())

    def m_u_chart(self) -> Offline:
        return Offline(self.linker().visualisations.m_u_parameters_chart())

    def histogram(self, link: float, review: float) -> Offline:
        return Offline(weight_histogram(self.pairs, weight_of(link), weight_of(review)))

    def curve_chart(self) -> Offline:
        return Offline(threshold_curve_chart(self.curve()))

    def estimates_chart(self) -> Offline | str:
        if self.sample is None:
            return "no accuracy sample drawn yet: linkage review sample --size 300 --out sheet.csv"
        e = estimate(self.sample.strata, self.sample.decisions)
        title = f"sample {self.sample.sample_id}: {e.decided:,} of {e.drawn:,} pairs decided (95% intervals)"
        return Offline(interval_chart(e.rows(), title))

    def waterfall(self, record_id_l: str, record_id_r: str) -> Offline:
        """Why a pair scores what it scores, field by field."""
        rows = self.records.filter(pl.col(C.RECORD_ID).is_in([record_id_l, record_id_r])).select(
            C.RECORD_ID, C.UID, *COMPARISON_COLUMNS
        )
        if rows.height != 2:
            raise ModelError(f"records {record_id_l} and {record_id_r} are not both in run {self.run_id}")
        left, right = (
            rows.filter(pl.col(C.RECORD_ID) == r).drop(C.RECORD_ID).row(0, named=True) for r in (record_id_l, record_id_r)
        )
        scored = self.linker().inference.score_pair(left, right).as_record_list()
        return Offline(self.linker().visualisations.waterfall_chart(scored, filter_nulls=False))

    # --- the choice -------------------------------------------------------------------------------------

    def save(self, name: str, link: float, review: float, by: str, notes: str = "") -> SavedModel:
        """Save the thresholds as a new accepted version of this model, with what they gave here."""
        thresholds = Thresholds(link=link, review=review)
        o = self.outcome(link, review)
        evaluation = {f"run {self.run_id} re-clustered at these thresholds": ", ".join(f"{k} {v}" for k, v in o.items())}
        return save_version(
            self.model,
            name,
            by=by,
            thresholds=thresholds,
            notes=notes,
            evaluation=evaluation,
            command=f"notebooks/tune_thresholds.ipynb (Workbench.save, run {self.run_id})",
            models_dir=self.models_dir,
        )
