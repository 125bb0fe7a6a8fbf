"""`linkage` command line: dedupe, train. Reads files and flags; the work is in `linkage.pipeline`."""
from __future__ import annotations

import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Optional

import polars as pl
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from linkage import columns as C
from linkage.errors import InvalidInputError, LinkageError
from linkage.model import ModelMeta, SavedModel, Thresholds, default_models_dir, save_model
from linkage.pipeline import LinkConfig, LinkResult, link
from linkage.store import (
    RunOutput,
    begin_run,
    ensure_schema,
    fail_run,
    previous_person_ids,
    publish_run,
    store_connection,
)

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_show_locals=False,
                  help="Find the same person across IV-A, IV-D and IV-E program records.")
out_console = Console(width=110)
err_console = Console(stderr=True)

STAGES = ["read and validate", "standardize", "block", "load model", "score", "cluster", "assign ids"]
OUTPUT_SUFFIXES = (".csv", ".parquet")

RecordsArg = Annotated[list[Path], typer.Argument(help="CSV or Parquet files in the schema's columns")]
DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB store")]
ModelOpt = Annotated[str, typer.Option("--model", help="model name under models/ or a model directory")]


def _fail(message: str, code: int) -> None:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _check_output(path: Path, what: str) -> None:
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        _fail(f"{what} {path}: use a .csv or .parquet file name", 2)


def write_table(df: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        df.write_parquet(path)
    else:
        df.write_csv(path)


def _read_labels(path: Path) -> pl.DataFrame:
    try:
        df = pl.read_parquet(path) if path.suffix.lower() == ".parquet" else pl.read_csv(path, infer_schema=False)
    except Exception as e:  # noqa: BLE001
        _fail(f"--labels {path}: cannot be read: {e}", 2)
    if "record_id" not in df.columns or df.width < 2:
        _fail(f"--labels {path}: needs a record_id column and a label column", 2)
    label = next(c for c in df.columns if c != "record_id")
    return df.select(pl.col("record_id").cast(pl.String), pl.col(label).cast(pl.String))


def _run_with_progress(records: list[Path], config: LinkConfig, previous: dict[str, str],
                       next_seq: int, labels: pl.DataFrame | None = None) -> LinkResult:
    stages = [("train" if config.train and s == "load model" else s) for s in STAGES]
    with Progress(TextColumn("{task.description:<22}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=err_console, transient=not err_console.is_terminal) as bar:
        task = bar.add_task("starting", total=len(stages))

        def progress(stage: str) -> None:
            done = stages.index(stage) if stage in stages else 0
            bar.update(task, description=stage, completed=done)

        result = link(records, config, previous, next_seq, progress, labels)
        bar.update(task, description="done", completed=len(stages))
    return result


@app.command()
def dedupe(
    records: RecordsArg,
    out: Annotated[Path, typer.Option("--out", help="persons file: record_id, person_id, ... (.csv or .parquet)")],
    db: DbOpt = Path("linkage.duckdb"),
    model: ModelOpt = "default",
    train: Annotated[bool, typer.Option("--train", help="train a new model on these records (no labels)")] = False,
    save_model_as: Annotated[Optional[str], typer.Option("--save-model", help="with --train: save as models/NAME")] = None,
    quarantine: Annotated[Optional[Path], typer.Option(help="quarantine file (default: next to --out)")] = None,
    link_threshold: Annotated[Optional[float], typer.Option(help="override the model's link threshold")] = None,
    review_threshold: Annotated[Optional[float], typer.Option(help="override the model's review threshold")] = None,
    memory_limit: Annotated[str, typer.Option(help="DuckDB memory limit for the run")] = "3GB",
    labels: Annotated[Optional[Path], typer.Option(
        help="truth file (record_id, label): adds blocking recall per rule and precision/recall")] = None,
    blocking_report: Annotated[bool, typer.Option(help="print comparisons (and recall) per blocking rule")] = False,
) -> None:
    """Give every real person one cross-program person_id; quarantine rows that cannot be used."""
    started = time.perf_counter()
    _check_output(out, "--out")
    quarantine = quarantine or out.with_name(f"{out.stem}.quarantine{out.suffix}")
    _check_output(quarantine, "--quarantine")
    for name, value in (("--link-threshold", link_threshold), ("--review-threshold", review_threshold)):
        if value is not None and not 0 < value < 1:
            _fail(f"{name} {value}: a match probability strictly between 0 and 1", 2)
    config = LinkConfig(model=model, train=train, link_threshold=link_threshold, review_threshold=review_threshold,
                        memory_limit=memory_limit)
    try:
        con = store_connection(db)
    except LinkageError as e:
        _fail(str(e), 1)
    truth = _read_labels(labels) if labels else None
    ensure_schema(con)
    previous, next_seq = previous_person_ids(con)
    run_id = begin_run(con, " ".join(["linkage", *sys.argv[1:]]), [str(p) for p in records])
    try:
        result = _run_with_progress(records, config, previous, next_seq, truth)
        summary = result.summary()
        publish_run(con, run_id, RunOutput(result.records, result.quarantine, result.pairs, result.ids.events,
                                           result.ids.next_seq, result.model.meta.name, summary))
    except InvalidInputError as e:
        fail_run(con, run_id, str(e))
        _fail(str(e), 2)
    except LinkageError as e:
        fail_run(con, run_id, str(e))
        _fail(str(e), 1)
    finally:
        con.close()
    write_table(result.records.select(C.RECORD_ID, C.PERSON_ID, C.SOURCE_SYSTEM, C.CASE_ID, C.ROLE), out)
    write_table(result.quarantine, quarantine)
    if train and save_model_as:
        save_model(result.model, default_models_dir() / save_model_as)
    _print_summary(result, summary, out, quarantine, db, run_id, time.perf_counter() - started)
    if blocking_report or truth is not None:
        out_console.print("\n".join(result.blocking.lines()), highlight=False, soft_wrap=True)
    if truth is not None:
        from linkage.evaluate import score_clusters

        scores = score_clusters(result.records, truth.rename({truth.columns[1]: "person_key"}))
        out_console.print("against --labels: " + scores.line(), highlight=False, soft_wrap=True)


@app.command("train")
def train_cmd(
    records: RecordsArg,
    name: Annotated[str, typer.Option("--name", help="save as models/NAME")],
    models_dir: Annotated[Optional[Path], typer.Option(help="where models live")] = None,
    link_threshold: float = 0.9,
    review_threshold: float = 0.5,
) -> None:
    """Train a model on records without labels and save it with its card."""
    try:
        thresholds = Thresholds(link=link_threshold, review=review_threshold)
        config = LinkConfig(model=name, train=True, thresholds=thresholds)
        result = _run_with_progress(records, config, {}, 1)
    except InvalidInputError as e:
        _fail(str(e), 2)
    except LinkageError as e:
        _fail(str(e), 1)
    meta = result.model.meta
    saved = SavedModel(result.model.splink, ModelMeta(
        name=name, created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        trained_on=", ".join(str(p) for p in records), command=" ".join(["linkage", *sys.argv[1:]]),
        thresholds=thresholds, trained_records=meta.trained_records))
    path = save_model(saved, (models_dir or default_models_dir()) / name)
    out_console.print(f"trained on {result.records.height:,} records; model saved in {path}")


def _print_summary(result: LinkResult, s: dict, out: Path, quarantine: Path, db: Path, run_id: int,
                   seconds: float) -> None:
    t = Table(title=f"run {run_id}: linkage dedupe", show_header=False, title_justify="left")
    t.add_row("rows read", f"{s['rows_read']:,}")
    t.add_row("  linked", f"{s['rows_linked']:,}")
    t.add_row("  quarantined", f"{s['rows_quarantined']:,}" + (f"  -> {quarantine}" if s["rows_quarantined"] else ""))
    t.add_row("persons", f"{s['persons']:,}")
    t.add_row("  found in more than one program", f"{s['persons_multi_program']:,}")
    t.add_row("  ids kept from the last run / new", f"{s['ids_kept']:,} / {s['ids_new']:,}")
    t.add_row("  merges / splits since the last run", f"{s['merges']:,} / {s['splits']:,}")
    t.add_row("candidate pairs compared", f"{s['candidate_pairs']:,}")
    t.add_row("links refused by never-merge rules", f"{sum(s['links_refused_by_rules'].values()):,}")
    t.add_row("parents and children linked through family", f"{s['family_merges']:,}")
    t.add_row("model", f"{s['model']} (link >= {s['thresholds']['link']}, review >= {s['thresholds']['review']})")
    t.add_row("time", f"{seconds:.1f} s")
    t.add_row("persons file", str(out))
    t.add_row("store", str(db))
    out_console.print(t)
    if result.quarantine.height:
        reasons = result.quarantine.group_by(C.QUARANTINE_REASON).len().sort("len", descending=True).head(5)
        for reason, n in reasons.iter_rows():
            out_console.print(f"  quarantined {n:,}: {reason}", highlight=False, soft_wrap=True)


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
