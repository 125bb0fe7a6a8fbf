"""`linkage dedupe` and `linkage train`: persons from program records, and models from them."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.table import Table

from linkage.cli.common import (
    PERSONS_FILE_COLUMNS,
    DbOpt,
    ModelOpt,
    ModelsDirOpt,
    RecordsArg,
    WorkDirOpt,
    check_memory_limit,
    check_output,
    check_thresholds,
    exit_on_alarm,
    fail,
    link_and_publish,
    out_console,
    print_run_summary,
    read_labels,
    read_store,
    run_with_progress,
    write_table,
)
from linkage.cli.spark_engine import dedupe_on_spark
from linkage.errors import InvalidInputError, LinkageError, ModelError
from linkage.ingest.service_added import read_added
from linkage.model import ModelMeta, SavedModel, Thresholds, accept, resolve_model, save_model
from linkage.model.comparisons import COMPARISON_COLUMNS
from linkage.model.file_rates import as_run_scored
from linkage.model.inmemory import PairScorer
from linkage.model.registry import check_new_name
from linkage.persons.explain import EXPLAIN_COLUMNS, explain
from linkage.pipeline import LinkConfig
from linkage.store import last_run_model, load_people, read_events, run_model
from linkage.store.review import MATCH
from linkage.store.review import read_labels as read_review_labels


def register(app: typer.Typer) -> None:
    app.command()(dedupe)
    app.command("train")(train_cmd)
    app.command("explain")(explain_cmd)
    app.command("events")(events_cmd)
    app.command("runs")(runs_cmd)


def runs_cmd(
    db: DbOpt = Path("linkage.duckdb"), limit: Annotated[int, typer.Option(min=1, help="the latest runs shown")] = 20
) -> None:
    """The store's runs, newest first: status, counts, and the alarms each raised against the one before
    (a run killed before publishing shows as failed once the next one starts)."""
    if not db.exists():
        fail(f"--db {db}: no such store (run `linkage dedupe ... --db {db}` first)", 1)
    rows = read_store(
        db,
        lambda con: con.execute(
            "SELECT run_id, status, started_at, finished_at, rows_read, persons, summary, error FROM runs "
            "ORDER BY run_id DESC LIMIT ?",
            [limit],
        ).fetchall(),
    )
    t = Table(title=f"runs in {db}", title_justify="left")
    for c in ("run", "status", "started (UTC)", "rows read", "persons", "alarms against the run before"):
        t.add_column(c)
    for run_id, status, started, _, read, persons, summary, error in rows:
        alarms = json.loads(summary or "{}").get("alarms") or []
        t.add_row(
            str(run_id),
            status,
            f"{started:%Y-%m-%d %H:%M}" if started else "",
            f"{read or 0:,}",
            f"{persons or 0:,}",
            error if status == "failed" else ("; ".join(alarms) or "none"),
        )
    out_console.print(t)


def events_cmd(
    out: Annotated[Path, typer.Option("--out", help="the events (.csv, .parquet or .jsonl)")],
    since: Annotated[int, typer.Option("--since", min=0, help="events of the runs after this run id (0: all)")] = 0,
    db: DbOpt = Path("linkage.duckdb"),
) -> None:
    """Person id changes of the runs after --since, for case systems that keep person ids: merge (the id
    that remains and the ids merged into it), split (the id split and the ids its parts now carry), new,
    retired (an id no person carries any more)."""
    if out.suffix.lower() not in (".csv", ".parquet", ".jsonl"):
        fail(f"--out {out}: use a .csv, .parquet or .jsonl file name", 2)
    if not db.exists():
        fail(f"--db {db}: no such store (run `linkage dedupe ... --db {db}` first)", 1)
    events = read_store(db, lambda con: read_events(con, since))
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".jsonl":
        events.with_columns(pl.col("finished_at").cast(pl.String)).write_ndjson(out)
    else:
        write_table(events.with_columns(pl.col("other_ids").list.join(" ")) if out.suffix.lower() == ".csv" else events, out)
    counts = dict(events.group_by("kind").len().iter_rows())
    out_console.print(
        f"{events.height:,} person events after run {since} "
        f"({', '.join(f'{k} {n:,}' for k, n in sorted(counts.items())) or 'none'}) -> {out}",
        highlight=False,
    )


def explain_cmd(
    record_a: Annotated[str, typer.Argument(help="a record_id")],
    record_b: Annotated[str, typer.Argument(help="another record_id")],
    db: DbOpt = Path("linkage.duckdb"),
    models_dir: ModelsDirOpt = None,
    model: Annotated[str | None, typer.Option(help="score with this model version instead of the run's own")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of text")] = False,
) -> None:
    """Why two records did or did not become one person in the store's last run: blocking, the score
    comparison by comparison, the chain of links or what kept them apart, and what would flip it."""
    if not db.exists():
        fail(f"--db {db}: no such store (run `linkage dedupe ... --db {db}` first)", 1)
    name = read_store(db, last_run_model)
    kept = None if model else read_store(db, run_model)  # a model the run trained on its input
    try:
        saved = kept or resolve_model(model or name, models_dir)
    except ModelError:
        fail(
            f"the run scored with model {name!r}, which is not saved as a version under models/: "
            "pass --model NAME to explain with another",
            1,
        )
    tf = tuple(
        sorted(
            {
                lvl["tf_adjustment_column"]
                for c in saved.splink["comparisons"]
                for lvl in c["comparison_levels"]
                if lvl.get("tf_adjustment_column")
            }
        )
    )
    people = read_store(db, lambda con: load_people(con, [record_a, record_b], (*EXPLAIN_COLUMNS, *COMPARISON_COLUMNS), tf))
    splink = as_run_scored(saved, people.n_records, people.file_rates)
    try:
        answer = explain(
            people.records,
            people.pairs,
            people.reviewed,
            saved,
            people.link_threshold,
            record_a,
            record_b,
            scorer=PairScorer(splink, people.frequencies),
        )
    except LinkageError as e:
        fail(str(e), 1)
    if as_json:
        print(json.dumps(answer.as_dict(), indent=2, default=str))
        return
    lines = [
        f"{record_a} and {record_b}: {answer.decision}",
        "compared by blocking rule(s): " + (", ".join(answer.compared_by) or "none"),
        f"match weight {answer.weight:+.2f} (probability {answer.probability:.4f}; links at {answer.link_threshold})",
    ]
    lines += [f"  {e['comparison']}: {e['level']} ({e['weight']:+.2f})" for e in answer.evidence]
    lines += [f"  link {c['record_l']} - {c['record_r']} ({c['weight']:+.2f})" for c in answer.chain]
    lines += answer.would_flip
    out_console.print("\n".join(lines), highlight=False, soft_wrap=True)


def dedupe(
    records: RecordsArg,
    out: Annotated[Path, typer.Option("--out", help="persons file: record_id, person_id, ... (.csv or .parquet)")],
    db: DbOpt = Path("linkage.duckdb"),
    model: ModelOpt = None,
    models_dir: ModelsDirOpt = None,
    train: Annotated[bool, typer.Option("--train", help="train a new model on these records (no labels)")] = False,
    save_model_as: Annotated[str | None, typer.Option("--save-model", help="with --train: save as models/NAME")] = None,
    quarantine: Annotated[Path | None, typer.Option(help="quarantine file (default: next to --out)")] = None,
    link_threshold: Annotated[float | None, typer.Option(help="override the model's link threshold")] = None,
    review_threshold: Annotated[float | None, typer.Option(help="override the model's review threshold")] = None,
    memory_limit: Annotated[
        str | None, typer.Option(help="DuckDB memory limit for the run, e.g. 4GB (default: a quarter of this machine's memory)")
    ] = None,
    work_dir: WorkDirOpt = None,
    labels: Annotated[
        Path | None, typer.Option(help="truth file (record_id, label): adds blocking recall per rule and precision/recall")
    ] = None,
    blocking_report: Annotated[bool, typer.Option(help="print comparisons (and recall) per blocking rule")] = False,
    fail_on_alarm: Annotated[
        bool, typer.Option(help="exit 3 (after publishing) when a figure moved beyond its bound since the previous run")
    ] = False,
    service_added: Annotated[
        Path | None,
        typer.Option(
            help="the service's added-records export (SERVICE_DB.added.jsonl): records added through the API since the "
            "last run are linked with the input, and their S ids become person ids with 'replaced' events"
        ),
    ] = None,
    engine: Annotated[str, typer.Option(help="duckdb (one machine, writes the store) or spark (Parquet datasets)")] = "duckdb",
    spark_master: Annotated[str, typer.Option(help="--engine spark: master URL; empty when spark-submit sets it")] = "local[2]",
    spark_partitions: Annotated[int, typer.Option(min=1, help="--engine spark: shuffle partitions")] = 8,
    spark_conf: Annotated[list[str] | None, typer.Option(help="--engine spark: KEY=VALUE setting (repeatable)")] = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            help="--engine spark: the previous run's persons dataset, so that "
            "person ids carry over (the DuckDB engine keeps them in its store)"
        ),
    ] = None,
) -> None:
    """Give every real person one cross-program person_id; quarantine rows that cannot be used."""
    started = time.perf_counter()
    check_output(out, "--out")
    quarantine = quarantine or out.with_name(f"{out.stem}.quarantine{out.suffix}")
    check_output(quarantine, "--quarantine")
    check_memory_limit(memory_limit)
    check_thresholds(link_threshold=link_threshold, review_threshold=review_threshold)
    if engine not in ("duckdb", "spark"):
        fail(f"--engine {engine}: use duckdb or spark", 2)
    if previous and engine != "spark":
        fail("--previous is for --engine spark; the DuckDB engine keeps person ids in its store (--db)", 2)
    if engine == "spark":
        if train or labels or blocking_report:
            fail(
                "--train, --labels and --blocking-report run on the DuckDB engine; train a version with "
                "`linkage train` and pass it with --model",
                2,
            )
        dedupe_on_spark(
            records,
            out,
            quarantine,
            model=model,
            models_dir=models_dir,
            link_threshold=link_threshold,
            review_threshold=review_threshold,
            master=spark_master,
            partitions=spark_partitions,
            conf=spark_conf,
            previous=previous,
        )
        return
    if save_model_as:
        if not train:
            fail("--save-model goes with --train (a loaded version is already saved)", 2)
        new_version_path(save_model_as, models_dir)
    config = LinkConfig(
        model=save_model_as if train else model,
        models_dir=models_dir,
        train=train,
        link_threshold=link_threshold,
        review_threshold=review_threshold,
        memory_limit=memory_limit,
        work_dir=work_dir,
    )
    truth = read_labels(labels) if labels else None
    service_ids: dict[str, str] = {}
    if service_added:
        try:
            taken, service_ids = read_added(service_added)
        except InvalidInputError as e:
            fail(str(e), 2)
        added_csv = Path(tempfile.mkdtemp(prefix="linkage_added_", dir=work_dir)) / "service_added.csv"
        taken.write_csv(added_csv)
        records = [*records, added_csv]
    result, summary, run_id = link_and_publish(records, config, db, truth, service_ids)
    if service_added:
        out_console.print(
            f"{len(service_ids):,} records added through the service taken in from {service_added}", highlight=False
        )
    write_table(result.records.select(*PERSONS_FILE_COLUMNS), out)
    write_table(result.quarantine, quarantine)
    if save_model_as:
        result.model.meta.command = " ".join(["linkage", *sys.argv[1:]])
        save_model(result.model, new_version_path(save_model_as, models_dir))
    print_run_summary("dedupe", result, summary, {"persons file": out}, quarantine, db, run_id, time.perf_counter() - started)
    if blocking_report or truth is not None:
        out_console.print("\n".join(result.blocking.lines()), highlight=False, soft_wrap=True)
    if truth is not None:
        from linkage.evaluate import score_clusters

        scores = score_clusters(result.records, truth.rename({truth.columns[1]: "person_key"}))
        out_console.print("against --labels: " + scores.line(), highlight=False, soft_wrap=True)
    exit_on_alarm(summary, fail_on_alarm)


def train_cmd(
    records: RecordsArg,
    name: Annotated[str, typer.Option("--name", help="save as a new version models/NAME")],
    models_dir: ModelsDirOpt = None,
    link_threshold: float = 0.9,
    review_threshold: float = 0.5,
    m_from_review: Annotated[
        Path | None, typer.Option(help="a store whose reviewers' 'match' decisions m-probabilities are estimated from (after EM)")
    ] = None,
    accept_as: Annotated[
        str | None,
        typer.Option(
            "--accept-as",
            help="accept the new version at once, in this person's name (default: a candidate "
            "that `linkage models accept` or the tuning notebook makes the default)",
        ),
    ] = None,
) -> None:
    """Train a model version on records without labels and save it with its card."""
    check_thresholds(link_threshold=link_threshold, review_threshold=review_threshold)
    path = new_version_path(name, models_dir)
    matches = None
    if m_from_review is not None:
        labels = read_store(m_from_review, read_review_labels, code=2)
        matches = labels.filter(pl.col("decision") == MATCH).select("record_id_l", "record_id_r")
        if not matches.height:
            fail(f"--m-from-review {m_from_review}: no reviewer has decided a pair 'match' yet", 2)
    try:
        thresholds = Thresholds(link=link_threshold, review=review_threshold)
        config = LinkConfig(model=name, models_dir=models_dir, train=True, thresholds=thresholds, m_from=matches)
        result = run_with_progress(records, config, {}, 1)
    except InvalidInputError as e:
        fail(str(e), 2)
    except LinkageError as e:
        fail(str(e), 1)
    meta = result.model.meta
    saved = SavedModel(
        result.model.splink,
        ModelMeta(
            name=name,
            created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            trained_on=", ".join(str(p) for p in records),
            command=" ".join(["linkage", *sys.argv[1:]]),
            thresholds=thresholds,
            trained_records=meta.trained_records,
            notes=(
                f"m-probabilities estimated from {matches.height:,} reviewed match pairs ({m_from_review})"
                if matches is not None
                else ""
            ),
        ),
    )
    save_model(saved, path)
    if accept_as:
        accept(name, accept_as, models_dir)
    status = f"accepted by {accept_as}" if accept_as else "a candidate: `linkage models accept` makes it the default"
    out_console.print(f"trained on {result.records.height:,} records; version saved in {path} ({status})")


def new_version_path(name: str, models_dir: Path | None) -> Path:
    try:
        return check_new_name(name, models_dir)
    except ModelError as e:
        fail(str(e), 2)
