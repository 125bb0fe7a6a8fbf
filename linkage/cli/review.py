"""`linkage review export|sample|import|status`: the clerical review of grey-zone pairs, and a
stratified sample of all the run's decisions to estimate its precision and recall."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from linkage import columns as C
from linkage.cli.common import DbOpt, check_output, fail, out_console, write_table
from linkage.errors import LinkageError
from linkage.review.accuracy import Estimates, estimate
from linkage.review.accuracy import notes as describe
from linkage.review.estimates import from_review, threshold_curve
from linkage.review.sample import draw, population
from linkage.review.sheet import RECORD_COLUMNS, parse_sheet, side_by_side
from linkage.store import ensure_schema, load_current, store_connection
from linkage.store.review import (
    StoredSample,
    add_decisions,
    latest_sample,
    next_batch,
    queue_size,
    read_labels,
    record_export,
    save_sample,
)

review_app = typer.Typer(
    no_args_is_help=True,
    help="Clerical review of the pairs between the review and link thresholds: export a batch, import the decisions.",
)


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")


@review_app.command("export")
def export_cmd(
    out: Annotated[Path, typer.Option("--out", help="the reviewer's sheet (.csv or .parquet)")],
    db: DbOpt = Path("linkage.duckdb"),
    limit: Annotated[int, typer.Option(min=1, help="pairs in this batch")] = 200,
    again_after_days: Annotated[
        float, typer.Option(help="a pair sent out and not decided is sent again after this many days")
    ] = 14.0,
) -> None:
    """Write the next batch of undecided pairs side by side (SSNs masked, FVI addresses withheld)."""
    check_output(out, "--out")
    with _store(db) as con:
        batch = next_batch(con, limit, again_after_days)
        records = _current(con, RECORD_COLUMNS, with_pairs=False).records
        sheet = side_by_side(batch, records)
        write_table(sheet, out)
        record_export(con, batch, str(out))
        waiting = queue_size(con)
    out_console.print(
        f"{sheet.height:,} pairs written to {out} ({waiting:,} undecided in the queue); fill the "
        "decision column with match, not a match or unsure and run `linkage review import`",
        highlight=False,
        soft_wrap=True,
    )


@review_app.command("sample")
def sample_cmd(
    out: Annotated[Path, typer.Option("--out", help="the reviewer's sheet (.csv or .parquet)")],
    size: Annotated[int, typer.Option(min=1, help="pairs to draw")] = 300,
    db: DbOpt = Path("linkage.duckdb"),
    seed: Annotated[int | None, typer.Option(help="draw the same sample again (default: a new one, printed)")] = None,
    by_programs: Annotated[bool, typer.Option(help="strata by the two records' programs too")] = True,
) -> None:
    """Draw a stratified random sample of the run's links and near-links for review, without scores
    (blind); once decided and imported, `linkage review status` estimates precision and recall."""
    check_output(out, "--out")
    seed = secrets.randbelow(2**31) if seed is None else seed
    with _store(db) as con:
        run_id = _current(con, (C.RECORD_ID,), with_pairs=False).run_id
        try:
            sample = draw(population(con, by_programs), size, seed)
        except LinkageError as e:
            fail(str(e), 2)
        records = _current(con, RECORD_COLUMNS, with_pairs=False).records
        sheet = side_by_side(sample.pairs.with_columns(held=False), records, blind=True)
        write_table(sheet, out)
        sample_id = save_sample(con, run_id, seed, by_programs, str(out), sample.strata, sample.pairs)
    out_console.print(
        f"sample {sample_id} (seed {seed}): {sheet.height:,} pairs of run {run_id} in "
        f"{sample.strata.height:,} strata written to {out}; fill the decision column with match, "
        "not a match or unsure and run `linkage review import`",
        highlight=False,
        soft_wrap=True,
    )


@review_app.command("import")
def import_cmd(
    sheet: Annotated[Path, typer.Argument(help="a sheet from `linkage review export` with decisions filled")],
    db: DbOpt = Path("linkage.duckdb"),
    reviewer: Annotated[str | None, typer.Option(help="who decided, for rows with no reviewer column value")] = None,
) -> None:
    """Record the decisions (kept forever; the next run never merges a 'not a match')."""
    if not sheet.is_file():
        fail(f"{sheet}: no such file", 2)
    with _store(db) as con:
        known = set(_current(con, (C.RECORD_ID,), with_pairs=False).records[C.RECORD_ID].to_list())
        try:
            parsed = parse_sheet(sheet, known, reviewer)
        except LinkageError as e:
            fail(str(e), 2)
        n = add_decisions(con, parsed.decisions, str(sheet))
        counts = parsed.decisions.group_by("decision").len().sort("decision").rows()
    said = ", ".join(f"{k}: {v:,}" for k, v in counts) or "none"
    out_console.print(f"{n:,} decisions recorded ({said}); {parsed.blank:,} rows left blank", highlight=False)


@review_app.command("status")
def status_cmd(db: DbOpt = Path("linkage.duckdb")) -> None:
    """Queue size, decisions so far, precision/recall of the link threshold on the decided pairs, and
    the estimates with 95% intervals from the last accuracy sample."""
    with _store(db, read_only=True) as con:
        current = _current(con, (C.RECORD_ID,))
        labels = read_labels(con)
        waiting = queue_size(con)
        sample = latest_sample(con)
    out_console.print(
        f"undecided pairs in the queue: {waiting:,}; decided pairs: {labels.height:,} "
        f"({', '.join(f'{k}: {v}' for k, v in labels.group_by('decision').len().sort('decision').rows()) or 'none'})",
        highlight=False,
    )
    scored, matches = from_review(labels, current.pairs)
    if scored.height:
        t = Table(
            "link at",
            "decided pairs linked",
            "precision",
            "recall",
            title="on reviewed pairs only (a sample of the grey zone, not of all links)",
        )
        for thr, n, p, r in threshold_curve(scored, matches).rows():
            t.add_row(f"{thr:g}", f"{n:,}", "-" if p is None else f"{p:.3f}", "-" if r is None else f"{r:.3f}")
        out_console.print(t)
    if sample is not None:
        _print_estimates(sample, estimate(sample.strata, sample.decisions), current.run_id)


def _print_estimates(sample: StoredSample, e: Estimates, current_run: int) -> None:
    t = Table(
        "measure",
        "estimate",
        "95% interval",
        title=f"accuracy sample {sample.sample_id} of run {sample.run_id} (drawn {sample.drawn_at:%Y-%m-%d}, seed {sample.seed})",
    )
    for name, i in (("precision", e.precision), ("recall", e.recall)):
        t.add_row(
            name, "-" if i.estimate is None else f"{i.estimate:.4f}", "-" if i.low is None else f"{i.low:.4f} - {i.high:.4f}"
        )
    out_console.print(t)
    notes = describe(e, sample.run_id, current_run)
    out_console.print("; ".join(notes), highlight=False, soft_wrap=True)


def _current(con, columns: tuple[str, ...], with_pairs: bool = True):
    try:
        return load_current(con, columns, with_pairs)
    except LinkageError as e:
        fail(str(e), 1)


class _store:
    """The store for one command; a store problem ends it with its message."""

    def __init__(self, db: Path, read_only: bool = False):
        self.db, self.read_only = db, read_only

    def __enter__(self):
        try:
            self.con = store_connection(self.db, read_only=self.read_only)
            if not self.read_only:
                ensure_schema(self.con)
            return self.con
        except LinkageError as e:
            fail(str(e), 1)

    def __exit__(self, *exc) -> None:
        self.con.close()
