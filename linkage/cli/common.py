"""What every command shares: consoles, error exits, output files, the linkage run with its progress
bar, and publishing a run to the store."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import duckdb
import polars as pl
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from linkage import columns as C
from linkage.errors import InvalidInputError, LinkageError, StoreError
from linkage.ingest.service_added import replaced_events
from linkage.model import model_json
from linkage.model.file_rates import describe as describe_rates
from linkage.persons import FITS_TWO
from linkage.persons.ids import event_rows
from linkage.pipeline import LinkConfig, LinkResult, link
from linkage.report.quality import alarms, figures
from linkage.spreadsheet import neutralize
from linkage.standardize.cut_surnames import summary_line
from linkage.standardize.default_dates import DefaultDates
from linkage.standardize.profile import FileProfile
from linkage.store import (
    RunOutput,
    begin_run,
    ensure_schema,
    fail_run,
    previous_person_ids,
    publish_run,
    store_connection,
)
from linkage.store.connect import check_memory_limit as store_check_memory_limit
from linkage.store.review import read_labels as read_review_labels

T = TypeVar("T")
out_console = Console(width=110)
err_console = Console(stderr=True)

STAGES = ["read and validate", "standardize", "block", "load model", "score", "cluster", "assign ids"]
OUTPUT_SUFFIXES = (".csv", ".parquet")
PERSONS_FILE_COLUMNS = (C.RECORD_ID, C.PERSON_ID, C.SOURCE_SYSTEM, C.CASE_ID, C.ROLE)

RecordsArg = Annotated[list[Path], typer.Argument(help="CSV or Parquet files in the schema's columns")]
DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB store")]
ModelOpt = Annotated[
    str | None,
    typer.Option("--model", help="model version under models/ or a model directory (default: the latest accepted version)"),
]
WorkDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--work-dir",
        exists=True,
        file_okay=False,
        dir_okay=True,
        writable=True,
        help="where a run keeps its standardized records and DuckDB spills (default: the system's temp "
        "directory; about 0.13 GB per million records, more when DuckDB spills)",
    ),
]
ModelsDirOpt = Annotated[
    Path | None,
    typer.Option("--models-dir", envvar="LINKAGE_MODELS_DIR", help="where model versions live (default: the project's models/)"),
]


def fail(message: str, code: int) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def check_output(path: Path, what: str) -> None:
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        fail(f"{what} {path}: use a .csv or .parquet file name", 2)


def check_thresholds(**values: float | None) -> None:
    for name, value in values.items():
        if value is not None and not 0 < value < 1:
            fail(f"--{name.replace('_', '-')} {value}: a match probability strictly between 0 and 1", 2)


def check_memory_limit(value: str | None) -> None:
    if value is not None:
        try:
            store_check_memory_limit(value)
        except StoreError as e:
            fail(f"--memory-limit {value}: {e}", 2)


def write_table(df: pl.DataFrame, path: Path) -> None:
    """Parquet as it is; CSV with formula-like cells made inert for spreadsheets (`linkage.spreadsheet`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        df.write_parquet(path)
    else:
        neutralize(df).write_csv(path)


def read_labels(path: Path) -> pl.DataFrame:
    try:
        df = pl.read_parquet(path) if path.suffix.lower() == ".parquet" else pl.read_csv(path, infer_schema=False)
    except Exception as e:  # noqa: BLE001
        fail(f"--labels {path}: cannot be read: {e}", 2)
    if "record_id" not in df.columns or df.width < 2:
        fail(f"--labels {path}: needs a record_id column and a label column", 2)
    label = next(c for c in df.columns if c != "record_id")
    return df.select(pl.col("record_id").cast(pl.String), pl.col(label).cast(pl.String))


def run_with_progress(
    records: list[Path],
    config: LinkConfig,
    previous: pl.DataFrame | dict[str, str],
    next_seq: int,
    labels: pl.DataFrame | None = None,
    reviewed: pl.DataFrame | None = None,
) -> LinkResult:
    with Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=not err_console.is_terminal,
    ) as bar:
        task = bar.add_task("starting", total=len(STAGES))

        def progress(stage: str) -> None:
            at = "load model" if stage == "train" else stage  # a person list trains where a model would load
            done = STAGES.index(at) if at in STAGES else 0
            bar.update(task, description=stage, completed=done)

        result = link(records, config, previous, next_seq, progress, labels, reviewed)
        bar.update(task, description="done", completed=len(STAGES))
    return result


def read_store(db: Path, read: Callable[[duckdb.DuckDBPyConnection], T], code: int = 1) -> T:
    """Open the store read-only for one read; a store problem ends the command with its message."""
    try:
        con = store_connection(db, read_only=True)
        try:
            return read(con)
        finally:
            con.close()
    except LinkageError as e:
        fail(str(e), code)


def link_and_publish(
    records: list[Path],
    config: LinkConfig,
    db: Path,
    labels: pl.DataFrame | None = None,
    service_ids: dict[str, str] | None = None,
) -> tuple[LinkResult, dict, int]:
    """Run the person linkage and publish it to the store as one run; exit 2 on unusable input."""
    try:
        con = store_connection(db)
    except LinkageError as e:
        fail(str(e), 1)
    ensure_schema(con)
    previous, next_seq = previous_person_ids(con)
    reviewed = read_review_labels(con)
    before = previous_quality(con)
    run_id = begin_run(con, " ".join(["linkage", *sys.argv[1:]]), [str(p) for p in records])
    try:
        result = run_with_progress(records, config, previous, next_seq, labels, reviewed)
        summary = result.summary()
        summary["quality"] = figures(
            result.records,
            result.pairs,
            result.thresholds.link,
            {r.name: r.pairs for r in result.blocking.rules},
            dict(Counter(result.quarantine[C.QUARANTINE_REASON].to_list())),
            summary["fields_blanked"],
        )
        summary["alarms"] = alarms(before, summary["quality"])
        events = pl.concat([event_rows(result.ids), replaced_events(result.records, service_ids or {})])
        publish_run(
            con,
            run_id,
            RunOutput(
                result.records,
                result.quarantine,
                result.pairs,
                events,
                result.ids.next_seq,
                result.model.meta.name,
                summary,
                result.blanked,
                result.below_review,
                result.below_review_every,
                model_json(result.model) if result.trained_here else None,
            ),
        )
    except InvalidInputError as e:
        fail_run(con, run_id, str(e))
        fail(str(e), 2)
    except LinkageError as e:
        fail_run(con, run_id, str(e))
        fail(str(e), 1)
    finally:
        con.close()
    return result, summary, run_id


def previous_quality(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The figures of the last complete run (None: no run, or one from before they were kept)."""
    rows = con.execute("SELECT summary FROM runs WHERE status = 'complete' ORDER BY run_id DESC LIMIT 1").fetchall()
    return json.loads(rows[0][0] or "{}").get("quality") if rows else None


def exit_on_alarm(summary: dict, fail_on_alarm: bool) -> None:
    """--fail-on-alarm: the run is published, and the command ends with status 3 if it raised alarms."""
    if fail_on_alarm and summary.get("alarms"):
        err_console.print(
            f"[bold red]alarm:[/] {len(summary['alarms'])} figure(s) moved beyond their bounds "
            "since the previous run (listed above); the run is published",
            highlight=False,
        )
        raise typer.Exit(3)


def print_run_summary(
    command: str, result: LinkResult, s: dict, outputs: dict[str, Path], quarantine: Path, db: Path, run_id: int, seconds: float
) -> None:
    """The person stage's counts; they reconcile: rows read = linked + quarantined."""
    t = Table(title=f"run {run_id}: linkage {command}", show_header=False, title_justify="left")
    t.add_row("rows read", f"{s['rows_read']:,}")
    t.add_row("  linked", f"{s['rows_linked']:,}")
    t.add_row("  quarantined", f"{s['rows_quarantined']:,}" + (f"  -> {quarantine}" if s["rows_quarantined"] else ""))
    t.add_row("fields blanked (record linked on the rest)", f"{sum(s['fields_blanked'].values()):,}")
    profile = s.get("profile") or {}
    t.add_row("file", FileProfile.from_dict(profile).describe(bool(profile.get("trained_on_file"))))
    t.add_row("birth dates the file uses for unknown", DefaultDates.from_dict(s.get("default_dates")).describe())
    t.add_row("names read turned round (a surname in the first-name field)", f"{s.get('names_turned_round', 0):,}")
    t.add_row("surnames cut by a fixed-width field", summary_line(s))
    t.add_row("wholly different values read from the file", describe_rates(result.model.splink, s.get("file_rates") or {}))
    t.add_row("persons", f"{s['persons']:,}")
    t.add_row("  found in more than one program", f"{s['persons_multi_program']:,}")
    t.add_row("  ids kept from the last run / new", f"{s['ids_kept']:,} / {s['ids_new']:,}")
    t.add_row("  merges / splits since the last run", f"{s['merges']:,} / {s['splits']:,}")
    t.add_row("candidate pairs compared", f"{s['candidate_pairs']:,}")
    refused = dict(s["links_refused_by_rules"])
    in_doubt = refused.pop(FITS_TWO, 0)
    t.add_row("links refused by never-merge rules", f"{sum(refused.values()):,}")
    t.add_row("links not taken: record fits two people of one case", f"{in_doubt:,}")
    t.add_row("parents and children linked through family", f"{s['family_merges']:,}")
    t.add_row(
        "model",
        escape(f"{s['model']} [{s['model_digest']}]")
        + f" (link >= {s['thresholds']['link']}, review >= {s['thresholds']['review']})",
    )
    t.add_row("time", f"{seconds:.1f} s")
    t.add_row("alarms (against the previous run)", "; ".join(s.get("alarms") or []) or "none")
    for label, path in outputs.items():
        t.add_row(label, str(path))
    t.add_row("store", str(db))
    out_console.print(t)
    if result.quarantine.height:
        reasons = result.quarantine.group_by(C.QUARANTINE_REASON).len().sort("len", descending=True).head(5)
        for reason, n in reasons.iter_rows():
            out_console.print(f"  quarantined {n:,}: {reason}", highlight=False, soft_wrap=True)
    print_blanked(s)


def print_blanked(summary: dict) -> None:
    """The five commonest reasons fields were blanked, under a run's table (both engines)."""
    for reason, n in sorted(summary["fields_blanked"].items(), key=lambda kv: -kv[1])[:5]:
        out_console.print(f"  blanked {n:,}: {reason}", highlight=False, soft_wrap=True)
