"""The pipeline's stages as Spark transformations; each reuses the DuckDB engine's own code for the
part of the work that is per record or per connected component."""

from __future__ import annotations

import logging
import re
from datetime import date
from functools import reduce
from pathlib import Path

import polars as pl
import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import BooleanType, LongType, StringType, StructField, StructType
from splink import Linker
from splink.backends.spark import SparkAPI
from splink.clustering import cluster_pairwise_predictions_at_threshold

from blocking import KeyRule
from blocking.rules import record_keys
from linkage import columns as C
from linkage.errors import InvalidInputError, ModelError
from linkage.ingest import validate
from linkage.ingest.read import header_plan
from linkage.ingest.tolerant import RAW_LINE_CHARS, malformed
from linkage.model.comparisons import COMPARISON_COLUMNS
from linkage.model.file_rates import rates_by
from linkage.persons import CLUSTER_COLUMNS, NeverMerge
from linkage.pipeline import INVALID_SSN, cluster_persons
from linkage.spark.arrow import first_row, frame_of, per_partition, spark_schema
from linkage.spark.dialect import spark_condition, spark_model
from linkage.standardize import standardize
from linkage.standardize.cut_surnames import CutSurnames, completions, cut_widths
from linkage.standardize.default_dates import DAY_COLUMNS, UNKNOWN, YEAR_ONLY, DefaultDates
from linkage.standardize.name_order import NameOrder
from linkage.standardize.profile import FileProfile

POS = "_pos"  # input order: the uid, as the DuckDB engine numbers records in file order
BLANKED = "_blanked"  # the reasons validation blanked a record's fields for
CORRUPT = "_corrupt_line"  # Spark's name for a line it could not split into the header's fields
WIDTH = "_header_width"  # fields in the header of the row's file
LINE = "_line"  # the row's line in its CSV file (1: the header), for a malformed line's reason
COMPONENT = "cluster_id"


# --- read -----------------------------------------------------------------------------------------------


def read_input(spark: SparkSession, paths: list[Path]) -> DataFrame:
    """All files as text in the schema's columns, with source_file and the input order."""
    if not paths:
        raise InvalidInputError("no input files were given")
    frames = [_read_one(spark, Path(p)) for p in paths]
    df = reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), frames)
    return df.withColumn(POS, F.monotonically_increasing_id())


def uri(path: Path | str) -> str:
    """A path as Spark should see it: `s3a://bucket/x` survives the command line's Path, which folds
    the double slash."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*):/(?!/)", r"\1://", str(path))


def _read_one(spark: SparkSession, path: Path) -> DataFrame:
    local = "://" not in uri(path)
    if local and not path.exists():
        raise InvalidInputError(f"{path}: file not found")
    if local and path.is_file() and path.stat().st_size == 0:
        raise InvalidInputError(f"{path}: file is empty (expected a header row with the columns {', '.join(C.REQUIRED_COLUMNS)})")
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        df, raw_line, line = spark.read.parquet(uri(path)), F.lit(None).cast("string"), F.lit(None).cast("long")
    elif suffix in (".csv", ".txt", ""):
        df, raw_line, line = _read_csv(spark, path), F.col(CORRUPT), F.col(LINE)
    else:
        raise InvalidInputError(f"{path}: unknown file type '{suffix}' (use .csv or .parquet)")
    columns = [c for c in df.columns if c not in (CORRUPT, LINE)]
    renames, absent = header_plan(columns, path)
    return df.select(
        *[F.col(f"`{c}`").cast("string").alias(renames[c]) for c in columns],
        *[F.lit(None).cast("string").alias(c) for c in absent],
        F.lit(uri(path)).alias(C.SOURCE_FILE),
        F.lit(None).cast("long").alias(C.ROW_NUMBER),
        raw_line.alias(C.RAW_LINE),
        F.lit(len(columns)).alias(WIDTH),
        line.alias(LINE),
    )


def _read_csv(spark: SparkSession, path: Path) -> DataFrame:
    """Every header column as text, the line each row stands on (LINE), and each line that is not
    exactly the header's fields in CORRUPT (a short row, a row with more fields, a quote never
    closed): `_read_problems` sorts them in the tasks as the DuckDB engine's reader does. Lines are
    read as text and each parsed by Spark's own CSV parser (`from_csv`, as `spark.read.csv` would in
    PERMISSIVE mode), so a quoted field is read within one line."""
    header = spark.read.option("header", True).option("encoding", "UTF-8").csv(uri(path)).columns
    ddl = ", ".join(f"`{c.replace('`', '``')}` STRING" for c in [*header, CORRUPT])
    lines = _numbered_lines(spark, path).filter((F.col(LINE) > 1) & (F.col("value") != ""))  # the header; blank lines
    parsed = F.from_csv("value", ddl, {"mode": "PERMISSIVE", "columnNameOfCorruptRecord": CORRUPT})
    return lines.select(parsed.alias("_row"), LINE).select("_row.*", LINE)


def _numbered_lines(spark: SparkSession, path: Path) -> DataFrame:
    """(value, LINE) of a text file without collecting it: a first pass counts the lines of each
    split (a byte range of the file, `input_file_block_start`), and a line's number is the lines of
    the splits before its own plus its place in its split (rows of one split are read in order)."""
    text = (
        spark.read.option("encoding", "UTF-8")
        .text(uri(path))
        .select(
            "value",
            F.input_file_block_start().alias("_start"),
            F.monotonically_increasing_id().alias("_id"),
        )
    )
    splits = text.groupBy("_start").agg(F.count(F.lit(1)).alias("_n"), F.min("_id").alias("_first")).orderBy("_start").collect()
    before, offsets = 0, []
    for row in splits:
        offsets.append((row["_start"], row["_first"], before))
        before += row["_n"]
    table = spark.createDataFrame(offsets, "_start long, _first long, _before long")
    return text.join(F.broadcast(table), on="_start").select(
        "value", (F.col("_before") + F.col("_id") - F.col("_first") + 1).alias(LINE)
    )


def _read_problems(part: pl.DataFrame) -> pl.DataFrame:
    """READ_PROBLEM for the lines Spark set aside that are not rows (their fields all blanked, as the
    DuckDB engine's reader leaves them, and their line named as it names them); a short row keeps
    its fields and loses its raw line."""
    problems = [
        None if raw is None else malformed(raw, width, "" if line is None else f" at line {line}")
        for raw, width, line in zip(part[C.RAW_LINE].to_list(), part[WIDTH].to_list(), part[LINE].to_list())
    ]
    problem = pl.Series(C.READ_PROBLEM, problems, dtype=pl.String)
    bad = problem.is_not_null()
    fields = [c for c in part.columns if c in C.SCHEMA_COLUMNS]
    return part.with_columns(problem).with_columns(
        *[pl.when(bad).then(None).otherwise(pl.col(c)).alias(c) for c in fields],
        pl.when(bad).then(pl.col(C.RAW_LINE).str.slice(0, RAW_LINE_CHARS)).alias(C.RAW_LINE),
    )


# --- validate and standardize ---------------------------------------------------------------------------


def prepare(raw: DataFrame, partitions: int, today: date | None = None) -> DataFrame:
    """Validated, standardized records and quarantined rows in one frame (`reason` set on the latter).

    Rows are spread by record_id, so every duplicate of an id meets its first occurrence in one task,
    which keeps the earliest (by input order) as the DuckDB engine does."""
    today = today or date.today()
    columns = raw.columns

    def run(part: pl.DataFrame) -> pl.DataFrame:
        checked = validate(_read_problems(part.sort(POS)).drop(WIDTH, LINE), today)
        records = standardize(checked.records.with_columns(pl.col(POS).alias(C.UID)))
        both = pl.concat([_with_blanked(records, checked.blanked), checked.quarantine], how="diagonal_relaxed")
        return both.select(example.columns).cast(example.schema)

    empty = pl.DataFrame(schema={c: (pl.Int64 if c in (POS, C.ROW_NUMBER, WIDTH, LINE) else pl.String) for c in columns})
    checked = validate(_read_problems(empty).drop(WIDTH, LINE), today)
    example = pl.concat(
        [_with_blanked(standardize(checked.records.with_columns(pl.col(POS).alias(C.UID))), checked.blanked), checked.quarantine],
        how="diagonal_relaxed",
    )
    return raw.repartition(partitions, C.RECORD_ID).mapInArrow(per_partition(run, spark_schema(example)), spark_schema(example))


def _with_blanked(records: pl.DataFrame, blanked: pl.DataFrame) -> pl.DataFrame:
    """Each record with the reasons validation blanked its fields for (BLANKED: a list, often empty):
    they travel with the record and are counted where the data is (`blanked_counts`)."""
    reasons = blanked.group_by(C.RECORD_ID).agg(pl.col(C.QUARANTINE_REASON).alias(BLANKED))
    return records.join(reasons, on=C.RECORD_ID, how="left", maintain_order="left").with_columns(
        pl.col(BLANKED).fill_null(pl.lit([], dtype=pl.List(pl.String)))
    )


def blanked_counts(records: DataFrame, defaults: DefaultDates) -> dict[str, int]:
    """Fields blanked, by reason, as the DuckDB engine counts them: validation's, SSNs no one was
    issued, and birth dates the file uses for "unknown" (from `records` before they are read so)."""
    reasons = records.select(F.explode(BLANKED).alias("reason"))
    invalid = records.filter(F.col(C.SSN_STATUS) == "invalid").select(F.lit(INVALID_SSN).alias("reason"))
    unknown = F.col(C.DOB_STR).isin(sorted(defaults.unknown))
    year_only = F.substring(C.DOB_STR, 5, 4).isin(sorted(defaults.year_only))
    dates = records.select(F.when(unknown, F.lit(UNKNOWN)).when(year_only, F.lit(YEAR_ONLY)).alias("reason")).filter(
        F.col("reason").isNotNull()
    )
    counted = reasons.unionByName(invalid).unionByName(dates).groupBy("reason").count().collect()
    return dict(sorted((r["reason"], int(r["count"])) for r in counted))


def profile(records: DataFrame, n_records: int) -> FileProfile:
    """`FileProfile.read` from counts made where the data is."""
    sizes = records.groupBy(C.SOURCE_SYSTEM, C.CASE_ID).count()
    cases, largest = first_row(sizes.agg(F.count("*"), F.max("count")))
    return FileProfile.of(n_records, int(cases or 0), int(largest or 0))


def default_dates(records: DataFrame) -> DefaultDates:
    """The birth dates the input uses for "unknown", from counts made where the data is."""
    counts = records.filter(F.col(C.DOB_STR).isNotNull()).groupBy(F.col(C.DOB_STR).alias("d")).count()
    return DefaultDates.from_counts(frame_of(counts.toArrow()).rename({"count": "len"}))


def read_default_dates(records: DataFrame, defaults: DefaultDates) -> DataFrame:
    """`DefaultDates.apply` in Spark: a year-only day keeps the year, an unknown date nothing."""
    if not defaults:
        return records
    unknown = F.col(C.DOB_STR).isin(sorted(defaults.unknown))
    default = unknown | F.substring(C.DOB_STR, 5, 4).isin(sorted(defaults.year_only))
    return records.select(
        *[
            F.when(default, F.lit(None)).otherwise(F.col(c)).alias(c)
            if c in DAY_COLUMNS
            else F.when(unknown, F.lit(None)).otherwise(F.col(c)).alias(c)
            if c == C.DOB_YEAR
            else F.col(c)
            for c in records.columns
        ]
    )


def name_order(records: DataFrame) -> NameOrder:
    """The words the input uses as first names and as surnames (`NameOrder`), counted where the data is."""

    def counted(column: str, name: str) -> DataFrame:
        return records.select(F.explode(F.array_distinct(column)).alias("word")).groupBy("word").agg(F.count("*").alias(name))

    counts = counted(C.FN_TOKENS, "as_first").join(counted(C.SN_TOKENS, "as_surname"), "word", "full").fillna(0)
    return NameOrder.from_counts(frame_of(counts.toArrow()))


def read_again(records: DataFrame, finding: NameOrder | CutSurnames) -> tuple[DataFrame, int]:
    """A file-level finding's `apply` in each partition (names read turned round, cut surnames
    completed), and how many records it read again."""
    if not finding:
        return records, 0
    columns = records.columns
    counts = StructType([StructField("n", LongType())])
    n = first_row(
        records.mapInArrow(per_partition(lambda part: pl.DataFrame({"n": [finding.apply(part)[1]]}), counts), counts).agg(
            F.sum("n")
        )
    )[0]
    read = records.mapInArrow(per_partition(lambda part: finding.apply(part)[0].select(columns), records.schema), records.schema)
    return read, int(n or 0)


def cut_surnames(records: DataFrame) -> CutSurnames:
    """`CutSurnames.find` from counts made where the data is."""
    lengths = records.groupBy(C.SOURCE_SYSTEM, F.length(F.trim(C.LAST_NAME)).alias("n")).count()
    widths = cut_widths(frame_of(lengths.toArrow()).rename({"count": "len"}))
    if not widths:
        return CutSurnames()
    found = CutSurnames(widths)
    schema = StructType([StructField("word", StringType()), StructField("cut", BooleanType())])

    def words(part: pl.DataFrame) -> pl.DataFrame:
        cut = found.may_be_cut(part)
        whole = part.filter(~cut).select(pl.col(C.SN_TOKENS).list.unique().alias("word")).explode("word")
        return pl.concat(
            [
                whole.drop_nulls().with_columns(pl.lit(False).alias("cut")),
                part.filter(cut)
                .select(pl.col(C.SN_TOKENS).list.last().alias("word"))
                .drop_nulls()
                .with_columns(pl.lit(True).alias("cut")),
            ]
        )

    got = frame_of(records.mapInArrow(per_partition(words, schema), schema).groupBy("word", "cut").count().toArrow())
    got = got.rename({"count": "len"})
    whole = got.filter(~pl.col("cut")).select("word", "len")
    return CutSurnames(widths, completions(got.filter(pl.col("cut"))["word"].to_list(), whole))


def file_rates(spark: SparkSession, records: DataFrame, splink_model: dict) -> dict[str, dict]:
    """`model.file_rates.read_rates` in Spark SQL: the same anchor pairs, the levels in Spark's dialect."""
    records.select(C.UID, C.SOURCE_SYSTEM, C.CASE_ID, *COMPARISON_COLUMNS).createOrReplaceTempView("std_records")
    return rates_by(
        lambda sql: tuple(first_row(spark.sql(sql))), "std_records", splink_model, COMPARISON_COLUMNS, dialect=spark_condition
    )


# --- block ----------------------------------------------------------------------------------------------


def candidate_pairs(records: DataFrame, rules: tuple[KeyRule, ...], exclude_same: tuple[str, ...]) -> DataFrame:
    """(match_key, join_key_l, join_key_r): the DuckDB engine's pairs, from the same keys."""
    key_schema = spark_schema(
        pl.DataFrame(schema={"rule": pl.Int32, "uid": pl.Int64, "key": pl.Int64, "missing": pl.Boolean, "grp": pl.Int64})
    )
    needed = sorted(
        {C.UID, *exclude_same, *(c for r in rules for c in r.columns), *(r.only_if_missing for r in rules if r.only_if_missing)}
    )

    def keys(part: pl.DataFrame) -> pl.DataFrame:
        grp = pl.struct(list(exclude_same)).hash(seed=99) if exclude_same else pl.lit(0, pl.UInt64)
        groups = part.select(pl.col(C.UID).alias("uid"), grp.reinterpret(signed=True).alias("grp"))
        out = [
            record_keys(part, rule)
            .join(groups, on="uid")
            .select(pl.lit(i, pl.Int32).alias("rule"), "uid", pl.col("key").reinterpret(signed=True), "missing", "grp")
            for i, rule in enumerate(rules)
        ]
        return pl.concat(out)

    k = records.select(*needed).mapInArrow(per_partition(keys, key_schema), key_schema)
    max_size = F.lit(0)
    for i, rule in enumerate(rules):
        max_size = F.when(F.col("rule") == i, F.lit(rule.max_block_size)).otherwise(max_size)
    only_if_missing = [i for i, r in enumerate(rules) if r.only_if_missing]
    sizes = k.groupBy("rule", "key").count().filter((F.col("count") > 1) & (F.col("count") <= max_size))
    k = k.join(sizes.select("rule", "key"), ["rule", "key"], "left_semi")
    a, b = k.alias("a"), k.alias("b")
    cond = [F.col("a.rule") == F.col("b.rule"), F.col("a.key") == F.col("b.key"), F.col("a.uid") < F.col("b.uid")]
    if exclude_same:
        cond.append(F.col("a.grp") != F.col("b.grp"))
    pairs = a.join(b, cond).where(
        ~F.col("a.rule").isin(only_if_missing) | F.col("a.missing") | F.col("b.missing") if only_if_missing else F.lit(True)
    )
    return pairs.groupBy(F.col("a.uid").alias("join_key_l"), F.col("b.uid").alias("join_key_r")).agg(
        F.min("a.rule").cast("string").alias("match_key")
    )


# --- score ----------------------------------------------------------------------------------------------


def score(api: SparkAPI, records: DataFrame, blocked: DataFrame, splink_model: dict, min_probability: float) -> DataFrame:
    """(uid_l, uid_r, match_weight, match_probability) at or above `min_probability`, by Splink on Spark."""
    try:
        linker = Linker(
            api.register(records.select(C.UID, *COMPARISON_COLUMNS)), spark_model(splink_model), log_level=logging.ERROR
        )
    except Exception as e:  # noqa: BLE001 - Splink raises many types for a bad model
        raise ModelError(f"the model cannot be used with these records on Spark: {e}") from e
    linker.table_management.register_blocked_pairs_for_predict(api.register(blocked))
    pred = linker.inference.predict(threshold_match_probability=min_probability, warning_mode="never")
    return pred.as_spark_dataframe().select("uid_l", "uid_r", "match_weight", "match_probability", "match_key")


# --- persons --------------------------------------------------------------------------------------------


def components(api: SparkAPI, records: DataFrame, scored: DataFrame, at: float) -> DataFrame:
    """(uid, cluster_id): connected components of the pairs at or above `at` and of case membership.

    A case's records are in one component, so family evidence, which links people through their cases,
    never needs a record outside it. With `at` the review threshold (referrals), a component also
    holds every case a referral could be decided against."""
    strong = scored.filter(F.col("match_probability") >= at).select("uid_l", "uid_r")
    roots = records.groupBy(C.SOURCE_SYSTEM, C.CASE_ID).agg(F.min(C.UID).alias("root"))
    same_case = (
        records.join(roots, [C.SOURCE_SYSTEM, C.CASE_ID])
        .filter(F.col(C.UID) != F.col("root"))
        .select(F.col("root").alias("uid_l"), F.col(C.UID).alias("uid_r"))
    )
    cc = cluster_pairwise_predictions_at_threshold(
        api.register(records.select(C.UID)),
        api.register(strong.unionByName(same_case)),
        db_api=api,
        node_id_column_name=C.UID,
        edge_id_column_name_left="uid_l",
        edge_id_column_name_right="uid_r",
    )
    return cc.as_spark_dataframe().select(C.UID, COMPONENT)


def persons(
    records: DataFrame,
    scored: DataFrame,
    cc: DataFrame,
    link: float,
    family_evidence: bool,
    never_merge: NeverMerge,
    buckets: int,
) -> DataFrame:
    """(uid, root): components clustered by the DuckDB engine's own function, many components to a
    task (`buckets` tasks: one call per component cost more than the clustering); a component is
    never split between tasks, and components do not interact, so the result is the DuckDB
    engine's. `root` is the smallest uid of the person."""
    bucket = F.pmod(F.xxhash64(COMPONENT), F.lit(buckets))
    nodes = records.select(*CLUSTER_COLUMNS).join(cc, C.UID).withColumn("bucket", bucket).drop(COMPONENT)
    edge_cc = cc.select(F.col(C.UID).alias("uid_l"), F.col(COMPONENT)).withColumn("edge_bucket", bucket)
    edges = (
        scored.filter(F.col("match_probability") >= link)
        .join(edge_cc, "uid_l")
        .select("edge_bucket", "uid_l", "uid_r", "match_weight", "match_probability")
    )
    out_schema = spark_schema(pl.DataFrame(schema={C.UID: pl.Int64, "root": pl.Int64}))

    def cluster(nodes_t, edges_t):  # pyarrow Tables of one bucket of whole components
        recs = frame_of(nodes_t).drop("bucket").sort(C.UID)
        glob = recs[C.UID].to_numpy()
        local = pl.DataFrame({"g": glob, "i": range(recs.height)}, schema={"g": pl.Int64, "i": pl.Int64})
        e = (
            frame_of(edges_t)
            .join(local.rename({"g": "uid_l", "i": "l"}), on="uid_l")
            .join(local.rename({"g": "uid_r", "i": "r"}), on="uid_r")
            .select(pl.col("l").alias("uid_l"), pl.col("r").alias("uid_r"), "match_weight", "match_probability")
        )
        clusters, _ = cluster_persons(
            recs.with_columns(pl.Series(C.UID, range(recs.height), dtype=pl.Int64)), e, link, family_evidence, never_merge
        )
        return pa.table({C.UID: glob, "root": glob[clusters.labels()]})

    return nodes.groupBy("bucket").cogroup(edges.groupBy("edge_bucket")).applyInArrow(cluster, out_schema)
