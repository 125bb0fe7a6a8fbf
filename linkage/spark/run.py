"""`linkage dedupe --engine spark`: records to persons on Spark, Parquet in and out."""
from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from splink.backends.spark import SparkAPI, similarity_jar_location

from linkage import columns as C
from linkage.cases import CaseConfig
from linkage.model import Thresholds, for_record_count, resolve_model
from linkage.model.file_rates import adapted
from linkage.persons import NeverMerge
from linkage.rules import DEFAULT_RULES, SAME_CASE
from linkage.spark import stages
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


@dataclass
class SparkResult:
    persons_path: Path
    quarantine_path: Path
    model: str
    summary: dict = field(default_factory=dict)


def spark_session(config: SparkConfig) -> SparkSession:
    builder = SparkSession.builder.appName("linkage").config("spark.jars", similarity_jar_location()) \
        .config("spark.sql.shuffle.partitions", str(config.partitions)).config("spark.ui.enabled", "false") \
        .config("spark.sql.codegen.wholeStage", "false")  # Splink's CASE expressions outgrow Java's 64 KB methods
    if config.master:
        builder = builder.master(config.master)
    if (config.master or "").startswith("local"):  # tasks run this interpreter (with polars, splink)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    for key, value in config.conf:
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(config.checkpoint_dir or tempfile.mkdtemp(prefix="linkage-spark-"))
    return spark


def link_spark(paths: list[Path], persons_out: Path, quarantine_out: Path, config: SparkConfig = SparkConfig(),
               spark: SparkSession | None = None, referrals: CaseConfig | None = None,
               decisions_out: Path | None = None) -> SparkResult:
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
    records = stages.read_default_dates(records, defaults)
    n_records = records.count()
    blocked = stages.candidate_pairs(records, DEFAULT_RULES, SAME_CASE).persist(StorageLevel.MEMORY_AND_DISK)
    splink = for_record_count(model.splink, model.meta.trained_records, n_records)
    rates = stages.file_rates(spark, records, splink)
    splink = adapted(splink, rates)
    scored = stages.score(api, records, blocked, splink, t.review).persist(StorageLevel.MEMORY_AND_DISK)
    cc = stages.components(api, records, scored, t.review if referrals else t.link).persist(StorageLevel.MEMORY_AND_DISK)
    buckets = max(config.partitions, n_records // 20_000)
    roots = stages.persons(records, scored, cc, t.link, config.family_evidence, config.never_merge, buckets)
    people = _person_ids(records, roots).persist(StorageLevel.MEMORY_AND_DISK)
    if referrals is not None and decisions_out is not None:
        linked = records.join(people.select(C.UID, C.PERSON_ID), C.UID)
        decisions = referral_decisions(linked, scored, cc, replace(referrals, link_threshold=t.link), buckets)
        decisions.write.mode("overwrite").parquet(stages.uri(decisions_out))

    people.select(*PERSON_COLUMNS).write.mode("overwrite").parquet(stages.uri(persons_out))
    raw_columns = [c for c in prepared.columns if c in (*C.SCHEMA_COLUMNS, C.SOURCE_FILE, C.ROW_NUMBER, C.QUARANTINE_REASON)]
    quarantine.select(*raw_columns).write.mode("overwrite").parquet(stages.uri(quarantine_out))
    summary = _summary(prepared, people, blocked, scored, cc, n_records)
    summary.update(model=model.meta.name, thresholds={"link": t.link, "review": t.review},
                   default_dates=defaults.as_dict(), file_rates=rates,
                   seconds=round(time.perf_counter() - started, 1), engine="spark")
    for df in (prepared, blocked, scored, cc, people):
        df.unpersist()
    return SparkResult(persons_out, quarantine_out, model.meta.name, summary)


def _person_ids(records: DataFrame, roots: DataFrame) -> DataFrame:
    """A person's id is its first record's id ("P-" + the smallest record_id): deterministic and made
    without numbering the whole data set in one place."""
    with_root = records.select(C.UID, C.RECORD_ID, C.SOURCE_SYSTEM, C.CASE_ID, C.ROLE).join(roots, C.UID)
    ids = with_root.groupBy("root").agg(F.concat(F.lit("P-"), F.min(C.RECORD_ID)).alias(C.PERSON_ID))
    return with_root.join(ids, "root").select(C.UID, *PERSON_COLUMNS)


def _summary(prepared: DataFrame, people: DataFrame, blocked: DataFrame, scored: DataFrame, cc: DataFrame,
             n_records: int) -> dict:
    per_person = people.groupBy(C.PERSON_ID).agg(F.countDistinct(C.SOURCE_SYSTEM).alias("programs"))
    row = per_person.agg(F.count("*").alias("persons"), F.sum((F.col("programs") > 1).cast("int")).alias("multi")).first()
    biggest = cc.groupBy(stages.COMPONENT).count().agg(F.max("count")).first()[0]
    rows_read = prepared.count()
    return {"rows_read": rows_read, "rows_linked": n_records, "rows_quarantined": rows_read - n_records,
            "persons": row["persons"] or 0, "persons_multi_program": row["multi"] or 0,
            "candidate_pairs": blocked.count(), "pairs_at_review_or_above": scored.count(),
            "largest_component": biggest or 0}
