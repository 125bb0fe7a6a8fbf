"""`linkage dedupe --engine spark`: records to persons on Spark, Parquet in and out."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl
from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from splink.backends.spark import SparkAPI, similarity_jar_location

from linkage import columns as C
from linkage.cases import CaseConfig
from linkage.errors import InvalidInputError
from linkage.model import Thresholds, for_record_count, resolve_model
from linkage.model.file_rates import adapted
from linkage.persons import NeverMerge
from linkage.persons.ids import IdAssignment, assign_person_ids, event_rows
from linkage.rules import DEFAULT_RULES, SAME_CASE
from linkage.spark import stages
from linkage.spark.arrow import first_row, frame_of
from linkage.spark.cases import referral_decisions

PERSON_COLUMNS = (C.RECORD_ID, C.PERSON_ID, C.SOURCE_SYSTEM, C.CASE_ID, C.ROLE)


@dataclass(frozen=True)
class SparkConfig:
    """How to run on Spark. `master` None leaves it to spark-submit (a real cluster); `conf` is
    passed to the session as is (memory, partitions, ...)."""

    master: str | None = "local[2]"
    partitions: int = 8  # shuffle partitions and the spread of validation; raise with the data
    conf: tuple[tuple[str, str], ...] = ()
    checkpoint_dir: str | None = None  # Splink breaks lineage with checkpoints; default: a temp dir
    model: str | Path | None = None
    models_dir: Path | None = None
    thresholds: Thresholds | None = None
    family_evidence: bool = True
    never_merge: NeverMerge = NeverMerge()
    previous: Path | None = None  # the previous run's persons dataset: ids carry over as on DuckDB


@dataclass
class SparkResult:
    persons_path: Path
    quarantine_path: Path
    model: str
    summary: dict = field(default_factory=dict)


def spark_session(config: SparkConfig) -> SparkSession:
    builder = (
        SparkSession.builder.appName("linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", str(config.partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.codegen.wholeStage", "false")
    )  # Splink's CASE expressions outgrow Java's 64 KB methods
    if config.master:
        builder = builder.master(config.master)
    if (config.master or "").startswith("local"):  # tasks run this interpreter (with polars, splink)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    for key, value in config.conf:
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(config.checkpoint_dir or _temporary_checkpoints())
    return spark


def _temporary_checkpoints() -> str:
    """A checkpoint directory that goes when the process does (each was left behind: 1.3 MB a run)."""
    path = tempfile.mkdtemp(prefix="linkage-spark-")
    atexit.register(shutil.rmtree, path, True)
    return path


def link_spark(
    paths: list[Path],
    persons_out: Path,
    quarantine_out: Path,
    config: SparkConfig = SparkConfig(),
    spark: SparkSession | None = None,
    referrals: CaseConfig | None = None,
    decisions_out: Path | None = None,
) -> SparkResult:
    """Read, validate, standardize, block, score and cluster on Spark; write persons and quarantine as
    Parquet datasets, and with `referrals` the referral decisions. Only counts come back to the driver."""
    started = time.perf_counter()
    spark = spark or spark_session(config)
    api = SparkAPI(spark_session=spark)
    model = resolve_model(config.model, config.models_dir)
    t = config.thresholds or model.meta.thresholds

    prepared = stages.prepare(stages.read_input(spark, paths), config.partitions).persist(StorageLevel.MEMORY_AND_DISK)
    records = prepared.filter(F.col(C.QUARANTINE_REASON).isNull()).drop(C.QUARANTINE_REASON)
    quarantine = prepared.filter(F.col(C.QUARANTINE_REASON).isNotNull())
    defaults = stages.default_dates(records)  # read as the DuckDB engine reads them
    blanked = stages.blanked_counts(records, defaults)
    records = stages.read_default_dates(records.drop(stages.BLANKED), defaults)
    cut = stages.cut_surnames(records)
    records, completed = stages.read_again(records, cut)
    records, turned_round = stages.read_again(records, stages.name_order(records))
    n_records = records.count()
    profile = stages.profile(records, n_records)
    # a person list: the look-alike patterns are left to the model, as on DuckDB (which also trains one)
    rules = config.never_merge.for_file(profile.person_list)
    blocked = stages.candidate_pairs(records, DEFAULT_RULES, SAME_CASE).persist(StorageLevel.MEMORY_AND_DISK)
    splink = for_record_count(model.splink, model.meta.trained_records, n_records)
    rates = stages.file_rates(spark, records, splink)
    splink = adapted(splink, rates)
    scored = stages.score(api, records, blocked, splink, t.review).persist(StorageLevel.MEMORY_AND_DISK)
    cc = stages.components(api, records, scored, t.review if referrals else t.link).persist(StorageLevel.MEMORY_AND_DISK)
    buckets = max(config.partitions, n_records // 20_000)
    roots = stages.persons(records, scored, cc, t.link, config.family_evidence, rules, buckets)
    people, ids = _person_ids(spark, records, roots, config.previous)
    people = people.persist(StorageLevel.MEMORY_AND_DISK)
    if referrals is not None and decisions_out is not None:
        linked = records.join(people.select(C.UID, C.PERSON_ID), C.UID)
        decisions = referral_decisions(linked, scored, cc, replace(referrals, link_threshold=t.link), buckets)
        decisions.write.mode("overwrite").parquet(stages.uri(decisions_out))

    people.select(*PERSON_COLUMNS).write.mode("overwrite").parquet(stages.uri(persons_out))
    event_rows(ids).write_parquet(persons_out.with_name(f"{persons_out.stem}.events.parquet"))
    kept = (*C.SCHEMA_COLUMNS, C.SOURCE_FILE, C.ROW_NUMBER, C.QUARANTINE_REASON, C.RAW_LINE)
    raw_columns = [c for c in prepared.columns if c in kept]
    quarantine.select(*raw_columns).write.mode("overwrite").parquet(stages.uri(quarantine_out))
    summary = _summary(prepared, people, blocked, scored, cc, n_records)
    summary.update(
        model=model.meta.name,
        thresholds={"link": t.link, "review": t.review},
        ids_kept=ids.kept,
        ids_new=ids.new,
        default_dates=defaults.as_dict(),
        names_turned_round=turned_round,
        cut_surnames=cut.as_dict(),
        surnames_completed=completed,
        fields_blanked=blanked,
        file_rates=rates,
        profile={**profile.as_dict(), "trained_on_file": False},
        seconds=round(time.perf_counter() - started, 1),
        engine="spark",
    )
    for df in (prepared, blocked, scored, cc, people):
        df.unpersist()
    return SparkResult(persons_out, quarantine_out, model.meta.name, summary)


def _person_ids(
    spark: SparkSession, records: DataFrame, roots: DataFrame, previous: Path | None
) -> tuple[DataFrame, IdAssignment]:
    """Person ids as the DuckDB engine gives them (`persons.ids`): each person keeps the previous run's
    id most of its records carried, the others get the next numbers. The record ids and their
    persons' roots come to the driver for it: two short strings a record."""
    with_root = records.select(C.UID, C.RECORD_ID, C.SOURCE_SYSTEM, C.CASE_ID, C.ROLE).join(roots, C.UID)
    frame = frame_of(with_root.select(C.UID, C.RECORD_ID, "root").toArrow()).sort(C.UID)
    before = _previous(previous)
    numbers = before[C.PERSON_ID].str.extract(r"^P(\d+)$").cast(pl.Int64, strict=False).drop_nulls()
    ids = assign_person_ids(
        frame[C.RECORD_ID], frame["root"].cast(pl.Int64).to_numpy(), before, int(numbers.max() or 0) + 1 if numbers.len() else 1
    )
    assigned = frame.select(C.UID).with_columns(ids.person_ids.alias(C.PERSON_ID)).to_pandas()
    return with_root.join(spark.createDataFrame(assigned), C.UID).select(C.UID, *PERSON_COLUMNS), ids


def _previous(path: Path | None) -> pl.DataFrame:
    """record_id, person_id of the previous run's persons dataset (none: an empty frame)."""
    if path is None:
        return pl.DataFrame(schema={C.RECORD_ID: pl.String, C.PERSON_ID: pl.String})
    source = path / "*.parquet" if path.is_dir() else path
    try:
        return pl.read_parquet(source, columns=[C.RECORD_ID, C.PERSON_ID])
    except Exception as e:  # noqa: BLE001 - polars raises several kinds for an unreadable file
        raise InvalidInputError(f"--previous {path}: not a persons dataset of an earlier run ({e})") from e


def _summary(
    prepared: DataFrame, people: DataFrame, blocked: DataFrame, scored: DataFrame, cc: DataFrame, n_records: int
) -> dict:
    per_person = people.groupBy(C.PERSON_ID).agg(F.countDistinct(C.SOURCE_SYSTEM).alias("programs"))
    row = first_row(per_person.agg(F.count("*").alias("persons"), F.sum((F.col("programs") > 1).cast("int")).alias("multi")))
    biggest = first_row(cc.groupBy(stages.COMPONENT).count().agg(F.max("count")))[0]
    rows_read = prepared.count()
    return {
        "rows_read": rows_read,
        "rows_linked": n_records,
        "rows_quarantined": rows_read - n_records,
        "persons": row["persons"] or 0,
        "persons_multi_program": row["multi"] or 0,
        "candidate_pairs": blocked.count(),
        "pairs_at_review_or_above": scored.count(),
        "largest_component": biggest or 0,
    }
