"""The batch person linkage, one stage after another:

records -> validated (quarantine kept) -> standardized -> candidate pairs -> scored pairs
        -> persons (constrained clusters + family evidence) -> stable person ids
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl
from splink import DuckDBAPI

from blocking import BlockingReport, KeyRule, candidate_pairs, rule_columns
from linkage import columns as C
from linkage.errors import ModelError
from linkage.ingest import read_records, validate
from linkage.model import (
    ModelMeta,
    SavedModel,
    Thresholds,
    TrainingConfig,
    for_record_count,
    model_digest,
    resolve_model,
    score,
    train,
)
from linkage.model.comparisons import COMPARISON_COLUMNS
from linkage.model.file_rates import adapted, read_rates
from linkage.model.score import SCORE_COLUMNS, score_table
from linkage.persons import (
    CLUSTER_COLUMNS,
    FITS_TWO,
    Clusters,
    IdAssignment,
    NeverMerge,
    RecordFacts,
    ambiguous_links,
    apply_family_evidence,
    assign_person_ids,
    cluster_edges,
    cyclic_gc_paused,
)
from linkage.persons.entered_twice import entered_twice, within_one_case
from linkage.rules import DEFAULT_RULES, SAME_CASE
from linkage.standardize import standardize
from linkage.standardize.cut_surnames import CutSurnames
from linkage.standardize.default_dates import DefaultDates
from linkage.standardize.name_order import NameOrder
from linkage.standardize.profile import FileProfile
from linkage.store import work_connection
from linkage.store.review import MATCH, NOT_A_MATCH

Progress = Callable[[str], None]


BELOW_REVIEW_SCHEMA = pl.Schema(
    {"record_id_l": pl.String(), "record_id_r": pl.String(), "match_weight": pl.Float64(), "match_probability": pl.Float64()}
)


@dataclass(frozen=True)
class LinkConfig:
    """How to link. `model` names a version under models/ (or is a path; None: the latest accepted
    version); with `train=True` a new model is trained on the input instead, unsupervised."""

    model: str | Path | None = None
    models_dir: Path | None = None
    train: bool = False
    training: TrainingConfig = TrainingConfig()
    thresholds: Thresholds | None = None  # replaces the model's
    link_threshold: float | None = None  # or override one of them
    review_threshold: float | None = None
    rules: tuple[KeyRule, ...] = DEFAULT_RULES
    memory_limit: str | None = None  # DuckDB's for blocking and scoring (None: a quarter of the machine's memory)
    threads: int | None = None
    work_dir: Path | None = None  # where a run parks its records and DuckDB spills (default: the system's temp)
    family_evidence: bool = True
    never_merge: NeverMerge = NeverMerge()
    m_from: pl.DataFrame | None = None  # with train: pairs known to match (record_id_l, record_id_r), e.g.
    # a reviewer's "match" decisions; m-probabilities are re-estimated from them after EM
    profile: bool = True  # read the file's kind (`standardize.profile`): a person list is linked as one


@dataclass
class LinkResult:
    records: pl.DataFrame  # standardized, with person_id
    quarantine: pl.DataFrame
    blanked: pl.DataFrame  # one row per field blanked (source_file, row_number, record_id, field, reason)
    pairs: pl.DataFrame  # scored pairs at or above the review threshold, by record_id
    blocking: BlockingReport
    model: SavedModel
    ids: IdAssignment
    refused: Counter
    family_merges: int
    timings: dict[str, float] = field(default_factory=dict)
    default_dates: DefaultDates = DefaultDates()  # birth dates the input uses for "unknown"
    file_rates: dict = field(default_factory=dict)  # how often a person's values are wholly different here
    # one compared pair in `below_review_every` scored whatever its score, those under the review
    # threshold (by record_id): what the accuracy sample sees of the matches the model scored low
    below_review: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=BELOW_REVIEW_SCHEMA))
    below_review_every: int = 0
    profile: FileProfile = FileProfile()
    trained_here: bool = False  # the model was trained on this input (not a saved version)
    names_turned_round: int = 0  # records whose two names were read the other way round (NameOrder)
    cut_surnames: CutSurnames = CutSurnames()  # surnames a fixed-width field cut, and their completions
    surnames_completed: int = 0

    @property
    def rows_read(self) -> int:
        return self.records.height + self.quarantine.height

    def summary(self) -> dict:
        persons = self.records[C.PERSON_ID].n_unique() if self.records.height else 0
        # distinct (person, program) pairs, then persons seen twice: a group_by with a per-group
        # n_unique costs about 0.8 GB per million records, this a fifth of it
        multi = (
            (
                self.records.select(C.PERSON_ID, C.SOURCE_SYSTEM)
                .unique()
                .filter(pl.col(C.PERSON_ID).is_duplicated())[C.PERSON_ID]
                .n_unique()
            )
            if self.records.height
            else 0
        )
        return {
            "rows_read": self.rows_read,
            "rows_linked": self.records.height,
            "rows_quarantined": self.quarantine.height,
            "persons": persons,
            "persons_multi_program": multi,
            "fields_blanked": dict(sorted(Counter(self.blanked[C.QUARANTINE_REASON].to_list()).items())),
            "candidate_pairs": self.blocking.total_pairs,
            "pairs_at_review_or_above": self.pairs.height,
            "links_refused_by_rules": dict(self.refused),
            "family_merges": self.family_merges,
            "ids_kept": self.ids.kept,
            "ids_new": self.ids.new,
            "merges": sum(e.kind == "merge" for e in self.ids.events),
            "splits": sum(e.kind == "split" for e in self.ids.events),
            "model": self.model.meta.name,
            "model_digest": model_digest(self.model),
            "thresholds": {"link": self.thresholds.link, "review": self.thresholds.review},
            "default_dates": self.default_dates.as_dict(),
            "names_turned_round": self.names_turned_round,
            "cut_surnames": self.cut_surnames.as_dict(),
            "surnames_completed": self.surnames_completed,
            "file_rates": self.file_rates,
            "profile": {**self.profile.as_dict(), "trained_on_file": self.trained_here},
            "seconds": {k: round(v, 2) for k, v in self.timings.items()},
            "blocking": {"rules": [vars(r) for r in self.blocking.rules], "recall": self.blocking.recall},
        }

    @property
    def thresholds(self) -> Thresholds:
        return self.model.meta.thresholds


def link(
    paths: list[Path],
    config: LinkConfig = LinkConfig(),
    previous_ids: dict[str, str] | pl.DataFrame | None = None,
    next_seq: int = 1,
    progress: Progress = lambda stage: None,
    labels: pl.DataFrame | None = None,
    reviewed: pl.DataFrame | None = None,
) -> LinkResult:
    """Read, validate, standardize, block, score and cluster; nothing is written but a temporary file.

    labels: optional (record_id, label) truth; the blocking report then gives recall per rule.
    reviewed: clerical decisions (record_id_l, record_id_r, decision): a "not a match" is never
    merged, a "match" is linked unless a never-merge rule forbids it.
    """
    timings: dict[str, float] = {}

    @contextmanager
    def stage(name: str) -> Iterator[None]:
        progress(name)
        t0 = time.perf_counter()
        yield
        timings[name] = time.perf_counter() - t0

    with stage("read and validate"):
        validated = validate(read_records(paths))
        quarantine = validated.quarantine
        blanked = validated.blanked
    with tempfile.TemporaryDirectory(prefix="linkage_run_", dir=config.work_dir) as tmp:
        # The full frame waits on disk while DuckDB blocks and scores (it holds its own copy of what
        # those stages read) and while persons are clustered (from CLUSTER_COLUMNS only): at 5
        # million records it is several GB that would otherwise count in every stage's peak.
        parked = Path(tmp) / "records.parquet"
        with stage("standardize"):
            records = standardize(validated.records)
            del validated
            defaults = DefaultDates.find(records[C.DOB_STR])
            records, default_rows = defaults.apply(records)
            cut = CutSurnames.find(records)
            records, completed = cut.apply(records)
            records, turned_round = NameOrder.find(records).apply(records)
            blanked = pl.concat([blanked, unusable_ssns(records), default_rows])
            # one row group: read back, every column is one chunk, aligned with the person ids added
            # to it (misaligned chunks make every later select or group_by copy the whole frame)
            records.write_parquet(parked, compression="lz4", row_group_size=max(records.height, 1))
        ids_frame = records.select(C.UID, C.RECORD_ID)
        profile = FileProfile.read(records)
        config = as_profiled(config, profile)
        con = work_connection(config.memory_limit, config.threads, Path(tmp) / "spill")
        try:
            db_api = DuckDBAPI(con)
            with stage("block"):
                _load_records_table(con, records)
                blocking_input = records.select(C.UID, *dict.fromkeys((*SAME_CASE, *rule_columns(list(config.rules)))))
                del records
                report = candidate_pairs(
                    con, blocking_input, list(config.rules), "blocked_pairs", SAME_CASE, _labels_by_uid(labels, ids_frame)
                )
                del blocking_input
            with stage("train" if config.train else "load model"):
                model = _model(db_api, config, paths, ids_frame)
            t = config.thresholds or model.meta.thresholds
            model.meta.thresholds = Thresholds(link=config.link_threshold or t.link, review=config.review_threshold or t.review)
            with stage("score"):
                splink_model = for_record_count(model.splink, model.meta.trained_records, ids_frame.height)
                rates = read_rates(con, "std_records", splink_model, COMPARISON_COLUMNS) if ids_frame.height else {}
                splink_model = adapted(splink_model, rates)
                every = below_review_every(report.total_pairs)
                scored, below = (
                    _scored(con, db_api, splink_model, model.meta.thresholds.review, every)
                    if ids_frame.height
                    else (_no_pairs(), _no_pairs())
                )
        finally:
            con.close()
        with stage("cluster"):
            members = pl.read_parquet(parked, columns=list(CLUSTER_COLUMNS))
            clusters, family_merges = cluster_persons(
                members,
                scored,
                model.meta.thresholds.link,
                config.family_evidence,
                config.never_merge,
                reviewed_by_uid(reviewed, ids_frame),
            )
            del members
        with stage("assign ids"):
            ids = assign_person_ids(
                ids_frame[C.RECORD_ID], clusters.labels(), {} if previous_ids is None else previous_ids, next_seq
            )
            refused, held = clusters.refused, clusters.held
            del clusters
            records = pl.read_parquet(parked).with_columns(ids.person_ids.alias(C.PERSON_ID))
            pairs = _pairs_by_record(scored, ids_frame, held)
    return LinkResult(
        records,
        quarantine,
        blanked,
        pairs,
        report,
        model,
        ids,
        refused,
        family_merges,
        timings,
        defaults,
        rates,
        _by_record(below, ids_frame),
        every,
        profile,
        config.train,
        names_turned_round=turned_round,
        cut_surnames=cut,
        surnames_completed=completed,
    )


def as_profiled(config: LinkConfig, profile: FileProfile) -> LinkConfig:
    """The config a person list is linked with (`standardize.profile`): trained on the file when no
    model was named and the file is large enough, with the person-list rules unless other rules were
    given. Program records keep the config as given."""
    if not config.profile or not profile.person_list:
        return config
    train = config.train or (config.model is None and profile.trains)
    return replace(config, never_merge=config.never_merge.for_file(person_list=True), train=train)


BELOW_REVIEW_KEPT = 20_000  # about how many compared pairs are scored whatever their score
BELOW_REVIEW_EVERY = 200  # at most one in this many (a statewide run compares millions)


def below_review_every(compared: int) -> int:
    """One compared pair in how many is kept with its score however low: all of a small run's, about
    BELOW_REVIEW_KEPT of a large one's (0: nothing compared)."""
    return min(BELOW_REVIEW_EVERY, max(1, compared // BELOW_REVIEW_KEPT)) if compared else 0


def _scored(
    con: duckdb.DuckDBPyConnection, db_api: DuckDBAPI, splink_model: dict, review: float, every: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The compared pairs at or above the review threshold; and of a fixed one-in-`every` share of
    them (by a hash of the two records, so a re-run keeps the same ones), those under it: an accuracy
    sample drawn from these weighs each as `every` pairs (`review.sample`). One scoring gives both."""
    if not every:  # nothing compared
        return score(db_api, "std_records", "blocked_pairs", splink_model, min_probability=review), _no_pairs()
    table = score_table(db_api, "std_records", "blocked_pairs", splink_model, 0.0)
    cols = ", ".join(SCORE_COLUMNS)
    scored = con.sql(f"SELECT {cols} FROM {table} WHERE match_probability >= {review!r}").pl()
    below = con.sql(f"SELECT {cols} FROM {table} WHERE match_probability < {review!r} AND hash(uid_l, uid_r) % {every} = 0").pl()
    return scored, below


def _by_record(scored: pl.DataFrame, ids: pl.DataFrame) -> pl.DataFrame:
    """Scored pairs by record_id (`ids`: uid and record_id)."""
    return (
        scored.join(ids.rename({C.UID: "uid_l", C.RECORD_ID: "record_id_l"}), on="uid_l")
        .join(ids.rename({C.UID: "uid_r", C.RECORD_ID: "record_id_r"}), on="uid_r")
        .select("record_id_l", "record_id_r", "match_weight", "match_probability")
    )


INVALID_SSN = "ssn: not a number SSA issues (area 000, 666 or 9xx, group 00, serial 0000, or not 9 digits)"


def unusable_ssns(records: pl.DataFrame) -> pl.DataFrame:
    """SSNs standardization set aside as invalid, as blanked fields (placeholders are "unknown" by
    the contract, not errors)."""
    return records.filter(pl.col(C.SSN_STATUS) == "invalid").select(
        C.SOURCE_FILE,
        pl.col(C.ROW_NUMBER).cast(pl.Int64),
        C.RECORD_ID,
        pl.lit(C.SSN).alias(C.BLANKED_FIELD),
        pl.lit(INVALID_SSN).alias(C.QUARANTINE_REASON),
    )


def _labels_by_uid(labels: pl.DataFrame | None, ids_frame: pl.DataFrame) -> pl.DataFrame | None:
    """Truth (record_id, label) by uid, for the blocking report's recall."""
    if labels is None:
        return None
    return ids_frame.join(
        labels.select(pl.col(labels.columns[0]).alias(C.RECORD_ID), pl.col(labels.columns[1]).alias("label")), on=C.RECORD_ID
    ).select(C.UID, "label")


@cyclic_gc_paused()
def cluster_persons(
    records: pl.DataFrame,
    scored: pl.DataFrame,
    link_threshold: float,
    family_evidence: bool = True,
    never_merge: NeverMerge = NeverMerge(),
    reviewed: pl.DataFrame | None = None,
) -> tuple[Clusters, int]:
    """Constrained clustering of the pairs at or above the link threshold, then family evidence.

    reviewed: (uid_l, uid_r, decision) clerical decisions; they come before any score."""
    clusters = Clusters(RecordFacts.from_frame(records, never_merge))
    strong = scored.filter(pl.col("match_probability") >= link_threshold).select("uid_l", "uid_r", "match_weight")
    if reviewed is not None and reviewed.height:
        apart = reviewed.filter(pl.col("decision") == NOT_A_MATCH)
        clusters.keep_apart(apart["uid_l"].to_list(), apart["uid_r"].to_list())
        matched = reviewed.filter(pl.col("decision") == MATCH).select(
            "uid_l", "uid_r", pl.lit(float("inf")).alias("match_weight")
        )
        strong = pl.concat([matched, strong], how="vertical_relaxed")
    if never_merge.same_case:  # the cases say who is two people (but for a person typed twice into one)
        one_person = (
            clusters.labels()
            if clusters.join_one_person(entered_twice(records, clusters.facts), within_one_case(clusters.facts))
            else None
        )
        unsure = (
            pl.Series(
                ambiguous_links(
                    records, clusters.facts, strong["uid_l"].to_numpy(), strong["uid_r"].to_numpy(), one_person=one_person
                )
            )
            & strong["match_weight"].is_finite()
        )
        clusters.refused[FITS_TWO] += int(unsure.sum())
        doubt = strong.filter(unsure)
        clusters.held.extend(zip(doubt["uid_l"].to_list(), doubt["uid_r"].to_list()))
        strong = strong.filter(~unsure)
    cluster_edges(clusters, strong["uid_l"].to_numpy(), strong["uid_r"].to_numpy(), strong["match_weight"].to_numpy())
    merges = apply_family_evidence(clusters, records) if family_evidence else 0
    return clusters, merges


def reviewed_by_uid(reviewed: pl.DataFrame | None, records: pl.DataFrame) -> pl.DataFrame | None:
    """Decisions on pairs of records both in this run, by uid (a decision on a record that is gone
    is kept in the store but has nothing to act on)."""
    if reviewed is None or not reviewed.height:
        return None
    ids = records.select(C.UID, C.RECORD_ID)
    return (
        reviewed.select("record_id_l", "record_id_r", "decision")
        .join(ids.rename({C.UID: "uid_l", C.RECORD_ID: "record_id_l"}), on="record_id_l")
        .join(ids.rename({C.UID: "uid_r", C.RECORD_ID: "record_id_r"}), on="record_id_r")
        .select("uid_l", "uid_r", "decision")
    )


def _load_records_table(con, records: pl.DataFrame) -> None:
    con.register("__std_src", records.select(C.UID, C.SOURCE_SYSTEM, C.CASE_ID, *COMPARISON_COLUMNS))
    con.execute("CREATE OR REPLACE TABLE std_records AS SELECT * FROM __std_src")
    con.unregister("__std_src")


def _model(db_api: DuckDBAPI, config: LinkConfig, paths: list[Path], ids: pl.DataFrame) -> SavedModel:
    """`ids`: uid and record_id of the input."""
    if not config.train:
        return resolve_model(config.model, config.models_dir)
    labels_table = None
    if config.m_from is not None:
        matched = reviewed_by_uid(config.m_from.with_columns(pl.lit(MATCH).alias("decision")), ids)
        if matched is None or not matched.height:
            raise ModelError("none of the labelled match pairs is in this input: m cannot be trained from them")
        db_api.duckdb_con.register("__m_labels", matched.select("uid_l", "uid_r"))
        db_api.duckdb_con.execute("CREATE OR REPLACE TABLE m_labels AS SELECT * FROM __m_labels")
        labels_table = "m_labels"
    splink_model = train(db_api, "std_records", config.training, labels_table)
    n_records = ids.height
    meta = ModelMeta(
        name=str(config.model or "trained on the input"),
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        trained_on=", ".join(str(p) for p in paths),
        command="linkage dedupe --train",
        thresholds=config.thresholds or Thresholds(),
        trained_records=n_records,
    )
    return SavedModel(splink_model, meta)


def _no_pairs() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "uid_l": pl.Int64,
            "uid_r": pl.Int64,
            "match_weight": pl.Float64,
            "match_probability": pl.Float64,
            "match_key": pl.String,
        }
    )


def _pairs_by_record(scored: pl.DataFrame, ids: pl.DataFrame, held: list[tuple[int, int]]) -> pl.DataFrame:
    """`held`: links at or above the link threshold that clustering did not take because a record fits
    two people of one case; flagged so that they go to clerical review, where a "match" settles them.
    `ids`: uid and record_id."""
    doubt = pl.DataFrame(held, schema={"uid_l": pl.Int64, "uid_r": pl.Int64}, orient="row").with_columns(
        pl.lit(True).alias("held")
    )
    return (
        scored.join(doubt, on=["uid_l", "uid_r"], how="left")
        .with_columns(pl.col("held").fill_null(False))
        .join(ids.rename({C.UID: "uid_l", C.RECORD_ID: "record_id_l"}), on="uid_l")
        .join(ids.rename({C.UID: "uid_r", C.RECORD_ID: "record_id_r"}), on="uid_r")
        .select("record_id_l", "record_id_r", "match_weight", "match_probability", "match_key", "held")
    )
